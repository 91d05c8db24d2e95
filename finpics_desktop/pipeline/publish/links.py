"""A library picset and its copy on a cloud: one album in two places.

*Which* cloud picset is the copy is said by the picsets' stable identity
(``pipeline/curation/identity``): the library picset and the cloud picset have the same one,
each in its album's private store, and a rename or renumbering on either side carries it along.

*What both had* when they last agreed -- the last push (or pull) -- is the link's **base**,
kept in the library's own records (its private store, partition :data:`LINK`): the ids of the
two picsets, their featured photos, and the photos paired, each side's name and content hash
(the library's file, the cloud's published copy -- they differ when the copy left the location
out). A push compares each side with the base: what changed in the library since is brought to
the cloud, what changed on the cloud since (another laptop, the CLI on the cloud) is shown and
left to the curator (``pipeline/publish/sync``). The base lives with the library, not on the
cloud: each laptop has its own last agreement with the cloud, as a clone has its remote's.

:func:`record_link` is what ``pull`` calls once it has brought a cloud picset into the library.
"""

from __future__ import annotations

import hashlib
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.domain.keys import PhotoKey
from finpics_desktop.pipeline.curation.identity import (
    give_identity,
    identity_of,
    picsets_with_identity,
)
from finpics_desktop.ports import Backend

LINK = "picset-link"  # partition of the library's private store; sort key: target|identity

Side = tuple[str, str] | None  # (photo name, sha256 of its content) on one side, or absent


@dataclass
class Pair:
    """One photo as the library and the cloud had it at the last agreement (either side may
    be absent: a difference the curator chose to keep)."""

    library: Side
    cloud: Side
    kept: bool = False  # a difference the curator chose to keep as the cloud has it

    def as_json(self) -> list:
        return [list(self.library) if self.library else None,
                list(self.cloud) if self.cloud else None, self.kept]

    @classmethod
    def of(cls, raw: list) -> Pair:
        return cls(tuple(raw[0]) if raw[0] else None, tuple(raw[1]) if raw[1] else None,
                   bool(raw[2]) if len(raw) > 2 else False)


@dataclass
class Link:
    uid: str
    target: str  # the cloud (its identity: the originals bucket)
    library_picset: str
    cloud_picset: str
    library_cover: str | None = None
    cloud_cover: str | None = None
    pairs: list[Pair] = field(default_factory=list)
    at: float = 0.0

    def as_doc(self) -> dict:
        return {"uid": self.uid, "target": self.target, "library_picset": self.library_picset,
                "cloud_picset": self.cloud_picset, "library_cover": self.library_cover,
                "cloud_cover": self.cloud_cover, "pairs": [p.as_json() for p in self.pairs],
                "at": self.at}

    @classmethod
    def of(cls, doc: dict) -> Link:
        return cls(doc["uid"], doc["target"], doc["library_picset"], doc["cloud_picset"],
                   doc.get("library_cover"), doc.get("cloud_cover"),
                   [Pair.of(p) for p in doc.get("pairs", [])], doc.get("at", 0.0))


def library_file(library: Backend, photo: PhotoKey) -> Path:
    """Where the library keeps an original (the local adapter's folders)."""
    path = getattr(library.store, "path", None)
    if library.library is None or path is None:
        raise FinpicsError("push publishes a picset of the local library")
    return Path(path(library.names.pics_bucket, photo.key))


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _key(cloud: Backend, uid: str) -> str:
    return f"{cloud.identity}|{uid}"


def link_of(library: Backend, cloud: Backend, picset: str) -> Link | None:
    """The base of the library's ``picset`` with ``cloud`` (None: never pushed nor pulled)."""
    uid = identity_of(library.private, picset)
    if uid is None:  # (a picset deleted for good: its link still says what it was)
        return next((link for link in (Link.of(d.doc) for d in library.private.query(LINK))
                     if link.target == cloud.identity and link.library_picset == picset), None)
    doc = library.private.get(LINK, _key(cloud, uid))
    return Link.of(doc.doc) if doc is not None else None


def forget_link(library: Backend, cloud: Backend, uid: str) -> None:
    """The link of identity ``uid`` with ``cloud`` is no more (its picset deleted on both
    sides)."""
    library.private.delete(LINK, _key(cloud, uid))


def cloud_copy(cloud: Backend, uid: str) -> str | None:
    """The cloud picset that is the copy of the library picset of identity ``uid`` (its id
    now: it may have been renamed on the cloud since; None if it is gone)."""
    found = picsets_with_identity(cloud.private, uid)
    there = [p for p in found if cloud.records.picset(p) is not None
             or cloud.records.photo_names(p)]
    return there[0] if there else None


def save_link(library: Backend, link: Link) -> None:
    link.at = time.time()
    library.private.put(LINK, f"{link.target}|{link.uid}", link.as_doc())


def record_link(library: Backend, cloud: Backend, picset: str,
                cloud_picset: str | None = None) -> Link:
    """Link the library's ``picset`` and the cloud's ``cloud_picset`` (default: the same id) as
    one album in two places, as both are now: they get one identity (the cloud's if it has
    one), and the photos both hold under one name are paired (the base of the next push; a
    photo only one side has is a difference the next push shows). What ``pull`` calls once
    the cloud's picset is in the library; ``push`` records its own."""
    cloud_picset = cloud_picset or picset
    uid = identity_of(cloud.private, cloud_picset) or identity_of(library.private, picset)
    uid = give_identity(cloud.private, cloud_picset, uid)
    give_identity(library.private, picset, uid)
    mine = library_hashes(library, picset)
    theirs = cloud_hashes(cloud, cloud_picset)
    pairs = [Pair((n, s), (n, theirs[n])) for n, s in sorted(mine.items()) if n in theirs]
    entry, their_entry = library.records.picset(picset), cloud.records.picset(cloud_picset)
    link = Link(uid, cloud.identity, picset, cloud_picset,
                entry.cover if entry else None, their_entry.cover if their_entry else None,
                pairs)
    save_link(library, link)
    return link


def library_hashes(library: Backend, picset: str) -> dict[str, str]:
    """Each photo of the library's ``picset``: the sha256 of its file."""
    names = library.records.photo_names(picset)

    def one(name: str) -> str:
        return sha(library_file(library, PhotoKey(picset, name)).read_bytes())

    with ThreadPoolExecutor(8, thread_name_prefix="link-hash") as pool:
        return dict(zip(names, pool.map(one, names), strict=True))


def cloud_hashes(cloud: Backend, picset: str) -> dict[str, str | None]:
    """Each photo of the cloud's ``picset``: the sha256 its original was stored with."""
    names = cloud.records.photo_names(picset)

    def one(name: str) -> str | None:
        head = cloud.store.head(cloud.names.pics_bucket, PhotoKey(picset, name).key)
        return head.sha256 if head is not None else None

    with ThreadPoolExecutor(8, thread_name_prefix="link-head") as pool:
        return dict(zip(names, pool.map(one, names), strict=True))
