"""Where the people's records live: the private store's partitions (beside the contract, where
the public site cannot read). Every module of people names them from here."""

PERSON, NAME, FACE, REJECT, DRAWN = "person", "person-name", "face", "reject", "face-drawn"
MERGED = "person-merged"  # person id -> whom they were merged into
PENDING = "replaced"  # photo key -> its faces before its original was replaced
ANYONE = "anyone"  # REJECT ``anyone/<FaceId>``: the face is no one to name -- a stranger the
#                    curator ignored, never proposed or grouped (a person id is ``p-<uuid>``)
