"""Strangers: faces the curator ignored ("Ignore this person": a passer-by in the background, a
face on a poster). An ignored face is a rejection for anyone -- the private store's ``reject``
record ``anyone/<FaceId>`` (:data:`~finpics_desktop.pipeline.people.records.ANYONE`) -- so it
lives with the album's names and goes where a rejection goes: carried by ``reindex`` and by a
replaced original, let go by ``check --repair`` with its photo. It is never proposed for anyone
and never among the unnamed faces' groups; it is still found by search (a click on it), and it
can be brought back (:func:`unignore`). Naming it ends the ignoring (it was someone after all).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence

from finpics_desktop.domain.errors import NotFound
from finpics_desktop.pipeline.people.naming import Located, Outcome, People
from finpics_desktop.pipeline.people.photo_lock import PhotoBusy
from finpics_desktop.pipeline.people.records import ANYONE, FACE, PERSON, REJECT
from finpics_desktop.pipeline.people.undo import Snapshot
from finpics_desktop.ports import PrivateStore

IGNORED = "ignored"  # what an Outcome's ``person`` says for an ignored face


def ignored_ids(private: PrivateStore) -> set[str]:
    """The FaceIds the curator ignored."""
    return {d.sk.split("/", 1)[1] for d in private.query(REJECT, f"{ANYONE}/")}


def ignore(people: People, face_ids: Sequence[str]) -> list[Outcome]:
    """Ignore these faces for good (never proposed, never grouped). A face not in a photo of
    the album, or named (remove its name first), is refused with the reason; one ignored
    already is left as it is."""
    where = people.locate(face_ids)
    outcomes = []
    for face_id in dict.fromkeys(face_ids):
        if face_id not in where:
            outcomes.append(Outcome(face_id, IGNORED, error="not in a photo of this album"))
            continue
        try:
            with people.holding(where[face_id], "ignoring"):
                named = people.private.get(FACE, face_id)
                person = people.private.get(PERSON, named.doc["person"]) if named else None
                if person is not None:
                    outcomes.append(Outcome(
                        face_id, IGNORED, error=f"it is named {person.doc['name']}: remove "
                        "its name first (U in the viewer) to ignore it"))
                    continue
                if people.private.get(REJECT, f"{ANYONE}/{face_id}") is None:
                    people.private.put(REJECT, f"{ANYONE}/{face_id}", {"at": time.time()})
        except (NotFound, PhotoBusy) as e:
            outcomes.append(Outcome(face_id, IGNORED, error=str(e)))
            continue
        outcomes.append(Outcome(face_id, IGNORED))
    return outcomes


def unignore(people: People, face_ids: Sequence[str]) -> list[Outcome]:
    """Stop ignoring these faces: they are unnamed faces again, grouped and proposed. A face
    that was not ignored is refused with the reason."""
    where = people.locate(face_ids)
    outcomes = []
    for face_id in dict.fromkeys(face_ids):
        try:  # under the photo's lock: a re-index under way would carry the record back
            with (people.holding(where[face_id], "bringing back") if face_id in where
                  else contextlib.nullcontext()):
                doc = people.private.get(REJECT, f"{ANYONE}/{face_id}")
                if doc is not None:
                    people.private.delete(REJECT, doc.sk)
        except (NotFound, PhotoBusy) as e:
            outcomes.append(Outcome(face_id, IGNORED, error=str(e)))
            continue
        outcomes.append(Outcome(face_id, IGNORED, error=None if doc else "it is not ignored"))
    return outcomes


def ignored_faces(people: People) -> list[tuple[Located, float]]:
    """The ignored faces still in a photo of the album, and when each was ignored: the latest
    first."""
    docs = {d.sk.split("/", 1)[1]: d for d in people.private.query(REJECT, f"{ANYONE}/")}
    where = people.locate(docs)
    found = [(where[f], float(d.doc.get("at") or 0.0)) for f, d in docs.items() if f in where]
    return sorted(found, key=lambda s: (-s[1], s[0].image_path, s[0].face_id))


def snapshot(people: People, face_ids: Sequence[str]) -> Snapshot:
    """The records ignoring these faces (or bringing them back) changes -- their rejection for
    anyone -- with their names, for Ctrl+Z to write back
    (:func:`~finpics_desktop.pipeline.people.undo.undo`)."""
    faces, rejects = {}, {}
    for face_id in dict.fromkeys(face_ids):
        named = people.private.get(FACE, face_id)
        faces[face_id] = dict(named.doc) if named else None
        doc = people.private.get(REJECT, f"{ANYONE}/{face_id}")
        if doc is not None:
            rejects[doc.sk] = dict(doc.doc)
    return Snapshot(faces=faces, rejects=rejects)
