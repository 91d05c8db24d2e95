"""People benchmarks (a script, run by hand; not collected by pytest).

    .venv/bin/python tests/benchmarks/bench_people.py [--orders N] [--no-cloud] [--only-curators]

On faces/ + lfw10/ of ../shared/photos in one library, every face labelled:
1. matching with several faces: every same-person and different-person comparison of a face
   with a single other face, and with a user vector of k = 1, 2, 3, 5, 8 named faces (random
   subsets, 20 each): the lowest same-person and highest different-person similarity, recall
   and false matches at the default threshold (80);
2. the curator: one face of each person named, then every proposal answered (confirm the true,
   reject the false; sure ones first, the unsure one at a time) until none is left, over N
   orders of the people: actions per face, sure proposals that were wrong, faces missed;
   2b. the curator of the window's Unnamed faces (tests/tile_curator.py): group tiles named or
   ignored from the tile, then proposals, then the faces that fit no group: actions per face;
3. clusters of the unnamed faces: clusters mixing people, people split, confident clusters;
4. speed on a library of 10,000 faces (copies of the real faces' vectors slightly perturbed:
   for timing only), ratios against the bare numpy work in the same run: clusters vs the
   thresholded similarity matrix of the same faces, a proposal list vs one search;
5. (unless --no-cloud) the AWS calls of naming, proposing and clustering on the local cloud,
   counted on the wire.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
PHOTOS = REPO.parent / "shared" / "photos"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from labelled_album import publish_labelled  # noqa: E402

from finpics_desktop.backends.local.engine import FaceEngine  # noqa: E402
from finpics_desktop.backends.local.library import open_library  # noqa: E402
from finpics_desktop.pipeline.people.clusters import clusters  # noqa: E402
from finpics_desktop.pipeline.people.naming import People  # noqa: E402
from finpics_desktop.pipeline.people.proposals import suggest  # noqa: E402


def labels() -> dict[str, list[str]]:
    import json

    groups = json.loads((PHOTOS / "labels.json").read_text())
    return {p.relative_to(PHOTOS).as_posix(): groups.get(p.relative_to(PHOTOS).as_posix(),
                                                         [p.parent.name])
            for p in sorted((PHOTOS / "faces").rglob("*"))
            if p.suffix.lower() in (".jpg", ".jpeg", ".png")}


def matching(backend, who: dict) -> None:
    faces = backend.faces
    rng = random.Random(7)
    persons = sorted({p for p in who.values() if p})
    print("1. matching with several faces (similarity: lowest same-person / highest other; "
          "recall and false matches at 80)")
    for k in (0, 1, 2, 3, 5, 8):
        same, other = [], []
        for person in persons:
            mine = [f for f, p in who.items() if p == person]
            if len(mine) <= max(k, 1):
                continue
            for _ in range(1 if k == 0 else 20):
                if k == 0:  # single faces: every pair
                    for seed in mine:
                        alike = {m["Face"]["FaceId"]: m["Similarity"]
                                 for m in faces.search_faces(seed, 0.0, 4096)}
                        for f, p in who.items():
                            if p and f != seed:
                                (same if p == person else other).append(alike.get(f, 0.0))
                    continue
                named = rng.sample(mine, k)
                user = f"bench-{uuid.uuid4().hex}"
                faces.create_user(user)
                faces.associate_faces(user, named, 0.0)
                for f, p in who.items():
                    if p and f not in named:
                        match = [m["Similarity"] for m in faces.search_users(
                            face_id=f, threshold=0.0) if m["User"]["UserId"] == user]
                        (same if p == person else other).append(match[0] if match else 0.0)
                faces.delete_user(user)
        same, other = np.array(same), np.array(other)
        label = "single faces" if k == 0 else f"user vector of {k}"
        print(f"   {label:20s} same >= {same.min():5.1f}  others <= {other.max():5.1f}  "
              f"recall {np.mean(same >= 80):.4f}  false {int(np.sum(other >= 80))} of "
              f"{len(other)}")


def curator(template: Path, who: dict, photo_of: dict, where: dict, orders: int) -> None:
    persons = sorted({p for p in who.values() if p})
    results = []
    for n in range(orders):
        folder = Path(tempfile.mkdtemp(prefix="bench-people-"))
        shutil.copytree(template, folder / "lib")
        backend = open_library(folder / "lib", engine=ENGINE)
        people = People(backend)
        order = persons[:]
        random.Random(n).shuffle(order)
        count = Counter()

        def answer(person: str, people=people, count=count) -> None:
            while True:
                proposals = suggest(people, person)
                batch = proposals.sure or proposals.unsure[:1]
                if not batch:
                    return
                for proposal in batch:
                    right = who.get(proposal.face_id) == person
                    count[("confirm" if right else "reject") + ("" if proposal.sure
                                                                else " unsure")] += 1
                    (people.confirm if right else people.reject)(person, [proposal.face_id])

        start = time.perf_counter()
        for person in order:
            people.name_face(min((f for f, p in who.items() if p == person),
                                 key=lambda f: ("groups/" in where[photo_of[f]],
                                                where[photo_of[f]])), person)
            answer(person)
        for person in order:
            answer(person)
        named = people.named()
        missed = sum(1 for f, p in who.items() if p and f not in named)
        results.append((count, missed, time.perf_counter() - start))
        backend.close()
        shutil.rmtree(folder)
    labelled = sum(1 for p in who.values() if p)
    per_face = [sum(c.values()) / (labelled - len(persons)) for c, _, _ in results]
    print(f"2. the curator, {orders} orders: {labelled} faces, {len(persons)} named by hand; "
          f"actions per face named from a proposal {min(per_face):.3f}-{max(per_face):.3f} "
          f"(mean {np.mean(per_face):.3f}); sure proposals wrong: "
          f"{max(c['reject'] for c, _, _ in results)}; unsure ones right: "
          f"{max(c['confirm unsure'] for c, _, _ in results)}; faces missed: "
          f"{max(m for _, m, _ in results)}; {np.mean([t for _, _, t in results]):.1f} s a run")


def tile_curator(template: Path, who: dict, orders: int) -> None:
    """2b. the curator of the window's Unnamed faces (tests/tile_curator.py): group tiles named
    or ignored from the tile, then proposals, then the faces that fit no group."""
    from tile_curator import curate

    persons = sorted({p for p in who.values() if p})
    labelled = sum(1 for p in who.values() if p)
    results = []
    for n in range(orders):
        folder = Path(tempfile.mkdtemp(prefix="bench-tiles-"))
        shutil.copytree(template, folder / "lib")
        backend = open_library(folder / "lib", engine=ENGINE)
        order = persons[:]
        random.Random(n).shuffle(order)
        start = time.perf_counter()
        count = curate(backend, who, order)
        named = People(backend).named()
        wrong = sum(1 for f, d in named.items() if who.get(f) is None)
        missed = sum(1 for f, p in who.items() if p and f not in named)
        results.append((count, missed + wrong, time.perf_counter() - start))
        backend.close()
        shutil.rmtree(folder)
    per_face = [sum(c.values()) / labelled for c, _, _ in results]
    naming = [sum(v for k, v in c.items() if not k.startswith("ignore")) / labelled
              for c, _, _ in results]
    print(f"2b. the curator of Unnamed faces' tiles, {orders} orders: {labelled} faces named, "
          f"{sum(1 for p in who.values() if p is None)} strangers ignored; actions per face "
          f"named {min(per_face):.3f}-{max(per_face):.3f} (without the ignoring: "
          f"{min(naming):.3f}-{max(naming):.3f}); actions: {dict(sorted(results[0][0].items()))}"
          f"; faces missed or wrongly named: {max(m for _, m, _ in results)}; "
          f"{np.mean([t for _, _, t in results]):.1f} s a run")


def clustering(backend, who: dict) -> None:
    people = People(backend)
    found = clusters(people)
    mixed = [c for c in found if len({who[f] for f in c.faces if who.get(f)}) > 1]
    split = Counter(p for c in found for p in {who[f] for f in c.faces if who.get(f)})
    print(f"3. clusters of {sum(len(c.faces) for c in found)} unnamed faces: {len(found)} "
          f"clusters, {sum(c.confident for c in found)} confident, {len(mixed)} mixing people; "
          f"people in more than one cluster: {sum(1 for v in split.values() if v > 1)} of "
          f"{len(split)}")


def speed(backend, size: int = 10_000) -> None:
    """Copies of the real vectors (perturbed) in a library of their own: timing only."""
    group = next(iter(backend.faces._matrix().groups.values()))
    rng = np.random.default_rng(3)
    folder = Path(tempfile.mkdtemp(prefix="bench-people-speed-"))
    big = open_library(folder / "lib", engine=ENGINE)
    faces, photos = [], []
    for n in range(size):
        vector = group.vectors[n % len(group.vectors)] + rng.normal(0, 0.05, 128)
        face = {"FaceId": str(uuid.uuid4()), "ImageId": str(uuid.uuid4()),
                "ExternalImageId": f"k{n}", "Confidence": 99.0,
                "BoundingBox": {"Width": 0.2, "Height": 0.2, "Left": 0.4, "Top": 0.3}}
        faces.append((face, (vector / np.linalg.norm(vector)).astype(np.float32)))
        photos.append({"image_id": face["ImageId"], "image_path": f"001_big/{n:05d}.jpg",
                       "data": {"FaceRecords": [{"Face": face, "FaceDetail": {}}]}})
    big.faces.add_vectors(faces)
    for item in photos:
        big.tables.put_image_item(item)
    people = People(big)
    vectors = np.stack([v for _, v in faces])
    start = time.perf_counter()
    for block in range(0, size, 1024):
        np.flatnonzero(vectors[block:block + 1024] @ vectors.T >= 0.2625)
    bare = time.perf_counter() - start
    start = time.perf_counter()
    found = clusters(people)
    took = time.perf_counter() - start
    print(f"4. {size} faces: clusters in {took:.2f} s ({len(found)} clusters), "
          f"{took / bare:.1f}x the bare thresholded similarity matrix ({bare:.2f} s)")
    for face, _ in faces[:20]:
        people.name_face(face["FaceId"], f"p{face['FaceId'][:4]}", same_photo=True)
    name = f"p{faces[0][0]['FaceId'][:4]}"
    start = time.perf_counter()
    proposals = suggest(people, name)
    took = time.perf_counter() - start
    start = time.perf_counter()
    big.search(faces[0][0]["FaceId"])
    one = time.perf_counter() - start
    print(f"   a proposal list ({len(proposals.all)} faces) in {took * 1000:.0f} ms, "
          f"{took / one:.1f}x one search ({one * 1000:.0f} ms)")
    big.close()
    shutil.rmtree(folder)


def cloud_calls(template: Path) -> None:
    from finpics_desktop.backends.aws.backend import open_aws
    from finpics_desktop.backends.aws.session import Clients
    from finpics_desktop.localcloud import LocalCloud
    from finpics_desktop.pipeline.functions.process import process_new_image
    from tests.aws.aws_helpers import create_resources, fresh_names

    with tempfile.TemporaryDirectory() as tmp, LocalCloud(Path(tmp), engine=ENGINE) as cloud:
        names = fresh_names("bench")
        clients = Clients(cloud.settings())
        create_resources(clients, names)
        backend = open_aws(names, cloud.settings(), clients=clients)
        keys = []
        for n, path in enumerate(sorted((PHOTOS / "faces").rglob("*.jp*g"))):
            key = f"photos/001_faces/{n:02d}_{path.name}"
            backend.store.put(names.pics_bucket, key, path.read_bytes(), "image/jpeg")
            item = process_new_image(backend.store, backend.tables, backend.faces, names,
                                     names.pics_bucket, key)
            keys += [r["Face"]["FaceId"] for r in item["data"]["FaceRecords"]]
        people = People(backend)
        for what, action in [("name a face", lambda: people.name_face(keys[0], "someone")),
                             ("propose", lambda: suggest(people, "someone")),
                             ("confirm one", lambda: people.confirm("someone", [keys[1]])),
                             ("people list", people.summaries),
                             ("cluster", lambda: clusters(people))]:
            cloud.gateway.reset_calls()
            action()
            calls = Counter({f"{s}:{o}": n for (s, o), n in cloud.gateway.calls.items()})
            print(f"5. {what} ({len(keys)} faces on the cloud): {sum(calls.values())} calls "
                  f"({', '.join(f'{k} {v}' for k, v in sorted(calls.items()))})")
        backend.close()


ENGINE = FaceEngine()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=10)
    parser.add_argument("--no-cloud", action="store_true")
    parser.add_argument("--only-curators", action="store_true",
                        help="the two simulated curators, nothing else")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "library"
        backend = open_library(template, engine=ENGINE)
        where, who = publish_labelled(backend, PHOTOS, labels())
        photo_of = {r["Face"]["FaceId"]: f"{i['primarykey']}/{i['sortkey']}"
                    for e in backend.tables.query_pics("/")
                    for i in backend.tables.query_pics(e["sortkey"])
                    for r in i["data"]["FaceRecords"]}
        if not args.only_curators:
            matching(backend, who)
        curator(template, who, photo_of, where, args.orders)
        tile_curator(template, who, args.orders)
        if args.only_curators:
            backend.close()
            return
        clustering(backend, who)
        speed(backend)
        backend.close()
        if not args.no_cloud:
            cloud_calls(template)


if __name__ == "__main__":
    main()
