"""The two bands of a search's results: *sure* (the promise: never another person) and
*maybe* (the same person perhaps; shown apart, for the curator to judge).

For each engine (a face's ``FaceModelVersion``, Rekognition's ``IndexFacesModelVersion``) the
sure cut and the maybe cut on the 0-100 similarity the face index reports. A match at or
above the sure cut is *sure* unless one of its two faces fails the quality gate (tiny or
blurred: :data:`SHARP`), then it is *maybe*; from the maybe cut up to the sure cut it is
*maybe*; below the maybe cut it is no match. The measurements behind every number are in
docs/benchmarks.md, "Face matching quality" (``tests/benchmarks/face_quality.py``)."""

from __future__ import annotations

from dataclasses import dataclass

SURE, MAYBE = "sure", "maybe"
BANDS = (SURE, MAYBE)


@dataclass(frozen=True)
class Cuts:
    sure: float  # similarity from which a match is sure (quality permitting)
    maybe: float  # similarity from which a match is a maybe
    gated: bool = True  # whether the engine measures Quality.Sharpness on its scale (SHARP)


# The two SFace engines (similarity 80 is cosine 0.42, linear to 100 at cosine 1 and to 0 at
# cosine 0: backends/local/similarity.py). Measured with tests/benchmarks/face_quality.py on
# every pair of the 184 labelled faces of ../shared/photos faces/ + lfw10/ and deepface's
# test photos (16,198 different-person pairs, 638 same-person pairs):
# - the closest different people are two look-alike actors of deepface's photos (img33.jpg,
#   img35.jpg): cosine 0.441 (similarity 80.7) alone, 0.451 (81.1) with the mirror;
# - sure from cosine 0.50 (82.76): a safety margin of +0.05 cosine above that pair (+0.06 for
#   the crop alone), five times the ~0.01 by which the closest strangers and the farthest
#   same person overlap on lfw10/; sure recall 98.1 % (97.8 % alone), none of another person;
# - maybe from cosine 0.32 (60.95): where different people become common, 1 in 100
#   different-person pairs above it (0.9-1.0 %); the farthest same-person pair is 0.40 (0.38
#   alone), so sure + maybe hold every same-person pair measured.
SINGLE = Cuts(sure=82.76, maybe=60.95)
MIRROR = Cuts(sure=82.76, maybe=60.95)
DLIB = Cuts(sure=80.0, maybe=80.0, gated=False)  # the engine before SFace: no band measured,
#                                                 its old threshold, every match sure
# Rekognition (the cloud): not measurable here. Its similarity is its own; AWS recommends 99
# where a wrong match matters and uses 80 as SearchFaces' default: sure from 99, maybe from 80.
REKOGNITION = Cuts(sure=99.0, maybe=80.0, gated=False)

CUTS = {
    "yunet-2023mar+sface-2021dec-int8bq": SINGLE,
    "yunet-2023mar+sface-2021dec-int8bq+mirror": MIRROR,
    "dlib-resnet-v1": DLIB,
}

# The quality gate: a face whose Quality.Sharpness (the local engine's, 0-100) is below this is
# never sure. Every labelled face of the sets above has 29 or more; the lfw10/ photos shrunk
# until their faces are 16-24 px wide (then enlarged back) have 19 or less, and the engine
# gives 20 to a face 40 px wide (backends/local/engine.py, crop_quality).
SHARP = 20.0


LOWEST_MAYBE = min(c.maybe for c in (*CUTS.values(), REKOGNITION))
LOWEST_SURE = min(c.sure for c in (*CUTS.values(), REKOGNITION))


def cuts_for(version: str | None) -> Cuts:
    """The cuts of the engine that indexed a face (Rekognition's for any other version)."""
    return CUTS.get(version or "", REKOGNITION)
