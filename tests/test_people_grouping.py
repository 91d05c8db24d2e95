"""The grouping of unnamed faces made with numpy (``clusters.group_faces``) finds exactly the
groups the pure-Python average linkage found before it (kept here as the reference): on the real
engine's links of the real photos (``faces/`` + ``lfw10/``, every face unnamed, then some
named), and on random link graphs full of ties (rounded similarities), faces sharing a photo,
missing and one-way links, at thresholds either side of the cuts."""

from __future__ import annotations

import heapq
import random
from collections import defaultdict

from test_people import album, template  # noqa: F401 - the labelled album's fixtures

from finpics_desktop.domain.people import Cluster
from finpics_desktop.pipeline.people import clusters as grouping
from finpics_desktop.pipeline.people.clusters import EDGE_FROM, MERGE_FROM, NEIGHBOURS


def reference_groups(faces, photo_of, links) -> list[Cluster]:
    """``group_faces`` as it was in pure Python (dicts of dicts, every face looked at)."""
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
    return grouping._settle(faces, near, _reference_linkage(near, [photo_of[f] for f in faces]))


def _reference_linkage(near, photos):
    members = {i: [i] for i in range(len(near))}
    in_photos = {i: {photo} for i, photo in enumerate(photos)}
    sums = {i: dict(links) for i, links in enumerate(near)}
    best: dict[int, tuple[float, int]] = {}
    heap: list[tuple[float, int, int]] = []

    def look(a):
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
            continue
        if -negative < MERGE_FROM:
            break
        if len(members[a]) < len(members[b]):
            a, b = b, a
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


def test_the_real_photos_group_as_before(album):  # noqa: F811 - the fixture imported above
    backend, people, _, who = album
    for named in (0, 1):
        if named:  # a few faces named: the rest grouped again
            for face in sorted(f for f, p in who.items() if p)[::7]:
                people.name_face(face, who[face], same_photo=True)
        left = set(people.named())
        image_of = {f.face_id: f.image_id for f in people.records.indexed_faces()
                    if f.face_id not in left}
        where = people.locate(image_of, known=image_of)
        faces = sorted(where)
        links = people.records.face_links(faces, EDGE_FROM, NEIGHBOURS)
        photo_of = {f: where[f].image_path for f in faces}
        found = grouping.group_faces(faces, photo_of, links)
        assert found == reference_groups(faces, photo_of, links)
        assert sum(len(c.faces) > 1 for c in found) >= 5  # groups, not only faces alone


def test_random_links_with_ties_group_as_before():
    checked = defaultdict(int)
    for seed in range(60):
        rng = random.Random(seed)
        faces = [f"face{n:03d}" for n in range(rng.randint(0, 120))]
        photos = 1 if seed % 10 == 0 else len(faces) // 2 or 1  # all in one photo, now and then
        photo_of = {f: f"photo{rng.randint(0, photos - 1)}" for f in faces}
        links: dict[str, dict[str, float]] = {}
        for face in faces + ["gone"]:  # links to and from a face not listed count for nothing
            others = rng.sample(faces + ["gone"], min(len(faces), rng.randint(0, 25)))
            links[face] = {o: float(rng.choice((40, 50, 60, 65, 70, 75, 80, 90, 99)))
                           for o in others}  # few values: ties everywhere
        found = grouping.group_faces(faces, photo_of, links)
        assert found == reference_groups(faces, photo_of, links), seed
        checked["grouped"] += sum(len(c.faces) > 1 for c in found)
    assert checked["grouped"] > 100


def test_the_groups_kept_serve_only_faces_of_the_engines_they_were_grouped_by():
    """The groups kept shrink to the faces wanted only if every wanted face was grouped by an
    engine version they were made with. The versions the album has (``engines``, gathered as
    the faces are read) answer at once when all of them were grouped; otherwise each wanted
    face's own version decides, as before (a named face of an older engine is no reason to
    group afresh)."""
    from finpics_desktop.pipeline.people.groups_kept import Kept, shrunk

    kept = Kept([Cluster(("a", "b", "c"), True), Cluster(("d",), False)], {"v2"},
                frozenset("abcd"))
    versions = {"a": "v2", "b": "v2", "c": "v2", "d": "v2", "old": "v1"}
    wanted = {"a", "c", "d"}  # (b named since)
    expected = [Cluster(("a", "c"), False), Cluster(("d",), False)]
    assert shrunk(kept, wanted, versions, frozenset({"v2"})) == expected
    assert shrunk(kept, wanted, versions, frozenset({"v1", "v2"})) == expected  # (each face)
    assert shrunk(kept, wanted, versions) == expected
    versions["a"] = "v1"  # a face reindexed by another engine: grouped afresh
    assert shrunk(kept, wanted, versions, frozenset({"v1", "v2"})) is None
    assert shrunk(kept, wanted | {"old"}, versions, frozenset({"v2"})) is None  # not grouped
