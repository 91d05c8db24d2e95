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
from finpics_desktop.pipeline.people import People

EDGE_FROM = 50.0
MERGE_FROM = 65.0
MEMBER_FROM = 70.0
APART_BY = 15.0
CONFIDENT_SIZE = 3


def group_faces(faces: Sequence[str], photo_of: dict[str, str],
                edges: dict[tuple[str, str], float]) -> list[Cluster]:
    """The clusters of ``faces`` (each in photo ``photo_of[face]``) given the similarities of
    pairs ``edges`` (either order; missing pairs count as 0). Confident clusters first, the
    largest first."""
    n = len(faces)
    at = {f: i for i, f in enumerate(faces)}
    near: list[dict[int, float]] = [{} for _ in range(n)]
    for (a, b), similarity in edges.items():
        if a in at and b in at and a != b and similarity >= EDGE_FROM:
            near[at[a]][at[b]] = near[at[b]][at[a]] = max(similarity, near[at[a]].get(at[b], 0))
    members = {i: [i] for i in range(n)}
    photos = {i: {photo_of[faces[i]]} for i in range(n)}
    sums = {i: dict(near[i]) for i in range(n)}  # group -> other group -> sum of similarities
    heap = [(-s, i, j) for i in range(n) for j, s in near[i].items() if i < j]
    heapq.heapify(heap)
    while heap:
        negative, a, b = heapq.heappop(heap)
        if a not in members or b not in members:
            continue
        average = sums[a].get(b, 0.0) / (len(members[a]) * len(members[b]))
        if abs(average + negative) > 1e-9:
            continue  # a stale entry: the groups changed since
        if average < MERGE_FROM:
            break
        if photos[a] & photos[b]:
            continue  # one photo in both: never one person
        members[a] += members.pop(b)
        photos[a] |= photos.pop(b)
        for c, s in sums.pop(b).items():
            if c != a:
                sums[c].pop(b, None)
                sums[a][c] = sums[c][a] = sums[a].get(c, 0.0) + s
        sums[a].pop(b, None)
        for c, s in sums[a].items():
            heapq.heappush(heap, (-s / (len(members[a]) * len(members[c])), min(a, c), max(a, c)))
    return _settle(faces, near, list(members.values()))


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
    """The unnamed faces of the album's photos, grouped."""
    named = people.named()
    image_of = {f["FaceId"]: f["ImageId"] for f in people.index.list_faces()
                if f["FaceId"] not in named}
    where = people.locate(image_of, known=image_of)
    faces = sorted(where)
    edges = {}
    for face_id, matches in people.index.search_faces_many(faces, EDGE_FROM, 4096).items():
        for match in matches:
            other = match["Face"]["FaceId"]
            if other in where:
                edges[(face_id, other)] = match["Similarity"]
    return group_faces(faces, {f: where[f].image_path for f in faces}, edges)
