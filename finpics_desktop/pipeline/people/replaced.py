"""People stay with a photo whose original is replaced.

A photo replaced by another content (``upload --on-conflict replace``, the window's *Replace*,
a ``push`` of a changed photo -- a rotated or retouched original) is processed as a new one:
its faces get new ids, and the names, rejections and drawn faces of its old faces would be
left behind. So before the original is replaced its old faces are remembered in the private
store, and once the new item is there they are carried onto the new faces by box (the old
vectors are gone with the old faces; see :mod:`~finpics_desktop.pipeline.people.carry`): on the
library, whose processing runs in the publishing job, at the end of the job (once for all the
photos it replaced); on the cloud, whose processing function cannot read the private store, by
the next people action, ``reindex`` or ``check --repair`` once the function has processed the
new original.
"""

from __future__ import annotations

import contextlib
import time

from finpics_desktop.domain.errors import WriteConflict
from finpics_desktop.domain.keys import parse_key
from finpics_desktop.domain.people import Person
from finpics_desktop.pipeline.people.carry import Carrier, NotCarried
from finpics_desktop.pipeline.people.proposals import SURE_FROM
from finpics_desktop.pipeline.people.records import PENDING
from finpics_desktop.ports import Backend, PrivateDoc


def remember(album: Backend, key: str, item: dict | None) -> None:
    """Keep the faces of the photo item about to be replaced (none kept: nothing to carry)."""
    faces = [r["Face"] for r in ((item or {}).get("data") or {}).get("FaceRecords") or []]
    if faces and album.private is not None:
        album.private.put(PENDING, key, {"faces": faces, "at": time.time()})


def remembered_face_ids(doc: PrivateDoc) -> list[str]:
    """The FaceIds a photo had before it was replaced, as :func:`remember` kept them."""
    return [f["FaceId"] for f in doc.doc["faces"]]


def _by_person(carrier: Carrier, old: list[dict], new: list[dict]) -> dict[str, dict]:
    """Named old faces paired with the new face most alike to their person (SearchUsers: the
    person's named faces together), at least :data:`SURE_FROM`: a rotated or re-framed original
    moves every box, not the person's face."""
    found: dict[str, dict] = {}
    free = {f["FaceId"]: f for f in new}
    for face in old:
        named = carrier.named.get(face["FaceId"])
        if named is None or not free:
            continue
        person = Person(named.doc["person"], carrier.names.get(named.doc["person"], ""))
        best, score = max(carrier.people.similarities(person, list(free)).items(),
                          key=lambda kv: kv[1])
        if score >= SURE_FROM:
            found[face["FaceId"]] = free.pop(best)
    return found


def settle(album: Backend, keys: list[str] | None = None) -> list[NotCarried]:
    """Carry the people's records of replaced photos whose new item is there (all of them, or
    those of ``keys``); what could not be carried. A photo not processed yet stays pending."""
    if album.private is None:
        return []
    pending = [d for d in album.private.query(PENDING) if keys is None or d.sk in keys]
    carrier = Carrier(album) if pending else None
    missed: list[NotCarried] = []
    for doc in pending:
        photo = parse_key(doc.sk)
        old = doc.doc["faces"]
        item = album.tables.get_pics_item(photo.picset, photo.name)
        if item is not None:
            new = [r["Face"] for r in item["data"].get("FaceRecords") or []]
            if {f["FaceId"] for f in new} == {f["FaceId"] for f in old}:
                continue  # the cloud has not processed the new original yet
            missed += carrier.carry(photo.image_path, old, new, comparable=False,
                                    known=_by_person(carrier, old, new))[1]
            carrier.forget([f["FaceId"] for f in old
                            if f["FaceId"] not in {f["FaceId"] for f in new}])
        elif album.store.head(album.names.pics_bucket, doc.sk) is not None:
            continue  # stored, not processed yet
        with contextlib.suppress(WriteConflict):  # settled by another run meanwhile
            album.private.delete(PENDING, doc.sk, if_version=doc.version)
    return missed
