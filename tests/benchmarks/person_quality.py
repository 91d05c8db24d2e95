"""People's matching quality (a script, run by hand; not collected by pytest).

    .venv/bin/python tests/benchmarks/person_quality.py [--draws N] [--deepface DIR] [--single]

On faces/ + lfw10/ of ../shared/photos and deepface's unit-test photos (the look-alike actors;
``face_quality.py`` says what and where: ``--deepface DIR``, else ``../shared/deepface`` or
``$FINPICS_DEEPFACE`` if there) in one library, every labelled face: for each person,
``k`` of their faces named at random (N draws of each k), and every other labelled face scored
three ways against them:

- *single*: its similarity to one named face (SearchFaces; k = 1 is a plain face search);
- *template*: its similarity to the person's user vector, the mean of the k named faces
  (SearchUsers, Rekognition's user vectors; the local index's own scale, 80 = its cut);
- *best of*: its highest similarity to any of the k named faces (SearchFaces from each).

For each: the lowest same-person score, the highest different-person score, the gap between
them, and at the cuts of :mod:`finpics_desktop.domain.bands` the margin (the cut minus
the highest different-person score: how far the closest stranger stayed below it), the recall
and the false matches. Similarities are also given as SFace cosines (the scale's inverse).
These are the measurements the cuts' comments cite; a cut is never put at the edge of them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import uuid
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
PHOTOS = REPO.parent / "shared" / "photos"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from benchmarks.face_quality import deepface_labels  # noqa: E402
from labelled_album import photo_faces, publish_labelled  # noqa: E402

from finpics_desktop.backends.local.engine import FaceEngine  # noqa: E402
from finpics_desktop.backends.local.library import open_library  # noqa: E402
from finpics_desktop.backends.local.similarity import SFACE_CUT, USER_CUT  # noqa: E402
from finpics_desktop.domain import bands  # noqa: E402
from finpics_desktop.pipeline.publish.upload import DONE, Publisher  # noqa: E402

KS = (1, 2, 3, 5, 8)
# sure cuts of the best of, printed beside: around the single face's sure cut (domain/bands.py)
SWEEP = (80.0, 81.0, 82.0, bands.MIRROR.sure, 84.0)


def labels() -> dict[str, list[str]]:
    groups = json.loads((PHOTOS / "labels.json").read_text())
    return {p.relative_to(PHOTOS).as_posix(): groups.get(p.relative_to(PHOTOS).as_posix(),
                                                         [p.parent.name])
            for p in sorted((PHOTOS / "faces").rglob("*"))
            if p.suffix.lower() in (".jpg", ".jpeg", ".png")}


def publish_deepface(backend, folder: Path, tmp: Path) -> dict[str, str | None]:
    """deepface's labelled photos published as one picset, the largest face of each labelled
    (FaceId -> person; a photo the engine cannot read, a WEBP named .jpg, is left out)."""
    people = deepface_labels(folder)
    copy = tmp / "deepface"
    copy.mkdir()
    for name in people:
        shutil.copy2(folder / name, copy / name)
    report = Publisher(backend.store, backend.tables, backend.faces, backend.names,
                       backend.process).publish([copy], "900_deepface")
    done = {r.name for r in report.with_status(DONE)}
    left = sorted(set(people) - done)
    if left:
        print(f"(deepface: {', '.join(left)} left out: not published)")
    who: dict[str, str | None] = {}
    for image_path, records in photo_faces(backend):
        picset, _, name = image_path.partition("/")
        if picset != "900_deepface" or not records:
            continue
        for r in records:
            who[r["Face"]["FaceId"]] = None
        largest = max(records, key=lambda r: r["Face"]["BoundingBox"]["Width"])
        who[largest["Face"]["FaceId"]] = people[name]
    return who


def cosine(similarity: float, cut: float) -> float:
    """The SFace cosine behind a similarity of the local scale whose 80 is ``cut``."""
    if similarity >= 80.0:
        return cut + (similarity - 80.0) * (1.0 - cut) / 20.0
    return similarity * cut / 80.0


def measure(backend, who: dict[str, str | None], draws: int) -> dict:
    """``{(way, k): (same-person scores, different-person scores)}``."""
    faces = backend.faces
    labelled = [f for f, p in who.items() if p]
    single = {f: {m["Face"]["FaceId"]: m["Similarity"] for m in faces.search_faces(f, 0.0, 4096)}
              for f in labelled}
    persons = sorted({who[f] for f in labelled})
    rng = random.Random(23)
    found: dict = {}
    for k in KS:
        for way in ("single", "template", "best of", "both"):
            found[(way, k)] = ([], [])
        for _ in range(draws):
            named: dict[str, list[str]] = {}
            users: dict[str, str] = {}
            for person in persons:
                mine = [f for f in labelled if who[f] == person]
                if len(mine) <= k:
                    continue
                named[person] = rng.sample(mine, k)
                users[person] = f"bench-{uuid.uuid4().hex}"
                faces.create_user(users[person])
                faces.associate_faces(users[person], named[person], 0.0)
            person_of = {u: p for p, u in users.items()}
            for face in labelled:
                to_users = {person_of[m["User"]["UserId"]]: m["Similarity"]
                            for m in faces.search_users(face_id=face, threshold=0.0)
                            if m["User"]["UserId"] in person_of}
                for person, chosen in named.items():
                    if face in chosen:
                        continue
                    side = 0 if who[face] == person else 1
                    scores = [single[seed].get(face, 0.0) for seed in chosen]
                    found[("single", k)][side].append(scores[0])
                    found[("best of", k)][side].append(max(scores))
                    found[("template", k)][side].append(to_users.get(person, 0.0))
                    found[("both", k)][side].append((to_users.get(person, 0.0), max(scores)))
            for user in users.values():
                faces.delete_user(user)
    return found


def report(found: dict, version: str) -> None:
    cuts = bands.cuts_for(version)
    cut_of = {"single": cuts.sure, "best of": cuts.sure, "template": cuts.template}
    maybe_of = {"single": cuts.maybe, "best of": cuts.maybe, "template": cuts.template_maybe}
    scale = {"single": SFACE_CUT, "best of": SFACE_CUT, "template": USER_CUT}
    print(f"engine {version}; cuts: face {cuts.sure} (maybe {cuts.maybe}), template "
          f"{cuts.template} (maybe {cuts.template_maybe})")
    print("| matched with | k | same-person pairs | lowest same (cosine) | different-person "
          "pairs | highest different (cosine) | gap | cut | margin at the cut | recall at the "
          "cut | false at the cut | recall at the maybe cut | false at the maybe cut |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for (way, k), (same, other) in found.items():
        if way == "single" and k != 1 or way == "both" or not same:
            continue
        same, other = np.array(same), np.array(other)
        cut, maybe, c = cut_of[way], maybe_of[way], scale[way]
        print(f"| {way} | {k} | {len(same):,} | {same.min():.1f} ({cosine(same.min(), c):.3f}) "
              f"| {len(other):,} | {other.max():.1f} ({cosine(other.max(), c):.3f}) "
              f"| {same.min() - other.max():+.1f} ({cosine(same.min(), c) - cosine(other.max(), c):+.3f}) "  # noqa: E501
              f"| {cut:g} | {cut - other.max():+.1f} ({cosine(cut, c) - cosine(other.max(), c):+.3f}) "  # noqa: E501
              f"| {np.mean(same >= cut):.2%} | {int(np.sum(other >= cut))} "
              f"| {np.mean(same >= maybe):.2%} | {int(np.sum(other >= maybe))} |")
    print("\nthe person's search (template or best of), found at the sure cuts and at the maybe "
          "cuts; then the sure cut of the best of swept (template at its cut):")
    print("| k | recall sure | false sure | recall sure + maybe | false sure + maybe | "
          + " | ".join(f"best of {f}: recall, false" for f in SWEEP) + " |")
    print("| --- | --- | --- | --- | --- | " + " | ".join("---" for _ in SWEEP) + " |")
    for (way, k), (same, other) in found.items():
        if way != "both" or not same:
            continue
        same, other = np.array(same), np.array(other)

        def found_at(pairs, template, face):
            return (pairs[:, 0] >= template) | (pairs[:, 1] >= face)

        sweep = " | ".join(
            f"{np.mean(found_at(same, cuts.template, f)):.2%}, "
            f"{int(np.sum(found_at(other, cuts.template, f)))}" for f in SWEEP)
        print(f"| {k} | {np.mean(found_at(same, cuts.template, cuts.sure)):.2%} "
              f"| {int(np.sum(found_at(other, cuts.template, cuts.sure)))} "
              f"| {np.mean(found_at(same, cuts.template_maybe, cuts.maybe)):.2%} "
              f"| {int(np.sum(found_at(other, cuts.template_maybe, cuts.maybe)))} "
              f"| {sweep} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=10, help="random draws of each k")
    parser.add_argument("--deepface", type=Path, default=None,
                        help="deepface's tests/unit/dataset (face_quality.py says how to get it)")
    parser.add_argument("--single", action="store_true",
                        help="the engine before the mirror (a face's crop alone)")
    args = parser.parse_args()
    deepface = args.deepface or next(
        (p for p in (Path(os.environ.get("FINPICS_DEEPFACE") or "/nonexistent"),
                     REPO.parent / "shared" / "deepface") if p.is_dir()), None)
    with tempfile.TemporaryDirectory() as tmp:
        engine = FaceEngine(mirror=not args.single)
        backend = open_library(Path(tmp) / "lib", engine=engine)
        _, who = publish_labelled(backend, PHOTOS, labels())
        print(f"sets: faces/ + lfw10/{' + deepface (' + str(deepface) + ')' if deepface else ''}")
        if deepface is not None:
            who.update(publish_deepface(backend, deepface, Path(tmp)))
        labelled = [p for p in who.values() if p]
        print(f"labelled faces: {len(labelled)} of {len(set(labelled))} people")
        report(measure(backend, who, args.draws), engine.model_version)
        backend.close()


if __name__ == "__main__":
    main()
