"""Face boxes (Rekognition's ``BoundingBox``: ratios of the upright image) and how they overlap."""

from __future__ import annotations

from collections.abc import Sequence

Box = dict[str, float]  # Width, Height, Left, Top
SAME_FACE_IOU = 0.3  # two engines' boxes of one face overlap at least this much (and others less)


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes (0 when they do not overlap)."""
    width = min(a["Left"] + a["Width"], b["Left"] + b["Width"]) - max(a["Left"], b["Left"])
    height = min(a["Top"] + a["Height"], b["Top"] + b["Height"]) - max(a["Top"], b["Top"])
    if width <= 0 or height <= 0:
        return 0.0
    inter = width * height
    union = a["Width"] * a["Height"] + b["Width"] * b["Height"] - inter
    return inter / union if union > 0 else 0.0


def match_boxes(old: Sequence[Box], new: Sequence[Box],
                min_iou: float = SAME_FACE_IOU) -> dict[int, int]:
    """Which new box is which old one: ``{new index: old index}``, one to one, the most
    overlapping pairs first; boxes overlapping less than ``min_iou`` stay unmatched."""
    pairs = sorted(((iou(o, n), j, i) for i, o in enumerate(old) for j, n in enumerate(new)),
                   reverse=True)
    matched: dict[int, int] = {}
    used: set[int] = set()
    for overlap, j, i in pairs:
        if overlap < min_iou:
            break
        if j not in matched and i not in used:
            matched[j] = i
            used.add(i)
    return matched


def check_box(box: Box) -> Box:
    """A box drawn by hand: four ratios of the upright photo, inside it, not empty. Returns it
    with float values; raises ValueError saying what is wrong."""
    try:
        left, top, width, height = (float(box[k]) for k in ("Left", "Top", "Width", "Height"))
    except (KeyError, TypeError, ValueError):
        raise ValueError("a face box is four numbers: LEFT TOP WIDTH HEIGHT") from None
    if not (0.0 <= left < 1.0 and 0.0 <= top < 1.0 and width > 0.0 and height > 0.0
            and left + width <= 1.0 + 1e-9 and top + height <= 1.0 + 1e-9):
        raise ValueError(f"the box {left:g} {top:g} {width:g} {height:g} is not inside the photo:"
                         " LEFT and TOP from 0 to 1, WIDTH and HEIGHT above 0, and "
                         "LEFT + WIDTH and TOP + HEIGHT at most 1 (ratios of the upright photo)")
    return {"Width": width, "Height": height, "Left": left, "Top": top}


def around(box: Box, margin: float) -> Box:
    """``box`` grown by ``margin`` times its width on the left and right and times its height
    above and below, kept inside the photo."""
    grow_x, grow_y = margin * box["Width"], margin * box["Height"]
    left, top = max(0.0, box["Left"] - grow_x), max(0.0, box["Top"] - grow_y)
    right = min(1.0, box["Left"] + box["Width"] + grow_x)
    bottom = min(1.0, box["Top"] + box["Height"] + grow_y)
    return {"Width": right - left, "Height": bottom - top, "Left": left, "Top": top}


def out_of(box: Box, region: Box) -> Box:
    """``box`` (ratios of ``region``) mapped back to ratios of the whole photo."""
    return {"Width": box["Width"] * region["Width"], "Height": box["Height"] * region["Height"],
            "Left": region["Left"] + box["Left"] * region["Width"],
            "Top": region["Top"] + box["Top"] * region["Height"]}
