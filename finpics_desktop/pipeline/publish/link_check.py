"""``check`` of the records that make a library picset and its cloud copy one album
(``pipeline/curation/identity``, ``pipeline/publish/links``), in the album checked:

- ``stray-identity``: a picset's identity record whose picset the album no longer has, neither
  in its list nor in its trash (deleted for good) -> the record is deleted;
- ``shared-identity``: two picsets of the album with one identity (a copied database, a rename
  killed before it finished) -> the one no link names gets an identity of its own;
- ``dangling-link``: a link (the library's record of its last push or pull) whose library
  picset is gone for good -> said: its cloud copy is the copy of nothing in this library now
  (``push PICSET`` deletes it on the cloud); repaired by forgetting the link.
"""

from __future__ import annotations

import uuid

from finpics_desktop.pipeline.curation.identity import IDENTITY
from finpics_desktop.pipeline.curation.trash import TRASH
from finpics_desktop.pipeline.problems import Problem
from finpics_desktop.pipeline.publish.links import LINK, Link
from finpics_desktop.ports import Backend

STRAY, SHARED, DANGLING = "stray-identity", "shared-identity", "dangling-link"
KINDS = (STRAY, SHARED, DANGLING)


def _there(backend: Backend, picset: str, trashed: set[str]) -> bool:
    return (picset in trashed or backend.records.picset(picset) is not None
            or bool(backend.records.photo_names(picset)))


def scan(backend: Backend) -> list[Problem]:
    private = backend.private
    if private is None:
        return []
    trashed = {d.doc.get("picset") for d in private.query(TRASH)}
    owners: dict[str, list[str]] = {}
    found = []
    for doc in private.query(IDENTITY):
        if _there(backend, doc.sk, trashed):
            owners.setdefault(doc.doc.get("uid"), []).append(doc.sk)
        else:
            found.append(Problem(STRAY, doc.sk, "the identity of a picset this album no longer "
                                 "has (deleted for good)"))
    links = [Link.of(d.doc) for d in private.query(LINK)]
    linked = {link.library_picset for link in links}
    for picsets in owners.values():
        keep = next((p for p in picsets if p in linked), min(picsets))
        found += [Problem(SHARED, p, f"has the identity of {keep} too: a push could take one "
                          "for the other") for p in picsets if p != keep]
    for link in links:
        if link.uid not in owners and not _there(backend, link.library_picset, trashed):
            found.append(Problem(DANGLING, link.library_picset,
                                 f"linked to the cloud's {link.cloud_picset}, but this library "
                                 "no longer has the picset (deleted for good): `push "
                                 f"{link.library_picset}` deletes the cloud's copy, --repair "
                                 "forgets the link and leaves the cloud as it is"))
    return found


def repair(backend: Backend, problem: Problem) -> None:
    private = backend.private
    if problem.kind == STRAY:
        private.delete(IDENTITY, problem.subject)
    elif problem.kind == SHARED:
        private.put(IDENTITY, problem.subject, {"uid": uuid.uuid4().hex})
    elif problem.kind == DANGLING:
        for doc in private.query(LINK):
            if Link.of(doc.doc).library_picset == problem.subject:
                private.delete(LINK, doc.sk)
