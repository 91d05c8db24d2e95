"""The best photo of a group, and why, in a few words.

* **copies** (one picture): the most pixels, then the largest file (the least compressed),
  then the one whose faces the frame does not cut.
* **series** (frames of one moment): the sharpest where the faces are (each face measured at
  the same width, :data:`~.measure.FACE_SIDE`), a frame losing points for a face the engine
  did not find there, a face cut off by the frame, a face whose eyes it did not find, and for
  poor exposure (burnt out or black, too dark or too bright); with no face in the group, the
  sharpest picture. The face engine (YuNet) gives each eye's centre, not its lids: it cannot
  tell open eyes from closed ones, only that it found both eyes.
"""

from __future__ import annotations

from finpics_desktop.pipeline.similar.measure import Measured

CUT_OFF = 0.6  # a face cut off by the frame keeps this share of its score
NO_EYES = 0.8  # a face whose eyes were not found
CLIPPED = 0.05  # more than this share burnt out or black is poorly exposed
DARK, BRIGHT = 50.0, 205.0  # mean grey levels outside these: too dark, too bright
POOR_EXPOSURE = 0.8


def best_copy(members: list[Measured]) -> tuple[Measured, list[str]]:
    best = max(members, key=lambda m: (m.pixels, m.bytes, -m.cut_off, m.name))
    others = [m for m in members if m is not best]
    reasons = []
    if any(o.pixels < best.pixels for o in others):
        reasons.append(f"the largest: {best.size[0]} \u00d7 {best.size[1]}")
    if any(o.pixels == best.pixels and o.bytes < best.bytes for o in others):
        reasons.append("the least compressed")
    return best, reasons or ["the same picture"]


def best_frame(members: list[Measured]) -> tuple[Measured, list[str]]:
    most_faces = max(len(m.faces) for m in members)
    scores = {m.name: score(m, most_faces) for m in members}
    best = max(members, key=lambda m: (scores[m.name], m.pixels, m.name))
    return best, reasons(best, members, most_faces)


def score(m: Measured, most_faces: int) -> float:
    if most_faces:
        # a face the engine did not find in this frame counts as no detail at all
        value = sum(m.faces) / most_faces
        value *= CUT_OFF ** m.cut_off * NO_EYES ** m.eyes_missing
    else:
        value = m.sharpness
    return value * (POOR_EXPOSURE if poorly_exposed(m) else 1.0)


def poorly_exposed(m: Measured) -> bool:
    return m.clipped > CLIPPED or not DARK <= m.brightness <= BRIGHT


def reasons(best: Measured, members: list[Measured], most_faces: int) -> list[str]:
    others = [m for m in members if m is not best]
    said = []
    if most_faces:
        if all(sum(best.faces) >= sum(o.faces) for o in others):
            said.append("the sharpest faces")
        if len(best.faces) == most_faces and any(len(o.faces) < most_faces for o in others):
            said.append("every face found")
        if best.cut_off == 0 and any(o.cut_off for o in others):
            said.append("no face cut off")
        if best.eyes_missing == 0 and any(o.eyes_missing for o in others):
            said.append("both eyes found")
    elif all(best.sharpness >= o.sharpness for o in others):
        said.append("the sharpest")
    if not poorly_exposed(best) and any(poorly_exposed(o) for o in others):
        said.append("well exposed")
    return said or ["the best balance of sharpness and exposure"]
