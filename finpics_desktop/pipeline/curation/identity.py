"""A picset's stable identity: a random id given once, kept in the album's private store (the
library's database, the cloud's private table -- never table ``pics``, whose items the public
site reads) under the picset's id, and carried along when the picset is renamed or renumbered
(the rename's last phase moves it). A library picset and its copy on the cloud have the same
identity (``pipeline/publish/links``): that, not the id or the title, says they are one album in
two places."""

from __future__ import annotations

import uuid

from finpics_desktop.domain.errors import WriteConflict
from finpics_desktop.ports import PrivateStore

IDENTITY = "picset-identity"  # partition; sort key: the picset id; doc: {"uid"}


def identity_of(private: PrivateStore, picset: str) -> str | None:
    """The identity of ``picset``, None if it was never given one."""
    doc = private.get(IDENTITY, picset)
    return doc.doc.get("uid") if doc is not None else None


def give_identity(private: PrivateStore, picset: str, uid: str | None = None) -> str:
    """The identity of ``picset``: ``uid`` (written over any other), else the one it has, else a
    new one."""
    if uid is None:
        found = identity_of(private, picset)
        if found is not None:
            return found
        uid = uuid.uuid4().hex
        try:
            private.put(IDENTITY, picset, {"uid": uid}, if_version=0)
        except WriteConflict:  # another writer gave it one first: that one
            return identity_of(private, picset) or give_identity(private, picset)
        return uid
    if identity_of(private, picset) != uid:
        private.put(IDENTITY, picset, {"uid": uid})
    return uid


def picsets_with_identity(private: PrivateStore, uid: str) -> list[str]:
    """The picsets that have identity ``uid`` now (one, whose id may have changed since; a
    picset deleted to the trash keeps its record, for a restore)."""
    return [doc.sk for doc in private.query(IDENTITY) if doc.doc.get("uid") == uid]


def follow_rename(private: PrivateStore, old: str, new: str) -> None:
    """``old`` is called ``new`` now: its identity goes with it (done again after a kill, it
    finds it done)."""
    uid = identity_of(private, old)
    if uid is None:
        return
    if identity_of(private, new) != uid:
        private.put(IDENTITY, new, {"uid": uid})
    private.delete(IDENTITY, old)


def forget_identity(private: PrivateStore, picset: str) -> None:
    """``picset`` is gone for good (its trash emptied): its identity record goes too."""
    if identity_of(private, picset) is not None:
        private.delete(IDENTITY, picset)
