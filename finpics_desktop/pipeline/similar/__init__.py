"""Near-duplicates and the best shot (``similar``): each photo is measured once
(:mod:`.measure`), pairs are told apart as copies, a series or unrelated (:mod:`.compare`),
grouped, and the best of each group is picked with its reasons (:mod:`.best`, :mod:`.groups`)."""

from finpics_desktop.pipeline.similar.groups import COPIES, SERIES, Group, find_groups
from finpics_desktop.pipeline.similar.measure import FaceSpot, Measured, measure

__all__ = ["COPIES", "SERIES", "FaceSpot", "Group", "Measured", "find_groups", "measure"]
