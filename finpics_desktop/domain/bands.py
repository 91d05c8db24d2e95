"""The two bands of a search's results: *sure* (the promise: never another person) and
*maybe* (the same person perhaps; shown apart, for the curator to judge).

For each engine (a face's ``FaceModelVersion``, Rekognition's ``IndexFacesModelVersion``) the
cuts on the 0-100 similarity the face index reports, one set for both searches:

- a face's similarity to another face (``sure``, ``maybe``): the search by face, and the search
  by a named person from the best of their named faces
  (:mod:`~finpics_desktop.pipeline.people.person_search`) -- the same promise, so the same cut;
- a face's similarity to a named person's *template* (their user vector, the mean of their
  confirmed faces: SearchUsers' similarity, on a scale of its own): ``template``,
  ``template_maybe``.

A match at or above its sure cut is *sure* unless a face of it fails the quality gate (tiny or
blurred: :data:`SHARP`), then it is *maybe*; from the maybe cut up to the sure cut it is
*maybe*; below the maybe cut it is no match. The measurements behind every number are in
docs/benchmarks.md, "Face matching quality" (``tests/benchmarks/face_quality.py``) and "People
searched as people" (``tests/benchmarks/person_quality.py``); each comment names the
measurement and the margin the cut keeps from it. A cut is never put at the edge of one."""

from __future__ import annotations

from dataclasses import dataclass

SURE, MAYBE = "sure", "maybe"
BANDS = (SURE, MAYBE)


@dataclass(frozen=True)
class Cuts:
    sure: float  # similarity to a face from which a match is sure (quality permitting)
    maybe: float  # similarity to a face from which a match is a maybe
    template: float  # similarity to a person's template from which a face is sure theirs
    template_maybe: float  # ... from which it is maybe theirs
    gated: bool = True  # whether the engine measures Quality.Sharpness on its scale (SHARP)

    @property
    def lowest(self) -> float:
        """Below this a face is nobody's match."""
        return min(self.maybe, self.template_maybe)


# The faces a person's search scores at all (SearchFaces' threshold from each of their named
# faces): below every maybe cut, so none is missed for want of asking.
CANDIDATES = 50.0


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
# A named person's search (person_quality.py on the same three sets: k = 1-8 of a person's
# faces named, 20 draws each; docs/benchmarks.md, "People searched as people"):
# - the best of their faces meets the same closest strangers (81.1 with the mirror, 80.7 alone:
#   deepface's look-alikes), so its cuts are the face's: a best-of cut of 82 (what faces/ +
#   lfw10/ alone allowed, their closest stranger 79.0) would keep only +0.9 from that pair
#   (mirror);
# - their template (SearchUsers' scale: 80 is cosine 0.45, backends/local/similarity.py): the
#   closest stranger to any template 80.1 with the mirror (cosine 0.452, k = 2-3: deepface's
#   look-alikes), 79.7 alone (0.448); sure from 83 keeps +2.9 (cosine +0.080) / +3.3 (+0.084)
#   above it. Own faces found sure by template or best face (mirror): 99.06 % (k = 1), 99.49 %
#   (k = 2) to 100 % (k = 5, 8), no stranger among 38,300-99,380 pairs a k. Maybe from 76: the
#   farthest own face of a mirror template of k >= 2 is 78.7, and 5-9 strangers a k reach it
#   (only ever as maybe); with the best face's maybe cut, sure + maybe find every own face.
SINGLE = Cuts(sure=82.76, maybe=60.95, template=83.0, template_maybe=76.0)
MIRROR = Cuts(sure=82.76, maybe=60.95, template=83.0, template_maybe=76.0)
DLIB = Cuts(sure=80.0, maybe=80.0, template=80.0, template_maybe=80.0, gated=False)  # the
#   engine before SFace: no band measured, its old threshold, every match sure
# Rekognition (the cloud): not measurable here. Its similarity is its own; AWS recommends 99
# where a wrong match matters and uses 80 as SearchFaces' and SearchUsers' default: sure from
# 99, maybe from 80, for a face and for a person's user vector alike.
REKOGNITION = Cuts(sure=99.0, maybe=80.0, template=99.0, template_maybe=80.0, gated=False)

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
