"""The similarity graph of the album's faces, kept in the private store (the library's own
database; on the cloud the private table), so that each face is searched once, not each time
*Unnamed faces* is grouped.

A face's *links* are what ``SearchFaces`` finds for it at :data:`~.clusters.EDGE_FROM` or more
(its :data:`~.clusters.NEIGHBOURS` most alike faces): face id pairs and their similarity, never
the faces' records. They are stored in *parts*, the links of up to :data:`PART` searched faces
each (well under a DynamoDB item's 400 KB), under the engine version that indexed the faces
(``graph`` / ``<version>#<when>-<part id>``: read in the order they were written): a face
indexed again by another engine is searched again. Only the faces not in any part are searched,
and their part is written at once (an interrupted grouping keeps what it searched). A face
removed from the index drops out when the graph is read (its own links and the links to it are
left out), and a part whose faces are all gone is deleted. Once a re-index is complete,
:func:`prune` deletes the parts of an engine no face is indexed by any more (after ``reindex``
to another engine, or every face indexed again under new ids), which no grouping reads again.
A face indexed after another was
searched finds that one by its own search: a pair counts either way round.

Two processes grouping at once may search a face twice: each writes its own part, and the pair
keeps the higher similarity (the same). A read-only album, or one without a private store, is
searched in memory only."""

from __future__ import annotations

import base64
import contextlib
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from finpics_desktop.domain.errors import Cancelled, FinpicsError
from finpics_desktop.ports import PrivateStore

GRAPH = "graph"
PART = 50  # searched faces a part: 50 x 100 links of 16 bytes and their ids < 310 KB
NO_VERSION = "-"  # faces whose engine version is not listed (Rekognition's collection)


# search(faces, keep): the faces' links searched, ``keep(found)`` called with each chunk's
# ``{face: {alike face: similarity}}`` (a face whose search failed is not in it)
Search = Callable[[Sequence[str], Callable[[dict[str, dict[str, float]]], None]], None]


@dataclass(frozen=True)
class Links:
    """The links among ``faces`` (by position): pairs (``a``, ``b``) and their similarity ``s``,
    in the order they were met (each part in turn, each face's best first); ``searched``: how
    many faces were searched for it (those missing from the graph); ``missing``: the faces
    not searched because the search was cancelled (asked with ``partial``)."""

    a: np.ndarray
    b: np.ndarray
    s: np.ndarray
    searched: int = 0
    missing: tuple[str, ...] = ()


def _pack(values: np.ndarray) -> str:
    return base64.b64encode(values.tobytes()).decode("ascii")


def _unpack(text: str, dtype) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=dtype)


def part_doc(found: dict[str, dict[str, float]]) -> dict:
    """A part: the searched faces, the faces they are alike to, and the links between them as
    packed arrays (searched face, alike face, similarity)."""
    faces = list(found)
    others = list(chain.from_iterable(found.values()))
    ids = {other: n for n, other in enumerate(dict.fromkeys(others))}
    at = np.repeat(np.arange(len(faces), dtype=np.int32),
                   np.array([len(found[f]) for f in faces], np.int64))
    return {"faces": faces, "ids": list(ids),
            "at": _pack(at), "to": _pack(np.array([ids[o] for o in others], np.int32)),
            "s": _pack(np.fromiter(chain.from_iterable(d.values() for d in found.values()),
                                   np.float64, len(others)))}


def _version_key(version: str | None) -> str:
    return (version or NO_VERSION).replace("#", "_")


def _writable(private: PrivateStore | None, read_only: bool) -> bool:
    return private is not None and not read_only


def face_links(private: PrivateStore | None, faces: Sequence[str],
               versions: dict[str, str | None], search: Search, read_only: bool = False,
               partial: bool = False) -> Links:
    """The links among ``faces``: those stored, then those of the faces never searched,
    searched now by ``search`` and stored as each chunk comes (module docstring; a face whose
    search failed is not stored: it is searched again the next time). ``versions``: the engine
    version of every face of the index (``faces`` among them; a part none of whose faces is
    there is deleted). ``search`` cancelled (it raises Cancelled): raised again, or with
    ``partial`` the links found so far, the faces not searched in ``missing``."""
    at = {f: n for n, f in enumerate(faces)}
    by_version: dict[str, list[str]] = {}
    for face in faces:
        by_version.setdefault(_version_key(versions.get(face)), []).append(face)
    pieces: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    searched: set[str] = set()
    now: set[str] = set()  # searched by this call
    stopped = False
    for key, mine in sorted(by_version.items()):
        for doc in private.query(GRAPH, f"{key}#") if private is not None else []:
            part = doc.doc
            known = [at.get(f, -1) for f in part["faces"]]
            if not any(f in versions for f in part["faces"]):  # every face gone
                if _writable(private, read_only):
                    _forget(private, doc.sk, doc.version)
                continue
            searched.update(f for f in part["faces"]
                            if _version_key(versions.get(f)) == key)
            pieces.append(_decoded(part, known, at))

        def keep(found: dict[str, dict[str, float]], key: str = key) -> None:
            chunk = list(found)
            for n in range(0, len(chunk), PART):
                part = part_doc({f: found[f] for f in chunk[n:n + PART]})
                if _writable(private, read_only):
                    _store(private, f"{key}#{time.time_ns():020d}-{uuid.uuid4().hex[:8]}",
                           part)
                pieces.append(_decoded(part, [at[f] for f in part["faces"]], at))
            now.update(chunk)

        if stopped:
            continue  # (what is stored of the other engines' faces is still read)
        try:
            search([f for f in mine if f not in searched], keep)
        except Cancelled:
            if not partial:
                raise
            stopped = True
    missing = tuple(f for f in faces if f not in searched and f not in now) if stopped else ()
    if not pieces:
        empty = np.zeros(0, np.int64)
        return Links(empty, empty, np.zeros(0, np.float64), len(faces) - len(missing), missing)
    return Links(np.concatenate([p[0] for p in pieces]), np.concatenate([p[1] for p in pieces]),
                 np.concatenate([p[2] for p in pieces]),
                 sum(1 for f in faces if f not in searched) - len(missing), missing)


def prune(private: PrivateStore | None, versions: dict[str, str | None]) -> int:
    """Delete the parts no grouping reads again: those of an engine version no face of the
    index has (``versions``: every indexed face's), and those whose faces are all gone. How
    many were deleted."""
    if private is None:
        return 0
    in_use = {_version_key(v) for v in versions.values()}
    gone = 0
    for doc in private.query(GRAPH):
        if doc.sk.partition("#")[0] in in_use and any(f in versions
                                                      for f in doc.doc.get("faces") or ()):
            continue
        _forget(private, doc.sk, doc.version)
        gone += 1
    return gone


def _decoded(part: dict, known: list[int], at: dict[str, int]
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A part's links among the faces positioned by ``at`` (``known``: its searched faces'
    positions, -1 for those not among them), by position."""
    source = np.array(known, np.int64)[_unpack(part["at"], np.int32)]
    other = np.array([at.get(f, -1) for f in part["ids"]], np.int64)[
        _unpack(part["to"], np.int32)]
    score = _unpack(part["s"], np.float64)
    keep = (source >= 0) & (other >= 0)
    return source[keep], other[keep], score[keep]


def _store(private: PrivateStore, sk: str, part: dict) -> None:
    """A part written (a failed write only costs searching those faces again next time)."""
    with contextlib.suppress(FinpicsError):
        private.put(GRAPH, sk, part, if_version=0)


def _forget(private: PrivateStore, sk: str, version: int) -> None:
    with contextlib.suppress(FinpicsError):
        private.delete(GRAPH, sk, if_version=version)
