"""Unnamed faces grouped by who they look like, so that a whole group is named at once.

Average-linkage clustering over the faces' similarity graph: every face starts alone, and the
two groups whose faces are most alike *on average* join, while that average is at least
:data:`MERGE_FROM` (pairs below :data:`EDGE_FROM` count as 0: they are not even searched for).
Unlike single linkage (DBSCAN's chains), one face alike to two people cannot bridge them: it
adds one pair to an average over all the pairs of both groups. Two faces of one photo are never
in one group (a person appears once in a photo). Then each face is checked against its group:
one less alike to the rest of its group than :data:`MEMBER_FROM` on average, or not at least
:data:`APART_BY` more alike to it than to another group, stays apart on its own; a group of at
least :data:`CONFIDENT_SIZE` faces is *confident*. Faces come most typical first (the most
alike to their group). README ("People") has the measurements behind the numbers.

The similarity graph comes from ``SearchFaces`` of each unnamed face (many at once: one matrix
product on the library, parallel calls on Rekognition at the rate the account allows), so it
works on both backends: :func:`search_links` is that loop, with progress, Cancel, and the
faces whose search failed (left out this time, searched again the next). Cancelled, the
searches made are kept (the next grouping goes on from there); asked for
(``Searching.partial``: the window), what they found is grouped all the same and handed over
in :class:`GroupingCancelled`.
"""

from __future__ import annotations

import heapq
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass, field

import numpy as np

from finpics_desktop.domain.batches import failed_of
from finpics_desktop.domain.errors import Cancelled
from finpics_desktop.domain.people import Cluster
from finpics_desktop.pipeline.people import graph, groups_kept, locations_kept
from finpics_desktop.pipeline.people.ignored import ignored_ids
from finpics_desktop.pipeline.people.naming import Located, People

EDGE_FROM = 50.0
NEIGHBOURS = 100  # the most alike faces each face is linked with (a group grows to ~140 faces
#                   of one person: larger ones are split, and named with the same name)
MERGE_FROM = 65.0
MEMBER_FROM = 70.0
APART_BY = 15.0
CONFIDENT_SIZE = 3
SEARCH_CHUNK = 20  # faces searched between two progress reports (Cancel is seen between them:
#                    4 s at Rekognition's 5 calls a second)
SEARCHED_AT_ONCE = 1000  # faces searched in one call where the index can (the library: a few
#                          matrix products), each chunk stored as it comes


@dataclass
class Searching:
    """How the similarity searches of a clustering go: ``progress(done, total)`` after each
    chunk of faces, ``cancel`` looked at between chunks (set: :class:`Cancelled` is raised, the
    faces searched so far kept in the caller's links; with ``partial``,
    :class:`GroupingCancelled`, carrying the groups of what was searched); ``failed``, filled
    in: the faces whose search failed (after its retries) and why -- left out of the groups
    this time, searched again the next."""

    progress: Callable[[int, int], None] | None = None
    cancel: threading.Event | None = None
    failed: dict[str, str] = field(default_factory=dict)
    partial: bool = False


class GroupingCancelled(Cancelled):
    """The grouping was cancelled midway (asked with ``Searching.partial``): ``groups`` and
    ``where`` are those of the faces searched (and of the faces they found; a face not
    searched and alike to none of them is left out), ``searched`` of ``total`` faces. Never
    kept as the album's groups: the next grouping searches the rest."""

    def __init__(self, groups: list[Cluster], where: dict[str, Located], searched: int,
                 total: int):
        super().__init__(f"grouping the unnamed faces was cancelled: {searched} of {total} "
                         "faces searched (kept: the next opening goes on from there)")
        self.groups, self.where, self.searched, self.total = groups, where, searched, total


def search_links(people: People, faces: Sequence[str],
                 keep: Callable[[dict[str, dict[str, float]]], None],
                 searching: Searching | None = None) -> None:
    """The similarity searches of ``faces`` (``{face: {alike face: similarity}}`` at
    :data:`EDGE_FROM`, :data:`NEIGHBOURS` at most), given to ``keep`` chunk by chunk as they
    come (the faces whose search failed left out, in ``searching.failed``): on Rekognition one
    ``SearchFaces`` a face, several in flight at the allowed rate, each retried on its own. An
    index that searches many faces as one operation (the library's matrix) takes
    :data:`SEARCHED_AT_ONCE` at a time."""
    searching = searching or Searching()
    records = people.records
    whole = getattr(records.index, "similar_many", None) is not None
    chunk = SEARCHED_AT_ONCE if whole else SEARCH_CHUNK
    done = 0
    for start in range(0, len(faces), chunk):
        if searching.cancel is not None and searching.cancel.is_set():
            raise Cancelled(f"grouping the unnamed faces was cancelled: {done} of {len(faces)} "
                            "faces searched (kept: the next opening goes on from there)")
        part = faces[start:start + chunk]
        found = records.face_links(part, EDGE_FROM, NEIGHBOURS)
        failed = failed_of(found)
        searching.failed.update(failed)
        keep({f: found.get(f, {}) for f in part if f not in failed})
        done += len(part)
        if searching.progress is not None:
            searching.progress(done, len(faces))


def group_faces(faces: Sequence[str], photo_of: dict[str, str],
                links: dict[str, dict[str, float]]) -> list[Cluster]:
    """The clusters of ``faces`` (each in photo ``photo_of[face]``) given the similarities
    ``links[face][other]`` (either way round is enough; missing pairs count as 0). Confident
    clusters first, the largest first."""
    return group_pairs(faces, [photo_of[f] for f in faces], *_pairs(faces, links))


def group_pairs(faces: Sequence[str], photos: Sequence[str], a: np.ndarray, b: np.ndarray,
                s: np.ndarray) -> list[Cluster]:
    """:func:`group_faces` from the links as arrays: face ``a[k]`` is ``s[k]`` alike to face
    ``b[k]`` (positions in ``faces``; -1: a face not among them), in the order they were met
    (the first met wins a tie)."""
    near, arrays = _near(len(faces), a, b, s)
    photos = list(photos)
    return _settle(faces, near, _average_linkage(near, photos, _firsts(photos, arrays)))


def _pairs(faces: Sequence[str], links: dict[str, dict[str, float]]
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``links`` as arrays (face, other, similarity) by position in ``faces``, in the order
    they are listed."""
    at = {f: i for i, f in enumerate(faces)}
    sources, counts, others, scores = [], [], [], []
    for face, found in links.items():
        i = at.get(face)
        if i is not None:
            sources.append(i)
            counts.append(len(found))
            others.extend(found)
            scores.extend(found.values())
    i = np.repeat(np.array(sources, np.int64), np.array(counts, np.int64))
    j = np.array([at.get(o, -1) for o in others], np.int64)
    return i, j, np.array(scores, np.float64)


def _near(n: int, i: np.ndarray, j: np.ndarray, s: np.ndarray
          ) -> tuple[list[dict[int, float]], tuple | None]:
    """Each face's links at :data:`EDGE_FROM` or more (by index; a pair met both ways keeps
    the higher), in the order they were first met; and the same as arrays (face, other,
    similarity), by face then in that order. Made with numpy: a million links at 20,000 faces."""
    near: list[dict[int, float]] = [{} for _ in range(n)]
    met = np.flatnonzero((i >= 0) & (j >= 0) & (j != i) & (s >= EDGE_FROM))
    if not len(met):
        return near, None
    i, j, s = i[met], j[met], s[met]
    low, high = np.minimum(i, j), np.maximum(i, j)
    pair = low * n + high
    order = np.lexsort((met, pair))  # by pair, first met first
    pair, s, met, low, high = pair[order], s[order], met[order], low[order], high[order]
    firsts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
    s, met = np.maximum.reduceat(s, firsts), met[firsts]
    low, high = low[firsts], high[firsts]
    a, b = np.concatenate([low, high]), np.concatenate([high, low])
    v, met = np.concatenate([s, s]), np.concatenate([met, met])
    order = np.lexsort((met, a))
    a, b, v = a[order], b[order], v[order]
    cuts = np.searchsorted(a, np.arange(n + 1))
    linked = np.flatnonzero(cuts[1:] > cuts[:-1]).tolist()
    others_of, scores_of, cuts = b.tolist(), v.tolist(), cuts.tolist()
    for k in linked:
        x, y = cuts[k], cuts[k + 1]
        near[k] = dict(zip(others_of[x:y], scores_of[x:y], strict=True))
    return near, (a, b, v)


def _firsts(photos: list[str], arrays: tuple | None) -> list[tuple[int, float, int]]:
    """(face, similarity, other): each face's best neighbour while every group is one face --
    the most alike face of another photo, the first met on a tie (what looking at each face
    alone finds), for all the faces at once."""
    if arrays is None:
        return []
    a, b, v = arrays
    _, photo = np.unique(np.array(photos, dtype=str), return_inverse=True)
    v = np.where(photo[a] != photo[b], v, 0.0)
    starts = np.flatnonzero(np.r_[True, a[1:] != a[:-1]])
    top = np.repeat(np.maximum.reduceat(v, starts), np.diff(np.r_[starts, len(a)]))
    at_top = np.flatnonzero((v == top) & (v > 0))
    if not len(at_top):  # every link within a photo
        return []
    first = at_top[np.r_[True, a[at_top][1:] != a[at_top][:-1]]]
    return list(zip(a[first].tolist(), v[first].tolist(), b[first].tolist(), strict=True))


def _average_linkage(near: list[dict[int, float]], photos: list[str],
                     firsts: list[tuple[int, float, int]]) -> list[list[int]]:
    """Average linkage by best neighbours: each group knows the group most alike to it on
    average (at first each face's: ``firsts``); the most alike pair of all joins, and only the
    groups whose best was one of the two look again (an average with a union never exceeds
    both averages). Groups sharing a photo never join."""
    members = {i: [i] for i in range(len(near))}
    count = [1] * len(near)
    in_photos = {i: {photo} for i, photo in enumerate(photos)}
    sums = {i: dict(links) for i, links in enumerate(near)}  # group -> group -> sum
    best: dict[int, tuple[float, int]] = dict.fromkeys(members, (0.0, -1))
    best.update((a, (top, c)) for a, top, c in firsts)
    heap = [(-top, a, c) for a, top, c in firsts]
    heapq.heapify(heap)

    def look(a: int) -> None:
        size, mine = count[a], in_photos[a]
        top, found = 0.0, -1
        for c, total in sums[a].items():
            average = total / (size * count[c])
            if average > top and mine.isdisjoint(in_photos[c]):
                top, found = average, c
        best[a] = (top, found)
        if found >= 0:
            heapq.heappush(heap, (-top, a, found))

    while heap:
        negative, a, b = heapq.heappop(heap)
        if a not in members or b not in members or best[a] != (-negative, b):
            continue  # stale: one of them joined another group, or a looked again since
        if -negative < MERGE_FROM:
            break
        if count[a] < count[b]:
            a, b = b, a  # the smaller group joins the larger
        members[a] += members.pop(b)
        count[a] += count[b]
        in_photos[a] |= in_photos.pop(b)
        mine = sums[a]
        for c, total in sums.pop(b).items():
            if c != a:
                theirs = sums[c]
                del theirs[b]
                mine[c] = theirs[a] = mine.get(c, 0.0) + total
        mine.pop(b, None)
        best.pop(b, None)
        look(a)
        for c in mine:
            if best[c][1] in (a, b) or best[c][1] < 0:
                look(c)
    return list(members.values())


def _settle(faces: Sequence[str], near: list[dict[int, float]],
            groups: list[list[int]]) -> list[Cluster]:
    """Faces not clearly of their group leave it; each group's faces most typical first."""
    label = {i: g for g, group in enumerate(groups) for i in group}
    size = [len(group) for group in groups]
    kept: list[list[tuple[float, int]]] = [[] for _ in groups]
    alone: list[int] = []
    for g, group in enumerate(groups):
        for i in group:
            by_group: dict[int, float] = defaultdict(float)
            for j, s in near[i].items():
                by_group[label[j]] += s
            own = by_group.pop(g, 0.0) / (size[g] - 1) if size[g] > 1 else 0.0
            other = max((s / size[h] for h, s in by_group.items() if size[h] > 1), default=0.0)
            if size[g] > 1 and (own < MEMBER_FROM or own - other < APART_BY):
                alone.append(i)
            else:
                kept[g].append((own, i))
    clusters = [Cluster(tuple(faces[i] for _, i in sorted(group, key=lambda m: (-m[0], m[1]))),
                        len(group) >= CONFIDENT_SIZE)
                for group in kept if group]
    clusters += [Cluster((faces[i],), False) for i in alone]
    return sorted(clusters, key=lambda c: (not c.confident, -len(c.faces), c.faces[0]))


def clusters(people: People) -> list[Cluster]:
    """The unnamed faces of the album's photos (not those ignored), grouped."""
    return located_clusters(people)[0]


def named_ids(people: People) -> set[str]:
    """Every named face's id: from the face index's own table where it keeps one (the
    library's: no record parsed), else from the named faces' records."""
    listed = getattr(people.backend.faces, "named_ids", None)
    found = listed() if listed is not None else None
    return set(people.named()) if found is None else found


def warm(people: People) -> None:
    """Which faces are in a photo and the groups kept, read into memory (as :func:`grouped`
    reads them) -- ahead of the first grouping after a naming; an album that keeps no
    places (the cloud) reads nothing."""
    if locations_kept.marker(people) is not None:
        locations_kept.locations(people)
        groups_kept.load(people.private)


def grouped(people: People, searching: Searching | None = None
            ) -> tuple[list[Cluster], dict[str, str]]:
    """The unnamed faces of the album's photos (not those ignored) grouped, and the ImageId of
    each face in a photo -- no face located (its box read) where the groups kept serve: only ids
    (:mod:`~.locations_kept`). The groups last made are kept in the private store and updated
    by what changed (:mod:`~.groups_kept`); grouping afresh reads the similarity graph kept
    there, and searches only the faces it lacks (:mod:`~.graph`, through :func:`search_links`:
    progress and Cancel in ``searching``). A face whose search failed is left out this time
    (``searching.failed`` says why) and searched the next."""
    left_out = named_ids(people) | ignored_ids(people.private)  # named, or strangers
    kept = locations_kept.locations(people, left_out)  # (read again when photos were written)
    versions, images = kept.versions, kept.images
    wanted = {f for f in images if f not in left_out}  # (not one call: the GUI thread goes on)
    writable = not people.backend.read_only
    found = groups_kept.shrunk(groups_kept.load(people.private), wanted, versions, kept.engines)
    if found is None:
        searching = searching or Searching()
        faces = sorted(wanted)
        where = people.locate(faces, known=images)  # (their photos' paths: one face a photo)
        faces = [f for f in faces if f in where]
        links = graph.face_links(
            people.private, faces, versions,
            lambda missing, keep: search_links(people, missing, keep, searching),
            read_only=not writable, partial=searching.partial)
        found = group_pairs(faces, [where[f].image_path for f in faces],
                            links.a, links.b, links.s)
        if links.missing:  # cancelled (partial): what was searched, never kept as the groups
            missing = set(links.missing)
            shown = [c for c in found if len(c.faces) > 1 or c.faces[0] not in missing]
            raise GroupingCancelled(shown, {f: where[f] for c in shown for f in c.faces},
                                    len(faces) - len(missing), len(faces))
        if writable and not searching.failed:
            groups_kept.save(people.private, found, versions)
    return found, images  # (every indexed face's in a photo: the named ones' too)


def answered(people: People, groups: list[Cluster], faces: Set[str]) -> list[Cluster] | None:
    """``groups`` (the unnamed faces grouped, as :func:`grouped` made them) once the faces
    ``faces`` left them -- when each of them is named or ignored now, as a naming or a stranger
    ignored leaves them (a group only loses faces: :func:`groups_kept.without`). None when one
    of them is unnamed (brought back: it must be grouped) or when the album cannot look a few
    named faces up by key (the cloud): then group them as :func:`grouped` does."""
    named_among = getattr(people.private, "named_among", None)
    named = named_among(sorted(faces)) if named_among is not None else None
    if named is None:
        return None
    left = named | (faces & ignored_ids(people.private))
    return groups_kept.without(groups, left) if left >= faces else None


def located_clusters(people: People, searching: Searching | None = None
                     ) -> tuple[list[Cluster], dict[str, Located]]:
    """:func:`grouped`, and where each of their faces is (every face located: the command
    line's listing; the window locates a page of tiles at a time)."""
    found, images = grouped(people, searching)
    where = people.locate([f for c in found for f in c.faces], known=images)
    return found, where
