"""Claims: what a publishing job is working on right now, so that jobs publishing into the
same place at once end as if they had run one after the other.

Before a photo is looked up or written it is claimed twice: by its content
(``content:<picset>:<sha256>``) and by its key (``key:photos/<picset>/<file>``). A claim held
by another live job is *waited for*, never skipped: once that job is done with it, what it
stored is seen like any photo published before -- the same content is not published twice,
the same name with different content is a conflict the job's policy settles. Claims are taken
content first, then key, and a job holding a key claim never waits for another claim (rename
candidates are only taken when free), so jobs never wait for each other in a circle.

With an upload journal the claims live in it, shared by every process on this machine (the
window, its publishing processes, the CLI); a claim of a job whose process died is free.
Without a journal they live in this process. Released claims leave a hint -- the key a content
was published under (the journal's file records, or memory) -- so a job that listed the
picset before another job published the same content still finds it.

New picsets are numbered atomically in the journal: the ids of other jobs' picsets count as
taken even before their first photo is processed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from finpics_desktop.pipeline.publish import journal as jr

WAIT_FIRST, WAIT_MAX = 0.01, 0.25  # seconds between looks at a claim held by another process


def content_claim(picset: str, sha256: str) -> str:
    return f"content:{picset}:{sha256}"


def key_claim(key: str) -> str:
    return f"key:{key}"


class _Memory:
    """Claims and hints of jobs without a journal (this process)."""

    cond = threading.Condition()
    held: dict[tuple[str, str], object] = {}
    hints: dict[tuple[str, str], str] = {}  # (target, content claim) -> key


class JobClaims:
    """The claims of one job (thread-safe): ``owner`` is its journal job id, or any object
    standing for the job when there is no journal."""

    def __init__(self, target: str, owner: object, journal: jr.Journal | None,
                 cancel: threading.Event):
        self.target, self.owner, self.journal, self.cancel = target, owner, journal, cancel

    def _try(self, claim: str) -> bool:
        if self.journal is not None:
            return self.journal.claim(self.target, claim, self.owner) is None
        with _Memory.cond:
            return _Memory.held.setdefault((self.target, claim), self.owner) is self.owner

    def take(self, claim: str) -> bool:
        """Hold ``claim`` if no other job does; never waits."""
        return self._try(claim)

    def wait(self, claim: str) -> bool:
        """Hold ``claim``, waiting while another live job holds it; False if the job was
        cancelled meanwhile."""
        if self.journal is None:
            with _Memory.cond:  # woken when a claim is let go; cancelling is seen in time
                while not self._try(claim):
                    if self.cancel.is_set():
                        return False
                    _Memory.cond.wait(WAIT_MAX)
            return True
        delay = WAIT_FIRST
        while not self._try(claim):
            if self.cancel.wait(delay):
                return False
            delay = min(delay * 2, WAIT_MAX)
        return True

    def release(self, claims: Iterable[str], published: dict[str, str] | None = None) -> None:
        """Let ``claims`` go; ``published`` maps content claims to the key now holding that
        content (remembered as hints where there is no journal to remember them)."""
        claims = list(claims)
        if self.journal is not None:
            self.journal.release_claims(self.owner, claims)
            return
        with _Memory.cond:
            for claim in claims:
                if _Memory.held.get((self.target, claim)) is self.owner:
                    del _Memory.held[(self.target, claim)]
            for claim, key in (published or {}).items():
                _Memory.hints[(self.target, claim)] = key
            _Memory.cond.notify_all()

    def release_all(self) -> None:
        if self.journal is not None:
            return  # the journal lets a job's claims go when the job finishes
        with _Memory.cond:
            for k in [k for k, v in _Memory.held.items() if v is self.owner]:
                del _Memory.held[k]
            _Memory.cond.notify_all()

    def published_as(self, picset: str, sha256: str) -> list[str]:
        """Keys this content was published under by other jobs, newest first (hints: the
        caller checks the object is still there with this content)."""
        if self.journal is not None:
            return self.journal.published_keys(self.target, picset, sha256)
        with _Memory.cond:
            key = _Memory.hints.get((self.target, content_claim(picset, sha256)))
        return [key] if key else []

