"""Whether two measured photos are copies of one picture, frames of one series, or unrelated.

A pair is a candidate when their perceptual hashes are close or they were taken seconds apart.
A candidate is then checked on the pixels: ORB features matched between the two grey copies
must agree on one geometric transform (RANSAC: shift, scale, rotation). Then

* **copies**: the transform has no rotation, the two overlap over most of the smaller one, and
  once aligned every tile of the overlap is the same to within what re-encoding and resizing
  change; a copy may be re-encoded, resized, cropped a little or have other EXIF (its
  orientation applied first). Two different pictures can never pass this: every tile must agree.
* **series**: the same scene (the transform holds for many features) but not the same
  pixels -- someone moved, the camera shook, the focus differs -- taken at most
  :data:`SERIES_SECONDS` apart when both say when.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from finpics_desktop.pipeline.similar.measure import Measured

COPIES, SERIES = "copies", "series"
CANDIDATE_BITS = 20  # pHash distance (of 64 bits) under which a pair is checked on its pixels
SERIES_SECONDS = 30.0  # frames of one moment: taken at most this far apart (when both say)
MIN_INLIERS = 25  # ORB matches agreeing on the transform: the same scene
MIN_INLIER_SHARE = 0.35  # of the cross-checked matches
COPY_ROTATION = 1.0  # degrees: a copy is not rotated (EXIF rotation is applied before; the
#                     estimate itself wavers by ~0.3 on a 250 px photo)
COPY_OVERLAP = 0.7  # a copy covers at least this share of the smaller picture
COPY_TILE = 9.0  # mean grey difference (0-255) allowed in the worst tile of an aligned copy
#                 (measured: copies 7.1 at most, frames of a burst 9.5 at least, 12.4 unturned)
SERIES_TILE = 16.0  # the median tile of two frames of one series: the background agrees (two
#                    LFW crops of one man, aligned on his face: 22 and more)
SERIES_OVERLAP = 0.5  # frames of one series overlap at least this much
TILES = 6  # the overlap is judged in TILES x TILES tiles


@dataclass(frozen=True)
class Relation:
    kind: str | None  # COPIES, SERIES or None
    detail: str = ""


def candidates(a: Measured, b: Measured) -> bool:
    if a.sha256 == b.sha256:
        return True
    if a.phash - b.phash <= CANDIDATE_BITS:
        return True
    return _seconds_apart(a, b) is not None and _seconds_apart(a, b) <= SERIES_SECONDS


def relate(a: Measured, b: Measured) -> Relation:
    if a.sha256 == b.sha256:
        return Relation(COPIES, "the same file")
    if not candidates(a, b):
        return Relation(None)
    if b.grey.size < a.grey.size:  # compared at the smaller one's size: the larger is reduced
        a, b = b, a
    transform = _transform(a, b)
    if transform is None:
        return Relation(None)
    matrix, rotation = transform
    worst, typical, overlap = _aligned_difference(a.grey, b.grey, matrix)
    if abs(rotation) <= COPY_ROTATION and overlap >= COPY_OVERLAP and worst <= COPY_TILE:
        return Relation(COPIES, f"same pixels (worst tile {worst:.1f})")
    if overlap < SERIES_OVERLAP or typical > SERIES_TILE:
        # features of one face or one object agree, the pictures around them do not
        return Relation(None, f"different pictures (typical tile {typical:.1f})")
    apart = _seconds_apart(a, b)
    if apart is not None and apart > SERIES_SECONDS:
        return Relation(None, f"the same scene {apart:.0f} s apart")
    return Relation(SERIES, "the same scene")


def _seconds_apart(a: Measured, b: Measured) -> float | None:
    if a.taken is None or b.taken is None:
        return None
    return abs((a.taken - b.taken).total_seconds())


def _transform(a: Measured, b: Measured) -> tuple[np.ndarray, float] | None:
    """The similarity transform taking ``b``'s pixels onto ``a``'s, and its rotation in
    degrees; None when their features do not agree on one."""
    import cv2

    if (a.descriptors is None or b.descriptors is None
            or min(len(a.points), len(b.points)) < MIN_INLIERS):
        return None
    matches = cv2.BFMatcher(cv2.NORM_HAMMING, crossCheck=True).match(b.descriptors,
                                                                      a.descriptors)
    if len(matches) < MIN_INLIERS:
        return None
    src = b.points[[m.queryIdx for m in matches]]
    dst = a.points[[m.trainIdx for m in matches]]
    matrix, inliers = cv2.estimateAffinePartial2D(src, dst, method=cv2.RANSAC,
                                                  ransacReprojThreshold=3.0)
    if matrix is None or inliers is None:
        return None
    count = int(inliers.sum())
    if count < MIN_INLIERS or count < MIN_INLIER_SHARE * len(matches):
        return None
    rotation = float(np.degrees(np.arctan2(matrix[1, 0], matrix[0, 0])))
    return matrix, rotation


def _aligned_difference(a: np.ndarray, b: np.ndarray,
                        matrix: np.ndarray) -> tuple[float, float, float]:
    """``b`` warped onto ``a`` (the smaller): the mean grey difference of the worst tile of
    their overlap and of its median tile, and the overlap's share of ``a``."""
    import cv2

    height, width = a.shape
    scale = float(np.sqrt(abs(np.linalg.det(matrix[:, :2]))))
    source = b.astype(np.float32)
    if scale < 0.9:  # reduced: what a resize would have averaged away, first
        source = cv2.GaussianBlur(source, (0, 0), 0.5 / scale)
    warped = cv2.warpAffine(source, matrix, (width, height),
                            flags=cv2.INTER_LINEAR, borderValue=0.0)
    inside = cv2.warpAffine(np.ones_like(b, dtype=np.uint8), matrix, (width, height),
                            flags=cv2.INTER_NEAREST, borderValue=0)
    inside = cv2.erode(inside, np.ones((7, 7), np.uint8)) > 0  # (the blur's reach)
    overlap = float(inside.sum()) / a.size
    if not inside.any():
        return 255.0, 255.0, 0.0
    # the two copies differ in sharpness (resizing, re-encoding): compare them slightly blurred
    soft_a = cv2.GaussianBlur(a.astype(np.float32), (5, 5), 1.0)
    soft_b = cv2.GaussianBlur(warped, (5, 5), 1.0)
    difference = np.abs(soft_a - soft_b) * inside
    rows = np.linspace(0, height, TILES + 1).astype(int)[:-1]
    cols = np.linspace(0, width, TILES + 1).astype(int)[:-1]
    sums = np.add.reduceat(np.add.reduceat(difference, rows, axis=0), cols, axis=1)
    counts = np.add.reduceat(np.add.reduceat(inside.astype(np.float64), rows, axis=0), cols,
                             axis=1)
    sizes = np.add.reduceat(np.add.reduceat(np.ones_like(difference), rows, axis=0), cols,
                            axis=1)
    judged = counts >= 0.5 * sizes  # tiles mostly inside the overlap
    if not judged.any():
        return 255.0, 255.0, overlap
    means = sums[judged] / counts[judged]
    return float(means.max()), float(np.median(means)), overlap
