"""What an audit found: the leaks (a file or an item, and why), the access checks, the counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from finpics_desktop.ports import AccessCheck


@dataclass
class Leak:
    where: str  # "finpics-pics/photos/014_x/a.jpg", or "table pics: 014_x/a.jpg"
    reasons: list[str]
    fixed: bool = False
    error: str | None = None  # why it could not be fixed

    def line(self) -> str:
        state = " (fixed)" if self.fixed else f" (not fixed: {self.error})" if self.error else ""
        return f"{self.where}: {'; '.join(self.reasons)}{state}"

    def as_json(self) -> dict:
        return {"where": self.where, "reasons": self.reasons, "fixed": self.fixed,
                **({"error": self.error} if self.error else {})}


@dataclass
class AuditReport:
    objects: int = 0  # public objects read
    items: int = 0  # items read
    leaks: list[Leak] = field(default_factory=list)
    access: list[AccessCheck] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def remaining(self) -> list[Leak]:
        return [leak for leak in self.leaks if not leak.fixed]

    @property
    def open_access(self) -> list[AccessCheck]:
        """What the public was not shown to be refused (allowed, or not tried)."""
        return [a for a in self.access if a.refused is not True]

    @property
    def ok(self) -> bool:
        return not self.remaining and not self.open_access

    def lines(self) -> list[str]:
        out = [f"LEAK {leak.line()}" if not leak.fixed else f"fixed {leak.line()}"
               for leak in self.leaks]
        for check in self.access:
            if check.refused is True:
                out.append(f"refused: {check.what}")
            elif check.refused is False:
                out.append(f"LEAK allowed: {check.what} ({check.detail})")
            else:
                out.append(f"NOT SHOWN: {check.what}: {check.detail}")
        return out + [f"note: {n}" for n in self.notes]

    def summary(self) -> str:
        fixed = len(self.leaks) - len(self.remaining)
        head = (f"audit: {self.objects} public object(s) and {self.items} item(s) read; "
                f"{len(self.remaining)} leak(s)" + (f", {fixed} fixed" if fixed else ""))
        refused = sum(a.refused is True for a in self.access)
        if self.access:
            head += f"; the public was refused {refused} of {len(self.access)} things tried"
        return head + (": nothing private is public" if self.ok else "")

    def as_json(self) -> dict:
        return {"ok": self.ok, "objects": self.objects, "items": self.items,
                "leaks": [leak.as_json() for leak in self.leaks],
                "access": [{"what": a.what, "refused": a.refused, "detail": a.detail}
                           for a in self.access],
                "notes": self.notes}
