"""What ``similar`` needs to know of one photo, read once from its bytes and its faces: a
perceptual hash (ImageHash's DCT hash, pHash) to find candidates quickly, a small grey copy to
check a candidate pair pixel by pixel, when it was taken, and the measures the best shot is
chosen by (the sharpness where the faces are, faces cut off by the frame, exposure).

Why ImageHash: it is the maintained, BSD-licensed reference implementation of the usual
perceptual hashes (OpenCV's ``img_hash`` is only in the contrib build, which cannot sit beside
the ``opencv-python-headless`` the face engine's package requires)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from PIL import Image

from finpics_desktop.pipeline.photos.exif import date_taken
from finpics_desktop.pipeline.photos.images import decode_upright

ANALYSIS_SIDE = 1024  # px: the copy faces' sharpness and the exposure are measured on
COMPARE_SIDE = 320  # px: the grey copy two photos are compared on, pixel by pixel
FACE_SIDE = 96  # px: every face is measured at this width, whatever its size in the photo
EDGE = 0.01  # a face box this close to the frame's edge (ratio) is cut off by it
ORB_FEATURES = 500  # keypoints kept of each grey copy
MIN_FACE = 12  # px on the analysis copy: smaller faces are not measured (no detail to judge)


@dataclass(frozen=True)
class FaceSpot:
    """A face as the engine found it: its box (ratios of the upright photo) and whether it
    found both eyes (YuNet's landmarks give the eyes' centres, not whether they are open)."""

    box: tuple[float, float, float, float]  # left, top, width, height
    eyes: bool = True


@dataclass
class Measured:
    name: str
    sha256: str
    size: tuple[int, int]  # upright width, height
    bytes: int
    phash: object  # imagehash.ImageHash
    grey: np.ndarray = field(repr=False)  # uint8, long side COMPARE_SIDE at most
    points: np.ndarray = field(repr=False)  # float32 (n, 2): ORB keypoints of ``grey``
    descriptors: np.ndarray | None = field(repr=False)  # uint8 (n, 32), theirs
    taken: datetime | None
    faces: list[float]  # each face's sharpness (Laplacian variance at FACE_SIDE)
    cut_off: int  # faces touching the frame's edge
    eyes_missing: int  # faces whose eyes the engine did not find
    sharpness: float  # the whole picture's (when it has no face)
    brightness: float  # mean grey level 0-255
    clipped: float  # share of pixels burnt out or black

    @property
    def pixels(self) -> int:
        return self.size[0] * self.size[1]


def measure(name: str, data: bytes, faces: list[FaceSpot]) -> Measured:
    """Raises what decoding raises (UnsupportedImage...) for a photo that cannot be read."""
    import cv2
    import imagehash

    image, info = decode_upright(data, name, ANALYSIS_SIDE)
    width, height = info.upright_size
    rgb = np.asarray(image)
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    small = _fit(grey, COMPARE_SIDE)
    points, descriptors = _features(small)
    measured_faces, cut_off, eyes_missing = [], 0, 0
    h, w = grey.shape
    for face in faces:
        left, top, fw, fh = face.box
        if left <= EDGE or top <= EDGE or left + fw >= 1 - EDGE or top + fh >= 1 - EDGE:
            cut_off += 1
        if not face.eyes:
            eyes_missing += 1
        x0, y0 = max(int(left * w), 0), max(int(top * h), 0)
        x1, y1 = min(int((left + fw) * w), w), min(int((top + fh) * h), h)
        if x1 - x0 < MIN_FACE or y1 - y0 < MIN_FACE:
            continue
        measured_faces.append(_detail(grey[y0:y1, x0:x1], FACE_SIDE))
    return Measured(
        name=name, sha256=hashlib.sha256(data).hexdigest(), size=(width, height),
        bytes=len(data), phash=imagehash.phash(Image.fromarray(small)), grey=small,
        points=points, descriptors=descriptors,
        taken=_taken(data, name), faces=measured_faces, cut_off=cut_off,
        eyes_missing=eyes_missing, sharpness=_detail(grey, 512),
        brightness=float(grey.mean()),
        clipped=float(((grey <= 3) | (grey >= 252)).mean()))


def _features(grey: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """ORB's keypoints and descriptors: what two photos of one scene have in common."""
    import cv2

    keypoints, descriptors = cv2.ORB_create(nfeatures=ORB_FEATURES, fastThreshold=7
                                            ).detectAndCompute(grey, None)
    return np.float32([k.pt for k in keypoints]).reshape(-1, 2), descriptors


def _fit(grey: np.ndarray, side: int) -> np.ndarray:
    import cv2

    scale = side / max(grey.shape)
    if scale >= 1:
        return grey.copy()
    size = (max(round(grey.shape[1] * scale), 1), max(round(grey.shape[0] * scale), 1))
    return cv2.resize(grey, size, interpolation=cv2.INTER_AREA)


def _detail(grey: np.ndarray, width: int) -> float:
    """The variance of the Laplacian of ``grey`` brought to ``width`` px: how much fine detail
    it has, comparable between photos of different sizes."""
    import cv2

    scale = width / grey.shape[1]
    size = (width, max(round(grey.shape[0] * scale), 1))
    resized = cv2.resize(grey, size, interpolation=cv2.INTER_AREA if scale < 1
                         else cv2.INTER_CUBIC)
    return float(cv2.Laplacian(resized, cv2.CV_64F).var())


def _taken(data: bytes, name: str) -> datetime | None:
    text = date_taken(data, name)
    for form in ("%Y-%m-%d %H:%M:%S", "%Y:%m:%d %H:%M:%S"):
        try:
            return datetime.strptime(text, form)
        except ValueError:
            continue
    return None
