"""Rekognition's rate limit on the local cloud (``local-cloud --rekognition-tps N``): each
operation takes at most N calls a second (a token bucket per operation holding one second's
worth, as the service allows a short burst); a call over it is answered as AWS answers it,
``ProvisionedThroughputExceededException`` over HTTP 400, which the clients retry."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable

THROTTLED = "ProvisionedThroughputExceededException"
MESSAGE = "Provisioned rate exceeded"


class Throttle:
    """``admit(operation)``: True if a call of ``operation`` is within the rate now (it is
    counted), False if it is to be refused. ``tps`` 0 or None: everything is admitted."""

    def __init__(self, tps: float | None = None, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[str, float] = {}
        self._at: dict[str, float] = {}
        self.tps = 0.0
        self.only: frozenset[str] | None = None  # the operations limited (None: every one)
        self.admitted: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()
        self.set_rate(tps)

    def set_rate(self, tps: float | None, only: frozenset[str] | None = None) -> None:
        """Change the rate (0 or None: no limit) of every operation, or of those ``only``;
        every bucket starts full again."""
        if tps is not None and tps < 0:
            raise ValueError("a rate is a number of calls a second, 0 for no limit")
        with self._lock:
            self.tps = float(tps or 0.0)
            self.only = frozenset(only) if only is not None else None
            self._tokens.clear()
            self._at.clear()

    def admit(self, operation: str) -> bool:
        with self._lock:
            if not self.tps or (self.only is not None and operation not in self.only):
                self.admitted[operation] += 1
                return True
            burst = max(1.0, self.tps)
            now = self.clock()
            tokens = min(burst, self._tokens.get(operation, burst)
                         + (now - self._at.get(operation, now)) * self.tps)
            self._at[operation] = now
            if tokens >= 1.0:
                self._tokens[operation] = tokens - 1.0
                self.admitted[operation] += 1
                return True
            self._tokens[operation] = tokens
            self.refused[operation] += 1
            return False

    def reset_counts(self) -> None:
        with self._lock:
            self.admitted.clear()
            self.refused.clear()
