"""The curator's records that belong to a photo rather than to one of its faces, and follow it
wherever a curation action puts it: regions named by hand where no face was found (no FaceId
to follow), and faces the curator removed (kept by their box, so that ``reindex`` never brings
them back). Each is a document of the private store whose ``key`` is the photo's object key
(``photos/<picset>/<file>``); :func:`follow` points them at the photo's new key when a move, a
rename or an order puts it there (:func:`~finpics_desktop.pipeline.curation.photos.place`,
re-run when a killed action is completed: it is idempotent), and back when it is rolled back.
A photo in the trash keeps them under its key, where a restore puts it again."""

from __future__ import annotations

from finpics_desktop.ports import PrivateStore

REGIONS = "face-region"  # region id -> {"person", "key", "box", "at"}
REMOVED = "face-removed"  # FaceId -> {"key", "box", "record", "person", "drawn", "at"}
FOLLOWING = (REGIONS, REMOVED)


def follow(private: PrivateStore | None, old_key: str, new_key: str) -> int:
    """Point the records of the photo at ``old_key`` at ``new_key``; how many moved."""
    if private is None or old_key == new_key:
        return 0
    moved = 0
    for pk in FOLLOWING:
        for doc in private.query(pk):
            if doc.doc.get("key") == old_key:
                private.put(pk, doc.sk, {**doc.doc, "key": new_key})
                moved += 1
    return moved
