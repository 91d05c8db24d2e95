"""The real face engine: dlib's HOG detector, 5-point landmarks and 128-d ResNet descriptors,
with weights from the ``face-recognition-models`` package (nothing is downloaded)."""

from __future__ import annotations

import importlib.util
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.pipeline.images import decode_upright

DETECT_SIDE = 1600  # long side of the copy faces are detected on (never the full 12 MP frame)
UPSAMPLE = 1  # one pyramid-up pass: faces down to ~40 px of that copy are found
MODEL_VERSION = "dlib-resnet-v1"


def models_dir() -> Path:
    """Where ``face_recognition_models`` keeps its weights, found without importing it (its
    ``__init__`` imports ``pkg_resources``, which current setuptools no longer ships)."""
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise FinpicsError(
            "the face models are not installed: pip install face-recognition-models")
    return Path(next(iter(spec.submodule_search_locations))) / "models"


@dataclass(frozen=True)
class DetectedFace:
    box: dict[str, float]  # Width, Height, Left, Top as ratios of the upright image
    confidence: float  # 0-100
    landmarks: list[dict]
    descriptor: np.ndarray  # float32[128]


class FaceEngine:
    """Thread-safe: dlib releases the GIL while it works, so each call borrows its own set of
    models (the ResNet keeps per-call state) and photos are analysed in parallel. Idle sets are
    kept for the next call, whichever thread makes it (a server or a thread pool that starts
    new threads must not pay the ~0.5 s model load per photo)."""

    def __init__(self, detect_side: int = DETECT_SIDE, upsample: int = UPSAMPLE):
        self.detect_side = detect_side
        self.upsample = upsample
        self._idle: list[tuple] = []
        self._idle_lock = threading.Lock()

    @contextmanager
    def _borrow(self) -> Iterator[tuple]:
        with self._idle_lock:
            models = self._idle.pop() if self._idle else None
        if models is None:
            models = self._load()
        try:
            yield models
        finally:
            with self._idle_lock:
                self._idle.append(models)

    @staticmethod
    def _load() -> tuple:
        import dlib  # heavy: only when a face is analysed

        path = models_dir()
        return (
            dlib.get_frontal_face_detector(),
            dlib.shape_predictor(str(path / "shape_predictor_5_face_landmarks.dat")),
            dlib.face_recognition_model_v1(
                str(path / "dlib_face_recognition_resnet_model_v1.dat")),
        )

    def analyze(self, data: bytes, name: str) -> list[DetectedFace]:
        """Every face found in the upright photo, left to right."""
        image, _info = decode_upright(data, name, self.detect_side)
        pixels = np.asarray(image)
        height, width = pixels.shape[:2]
        with self._borrow() as (detector, predictor, encoder):
            rects, scores, _ = detector.run(pixels, self.upsample, 0.0)
            found = []
            for rect, score in sorted(zip(rects, scores, strict=True),
                                      key=lambda rs: rs[0].left()):
                shape = predictor(pixels, rect)
                found.append((rect, score, shape, np.asarray(
                    encoder.compute_face_descriptor(pixels, shape), dtype=np.float32)))
        faces = []
        for rect, score, shape, vector in found:
            left, top = max(rect.left(), 0), max(rect.top(), 0)
            right, bottom = min(rect.right(), width - 1), min(rect.bottom(), height - 1)
            faces.append(DetectedFace(
                box=_ratios(left, top, right - left + 1, bottom - top + 1, width, height),
                confidence=round(100 / (1 + math.exp(-3 * (score + 0.5))), 4),
                landmarks=_landmarks(shape, width, height),
                descriptor=vector,
            ))
        return faces


def _ratios(left, top, w, h, width, height) -> dict[str, float]:
    return {
        "Width": round(w / width, 6),
        "Height": round(h / height, 6),
        "Left": round(left / width, 6),
        "Top": round(top / height, 6),
    }


def _landmarks(shape, width: int, height: int) -> list[dict]:
    """Rekognition-style landmarks from dlib's 5 points (two corners per eye, nose base)."""
    pts = [(shape.part(i).x, shape.part(i).y) for i in range(shape.num_parts)]
    eyes = sorted(
        [((pts[0][0] + pts[1][0]) / 2, (pts[0][1] + pts[1][1]) / 2),
         ((pts[2][0] + pts[3][0]) / 2, (pts[2][1] + pts[3][1]) / 2)])
    named = [("eyeLeft", eyes[0]), ("eyeRight", eyes[1]), ("nose", pts[4])]
    return [{"Type": t, "X": round(x / width, 6), "Y": round(y / height, 6)} for t, (x, y) in named]
