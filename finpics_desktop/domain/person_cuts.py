"""The cuts of a search by a named person (:mod:`~finpics_desktop.pipeline.people.person_search`),
for each face engine (its ``FaceModelVersion``): how alike a face must be to the person's
*template* (their user vector, the mean of their confirmed faces: SearchUsers' similarity) or
to the *best* of their confirmed faces (SearchFaces' similarity) to be found as them -- *sure*
(the promise: no other person) or *maybe* (shown apart, never taken silently).

Every value comes from ``tests/benchmarks/person_quality.py`` on ``faces/`` + ``lfw10/`` of the
test photos (its table is in docs/benchmarks.md, "People"); each comment names the measurement
and the margin the cut keeps from it. A cut is never put at the edge of a measurement.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PersonCuts:
    template: float  # sure: similarity to the person's user vector (SearchUsers)
    template_maybe: float  # maybe: the same, lower
    face: float  # sure: similarity to the best of the person's confirmed faces (SearchFaces)
    face_maybe: float  # maybe: the same, lower
    candidates: float  # SearchFaces' threshold for the faces that are scored at all

    @property
    def lowest(self) -> float:
        return min(self.template_maybe, self.face_maybe)


# The SFace engine of the local library (and of the local cloud, which serves the same index):
# similarities on its own scales, SearchFaces' 80 = cosine 0.42, SearchUsers' 80 = cosine 0.45
# (backends/local/similarity.py).
SFACE_2021DEC = PersonCuts(
    # templates of 2-8 faces (person_quality.py, 20 draws each): the closest stranger 79.4
    # (cosine 0.446, k = 5), the farthest own face 78.5 (k = 2); at 83 the closest stranger
    # stays +3.6 below (cosine +0.086); own faces found by the template alone: 98.6-99.8 %
    template=83.0,
    # the same measurement: at 76 every own face of k >= 2 is found, 4-10 strangers of
    # 25,100-34,740 pairs reach it, only ever as *maybe*
    template_maybe=76.0,
    # best of 1-8 single faces: the closest stranger 79.0 (cosine 0.414) at every k; at 82 it
    # stays +3.0 below (cosine +0.064), where the search threshold 80 keeps +1.0 (+0.006);
    # with the template, own faces found sure: 99.1 % (k = 2) to 100 % (k = 8), 0 strangers
    face=82.0,
    # single faces, the farthest own pair 72.9 (cosine 0.383): at 72 all are found, strangers
    # (53-139 of the pairs) only as *maybe*
    face_maybe=72.0,
    # the faces scored at all: well below both maybe cuts, none is missed for want of asking
    candidates=50.0,
)

# Rekognition (the cloud): its own similarity, not measured here; its documented defaults
# (SearchFaces' and SearchUsers' threshold 80) for sure, AssociateFaces' 75 for maybe.
REKOGNITION = PersonCuts(template=80.0, template_maybe=75.0, face=80.0, face_maybe=75.0,
                         candidates=50.0)

CUTS = {"yunet-2023mar+sface-2021dec-int8bq": SFACE_2021DEC}


def cuts_for(model_version: str | None) -> PersonCuts:
    """The cuts of the engine that indexed the faces; Rekognition's for any other."""
    return CUTS.get(model_version or "", REKOGNITION)
