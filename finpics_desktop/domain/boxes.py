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
