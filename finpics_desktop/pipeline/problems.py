"""What ``check`` reports: one :class:`Problem` a line, and the :class:`CheckReport` of a run
(the checks themselves are each feature's: the album's in :mod:`~finpics_desktop.pipeline.check`,
the people's in :mod:`~finpics_desktop.pipeline.people.check`, curation's in
:mod:`~finpics_desktop.pipeline.curation.checks`)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    kind: str
    subject: str  # the object key, face id, image id or picset id concerned
    detail: str

    def line(self) -> str:
        return f"{self.kind}: {self.subject}: {self.detail}"


@dataclass
class CheckReport:
    found: list[Problem] = field(default_factory=list)
    remaining: list[Problem] = field(default_factory=list)
    repaired: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.remaining if self.repaired else self.found) and not self.errors

    def summary(self) -> str:
        if not self.found:
            return "the album is consistent: nothing to repair"
        if not self.repaired:
            return f"{len(self.found)} problem(s) found (run with --repair to fix them)"
        fixed = len(self.found) - len(self.remaining)
        return f"{len(self.found)} problem(s) found, {fixed} repaired, {len(self.remaining)} left"

    def as_json(self) -> dict:
        return {
            "found": [p.__dict__ for p in self.found],
            "remaining": [p.__dict__ for p in self.remaining],
            "repaired": self.repaired,
            "errors": self.errors,
        }
