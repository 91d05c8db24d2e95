"""What a push must do on the cloud to bring the cloud's copy of a library picset to the
library's state, as the curation actions that make it (never a second picset, never an orphan),
computed from three states: the library now, the cloud now, and the link's base (what both had
at the last push or pull, ``pipeline/publish/links``).

Each photo of the base is followed on each side: the same (name and content as then), renamed
(gone from its name, its content under a name the base does not know: an order or a rename),
changed (other content under its name) or deleted. The library's changes become the cloud's
actions: a rename of the picset (its title, its number), photo renames (the order: faces kept),
uploads of new and changed photos, deletes (to the cloud's trash), the featured photo. What the
*cloud* changed since (another laptop, the CLI on the cloud) is listed, never overwritten
silently: ``keep`` leaves those photos (and the cloud's title and featured photo) as the cloud
has them and pairs them so in the new base; ``overwrite`` brings them to the library's state as
well. A change both sides made alike (or a push killed midway and run again) is no difference.

Without a base (a picset pushed before links existed, or never) the cloud's picset of the same
id is brought to the library's by name, as push always did.

A photo moved or copied to another picset in the library since is moved or copied on the cloud
(``carried``); a picset deleted in the library (its link kept) is deleted on the cloud, to its
trash, by its push (:attr:`Sync.dropped`), unless the cloud changed it since and the curator keeps
that.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from finpics_desktop.domain.keys import PhotoKey
from finpics_desktop.domain.photo_order import shown_name
from finpics_desktop.domain.picsets import titled
from finpics_desktop.pipeline.curation.errors import Refused
from finpics_desktop.pipeline.curation.identity import identity_of
from finpics_desktop.pipeline.curation.ops import (
    LOCK,
    OP,
    WAIT,
    Operation,
    is_alive,
    picset_resource,
)
from finpics_desktop.pipeline.publish.carried import Carry, arrivals, departures
from finpics_desktop.pipeline.publish.links import (
    Link,
    Pair,
    cloud_copy,
    cloud_hashes,
    library_file,
    library_hashes,
    link_of,
    sha,
)
from finpics_desktop.ports import Backend

KEEP, OVERWRITE = "keep", "overwrite"  # what to do with what changed on the cloud


@dataclass
class Sync:
    """The cloud's actions for one push (``PushPlan`` carries them)."""

    cloud_picset: str  # the cloud's copy now (the library's id when there is none yet)
    target: str  # its id once pushed: the library's, unless the cloud's own rename is kept
    exists: bool  # the cloud has it (else the push makes it)
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)  # cloud names, to its trash
    renamed: list[tuple[str, str]] = field(default_factory=list)  # cloud name -> library's
    unchanged: int = 0
    cover: str | None = None  # to set on the cloud (None: left as it is)
    cloud_cover: str | None = None  # the cloud's featured photo once its photos are renamed
    cloud_changes: list[str] = field(default_factory=list)  # since the last push, in words
    kept: list[Pair] = field(default_factory=list)  # paired as they are (the new base)
    kept_names: set[str] = field(default_factory=set)  # library names whose cloud copy is kept
    uid: str | None = None
    linked: bool = False
    carried: list[Carry] = field(default_factory=list)  # moved or copied on the cloud instead
    dropped: bool = False  # the library deleted the picset: the cloud's copy goes to its trash


class _Side:
    """One side's photos followed from the base: ``now[name] = sha``; ``where(side)`` is the
    name the base's photo has now (or None) and whether its content changed."""

    def __init__(self, now: dict[str, str | None], base: list[tuple[str, str] | None]):
        self.now = now
        known = {b[0] for b in base if b}
        by_content: dict[str, list[str]] = {}
        for name, digest in now.items():
            if name not in known and digest:
                by_content.setdefault(digest, []).append(name)
        self.claimed: set[str] = set()
        self.followed: list[tuple[str | None, bool]] = []
        renamed_to: dict[int, str] = {}
        for n, b in enumerate(base):  # renames first: a photo that left its name for another
            if b and now.get(b[0]) != b[1] and by_content.get(b[1]):
                renamed_to[n] = by_content[b[1]].pop(0)
                self.claimed.add(renamed_to[n])
        for n, b in enumerate(base):
            if b is None:
                self.followed.append((None, False))
            elif n in renamed_to:
                self.followed.append((renamed_to[n], False))
            elif b[0] in now:
                self.claimed.add(b[0])
                self.followed.append((b[0], now[b[0]] != b[1]))
            else:
                self.followed.append((None, False))

    def unclaimed(self) -> list[str]:
        return sorted(set(self.now) - self.claimed)


def plan_sync(library: Backend, cloud: Backend, picset: str,
              transform: Callable[[bytes, str], bytes] | None, choice: str | None) -> Sync:
    """The cloud's actions that bring the cloud's copy of ``picset`` to the library's state
    (``choice``: :data:`KEEP` or :data:`OVERWRITE` what changed on the cloud since; None: keep,
    and the plan lists it for the curator to choose). Nothing is written."""
    mine = library_hashes(library, picset)
    link = link_of(library, cloud, picset)
    if not mine and link is None:
        raise Refused(f"there is no picset {picset} with photos in the library "
                      "(`finpics-desktop picsets` lists them)")
    entry = library.records.picset(picset)
    cover = entry.cover if entry else None
    uid = link.uid if link else identity_of(library.private, picset)
    copy = cloud_copy(cloud, uid) if uid else None
    if copy is not None and _settled(cloud, copy):  # read once an action on it is done
        copy = cloud_copy(cloud, uid)
    if link is not None and copy is None:
        if not mine:
            raise Refused(f"{picset} is deleted in the library and its copy on the cloud "
                          f"({link.cloud_picset}) is gone too: nothing to push")
        return _copy_gone(library, cloud, picset, link, mine, cover, transform, choice)
    if not mine:  # deleted in the library: its copy goes to the cloud's trash
        sync = _three_way(library, cloud, picset, link, copy, mine, None, transform, choice)
        sync.dropped = not sync.kept
        return sync
    if link is None:
        theirs_uid = identity_of(cloud.private, picset)
        sync = _by_name(library, cloud, picset, mine, cover, transform)
        sync.uid = uid
        if theirs_uid and theirs_uid != uid and sync.exists:
            sync.cloud_changes.append(
                f"the cloud's {picset} is another album (published from another library): "
                "overwriting makes it this picset's copy")
            if choice != OVERWRITE:
                return Sync(picset, picset, True, cloud_changes=sync.cloud_changes, uid=uid)
        _arrivals(library, cloud, picset, sync, mine, transform)
        return sync
    sync = _three_way(library, cloud, picset, link, copy, mine, cover, transform, choice)
    _arrivals(library, cloud, picset, sync, mine, transform)
    return sync


def _arrivals(library: Backend, cloud: Backend, picset: str, sync: Sync, mine: dict[str, str],
              transform) -> None:
    """The new photos the cloud holds in another picset: moved or copied there, not sent."""
    theirs = set(cloud.records.photo_names(sync.cloud_picset)) if sync.exists else set()
    occupied = (theirs - {old for old, _ in sync.renamed}) | {new for _, new in sync.renamed}
    found = arrivals(library, cloud, picset, sync.target, sync.uid, sync.new, mine,
                     lambda name: _published(library, picset, [name], transform)[name],
                     occupied)
    sync.carried += found
    sync.new = [n for n in sync.new if n not in {c.name for c in found}]


def _settled(cloud: Backend, picset: str, wait: float = WAIT) -> bool:
    """Wait while a curation action running elsewhere holds the cloud's ``picset`` (a rename
    on the cloud half done is not a difference to show); True if one was waited for. One
    abandoned is left to the push, which completes it before it writes."""
    resource, delay, waited = picset_resource(picset), 0.02, False
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        lock = cloud.private.get(LOCK, resource)
        doc = cloud.private.get(OP, lock.doc.get("op", "")) if lock is not None else None
        if doc is None or not is_alive(Operation.of(doc)):
            return waited
        waited = True
        time.sleep(delay)  # (another process's action: nothing to wait on but its records)
        delay = min(delay * 2, 0.5)
    return waited


def _published(library: Backend, picset: str, names: list[str],
               transform: Callable[[bytes, str], bytes] | None) -> dict[str, str]:
    """The sha256 of the copy the cloud would get of each library photo."""
    def one(name: str) -> str:
        data = library_file(library, PhotoKey(picset, name)).read_bytes()
        return sha(transform(data, name) if transform is not None else data)

    with ThreadPoolExecutor(8, thread_name_prefix="push-diff") as pool:
        return dict(zip(names, pool.map(one, names), strict=True))


def _by_name(library: Backend, cloud: Backend, picset: str, mine: dict[str, str],
             cover: str | None, transform) -> Sync:
    theirs = cloud_hashes(cloud, picset)
    entry = cloud.records.picset(picset)
    common = sorted(set(mine) & set(theirs))
    published = _published(library, picset, common, transform)
    changed = [n for n in common if theirs[n] is None or theirs[n] != published[n]]
    cloud_cover = entry.cover if entry else None
    return Sync(picset, picset, entry is not None or bool(theirs),
                new=sorted(set(mine) - set(theirs)), changed=changed,
                deleted=sorted(set(theirs) - set(mine)), unchanged=len(common) - len(changed),
                cover=cover if cover != cloud_cover else None, cloud_cover=cloud_cover)


def _copy_gone(library, cloud, picset, link: Link, mine, cover, transform,
               choice: str | None) -> Sync:
    said = (f"the cloud's copy ({link.cloud_picset}) was deleted on the cloud since the last "
            "push (it is in the cloud's trash): overwriting publishes it again")
    if choice != OVERWRITE:
        return Sync(link.cloud_picset, link.cloud_picset, True, cloud_changes=[said],
                    uid=link.uid, linked=True)
    if cloud.records.photo_names(picset) or cloud.records.picset(picset) is not None:
        raise Refused(f"cannot publish {picset} again: the cloud has another picset {picset} "
                      "(rename one of them first; nothing was changed)")
    sync = _by_name(library, cloud, picset, mine, cover, transform)
    sync.cloud_changes, sync.uid, sync.linked = [said], link.uid, True
    return sync


def _three_way(library: Backend, cloud: Backend, picset: str, link: Link, copy: str,
               mine: dict[str, str], cover: str | None, transform, choice: str | None) -> Sync:
    theirs = cloud_hashes(cloud, copy)
    their_entry = cloud.records.picset(copy)
    their_cover = their_entry.cover if their_entry else None
    lib = _Side(mine, [p.library for p in link.pairs])
    cld = _Side(theirs, [p.cloud for p in link.pairs])
    overwrite = choice == OVERWRITE
    sync = Sync(copy, picset, True, uid=link.uid, linked=True)
    said = sync.cloud_changes

    # the picset's id (its title, its number)
    if copy != picset:
        if copy != link.cloud_picset:
            said.append(f"renamed on the cloud: {titled(link.cloud_picset)} -> {titled(copy)}"
                        + (f" (the library renamed it {titled(picset)})"
                           if picset != link.library_picset else ""))
            sync.target = picset if overwrite else copy
        elif picset == link.library_picset:  # a title kept as the cloud's at a former push
            if overwrite:
                said.append(f"the cloud's title {titled(copy)}, kept at a former push")
            sync.target = picset if overwrite else copy
    if sync.target != copy and (cloud.records.picset(sync.target) is not None
                                or cloud.records.photo_names(sync.target)):
        raise Refused(f"cannot rename the cloud's {copy} to {sync.target}: the cloud has another "
                      f"picset {sync.target} (rename one of them first; nothing was changed)")

    wanted = [(lib.followed[n][0], cld.followed[n][0], pair, lib.followed[n][1],
               cld.followed[n][1]) for n, pair in enumerate(link.pairs)]
    lib_new, cloud_new = lib.unclaimed(), set(cld.unclaimed())
    need = {l_name for l_name, c_name, *_ in wanted if l_name and c_name} | {
        n for n in lib_new if n in theirs}
    published = _published(library, picset, sorted(need), transform)

    def in_sync(l_name, c_name) -> bool:
        return (l_name is None and c_name is None) or (
            l_name is not None and l_name == c_name and theirs.get(c_name) is not None
            and theirs[c_name] == published.get(l_name))

    staying: set[str] = set()  # cloud names kept as the cloud has them
    gone: list[tuple[str, str, str]] = []  # deleted from the library's picset since

    def apply(l_name, c_name) -> None:
        if l_name is None:
            sync.deleted.append(c_name)
        elif c_name is None:
            sync.new.append(l_name)
        else:
            if c_name != l_name:
                sync.renamed.append((c_name, l_name))
            if theirs.get(c_name) != published.get(l_name):
                sync.changed.append(l_name)
            elif c_name == l_name:
                sync.unchanged += 1

    def keep(l_name, c_name) -> None:
        sync.kept.append(Pair((l_name, mine[l_name]) if l_name else None,
                              (c_name, theirs[c_name] or "") if c_name else None, kept=True))
        if c_name:
            staying.add(c_name)
        if l_name:
            sync.kept_names.add(l_name)

    for l_name, c_name, pair, l_changed, c_changed in wanted:
        if in_sync(l_name, c_name):
            if l_name is not None:
                sync.unchanged += 1
            continue
        cloud_same = pair.cloud is not None and c_name == pair.cloud[0] and not c_changed or (
            pair.cloud is None and c_name is None)
        lib_same = pair.library is not None and l_name == pair.library[0] and not (
            l_changed) or (pair.library is None and l_name is None)
        if cloud_same and lib_same and pair.kept:  # a difference kept at a former push
            if overwrite:
                said.append(_cloud_change(pair, c_name, c_changed, kept=True))
                apply(l_name, c_name)
            else:
                keep(l_name, c_name)
            continue
        if cloud_same:
            if l_name is None and c_name is not None and pair.library is not None:
                gone.append((pair.library[0], pair.library[1], c_name))
            apply(l_name, c_name)
            continue
        said.append(_cloud_change(pair, c_name, c_changed))
        if overwrite:
            apply(l_name, c_name)
        else:
            keep(l_name, c_name)
    for name in lib_new:
        if name in theirs and name in cloud_new:
            cloud_new.discard(name)
            if theirs[name] == published.get(name):
                sync.unchanged += 1
                continue
            said.append(f"added on the cloud: another photo named {shown_name(name)}")
            if overwrite:
                sync.changed.append(name)
            else:
                keep(name, name)
        else:
            sync.new.append(name)
    for name in sorted(cloud_new):
        said.append(f"added on the cloud: {shown_name(name)}")
        if overwrite:
            sync.deleted.append(name)
        else:
            keep(None, name)
    _guard_names(sync, staying)
    sync.carried = departures(library, cloud, picset, copy, gone)
    moved = {c.cloud_name for c in sync.carried}
    sync.deleted = [n for n in sync.deleted if n not in moved]

    # the featured photo: the cloud's follows its photo's renames
    renames = dict(sync.renamed)
    base_cloud_cover = next((c for c, p in zip([w[1] for w in wanted], link.pairs, strict=True)
                             if p.cloud and p.cloud[0] == link.cloud_cover), link.cloud_cover)
    sync.cloud_cover = renames.get(their_cover, their_cover)
    if cover and cover != sync.cloud_cover:
        if their_cover != base_cloud_cover:
            said.append(f"featured photo changed on the cloud: {shown_name(their_cover or '')}")
            sync.cover = cover if overwrite else None
        elif cover == link.library_cover:  # the cloud's featured photo, kept at a former push
            if overwrite:
                said.append(f"the cloud's featured photo {shown_name(their_cover or '')}, "
                            "kept at a former push")
            sync.cover = cover if overwrite else None
        else:
            sync.cover = cover
    return sync


def _cloud_change(pair: Pair, c_name: str | None, c_changed: bool, kept: bool = False) -> str:
    was = shown_name(pair.cloud[0]) if pair.cloud else None
    if kept:
        name = c_name or (pair.library[0] if pair.library else "")
        return f"{shown_name(name)}: as the cloud has it (kept at a former push" + (
            ", not on the cloud)" if c_name is None else ")")
    if pair.cloud is None:
        return f"added on the cloud: {shown_name(c_name or '')}"
    if c_name is None:
        return f"deleted on the cloud: {was}"
    if c_name != pair.cloud[0]:
        return f"renamed on the cloud: {pair.cloud[0]} -> {c_name}" + (
            " (and changed)" if c_changed else "")
    return f"changed on the cloud: {was}"


def _guard_names(sync: Sync, staying: set[str]) -> None:
    """A photo kept as the cloud has it keeps its name: the library's photo that would take it
    waits (said), never replaces it."""
    for old, new in list(sync.renamed):
        if new in staying:
            sync.renamed.remove((old, new))
            sync.cloud_changes.append(f"{shown_name(new)}: the cloud's photo of that name is "
                                      f"kept, so {shown_name(old)} keeps its name there")
    for names in (sync.new, sync.changed):
        for name in [n for n in names if n in staying]:
            names.remove(name)
