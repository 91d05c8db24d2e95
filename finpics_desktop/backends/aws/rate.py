"""Rekognition's calls at the rate the account allows, and batches of calls that survive one
call failing.

Rekognition limits each operation to a number of calls a second (5 in most regions for
``SearchFaces``, ``SearchUsers``, ``AssociateFaces``...; a call over it is answered
``ProvisionedThroughputExceededException``). :class:`RateLimiter` keeps each operation's
calls at ``tps`` a second from this process: every HTTP attempt botocore sends waits for its
operation's turn (evenly spaced: no burst, so that the service's own allowance of a second's
worth absorbs the jitter of the network). Where the endpoint is the account's own, the rate is
:data:`DEFAULT_TPS` unless set (``--rekognition-tps``, ``$FINPICS_REKOGNITION_TPS``, the
window's Settings); an endpoint given with ``--endpoint-url`` (the local cloud) has no limit
unless set. The account's rate is the account's, not a client's: every client of one process
that reaches the same endpoint and region shares one limiter (:func:`shared_limiter`), so two
albums open at once (the window's listing and a job, two ``Clients``) keep to it together.

:func:`call_each` makes one call per item, several in flight, each retried on its own
(throttled, timed out...); an item whose call still fails is reported with the reason and
the others' results are kept (:class:`~finpics_desktop.domain.batches.Batch`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from finpics_desktop.domain.batches import Batch
from finpics_desktop.domain.errors import FinpicsError, NotFound
from finpics_desktop.pipeline.retry import RetryPolicy

log = logging.getLogger(__name__)
K = TypeVar("K")
V = TypeVar("V")

DEFAULT_TPS = 5.0  # Rekognition's calls a second per operation in most regions
AT_ONCE = 8  # calls of one batch in flight at most (the rate paces them)


class RateLimiter:
    """``wait(operation)`` returns when a call of ``operation`` may be sent: at most ``tps``
    a second each, from every thread of the process that shares this limiter."""

    def __init__(self, tps: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        if tps <= 0:
            raise ValueError("a rate is a positive number of calls a second")
        self.tps = float(tps)
        self.burst = 1.0  # evenly spaced calls, no burst
        self.clock, self.sleep = clock, sleep
        self._lock = threading.Lock()
        self._tokens: dict[str, float] = {}
        self._at: dict[str, float] = {}
        self.waited = 0.0  # seconds spent waiting for a turn (for reports and benchmarks)

    def wait(self, operation: str) -> None:
        while True:
            with self._lock:
                now = self.clock()
                tokens = min(self.burst, self._tokens.get(operation, self.burst)
                             + (now - self._at.get(operation, now)) * self.tps)
                self._at[operation] = now
                if tokens >= 1.0:
                    self._tokens[operation] = tokens - 1.0
                    return
                self._tokens[operation] = tokens
                pause = (1.0 - tokens) / self.tps
                self.waited += pause
            self.sleep(pause)  # the limiter paces the calls; nothing else waits on it

    def set_rate(self, tps: float) -> None:
        """From now on, ``tps`` calls a second (the turns already given stand)."""
        if tps <= 0:
            raise ValueError("a rate is a positive number of calls a second")
        with self._lock:
            self.tps = float(tps)

    def install(self, client, service: str = "rekognition") -> None:
        """Make every HTTP attempt of ``client`` (a boto3 client of ``service``) wait for its
        operation's turn (the retries botocore makes too: the service counts each)."""
        def before_send(event_name: str = "", **_kwargs) -> None:
            self.wait(event_name.rsplit(".", 1)[-1])
            return None  # (a value returned here would be taken for the response)

        client.meta.events.register(f"before-send.{service}", before_send)


_SHARED: dict[tuple[str, str], RateLimiter] = {}
_SHARED_LOCK = threading.Lock()


def shared_limiter(endpoint: str | None, region: str, tps: float) -> RateLimiter:
    """The process's one limiter for the Rekognition calls sent to ``endpoint`` (None: AWS's
    own) in ``region``, at ``tps`` calls a second per operation (the rate last asked for: the
    clients of one account follow one setting)."""
    key = (endpoint or "aws", region)
    with _SHARED_LOCK:
        limiter = _SHARED.get(key)
        if limiter is None:
            limiter = _SHARED[key] = RateLimiter(tps)
        elif limiter.tps != tps:
            limiter.set_rate(tps)
        return limiter


def call_each(call: Callable[[K], V], items: Iterable[K], *, at_once: int = AT_ONCE,
              retry: RetryPolicy | None = None, doing: str = "call",
              ) -> Batch:
    """``{item: call(item)}`` with ``at_once`` calls in flight, each retried on its own when
    it fails for a passing reason (:func:`~finpics_desktop.pipeline.retry.is_transient`); an
    item unknown to the service (NotFound) is left out; one whose call still fails is in
    ``failed`` with the reason, and every other result is kept."""
    policy = retry or RetryPolicy(attempts=4, base=0.5, cap=8.0)
    wanted = list(dict.fromkeys(items))
    found: Batch = Batch()
    lock = threading.Lock()

    def one(item: K) -> None:
        try:
            value = policy.call(call, item)
        except NotFound:
            return
        except Exception as e:  # noqa: BLE001 - one call never discards the others' results
            log.info("%s of %s failed: %s", doing, item, e, exc_info=not isinstance(
                e, FinpicsError))
            with lock:
                found.failed[item] = _reason(e, policy.attempts)
            return
        with lock:
            found[item] = value

    if len(wanted) <= 1:
        for item in wanted:
            one(item)
        return found
    with ThreadPoolExecutor(max(1, min(at_once, len(wanted))),
                            thread_name_prefix="rekognition") as pool:
        list(pool.map(one, wanted))
    return found


def _reason(error: Exception, attempts: int) -> str:
    """Why a call failed, in the adapter's words (not the retry's wrapping of them)."""
    cause = error.__cause__
    if "still failing after" in str(error) and isinstance(cause, FinpicsError):
        return f"{cause} (tried {attempts} times)"
    return str(error) if isinstance(error, FinpicsError) else f"{type(error).__name__}: {error}"
