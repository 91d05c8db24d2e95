"""Face matching quality (a script, run by hand; not collected by pytest).

    .venv/bin/python tests/benchmarks/face_quality.py [--deepface DIR] [--plot PNG]

Each labelled face of each set is analysed by every engine variant in the same run:
``single`` (the engine before: a face's vector from its aligned crop alone) and ``mirror``
(the mean of the crop's and its mirror image's vectors). Sets:

- ``faces``: ``../shared/photos/faces/`` (face_recognition's photos, MIT): a folder per
  person, group photos labelled left to right in ``labels.json``;
- ``lfw10``: ``../shared/photos/lfw10/`` (10 people x 10 LFW crops): the central face;
- ``deepface``: deepface's unit-test photos (MIT, github.com/serengil/deepface,
  ``tests/unit/dataset``: 59 photos of 13 people, mostly actors, labelled by the same-person
  pairs of its ``master.csv`` and ``face-recognition-pivot.csv``); not in the repository (23
  MB): ``--deepface DIR``, else ``../shared/deepface`` or ``$FINPICS_DEEPFACE`` if there.
  Get it with ``git clone --depth 1 https://github.com/serengil/deepface`` (the folder
  ``tests/unit/dataset`` and the repository's ``LICENSE``).

For each set and each variant: every same-person and different-person pair of labelled
faces (cosine of their vectors, and the similarity 0-100 of
:func:`~finpics_desktop.backends.local.similarity.sface_from_cosine`): the farthest
same-person pairs, the closest different-person pairs, the margin of the sure cut above the
closest different-person pair, the recall of *sure* (pairs at or above the sure cut whose two
faces pass the quality gate) and of *sure + maybe* (at or above the maybe cut), and the
different-person pairs in each band. Then the quality gate: each photo of ``lfw10`` shrunk
until its face is tiny, searched against the others. ``--plot`` draws the score distributions
of the adopted engine with the cuts (Pillow).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from dataclasses import dataclass
from io import BytesIO
from itertools import combinations
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
PHOTOS = Path(os.environ.get("FINPICS_PHOTOS") or REPO.parent / "shared" / "photos")
sys.path.insert(0, str(REPO))

from finpics_desktop.backends.local.engine import FaceEngine  # noqa: E402
from finpics_desktop.backends.local.similarity import (  # noqa: E402
    sface_cosine,
    sface_from_cosine,
)
from finpics_desktop.domain import bands  # noqa: E402
from finpics_desktop.domain.errors import FinpicsError  # noqa: E402

IMAGE_TYPES = (".jpg", ".jpeg", ".png")


@dataclass(frozen=True)
class Face:
    person: str
    photo: str
    vector: np.ndarray
    sharpness: float


def _central(faces):
    return min(faces, key=lambda f: (f.box["Left"] + f.box["Width"] / 2 - 0.5) ** 2
               + (f.box["Top"] + f.box["Height"] / 2 - 0.5) ** 2)


def labelled_photos(deepface: Path | None) -> dict[str, list[tuple[Path, list[str], str]]]:
    """set -> [(photo, people left to right, how the labelled face is chosen)]."""
    groups = json.loads((PHOTOS / "labels.json").read_text())
    sets: dict[str, list] = {"faces": [], "lfw10": []}
    for path in sorted((PHOTOS / "faces").rglob("*")):
        if path.suffix.lower() in IMAGE_TYPES:
            rel = path.relative_to(PHOTOS).as_posix()
            people = groups.get(rel)
            sets["faces"].append((path, people or [path.parent.name],
                                  "order" if people else "largest"))
    for path in sorted((PHOTOS / "lfw10").rglob("*.jpg")):
        sets["lfw10"].append((path, [path.parent.name], "central"))
    if deepface is not None:
        sets["deepface"] = [(deepface / name, [person], "largest")
                            for name, person in deepface_labels(deepface).items()]
    return sets


def deepface_labels(folder: Path) -> dict[str, str]:
    """Photo name -> person: the connected groups of deepface's same-person pairs."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            x = parent[x]
        return x

    for table in ("master.csv", "face-recognition-pivot.csv"):
        for row in csv.DictReader((folder / table).open()):
            a, b = row["file_x"].rsplit("/", 1)[-1], row["file_y"].rsplit("/", 1)[-1]
            ra, rb = root(a), root(b)
            if (row.get("Decision") or row.get("decision")) == "Yes":
                parent[ra] = rb
    names = {r: f"deepface_person_{n + 1}" for n, r in
             enumerate(sorted({root(x) for x in parent}, key=lambda r: int(r[3:-4])))}
    return {x: names[root(x)] for x in sorted(parent, key=lambda x: int(x[3:-4]))
            if (folder / x).exists()}


def analyse(engine: FaceEngine, sets: dict) -> dict[str, list[Face]]:
    found: dict[str, list[Face]] = {}
    for name, photos in sets.items():
        faces = found.setdefault(name, [])
        for path, people, how in photos:
            try:
                detected = engine.analyze(path.read_bytes(), path.name)
            except FinpicsError as e:  # deepface's img*.jpg hold a WEBP or two
                print(f"  ({name}: {path.name} left out: {e})")
                continue
            if not detected:
                continue
            if how == "central":
                chosen = [(_central(detected), people[0])]
            elif how == "largest":
                chosen = [(max(detected, key=lambda f: f.box["Width"]), people[0])]
            else:
                ordered = sorted(detected, key=lambda f: f.box["Left"])
                chosen = list(zip(ordered, people, strict=False))
            for face, person in chosen:
                faces.append(Face(person, path.name, face.descriptor,
                                  face.quality["Sharpness"]))
    return found


def pairs(faces: list[Face]) -> tuple[list, list]:
    same, other = [], []
    for a, b in combinations(faces, 2):
        cosine = float(a.vector @ b.vector)
        gated = min(a.sharpness, b.sharpness) < bands.SHARP
        (same if a.person == b.person else other).append((cosine, gated, a, b))
    return same, other


def similarity(cosine: float) -> float:
    return float(sface_from_cosine(np.array([cosine]))[0])


def report(name: str, same: list, other: list, cuts: bands.Cuts) -> dict:
    sure_c, maybe_c = sface_cosine(cuts.sure), sface_cosine(cuts.maybe)
    same.sort(key=lambda p: p[0])
    other.sort(key=lambda p: -p[0])
    sure = [p for p in same if p[0] >= sure_c and not p[1]]
    either = [p for p in same if p[0] >= maybe_c]
    wrong_sure = [p for p in other if p[0] >= sure_c and not p[1]]
    wrong_maybe = [p for p in other if p[0] >= maybe_c] if other else []
    row = {"set": name, "same": len(same), "other": len(other),
           "farthest_same": same[0][0] if same else None,
           "closest_other": other[0][0] if other else None,
           "margin": sure_c - other[0][0] if other else None,
           "sure_recall": len(sure) / len(same) if same else None,
           "either_recall": len(either) / len(same) if same else None,
           "wrong_sure": len(wrong_sure), "wrong_maybe": len(wrong_maybe) - len(wrong_sure)}
    print(f"  {name}: {len(same)} same-person pairs, {len(other)} different-person pairs")
    for label, items in (("farthest same-person", same[:3]),
                         ("closest different-person", other[:3])):
        for cosine, gated, a, b in items:
            print(f"    {label}: {cosine:.3f} ({similarity(cosine):.1f})  {a.person}/{a.photo}"
                  f" ~ {b.person}/{b.photo}{'  [gated]' if gated else ''}")
    if other:
        print(f"    margin of the sure cut above the closest different-person pair: "
              f"{row['margin']:+.3f} cosine")
    if same:
        print(f"    sure recall {row['sure_recall']:.2%}, sure+maybe recall "
              f"{row['either_recall']:.2%}; different people in sure {row['wrong_sure']}, "
              f"in maybe {row['wrong_maybe']}")
    return row


def tiny_copies(engine: FaceEngine, lfw: list[tuple[Path, list[str], str]], width: int):
    """Each lfw10 photo shrunk so its face is about ``width`` px (then enlarged again, as a
    camera's digital zoom would), the central face's vector and sharpness."""
    from PIL import Image

    out = []
    for path, people, _ in lfw:
        image = Image.open(path).convert("RGB")
        small = image.resize((image.width * width // 110, image.height * width // 110),
                             Image.BILINEAR).resize(image.size, Image.BILINEAR)
        buf = BytesIO()
        small.save(buf, "JPEG", quality=90)
        detected = engine.analyze(buf.getvalue(), path.name)
        if detected:
            face = _central(detected)
            out.append(Face(people[0], path.name, face.descriptor, face.quality["Sharpness"]))
    return out


def gate_report(engine: FaceEngine, faces: list[Face], lfw: list) -> None:
    sharp = sorted(f.sharpness for f in faces)
    print(f"  Sharpness of the labelled faces: min {sharp[0]:.1f}, 5th percentile "
          f"{sharp[len(sharp) // 20]:.1f}, median {sharp[len(sharp) // 2]:.1f}; below the "
          f"gate ({bands.SHARP:g}): {sum(s < bands.SHARP for s in sharp)} of {len(sharp)}")
    for width in (16, 24, 32):
        tiny = tiny_copies(engine, lfw, width)
        if not tiny:
            print(f"  faces of ~{width} px: none found")
            continue
        other = [float(t.vector @ f.vector) for t in tiny for f in faces
                 if f.person != t.person]
        same = [float(t.vector @ f.vector) for t in tiny for f in faces
                if f.person == t.person and f.photo != t.photo]
        gated = sum(t.sharpness < bands.SHARP for t in tiny)
        print(f"  faces of ~{width} px ({len(tiny)} found): gated {gated}; closest other "
              f"person {max(other):.3f}, same person median {np.median(same):.3f}")


def plot(path: Path, same: list[float], other: list[float], cuts: bands.Cuts,
         title: str) -> None:
    """Two histograms of cosines (different people above, the same person below) and the two
    cuts, drawn with Pillow."""
    from PIL import Image, ImageDraw

    w, h, left, right, top, bottom = 900, 420, 60, 20, 40, 50
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    lo, hi, n = -0.2, 1.0, 120
    edges = np.linspace(lo, hi, n + 1)
    hs, _ = np.histogram(same, edges)
    ho, _ = np.histogram(other, edges)
    hs, ho = hs / max(len(same), 1), ho / max(len(other), 1)
    peak = max(hs.max(), ho.max())
    mid = top + (h - top - bottom) // 2
    half = (h - top - bottom) // 2 - 4
    bw = (w - left - right) / n

    def x_of(c: float) -> float:
        return left + (c - lo) / (hi - lo) * (w - left - right)

    d.rectangle([x_of(sface_cosine(cuts.maybe)), top, x_of(sface_cosine(cuts.sure)), h - bottom],
                fill=(255, 244, 214))
    d.rectangle([x_of(sface_cosine(cuts.sure)), top, w - right, h - bottom], fill=(222, 244, 222))
    for i in range(n):
        x0 = left + i * bw
        if ho[i]:
            d.rectangle([x0, mid - ho[i] / peak * half, x0 + bw - 1, mid], fill=(200, 60, 60))
        if hs[i]:
            d.rectangle([x0, mid, x0 + bw - 1, mid + hs[i] / peak * half], fill=(40, 110, 200))
    d.line([left, mid, w - right, mid], fill="black")
    for c in np.arange(-0.2, 1.01, 0.2):
        d.line([x_of(c), h - bottom, x_of(c), h - bottom + 5], fill="black")
        d.text((x_of(c) - 10, h - bottom + 8), f"{c:.1f}", fill="black")
    for c, label in ((sface_cosine(cuts.maybe), "maybe"), (sface_cosine(cuts.sure), "sure")):
        d.line([x_of(c), top, x_of(c), h - bottom], fill="black", width=2)
        d.text((x_of(c) + 4, top + 2), f"{label} {c:.2f}", fill="black")
    d.text((left, 8), title, fill="black")
    d.text((left + 4, top + 18), f"different people ({len(other)} pairs)", fill=(200, 60, 60))
    d.text((left + 4, h - bottom - 16), f"same person ({len(same)} pairs)",
           fill=(40, 110, 200))
    d.text((w // 2 - 60, h - 20), "cosine of the two faces' vectors", fill="black")
    img.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deepface", type=Path, default=None)
    parser.add_argument("--plot", type=Path, default=None, help="write the distributions here")
    args = parser.parse_args()
    deepface = args.deepface or next(
        (p for p in (Path(os.environ.get("FINPICS_DEEPFACE", "/nonexistent")),
                     REPO.parent / "shared" / "deepface") if (p / "master.csv").exists()),
        None)
    sets = labelled_photos(deepface)
    if deepface is None:
        print("(deepface's photos not found: --deepface DIR; see this script's docstring)")
    adopted = FaceEngine().model_version
    for variant, engine in (("single", FaceEngine(mirror=False)), ("mirror", FaceEngine())):
        cuts = bands.cuts_for(engine.model_version)
        start = time.perf_counter()
        found = analyse(engine, sets)
        print(f"\n== {variant} ({engine.model_version}; sure >= {sface_cosine(cuts.sure):.3f}, "
              f"maybe >= {sface_cosine(cuts.maybe):.3f}) analysed in "
              f"{time.perf_counter() - start:.1f} s")
        every_same, every_other = [], []
        for name, faces in found.items():
            same, other = pairs(faces)
            report(name, same, other, cuts)
            every_same += same
            every_other += other
        everyone = [f for faces in found.values() for f in faces]
        same, other = pairs(everyone)
        report("all sets together", same, other, cuts)
        gate_report(engine, everyone, sets["lfw10"])
        if args.plot and engine.model_version == adopted:
            plot(args.plot, [p[0] for p in same], [p[0] for p in other], cuts,
                 f"{variant}: {len(everyone)} labelled faces of "
                 f"{', '.join(found)}; cuts of {engine.model_version}")
            print(f"  plot: {args.plot}")


if __name__ == "__main__":
    main()
