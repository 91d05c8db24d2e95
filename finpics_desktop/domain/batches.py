"""The results of a batch of calls made one item at a time, and the items whose call failed."""

from __future__ import annotations


class Batch(dict):
    """``{item: result}`` as a dict, and ``failed``: ``{item: reason}`` for the items whose
    call failed (after its retries). The results of the others are kept: one call failing
    never discards a batch."""

    def __init__(self, *args, failed: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.failed: dict = dict(failed or {})


def failed_of(found) -> dict:
    """The ``failed`` of a :class:`Batch` (nothing for a plain dict: nothing failed)."""
    return getattr(found, "failed", None) or {}


def failure_line(failed: dict, what: str) -> str:
    """One sentence about the failures of a batch, for a curator: how many ``what`` (e.g.
    "faces could not be searched"), and the first reason."""
    if not failed:
        return ""
    reason = next(iter(failed.values()))
    return f"{len(failed)} {what} ({reason}); they are tried again next time"
