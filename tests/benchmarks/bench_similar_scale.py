"""``similar`` at picset scale: finding the candidate pairs (a script, run by hand; not collected
by pytest).

    .venv/bin/python tests/benchmarks/bench_similar_scale.py [--photos 5000] [--baseline 1000]

The hashes: the real pHashes of ``../shared/photos`` (as ``similar`` measures them) and, to
reach ``--photos``, copies of them with 0-6 of their 64 bits flipped (near copies) and random
64-bit hashes (other pictures); one photo in ten dated in bursts of 3-5 frames a second apart.
Timed: :func:`~finpics_desktop.pipeline.similar.candidates.candidate_pairs` (numpy popcount
over the packed hashes, a time window, SHA-256 buckets) against the all-pairs baseline it
replaced (``compare.candidates`` for every pair, ImageHash's ``-``), the baseline on
``--baseline`` photos and extrapolated by the number of pairs (it is quadratic; ``--baseline``
= ``--photos`` times it whole). Both must find the same pairs on the baseline's photos.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from finpics_desktop.pipeline.similar.candidates import candidate_pairs  # noqa: E402
from finpics_desktop.pipeline.similar.compare import candidates  # noqa: E402
from finpics_desktop.pipeline.similar.measure import Measured, measure  # noqa: E402

PHOTOS = REPO.parent / "shared" / "photos"


def real_photos(limit: int) -> list[Measured]:
    paths = sorted(p for p in PHOTOS.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    return [measure(p.name, p.read_bytes(), []) for p in paths[:limit]]


def synthetic(real: list[Measured], count: int, seed: int = 7) -> list[Measured]:
    import imagehash

    rng = random.Random(seed)
    start = datetime(2024, 6, 1, 12)
    photos = list(real)
    blank = np.zeros((1, 1), np.uint8)
    while len(photos) < count:
        n = len(photos)
        if rng.random() < 0.3:  # a near copy of a real picture
            bits = np.asarray(rng.choice(real).phash.hash, bool).copy().ravel()
            for k in rng.sample(range(64), rng.randint(0, 6)):
                bits[k] = not bits[k]
        else:
            bits = np.array([rng.random() < 0.5 for _ in range(64)], bool)
        taken = start + timedelta(seconds=n // 4 * 120 + n % 4) if rng.random() < 0.1 else None
        photos.append(Measured(
            name=f"p{n:05d}.jpg", sha256=f"{n:064x}", size=(100, 100), bytes=1,
            phash=imagehash.ImageHash(bits.reshape(8, 8)), grey=blank,
            points=np.zeros((0, 2), np.float32), descriptors=None, taken=taken, faces=[],
            cut_off=0, eyes_missing=0, sharpness=0.0, brightness=128.0, clipped=0.0))
    return photos[:count]


def all_pairs(photos: list[Measured]) -> list[tuple[int, int]]:
    return [(i, j) for i, a in enumerate(photos) for j in range(i + 1, len(photos))
            if candidates(a, photos[j])]


def best_of(runs: int, fn):
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=5000)
    parser.add_argument("--baseline", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    t = time.perf_counter()
    real = real_photos(args.photos)
    print(f"{len(real)} real photos measured in {time.perf_counter() - t:.1f} s")
    photos = synthetic(real, args.photos)
    small = photos[:args.baseline]
    base_time, base_pairs = best_of(1, lambda: all_pairs(small))
    new_small, new_pairs = best_of(args.runs, lambda: candidate_pairs(small))
    assert sorted(base_pairs) == new_pairs, "the bucketed comparison finds other pairs"
    new_time, pairs = best_of(args.runs, lambda: candidate_pairs(photos))
    scale = (len(photos) * (len(photos) - 1)) / max(len(small) * (len(small) - 1), 1)
    print(f"{len(small)} photos: all pairs {base_time:.3f} s, bucketed {new_small:.3f} s, the "
          f"same {len(new_pairs)} candidate pairs")
    print(f"{len(photos)} photos: bucketed {new_time:.3f} s ({len(pairs)} candidate pairs); "
          f"all pairs ~{base_time * scale:.1f} s (extrapolated x{scale:.0f}); "
          f"ratio {base_time * scale / new_time:.0f}x")


if __name__ == "__main__":
    main()
