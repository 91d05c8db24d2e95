"""``similar`` measured (a script, run by hand; not collected by pytest).

    .venv/bin/python tests/benchmarks/similar_quality.py [--keep DIR]

Builds a set from ``../shared/photos`` (tests/similar_set.py): 15 pictures each with two
copies (re-encoded at quality 55, resized to 60 %, cropped 3 % a side, stored turned with
EXIF orientation 6, a camera date added; two kinds per picture, in turn), 25 LFW crops each
with two copies, 11 pictures each made into a burst of 4 video-like frames (the window pans,
the camera shakes 0.5-1.5 degrees, the middle moves, the light flickers, every frame but one
blurred) and 44 pictures left alone. Pictures of the source that are themselves copies or
frames of one moment (``obama-1080p.jpg`` is ``obama.jpg`` letterboxed; LFW's
``Ariel_Sharon_0005/0008``, ``Tony_Blair_0003/0009``) are left out. Faces come from the real
face engine, as ``similar FOLDER`` finds them.

Reported: every pair of photos put in one group though they come from different pictures
(false groupings), every pair of one picture left apart (misses), whether each copies group
is exactly a picture and its copies and each series exactly a burst, the kind of each group,
and how often the best of a series is its sharp frame (the one frame not blurred: the
sharpest face by construction).
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

import similar_set  # noqa: E402

from finpics_desktop.app.similar import in_folder  # noqa: E402

PHOTOS = REPO.parent / "shared" / "photos"
LEFT_OUT = ("faces/obama/obama-1080p.jpg", "lfw10/Ariel_Sharon/Ariel_Sharon_0005.jpg",
            "lfw10/Tony_Blair/Tony_Blair_0009.jpg")


def roles() -> tuple[list[str], list[str], list[str]]:
    def photos(folder: str) -> list[str]:
        return sorted(str(p.relative_to(PHOTOS)) for p in (PHOTOS / folder).rglob("*")
                      if p.suffix.lower() in (".jpg", ".jpeg", ".png")
                      and str(p.relative_to(PHOTOS)) not in LEFT_OUT)

    faces, lfw = photos("faces"), photos("lfw10")
    bursts = faces[:10] + ["orientation/Landscape_1.jpg"]
    copies = faces[10:] + lfw[::4]
    plain = [p for p in lfw if p not in copies] + ["orientation/Portrait_1.jpg"]
    return copies, bursts, plain


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", type=Path, help="build the set here and keep it")
    args = parser.parse_args()
    out = args.keep or Path(tempfile.mkdtemp(prefix="finpics-similar-"))
    copies, bursts, plain = roles()
    truth = similar_set.build(PHOTOS, out, copies, bursts, plain)
    started = time.perf_counter()
    found = in_folder(out)
    seconds = time.perf_counter() - started
    group_of = {name: i for i, g in enumerate(found.groups) for name in g.members}
    names = sorted(truth.base)
    false, missed = [], []
    for a, b in itertools.combinations(names, 2):
        together = a in group_of and group_of.get(a) == group_of.get(b)
        same = truth.base[a] == truth.base[b]
        if together and not same:
            false.append((a, b))
        if same and not together:
            missed.append((a, b))
    predicted = {frozenset(g.members): g for g in found.groups}
    exact_copies = sum(frozenset(c) in predicted and predicted[frozenset(c)].kind == "copies"
                       for c in truth.copies)
    exact_series = sum(frozenset(s) in predicted and predicted[frozenset(s)].kind == "series"
                       for s in truth.series)
    copies_wrong = [g for g in found.groups if g.kind == "copies"
                    and not any(set(g.members) <= c for c in truth.copies)]
    agree = [predicted[frozenset(s)].best == truth.sharp[i] for i, s in enumerate(truth.series)
             if frozenset(s) in predicted]
    print(f"set: {len(names)} photos ({len(truth.copies)} pictures with 2 copies each, "
          f"{len(truth.series)} bursts of {similar_set.FRAMES}, {len(plain)} alone) in {out}")
    print(f"similar: {seconds:.1f} s ({seconds / len(names) * 1000:.0f} ms a photo, faces "
          f"found by the engine included)")
    print(f"false groupings (pairs of different pictures in one group): {len(false)}")
    for a, b in false:
        print(f"  {a} ({truth.base[a]}) ~ {b} ({truth.base[b]})")
    print(f"misses (pairs of one picture left apart): {len(missed)}")
    for a, b in missed:
        print(f"  {a} ~ {b} ({truth.base[a]})")
    print(f"copies groups exact: {exact_copies}/{len(truth.copies)}; copies groups holding a "
          f"different picture: {len(copies_wrong)}")
    print(f"series exact: {exact_series}/{len(truth.series)}")
    print(f"best of a series = its sharp frame: {sum(agree)}/{len(agree)} "
          f"({100 * sum(agree) / max(len(agree), 1):.0f} %)")
    for g in found.groups:
        print(f"  {g.kind:7} best {g.best} ({', '.join(g.reasons)}) of {len(g.members)}: "
              f"{truth.base[g.best]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
