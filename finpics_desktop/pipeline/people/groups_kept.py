"""The groups of unnamed faces last made, kept in the private store beside the similarity graph
(:mod:`~finpics_desktop.pipeline.people.graph`), and updated by what changed instead of grouped
again:

- faces that left the unnamed ones (named, ignored, removed) leave their groups -- a group only
  loses faces, so it never comes to mix two people; its confidence is its size again;
- a face that was not grouped (a new photo's, one unnamed or brought back, one indexed again
  by another engine) makes the faces grouped afresh, from the stored graph (only the new faces
  are searched).

Stored as ``groups`` / ``head`` (the generation and the engine versions grouped) and the
generation's parts (``<generation>#<n>``, up to :data:`PART` faces each, well under a DynamoDB
item's size); a reader that meets a generation half written or half deleted finds no groups
and groups afresh."""

from __future__ import annotations

import bisect
import contextlib
import threading
import uuid
import weakref
from collections.abc import Set
from dataclasses import dataclass

from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.domain.people import Cluster
from finpics_desktop.ports import PrivateStore

GROUPS = "groups"
HEAD = "head"
PART = 4000  # face ids a part (~160 KB)
CONFIDENT_SIZE = 3  # as clusters.CONFIDENT_SIZE (a group that lost faces is judged again)


def _order(cluster: Cluster) -> tuple:
    return not cluster.confident, -len(cluster.faces), cluster.faces[0]


@dataclass(frozen=True)
class Kept:
    """The groups kept: in the order shown, the engine versions of their faces, and every
    face grouped."""

    clusters: list[Cluster]
    versions: set[str]
    grouped: frozenset[str]


_READ: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # store -> (generation, Kept)
_READ_LOCK = threading.Lock()


def load(private: PrivateStore | None) -> Kept | None:
    """The groups kept, or None. Read once per generation written (the head is read each
    time: a new session, or another program's grouping, is seen)."""
    if private is None:
        return None
    try:
        head = private.get(GROUPS, HEAD)
        if head is None:
            return None
        generation = head.doc["generation"]
        with _READ_LOCK:
            read = _READ.get(private)
        if read is not None and read[0] == generation:
            return read[1]
        parts = private.query(GROUPS, f"{generation}#")
    except (FinpicsError, TypeError):
        return None
    if len(parts) != head.doc["parts"]:
        return None  # written or deleted meanwhile
    clusters = [Cluster(tuple(group[1:]), bool(group[0]))
                for part in parts for group in part.doc["groups"]]
    kept = Kept(clusters, set(head.doc["versions"]),
                frozenset(f for c in clusters for f in c.faces))
    with contextlib.suppress(TypeError), _READ_LOCK:  # (a store that cannot be referred to)
        _READ[private] = (generation, kept)
    return kept


def shrunk(kept: Kept | None, faces: Set[str], versions: dict[str, str | None],
           engines: Set[str] | None = None) -> list[Cluster] | None:
    """The groups kept without the faces no longer among ``faces``; None if any of ``faces``
    was not grouped (or by another engine version, ``versions[face]``; ``engines``: every
    version of ``versions``, if known -- when all were grouped, the faces' own are not looked
    up), in the order shown (:func:`without`)."""
    if kept is None:
        return None
    wanted = faces if isinstance(faces, (set, frozenset)) else set(faces)
    if not wanted <= kept.grouped or not (
            engines is not None and engines <= kept.versions
            or {str(v) for v in set(map(versions.get, wanted))} <= kept.versions):
        return None
    return without(kept.clusters, kept.grouped - wanted)  # (gone: a few named, ignored...)


def without(clusters: list[Cluster], gone: Set[str]) -> list[Cluster]:
    """``clusters`` (in the order shown) once the faces ``gone`` left them: a group only loses
    faces, its confidence is its size again, and only those that lost some move (put back in
    their place in the order: the others were not sorted again)."""
    if not gone:
        return list(clusters)
    found, shrunk = [], []
    for cluster in clusters:
        if gone.isdisjoint(cluster.faces):
            found.append(cluster)
            continue
        left = tuple(f for f in cluster.faces if f not in gone)
        if left:
            shrunk.append(Cluster(left, cluster.confident and len(left) >= CONFIDENT_SIZE))
    for cluster in shrunk:
        bisect.insort(found, cluster, key=_order)
    return found


def save(private: PrivateStore | None, clusters: list[Cluster],
         versions: dict[str, str | None]) -> None:
    """Keep ``clusters`` (a failed write only costs grouping afresh next time)."""
    if private is None:
        return
    generation = str(uuid.uuid4())
    rows, parts, size = [], [], 0
    for cluster in clusters:
        rows.append([int(cluster.confident), *cluster.faces])
        size += len(cluster.faces)
        if size >= PART:
            parts.append(rows)
            rows, size = [], 0
    if rows:
        parts.append(rows)
    grouped = sorted({str(versions.get(f)) for c in clusters for f in c.faces})
    try:
        before = private.get(GROUPS, HEAD)
        for n, rows in enumerate(parts):
            private.put(GROUPS, f"{generation}#{n:05d}", {"groups": rows}, if_version=0)
        private.put(GROUPS, HEAD, {"generation": generation, "parts": len(parts),
                                   "versions": grouped},
                    if_version=before.version if before else 0)
    except FinpicsError:
        _drop(private, generation)
        return
    if before is not None:
        _drop(private, before.doc["generation"])


def _drop(private: PrivateStore, generation: str) -> None:
    try:
        for part in private.query(GROUPS, f"{generation}#"):
            private.delete(GROUPS, part.sk)
    except FinpicsError:
        pass
