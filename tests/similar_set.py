"""A set of near-duplicates built from the test photos, with the truth of what is what: copies
of a picture (re-encoded, resized, cropped a little, rotated by EXIF, EXIF changed) and bursts
(video-like frames of one picture: the window pans, the camera shakes, the subject moves a
little, every frame but one blurred), beside pictures that have neither. Used by
tests/test_similar.py and tests/benchmarks/similar_quality.py."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

COPY_KINDS = ("reencoded", "resized", "cropped", "exif-rotated", "exif-changed")
FRAMES = 4
START = datetime(2024, 5, 1, 10, 0, 0)


@dataclass
class Truth:
    copies: list[set[str]] = field(default_factory=list)  # each: a picture and its copies
    series: list[set[str]] = field(default_factory=list)  # each: the frames of one burst
    sharp: dict[int, str] = field(default_factory=dict)  # series index -> its sharp frame
    base: dict[str, str] = field(default_factory=dict)  # file -> the picture it came from


def _save(im: Image.Image, path: Path, quality: int = 92, orientation: int = 1,
          taken: datetime | None = None) -> None:
    exif = Image.Exif()
    if orientation != 1:
        exif[0x0112] = orientation
    if taken is not None:
        exif.get_ifd(0x8769)[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")
    im.convert("RGB").save(path, "JPEG", quality=quality, exif=exif.tobytes())


def upright(path: Path) -> Image.Image:
    return ImageOps.exif_transpose(Image.open(path)).convert("RGB")


def make_copy(im: Image.Image, kind: str, path: Path, n: int) -> None:
    if kind == "reencoded":
        _save(im, path, quality=55)
    elif kind == "resized":
        _save(im.resize((max(im.width * 3 // 5, 1), max(im.height * 3 // 5, 1)),
                        Image.Resampling.LANCZOS), path)
    elif kind == "cropped":
        dx, dy = im.width * 3 // 100, im.height * 3 // 100
        _save(im.crop((dx, dy, im.width - dx, im.height - dy)), path)
    elif kind == "exif-rotated":  # stored turned a quarter, the tag turning it back
        _save(im.transpose(Image.Transpose.ROTATE_90), path, orientation=6)
    else:  # a camera date added (as a catalogue app may write)
        _save(im, path, taken=START + timedelta(days=n))


def burst(im: Image.Image, sharp: int, frames: int = FRAMES) -> list[Image.Image]:
    """Video-like frames of ``im``: a window of 86 % panning across it, a camera shaking by
    0.5-1.5 degrees, the middle of the picture moving a little (the subject), the light
    flickering; every frame but ``sharp`` blurred (1.2-2.4 px at 1000 px wide)."""
    import cv2

    pixels = np.asarray(im)
    height, width = pixels.shape[:2]
    out = []
    for k in range(frames):
        x0, y0 = width * (0.02 + 0.03 * k), height * (0.03 + 0.01 * k)
        angle = (-1) ** k * (0.5 + 0.33 * k)
        matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
        turned = cv2.warpAffine(pixels, matrix, (width, height), flags=cv2.INTER_CUBIC,
                                borderMode=cv2.BORDER_REFLECT)
        # the subject moves: a smooth bump of displacement in the middle
        ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
        bump = np.exp(-(((xs - width / 2) / (width / 5)) ** 2
                        + ((ys - height / 2) / (height / 4)) ** 2))
        shift = width * 0.012 * (k - frames / 2)
        moved = cv2.remap(turned, xs + shift * bump, ys + 0.5 * shift * bump, cv2.INTER_CUBIC,
                          borderMode=cv2.BORDER_REFLECT)
        crop = moved[int(y0):int(y0 + height * 0.86), int(x0):int(x0 + width * 0.86)]
        crop = np.clip(crop.astype(np.float32) * (1 + 0.03 * math.sin(k * 2.1)), 0, 255)
        if k != sharp:
            sigma = (1.2 + 0.4 * ((k + sharp) % 4)) * width / 1000
            crop = cv2.GaussianBlur(crop, (0, 0), sigma)
        out.append(Image.fromarray(crop.astype(np.uint8)))
    return out


def build(photos: Path, out: Path, copy_bases: list[str], burst_bases: list[str],
          plain: list[str]) -> Truth:
    """Writes the set into ``out`` (flat: names say nothing) and returns its truth. Each
    relative path of ``photos`` is used once, in one role."""
    out.mkdir(parents=True, exist_ok=True)
    truth = Truth()
    n = 0

    def name() -> Path:
        nonlocal n
        n += 1
        return out / f"IMG_{n:04d}.jpg"

    for rel in plain:
        path = name()
        _save(upright(photos / rel), path)
        truth.base[path.name] = rel
    for i, rel in enumerate(copy_bases):
        im = upright(photos / rel)
        original = name()
        _save(im, original)
        group = {original.name}
        for kind in (COPY_KINDS[i % 5], COPY_KINDS[(i + 2) % 5]):
            path = name()
            make_copy(im, kind, path, i)
            group.add(path.name)
        truth.copies.append(group)
        for member in group:
            truth.base[member] = rel
    for i, rel in enumerate(burst_bases):
        sharp = (i * 3 + 1) % FRAMES
        group = set()
        for k, frame in enumerate(burst(upright(photos / rel), sharp)):
            path = name()
            _save(frame, path, taken=START + timedelta(hours=i, seconds=k))
            group.add(path.name)
            truth.base[path.name] = rel
            if k == sharp:
                truth.sharp[len(truth.series)] = path.name
        truth.series.append(group)
    return truth


def jpeg_bytes(im: Image.Image) -> bytes:
    buffer = io.BytesIO()
    im.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()
