"""Photos moved or copied to another picset in the library since the last push, applied on the
cloud as that action: the cloud's copy of the photo is moved (its faces kept, not indexed
again, nothing sent) or copied there, never uploaded a second time and deleted from where it was.

Either picset may be pushed first:

- pushing the picset the photo came **to** (:func:`arrivals`): a new photo of the library
  whose content the cloud's copy of another linked picset holds as it was pushed (the other
  link's base pairs it) comes from there -- *moved* if the library's picset it came from no
  longer holds it, *copied* if it still does;
- pushing the picset the photo left **from** (:func:`departures`): a photo the library deleted
  from it since the last push which another library picset holds now (same name, same content)
  is moved on the cloud to that picset's copy (or to a cloud picset of that id, when it has
  none yet), instead of going to the cloud's trash; the other picset's next push finds it there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from finpics_desktop.domain.keys import PhotoKey
from finpics_desktop.domain.photo_order import shown_name
from finpics_desktop.domain.picsets import titled
from finpics_desktop.pipeline import curation
from finpics_desktop.pipeline.curation.identity import identity_of, picsets_with_identity
from finpics_desktop.pipeline.publish.links import (
    LINK,
    Link,
    cloud_copy,
    library_file,
    library_hashes,
    sha,
)
from finpics_desktop.ports import Backend

MOVE, COPY = "move", "copy"


@dataclass(frozen=True)
class Carry:
    """One photo brought on the cloud from picset ``source`` (its name there ``cloud_name``)
    to picset ``to`` under ``name``."""

    verb: str
    source: str
    cloud_name: str
    to: str
    name: str

    def line(self) -> str:
        again = "" if self.name == self.cloud_name else f" as {shown_name(self.name)}"
        return (f"{shown_name(self.cloud_name)}: {'moved' if self.verb == MOVE else 'copied'} "
                f"from {titled(self.source)} to {titled(self.to)}{again}")


def _links(library: Backend, cloud: Backend) -> list[Link]:
    return [link for link in (Link.of(d.doc) for d in library.private.query(LINK))
            if link.target == cloud.identity]


def _library_picset(library: Backend, uid: str) -> str | None:
    """The library picset of identity ``uid`` now (None: deleted)."""
    found = [p for p in picsets_with_identity(library.private, uid)
             if library.records.picset(p) is not None or library.records.photo_names(p)]
    return found[0] if found else None


def _cloud_sha(cloud: Backend, picset: str, name: str) -> str | None:
    head = cloud.store.head(cloud.names.pics_bucket, PhotoKey(picset, name).key)
    return head.sha256 if head is not None else None


def arrivals(library: Backend, cloud: Backend, picset: str, target: str, uid: str | None,
             new: list[str], mine: dict[str, str], published: Callable[[str], str],
             occupied: set[str]) -> list[Carry]:
    """Of ``new`` (library photos of ``picset`` the cloud's ``target`` lacks; ``mine``: their
    library digests), those the cloud holds in another linked picset's copy (see the module).
    ``occupied``: the names ``target`` will have on the cloud (a photo is carried under its
    cloud name, then renamed: neither may be taken)."""
    wanted: dict[str, list[str]] = {}
    for name in new:
        wanted.setdefault(mine[name], []).append(name)
    carried: list[Carry] = []
    taken = set(occupied)
    for link in _links(library, cloud):
        if link.uid == uid or not wanted:
            continue
        hits = [p for p in link.pairs if p.library and p.cloud and not p.kept
                and wanted.get(p.library[1])]
        copy = cloud_copy(cloud, link.uid) if hits else None
        if copy is None or copy == target:
            continue
        home = _library_picset(library, link.uid)
        still: dict[str, str] | None = None
        for pair in hits:
            digest, cloud_name = pair.library[1], pair.cloud[0]
            names = wanted.get(digest)
            if not names or cloud_name in taken:
                continue
            name = names[0]
            if name != cloud_name and name in taken:
                continue
            there = _cloud_sha(cloud, copy, cloud_name)
            if there is None or there != pair.cloud[1] or there != published(name):
                continue  # changed or gone on the cloud since: sent as any new photo
            if home is None:
                verb = MOVE
            else:
                if still is None:
                    still = library_hashes(library, home)
                verb = COPY if digest in still.values() else MOVE
            names.pop(0)
            taken |= {cloud_name, name}
            carried.append(Carry(verb, copy, cloud_name, target, name))
    return carried


def departures(library: Backend, cloud: Backend, picset: str, copy: str,
               gone: list[tuple[str, str, str]]) -> list[Carry]:
    """Of ``gone`` (``(library name, library digest, cloud name)``: photos the library deleted
    from ``picset`` since the last push, whose cloud copy in ``copy`` is as pushed), those
    another library picset holds now under the same name: moved there on the cloud."""
    if not gone:
        return []
    others = [p for p in library.records.picset_ids() if p != picset]
    carried: list[Carry] = []
    planned: dict[str, set[str]] = {}
    for name, digest, cloud_name in gone:
        for other in others:
            if library.records.photo(other, name) is None:
                continue
            if sha(library_file(library, PhotoKey(other, name)).read_bytes()) != digest:
                continue
            to = _destination(library, cloud, other)
            if to is None or to == copy:
                break
            names = planned.setdefault(to, set(cloud.records.photo_names(to)))
            if cloud_name in names:
                break  # the other picset's push sends it (or has it already)
            names.add(cloud_name)
            carried.append(Carry(MOVE, copy, cloud_name, to, cloud_name))
            break
    return carried


def _destination(library: Backend, cloud: Backend, other: str) -> str | None:
    """The cloud picset that is the copy of the library's ``other``: its linked copy, else a
    cloud picset of the same id if the cloud has none of another album."""
    uid = identity_of(library.private, other)
    linked = any(link.uid == uid for link in _links(library, cloud)) if uid else False
    if linked:
        return cloud_copy(cloud, uid)
    theirs = identity_of(cloud.private, other)
    return other if theirs is None or theirs == uid else None


def carry(c: curation.Curation, carried: list[Carry]) -> list[curation.Outcome]:
    """Do the moves and copies on the cloud (``c``), then give the photos carried into the
    pushed picset the library's names."""
    done: list[curation.Outcome] = []
    groups: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    for one in carried:
        groups.setdefault((one.verb, one.source, one.to), []).append(
            (one.source, one.cloud_name))
    for (verb, _source, to), photos in groups.items():
        act = curation.move_photos if verb == MOVE else curation.copy_photos
        done.append(act(c, photos, to))
    renames: dict[str, list[tuple[str, str]]] = {}
    for one in carried:
        if one.name != one.cloud_name:
            renames.setdefault(one.to, []).append((one.cloud_name, one.name))
    for to, pairs in renames.items():
        done.append(curation.rename_photos(c, to, pairs))
    return done
