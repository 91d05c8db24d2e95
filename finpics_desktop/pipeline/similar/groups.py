"""Photos grouped: copies of one picture, and series of frames of one moment. A photo is in one
group at most; a group holding a series (and maybe copies of its frames) is a series."""

from __future__ import annotations

from dataclasses import dataclass, field

from finpics_desktop.pipeline.similar.best import best_copy, best_frame
from finpics_desktop.pipeline.similar.candidates import candidate_pairs
from finpics_desktop.pipeline.similar.compare import COPIES, SERIES, relate
from finpics_desktop.pipeline.similar.measure import Measured

__all__ = ["COPIES", "SERIES", "Group", "find_groups"]


@dataclass(frozen=True)
class Group:
    kind: str  # COPIES or SERIES
    members: list[str]  # names, the best first, then in the order given
    best: str
    reasons: list[str] = field(default_factory=list)

    @property
    def others(self) -> list[str]:
        return [m for m in self.members if m != self.best]

    def as_json(self) -> dict:
        return {"kind": self.kind, "members": self.members, "best": self.best,
                "reasons": self.reasons}


def find_groups(photos: list[Measured]) -> list[Group]:
    """The groups among ``photos`` (names unique), in the order of their first photo."""
    parent = list(range(len(photos)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    links = []
    for i, j in candidate_pairs(photos):  # (not every pair: :mod:`.candidates`)
        kind = relate(photos[i], photos[j]).kind
        if kind is not None:
            links.append((i, j, kind))
    for i, j, _ in links:
        parent[root(j)] = root(i)
    series_roots = {root(i) for i, _, kind in links if kind == SERIES}
    members: dict[int, list[Measured]] = {}
    for i, photo in enumerate(photos):
        members.setdefault(root(i), []).append(photo)
    groups = []
    for r, group in members.items():
        if len(group) < 2:
            continue
        kind = SERIES if r in series_roots else COPIES
        best, reasons = (best_frame if kind == SERIES else best_copy)(group)
        names = [best.name] + [m.name for m in group if m is not best]
        groups.append(Group(kind, names, best.name, reasons))
    return groups
