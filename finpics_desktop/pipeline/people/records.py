"""Where the people's records live: the private store's partitions (beside the contract, where
the public site cannot read). Every module of people names them from here (the records that
follow a photo when curation moves it, regions and removed faces, are curation's to move:
:mod:`~finpics_desktop.pipeline.curation.follow`)."""

from finpics_desktop.pipeline.curation.follow import REGIONS, REMOVED

PERSON, NAME, FACE, REJECT, DRAWN = "person", "person-name", "face", "reject", "face-drawn"
MERGED = "person-merged"  # person id -> whom they were merged into
PENDING = "replaced"  # photo key -> its faces before its original was replaced
ANYONE = "anyone"  # REJECT ``anyone/<FaceId>``: the face is no one to name -- a stranger the
#                    curator ignored, never proposed or grouped (a person id is ``p-<uuid>``)

__all__ = ["ANYONE", "DRAWN", "FACE", "MERGED", "NAME", "PENDING", "PERSON", "REGIONS", "REJECT",
           "REMOVED"]
