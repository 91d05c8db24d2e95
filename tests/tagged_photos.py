"""Photos whose faces another app named: the boxes the engine finds in a real photo, and
exiftool (Debian's libimage-exiftool-perl, which packaging/dev.sh installs) writing regions
over them."""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
from pathlib import Path

from PIL import Image

from finpics_desktop.domain.picsets import PICSET_ROOT

EXIFTOOL = shutil.which("exiftool") or "exiftool"  # a test fails, never skips, without it


def needs_exiftool(test):
    """A test that writes or reads regions with exiftool: fails at once, saying how to get it,
    where it is missing (never skipped: `bash packaging/dev.sh env` installs it)."""
    def check(*args, **kwargs):
        assert shutil.which("exiftool"), ("exiftool is not installed: `bash packaging/dev.sh "
                                          "env` installs it (Debian's libimage-exiftool-perl)")
        return test(*args, **kwargs)
    return functools.wraps(test)(check)


def exif_written(photos_dir: Path, tmp_path: Path, source: str, *tags: str) -> bytes:
    """A copy of the shared photo ``source`` with exiftool's ``tags`` written into it."""
    path = tmp_path / source.rsplit("/", 1)[-1]
    shutil.copyfile(photos_dir / source, path)
    subprocess.run([EXIFTOOL, "-q", "-q", "-overwrite_original", *tags, str(path)],
                   check=True)
    return path.read_bytes()


def pixels(data: bytes) -> bytes:
    """The decoded pixels of an image (to show an edit left them as they were)."""
    with Image.open(io.BytesIO(data)) as im:
        return im.tobytes()
PHOTO = "faces/groups/obama_and_biden.jpg"


def faces_of(backend) -> list[dict]:
    """The faces the library detected in its one photo, left to right."""
    [picset] = backend.tables.query_pics(PICSET_ROOT)
    [photo] = backend.tables.query_pics(picset["sortkey"])
    return sorted((r["Face"] for r in photo["data"]["FaceRecords"]),
                  key=lambda f: f["BoundingBox"]["Left"])


def scout_boxes(folder: Path, engine, photo: Path) -> list[dict]:
    """The boxes the engine finds in ``photo``, left to right (published into a library of
    its own in ``folder``)."""
    from finpics_desktop.backends.local.library import open_library
    from finpics_desktop.pipeline.publish.upload import Publisher

    backend = open_library(folder / "library", engine=engine)
    try:
        Publisher(backend.store, backend.tables, backend.faces, backend.names,
                  backend.process).publish([photo], "001_scout")
        return [f["BoundingBox"] for f in faces_of(backend)]
    finally:
        backend.close()


def mwg_area(box: dict, grow: float = 1.2) -> str:
    """An exiftool MWG area around ``box``, drawn larger than the detector's (as apps do)."""
    w, h = box["Width"] * grow, box["Height"] * grow
    x, y = box["Left"] + box["Width"] / 2, box["Top"] + box["Height"] / 2
    return f"{{X={x:.4f},Y={y:.4f},W={w:.4f},H={h:.4f},Unit=normalized}}"


def exiftool(*args: str) -> str:
    done = subprocess.run([EXIFTOOL, "-q", "-overwrite_original", *args],
                          capture_output=True, text=True, check=True)
    return done.stdout
