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
product on the library, parallel calls on Rekognition), so it works on both backends.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Sequence

from finpics_desktop.domain.people import Cluster
from finpics_desktop.pipeline.people.ignored import ignored_ids
from finpics_desktop.pipeline.people.naming import Located, People

EDGE_FROM = 50.0
NEIGHBOURS = 100  # the most alike faces each face is linked with (a group grows to ~140 faces
#                   of one person: larger ones are split, and named with the same name)
MERGE_FROM = 65.0
MEMBER_FROM = 70.0
APART_BY = 15.0
CONFIDENT_SIZE = 3


def group_faces(faces: Sequence[str], photo_of: dict[str, str],
                links: dict[str, dict[str, float]]) -> list[Cluster]:
    """The clusters of ``faces`` (each in photo ``photo_of[face]``) given the similarities
    ``links[face][other]`` (either way round is enough; missing pairs count as 0). Confident
    clusters first, the largest first."""
    at = {f: i for i, f in enumerate(faces)}
    near: list[dict[int, float]] = [{} for _ in faces]
    for face, others in links.items():
        i = at.get(face)
        if i is None:
            continue
        for other, similarity in others.items():
            j = at.get(other)
            if j is not None and j != i and similarity >= EDGE_FROM:
                near[i][j] = near[j][i] = max(similarity, near[i].get(j, 0.0))
    return _settle(faces, near, _average_linkage(near, [photo_of[f] for f in faces]))


def _average_linkage(near: list[dict[int, float]], photos: list[str]) -> list[list[int]]:
    """Average linkage by best neighbours: each group knows the group most alike to it on
    average; the most alike pair of all joins, and only the groups whose best was one of the
    two look again (an average with a union never exceeds both averages). Groups sharing a
    photo never join."""
    members = {i: [i] for i in range(len(near))}
    in_photos = {i: {photo} for i, photo in enumerate(photos)}
    sums = {i: dict(links) for i, links in enumerate(near)}  # group -> group -> sum
    best: dict[int, tuple[float, int]] = {}
    heap: list[tuple[float, int, int]] = []

    def look(a: int) -> None:
        size, found = len(members[a]), (0.0, -1)
        for c, total in sums[a].items():
            average = total / (size * len(members[c]))
            if average > found[0] and not in_photos[a] & in_photos[c]:
                found = (average, c)
        best[a] = found
        if found[1] >= 0:
            heapq.heappush(heap, (-found[0], a, found[1]))

    for a in members:
        look(a)
    while heap:
        negative, a, b = heapq.heappop(heap)
        if a not in members or b not in members or best[a] != (-negative, b):
            continue  # stale: one of them joined another group, or a looked again since
        if -negative < MERGE_FROM:
            break
        if len(members[a]) < len(members[b]):
            a, b = b, a  # the smaller group joins the larger
        members[a] += members.pop(b)
        in_photos[a] |= in_photos.pop(b)
        for c, total in sums.pop(b).items():
            if c != a:
                sums[c].pop(b)
                sums[a][c] = sums[c][a] = sums[a].get(c, 0.0) + total
        sums[a].pop(b, None)
        best.pop(b, None)
        look(a)
        for c in sums[a]:
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


def located_clusters(people: People, links: dict[str, dict[str, float]] | None = None
                     ) -> tuple[list[Cluster], dict[str, Located]]:
    """:func:`clusters`, and where each of their faces is. ``links``: the similarity searches
    of faces made before (kept by the caller: a face's search does not change when faces are
    named); only the faces missing from it are searched, and added to it."""
    left_out = set(people.named()) | ignored_ids(people.private)  # named, or strangers
    image_of = {f.face_id: f.image_id for f in people.records.indexed_faces()
                if f.face_id not in left_out}
    where = people.locate(image_of, known=image_of)
    faces = sorted(where)
    links = {} if links is None else links
    missing = [f for f in faces if f not in links]
    links.update(people.records.face_links(missing, EDGE_FROM, NEIGHBOURS))
    return group_faces(faces, {f: where[f].image_path for f in faces}, links), where
