"""The pairs worth checking on their pixels, found without comparing every pair in Python.

A pair is a candidate when the two files are the same bytes, their perceptual hashes differ by
at most :data:`~.compare.CANDIDATE_BITS` bits, or they were taken at most
:data:`~.compare.SERIES_SECONDS` apart (:func:`~.compare.candidates` says so of one pair).
Here, for a whole picset at once:

* the same bytes: photos bucketed by their SHA-256;
* close hashes: the 64-bit hashes packed in one ``uint64`` array, and for each block of rows
  the XOR with every later hash and its population count (``numpy.bitwise_count``) -- the
  all-pairs comparison done by numpy, a few million pairs per tenth of a second; a prefix-band
  index (pigeonhole) does not help at 20 bits of 64: each band would be 3 bits wide;
* taken seconds apart: the photos sorted by when they were taken, each paired with those
  that follow it within the window (``searchsorted``).
"""

from __future__ import annotations

import numpy as np

from finpics_desktop.pipeline.similar.compare import CANDIDATE_BITS, SERIES_SECONDS
from finpics_desktop.pipeline.similar.measure import Measured

BLOCK = 64  # rows of hashes XORed at once (64 x n uint64: 2.5 MB at n = 5,000, kept in
#             the cache: 512 rows at once took 5 times as long)


def packed_hashes(photos: list[Measured]) -> np.ndarray:
    """Each photo's 64-bit perceptual hash as one ``uint64``."""
    bits = np.array([np.asarray(p.phash.hash, dtype=bool).ravel() for p in photos],
                    dtype=bool).reshape(len(photos), -1)
    if bits.shape[1] != 64:
        raise ValueError(f"a {bits.shape[1]}-bit hash: 64 bits expected")
    return np.packbits(bits, axis=1).view(">u8").ravel().astype(np.uint64)


def close_hashes(hashes: np.ndarray, bits: int = CANDIDATE_BITS) -> set[tuple[int, int]]:
    """The pairs ``(i, j)``, ``i < j``, whose hashes differ by at most ``bits`` bits."""
    pairs: set[tuple[int, int]] = set()
    n = len(hashes)
    for start in range(0, n, BLOCK):
        rows = hashes[start:start + BLOCK]
        distance = np.bitwise_count(rows[:, None] ^ hashes[None, start:])  # (the triangle)
        i, j = np.nonzero(distance <= bits)
        i, j = i + start, j + start
        later = j > i
        pairs.update(zip(i[later].tolist(), j[later].tolist(), strict=True))
    return pairs


def taken_together(photos: list[Measured],
                   seconds: float = SERIES_SECONDS) -> set[tuple[int, int]]:
    """The pairs taken at most ``seconds`` apart (both saying when)."""
    dated = [(p.taken.timestamp(), i) for i, p in enumerate(photos) if p.taken is not None]
    dated.sort()
    times = np.array([t for t, _ in dated], dtype=np.float64)
    index = [i for _, i in dated]
    ends = np.searchsorted(times, times + seconds, side="right")
    pairs: set[tuple[int, int]] = set()
    for a, end in enumerate(ends.tolist()):
        for b in range(a + 1, end):
            i, j = index[a], index[b]
            pairs.add((min(i, j), max(i, j)))
    return pairs


def same_bytes(photos: list[Measured]) -> set[tuple[int, int]]:
    by_sha: dict[str, list[int]] = {}
    for i, p in enumerate(photos):
        by_sha.setdefault(p.sha256, []).append(i)
    return {(a, b) for same in by_sha.values() for k, a in enumerate(same) for b in same[k + 1:]}


def candidate_pairs(photos: list[Measured]) -> list[tuple[int, int]]:
    """Every candidate pair ``(i, j)``, ``i < j``, in order."""
    if len(photos) < 2:
        return []
    pairs = close_hashes(packed_hashes(photos)) | taken_together(photos) | same_bytes(photos)
    return sorted(pairs)
