"""12-megapixel group photos made from the real photos of ../shared/photos: portraits pasted at
chosen face sizes onto a landscape, as people stand in a wide shot (for tests and benchmarks)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

MP12 = (4000, 3000)


@dataclass(frozen=True)
class Placed:
    source: Path
    box: dict[str, float]  # where its face is in the group photo (ratios, like BoundingBox)


_faces: dict[tuple[int, Path], object] = {}


def _largest_face(engine, source: Path):
    key = (id(engine), source)
    if key not in _faces:
        _faces[key] = max(engine.analyze(source.read_bytes(), source.name),
                          key=lambda f: f.box["Width"])
    return _faces[key]


def paste_faces(engine, canvas: Image.Image,
                people: list[tuple[Path, int, tuple[int, int]]]) -> list[Placed]:
    """Paste each ``(portrait, face width in px, (left, top) of the face)`` onto ``canvas``,
    scaled so that its face (as ``engine`` finds it in the portrait) is that wide and has its
    top left corner there; where each face landed."""
    placed = []
    for source, face_px, (left, top) in people:
        portrait = Image.open(source).convert("RGB")
        face = _largest_face(engine, source)
        scale = face_px / (face.box["Width"] * portrait.width)
        small = portrait.resize((round(portrait.width * scale), round(portrait.height * scale)),
                                Image.Resampling.LANCZOS)
        canvas.paste(small, (round(left - face.box["Left"] * small.width),
                             round(top - face.box["Top"] * small.height)))
        placed.append(Placed(source, {
            "Left": left / canvas.width, "Top": top / canvas.height,
            "Width": face.box["Width"] * small.width / canvas.width,
            "Height": face.box["Height"] * small.height / canvas.height,
        }))
    return placed


def group_photo(engine, background: Path, people: list[tuple[Path, int, tuple[int, int]]],
                size: tuple[int, int] = MP12) -> tuple[bytes, list[Placed]]:
    """A JPEG of ``size``: ``background`` with ``people`` pasted (see :func:`paste_faces`)."""
    canvas = Image.open(background).convert("RGB").resize(size, Image.Resampling.BICUBIC)
    placed = paste_faces(engine, canvas, people)
    out = io.BytesIO()
    canvas.save(out, "JPEG", quality=92)
    return out.getvalue(), placed
