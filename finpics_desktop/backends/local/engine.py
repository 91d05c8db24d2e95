"""The local face engine: YuNet finds the faces and their five landmarks on a reduced upright
copy of the photo, OpenCV's ``alignCrop`` turns each into the 112 x 112 crop SFace was trained
on, and SFace makes its 128-d unit vector. OpenCV runs both networks; the model files come from
:mod:`~finpics_desktop.backends.local.models`. README, "Face matching", has the measurements
behind every constant here."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from finpics_desktop.backends.local import models
from finpics_desktop.domain.boxes import out_of
from finpics_desktop.domain.errors import NoFaceFound
from finpics_desktop.pipeline.photos import regions
from finpics_desktop.pipeline.photos.images import decode_upright

SINGLE_VERSION = "yunet-2023mar+sface-2021dec-int8bq"  # each face's vector from its crop alone
MIRROR_VERSION = "yunet-2023mar+sface-2021dec-int8bq+mirror"  # the mean of the crop's and its
#   mirror image's vectors, and each face's sharpness (docs/benchmarks.md, "Face matching")
MODEL_VERSION = MIRROR_VERSION  # FaceModelVersion of the faces it indexes
DETECT_SIDE = 1600  # long side of the copy faces are detected on: a 40 px face of a 12 MP photo
#                     is 16 px there, which YuNet still finds (at 1280 px some are missed)
MIN_SCORE = 0.6  # YuNet's score threshold (OpenCV's sample uses 0.9, which misses small faces)
NMS = 0.3
SHARP_FACE = 80  # px: a face narrower than this on the copy it is aligned from is aligned from
#                  the photo at full size (SFace's crop is 112 px; upscaling a tiny face costs
#                  matches)
CROP_SIDE = 6400  # the largest copy such small faces are aligned from
THREADS = 1  # OpenCV's own threads per call: photos are analysed in parallel already
REGION_FACE = 128  # px: the drawn box is scaled to about this size before YuNet looks again
SHARP_DETAIL = 100.0  # Laplacian variance of an aligned crop that is Sharpness 100 (the labelled
#                       faces of the test photos: 29 or more; their copies shrunk to 16-24 px
#                       faces: 19 or less, docs/benchmarks.md)
FULL_WIDTH = 200.0  # px: a face this wide or more has Sharpness 100 as far as its size goes;
#                     one of 40 px or less is below the gate (bands.SHARP = 20) whatever its crop
REGION_SCORE = 0.3  # YuNet's score threshold inside a drawn box (someone says a face is there)


@dataclass(frozen=True)
class DetectedFace:
    box: dict[str, float]  # Width, Height, Left, Top as ratios of the upright image
    confidence: float  # 0-100
    landmarks: list[dict]
    descriptor: np.ndarray  # float32[128], unit length
    quality: dict[str, float] | None = None  # Rekognition's FaceDetail.Quality: Sharpness and
    #                                          Brightness (0-100) of the aligned crop


class FaceEngine:
    """Thread-safe: OpenCV releases the GIL while it works, but its networks keep per-call
    state, so each call borrows its own detector and recogniser. Idle sets are kept for the next
    call, whichever thread makes it; ``alignCrop`` is stateless and shared."""

    def __init__(self, detect_side: int = DETECT_SIDE, threads: int | None = THREADS,
                 models_dir: Path | None = None, mirror: bool = True):
        self.mirror = mirror  # False: the engine before (SINGLE_VERSION), for reading and
        #                       measuring it (tests/benchmarks/face_quality.py)
        self.model_version = MIRROR_VERSION if mirror else SINGLE_VERSION
        self.detect_side = detect_side
        self.threads = threads
        self.models_dir = models_dir
        self._idle: list[tuple] = []
        self._lock = threading.Lock()
        self._aligner = None

    def _load(self) -> tuple:
        import cv2  # only when a face is analysed

        detector_file = str(models.model_path(models.DETECTOR, self.models_dir))
        recognizer_file = str(models.model_path(models.RECOGNIZER, self.models_dir))
        with self._lock:
            if self._aligner is None:
                # OpenCV 5 warns (on stderr) that the recogniser's target setting is ignored
                cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
                if self.threads is not None:
                    cv2.setNumThreads(self.threads)
                self._aligner = cv2.FaceRecognizerSF.create(recognizer_file, "")
        detector = cv2.FaceDetectorYN.create(detector_file, "", (320, 320), MIN_SCORE, NMS, 5000)
        # FaceRecognizerSF.feature() fails on the int8 model with OpenCV 5: the network itself
        recognizer = cv2.dnn.readNetFromONNX(recognizer_file)
        return detector, recognizer

    @contextmanager
    def _borrow(self) -> Iterator[tuple]:
        with self._lock:
            nets = self._idle.pop() if self._idle else None
        if nets is None:
            nets = self._load()
        try:
            yield nets
        finally:
            with self._lock:
                self._idle.append(nets)

    def analyze(self, data: bytes, name: str) -> list[DetectedFace]:
        """Every face found in the upright photo, left to right."""
        import cv2

        # the JPEG decoder's reduction (half size for 12 MP), then OpenCV's resize (Pillow's
        # costs ~25 ms more); faces are aligned from the larger decoded copy
        image, info = decode_upright(data, name, self.detect_side, reduce=False)
        source = np.asarray(image)
        scale = self.detect_side / max(source.shape[:2])
        pixels = source if scale >= 1 else cv2.resize(
            source, (round(source.shape[1] * scale), round(source.shape[0] * scale)),
            interpolation=cv2.INTER_LINEAR)
        height, width = pixels.shape[:2]
        with self._borrow() as (detector, recognizer):
            detector.setInputSize((width, height))
            _, rows = detector.detect(cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR))  # YuNet: BGR
            rows = [] if rows is None else sorted(rows, key=lambda r: r[0])
            if not rows:
                return []
            full_side = min(max(info.width, info.height), CROP_SIDE)
            if (min(r[2] for r in rows) * source.shape[1] / width < SHARP_FACE
                    and full_side > max(source.shape[:2])):
                larger, _ = decode_upright(data, name, full_side)
                source = np.asarray(larger)
            vectors, qualities = self._vectors(recognizer, source, rows, source.shape[1] / width)
        return [DetectedFace(box=_box(row, width, height),
                             confidence=round(float(row[14]) * 100, 4),
                             landmarks=_landmarks(row, width, height),
                             descriptor=vector, quality=quality)
                for row, vector, quality in zip(rows, vectors, qualities, strict=True)]

    def _vectors(self, recognizer, source: np.ndarray, rows,
                 scale: float) -> tuple[np.ndarray, list[dict[str, float]]]:
        """SFace's unit vectors of YuNet's ``rows`` (found on a copy ``scale`` times smaller
        than ``source``), each aligned from ``source``, and each crop's quality. With
        :attr:`mirror`, a face's vector is the mean of its crop's and its mirror image's."""
        import cv2

        crops, qualities = [], []
        for row in rows:
            scaled = row.copy()
            scaled[:14] *= scale
            crops.append(self._aligner.alignCrop(source, scaled))
            qualities.append(crop_quality(crops[-1], float(row[2]) * scale))
        count = len(crops)
        if self.mirror:
            crops += [np.ascontiguousarray(c[:, ::-1]) for c in crops]
        # RGB crops, as FaceRecognizerSF.feature() feeds its BGR ones with swapRB=True (BGR
        # measurably loses matches); no colour conversion of the large copy is needed
        recognizer.setInput(cv2.dnn.blobFromImages(crops, 1.0, (112, 112), (0, 0, 0),
                                                   swapRB=False, crop=False), "data")
        vectors = recognizer.forward().reshape(len(crops), -1).astype(np.float32)
        vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        if self.mirror:
            vectors = vectors[:count] + vectors[count:]
            vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return vectors, qualities

    def analyze_region(self, data: bytes, name: str, box: dict[str, float]) -> DetectedFace:
        """The face in ``box`` (ratios of the upright photo), drawn by hand where the detector
        found none on the whole photo: YuNet looks again at that region alone, cut from the
        photo at full size and scaled so that the box is about :data:`REGION_FACE` px (a face
        too small for the whole photo's copy is found there), with a lower score threshold.
        The face it finds on the box is aligned from its landmarks as any other; its box and
        landmarks are mapped back to the whole photo. FinpicsError if there is none."""
        import cv2

        region = regions.cut_region(data, name, box, REGION_FACE)
        pixels = np.asarray(region.image)
        size = (pixels.shape[1], pixels.shape[0])
        with self._borrow() as (detector, recognizer):
            detector.setScoreThreshold(REGION_SCORE)
            try:
                detector.setInputSize(size)
                _, rows = detector.detect(cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR))
            finally:
                detector.setScoreThreshold(MIN_SCORE)
            rows = [] if rows is None else list(rows)
            best = regions.best_overlap([_box(r, *size) for r in rows], box, region.box)
            if best is None:
                raise NoFaceFound(regions.NO_FACE)
            row = rows[best]
            vectors, qualities = self._vectors(recognizer, pixels, [row], 1.0)
        return DetectedFace(box=regions.rounded(out_of(_box(row, *size), region.box)),
                            confidence=round(float(row[14]) * 100, 4),
                            landmarks=regions.landmarks_out_of(_landmarks(row, *size),
                                                               region.box),
                            descriptor=vectors[0], quality=qualities[0])


def crop_quality(crop: np.ndarray, face_width: float) -> dict[str, float]:
    """Rekognition's ``Quality`` of a face, 0-100 each: ``Sharpness`` from the detail of its
    aligned crop (the variance of the Laplacian of its grey levels, :data:`SHARP_DETAIL` is
    100), capped by the face's width on the photo it was aligned from (:data:`FULL_WIDTH` is
    100: a tiny face was enlarged into the crop, its detail made up); ``Brightness`` its mean
    grey level. The quality gate is :data:`~finpics_desktop.domain.bands.SHARP`."""
    import cv2

    grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    detail = float(cv2.Laplacian(grey, cv2.CV_64F).var())
    sharpness = min(100.0, 100.0 * detail / SHARP_DETAIL, 100.0 * face_width / FULL_WIDTH)
    return {"Sharpness": round(sharpness, 4),
            "Brightness": round(float(grey.mean()) * 100.0 / 255.0, 4)}


def _box(row, width: int, height: int) -> dict[str, float]:
    """YuNet's box (x, y, w, h in pixels, possibly past the edges) as ratios inside the image."""
    left, top = max(float(row[0]), 0.0), max(float(row[1]), 0.0)
    right = min(float(row[0] + row[2]), float(width))
    bottom = min(float(row[1] + row[3]), float(height))
    return {
        "Width": round((right - left) / width, 6),
        "Height": round((bottom - top) / height, 6),
        "Left": round(left / width, 6),
        "Top": round(top / height, 6),
    }


def _landmarks(row, width: int, height: int) -> list[dict]:
    """Rekognition-style landmarks from YuNet's five points (eyes, nose tip, mouth corners)."""
    eyes = sorted([(float(row[4]), float(row[5])), (float(row[6]), float(row[7]))])
    named = [("eyeLeft", eyes[0]), ("eyeRight", eyes[1]), ("nose", (row[8], row[9]))]
    return [{"Type": t, "X": round(float(x) / width, 6), "Y": round(float(y) / height, 6)}
            for t, (x, y) in named]
