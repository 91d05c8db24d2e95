"""A region of a photo around a face box drawn by hand, for the face index to look at again
where its detector found nothing on the whole photo (``add-face``; the window's drawn box):
the box with a margin around it, cut from the upright photo at full size and scaled so that
the box is a comfortable size for a detector; boxes found there are mapped back."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image

from finpics_desktop.domain.boxes import Box, around, iou, out_of
from finpics_desktop.pipeline.photos.images import decode_upright

MARGIN = 0.6  # the region is the box and this much of its width / height on each side
BEST_IOU = 0.25  # the face found in the region must overlap the drawn box at least this much
FULL_SIDE = 6400  # the largest copy of the photo a region is cut from


@dataclass(frozen=True)
class Region:
    box: Box  # the region, as ratios of the upright photo
    image: Image.Image  # its pixels (RGB), scaled


def cut_region(data: bytes, name: str, box: Box, face_px: int) -> Region:
    """The region around ``box`` from the upright photo, scaled so that the box's larger side
    is about ``face_px`` pixels."""
    image, _ = decode_upright(data, name, FULL_SIDE)
    wanted = around(box, MARGIN)
    left, top = round(wanted["Left"] * image.width), round(wanted["Top"] * image.height)
    right = max(left + 1, round((wanted["Left"] + wanted["Width"]) * image.width))
    bottom = max(top + 1, round((wanted["Top"] + wanted["Height"]) * image.height))
    crop = image.crop((left, top, right, bottom))
    scale = face_px / max(box["Width"] * image.width, box["Height"] * image.height, 1.0)
    crop = crop.resize((max(1, round(crop.width * scale)), max(1, round(crop.height * scale))),
                       Image.Resampling.BICUBIC if scale > 1 else Image.Resampling.LANCZOS)
    return Region({"Left": left / image.width, "Top": top / image.height,
                   "Width": (right - left) / image.width,
                   "Height": (bottom - top) / image.height}, crop)


def jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


def best_overlap(found: Sequence[Box], drawn: Box, region: Box) -> int | None:
    """Which of the boxes ``found`` in ``region`` (ratios of it) is the drawn face: the one
    overlapping ``drawn`` most, if at least :data:`BEST_IOU`."""
    ranked = sorted(((iou(out_of(b, region), drawn), n) for n, b in enumerate(found)),
                    reverse=True)
    return ranked[0][1] if ranked and ranked[0][0] >= BEST_IOU else None


def rounded(box: Box) -> Box:
    return {k: round(float(box[k]), 6) for k in ("Width", "Height", "Left", "Top")}


def landmarks_out_of(landmarks: Sequence[dict], region: Box) -> list[dict]:
    """Landmarks (``{Type, X, Y}`` ratios of the region) as ratios of the whole photo."""
    return [{**mark, "X": round(region["Left"] + mark["X"] * region["Width"], 6),
             "Y": round(region["Top"] + mark["Y"] * region["Height"], 6)} for mark in landmarks]


NO_FACE = ("no face could be found in that box: draw it around the face, from the hairline "
           "to the chin")


FACE_CELL = 160  # px: the side of a face cut for the grid
SHARP_ENOUGH = 72  # px: a face at least this wide in the thumbnail is cut from it


def face_thumbnail(thumbnail: bytes, box: Box, original) -> bytes:
    """A square JPEG of the face in ``box`` with some room around it, :data:`FACE_CELL` px:
    cut from the photo's ``thumbnail`` when the face is large enough there, else from the
    original (``original()`` returns its bytes and name), decoded just large enough."""
    picture = _picture(thumbnail)
    if box["Width"] * picture.width < SHARP_ENOUGH:
        data, name = original()
        aspect = max(picture.width, picture.height) / picture.width
        side = round(FACE_CELL * aspect / max(box["Width"], 1e-3))
        picture, _ = decode_upright(data, name, min(FULL_SIDE, max(side, 64)))
    return _cut(picture, box)


def face_preview(thumbnail: bytes, box: Box) -> tuple[bytes, bool]:
    """The face in ``box`` cut from the photo's ``thumbnail`` only (a few milliseconds: no
    original decoded), and whether that is the face's thumbnail for good (the face is large
    enough there) -- else a blurred stand-in until :func:`face_thumbnail` is made."""
    picture = _picture(thumbnail)
    return _cut(picture, box), box["Width"] * picture.width >= SHARP_ENOUGH


def _picture(thumbnail: bytes) -> Image.Image:
    with Image.open(io.BytesIO(thumbnail)) as small:
        small.load()
        return small.convert("RGB")


def _cut(picture: Image.Image, box: Box) -> bytes:
    width, height = picture.size
    centre_x = (box["Left"] + box["Width"] / 2) * width
    centre_y = (box["Top"] + box["Height"] / 2) * height
    # a square 1.6 times the face, moved inside the picture where the face is near its edge
    # (never a black band of what is outside it), smaller only where the picture is
    side = min(max(box["Width"] * width, box["Height"] * height) * 1.6, width, height)
    left = min(max(centre_x - side / 2, 0.0), width - side)
    top = min(max(centre_y - side / 2, 0.0), height - side)
    crop = picture.crop((round(left), round(top), round(left + side), round(top + side)))
    return jpeg(crop.resize((FACE_CELL, FACE_CELL), Image.Resampling.LANCZOS))
