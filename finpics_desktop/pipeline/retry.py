"""Retries with exponential backoff and full jitter for transient backend failures.

Which failures are transient is decided by duck typing, so the pipeline never imports an
adapter or botocore: HTTP 500/502/503/504 and 429, the throttling error codes of S3, DynamoDB
and Rekognition, timeouts and dropped connections, anywhere in the exception's cause chain.

``with_retries(port)`` wraps any port (ObjectStore, Tables, FaceIndex) so that each call is
retried; :func:`retry_call` retries one call.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from finpics_desktop.domain.errors import BackendError, FinpicsError

log = logging.getLogger(__name__)
T = TypeVar("T")

TRANSIENT_CODES = frozenset({
    "InternalError", "InternalFailure", "InternalServerError", "ServiceUnavailable",
    "ServiceUnavailableException", "SlowDown", "Throttling", "ThrottlingException",
    "ThrottledException", "TooManyRequestsException", "RequestLimitExceeded",
    "ProvisionedThroughputExceededException", "RequestThrottled", "RequestThrottledException",
    "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
    "TransactionInProgressException", "EC2ThrottledException", "BandwidthLimitExceeded",
    "LimitExceededException", "InternalServerException",
})
TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})
# botocore / urllib3 / requests exception class names meaning "the call did not get through"
TRANSIENT_CLASS_NAMES = frozenset({
    "EndpointConnectionError", "ConnectionClosedError", "ReadTimeoutError",
    "ConnectTimeoutError", "ResponseStreamingError", "IncompleteReadError",
    "ProtocolError", "IncompleteRead", "RemoteDisconnected", "ConnectionError",
    "ProxyConnectionError", "HTTPClientError", "ChunkedEncodingError",
})


def _chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def is_transient(exc: BaseException) -> bool:
    """True when trying the same call again may well succeed."""
    for e in _chain(exc):
        if getattr(e, "transient", False):
            return True
        if isinstance(e, (ConnectionError, TimeoutError)):
            return True
        if isinstance(e, sqlite3.OperationalError) and "locked" in str(e):
            return True
        response = getattr(e, "response", None)
        if isinstance(response, dict):  # botocore ClientError
            code = str(response.get("Error", {}).get("Code", ""))
            status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if code in TRANSIENT_CODES or status in TRANSIENT_STATUS:
                return True
        if any(c.__name__ in TRANSIENT_CLASS_NAMES for c in type(e).__mro__):
            return True
    return False


class TransientError(BackendError):
    """A backend failure worth retrying (adapters and fault injectors may raise it)."""

    transient = True


@dataclass
class RetryPolicy:
    """Exponential backoff with full jitter: attempt n waits uniform(0, min(cap, base * 2**n))."""

    attempts: int = 8
    base: float = 0.1
    cap: float = 5.0
    is_retryable: Callable[[BaseException], bool] = is_transient
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)
    retries: int = 0  # how many retries this policy has made (for reports)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def delay(self, attempt: int) -> float:
        return self.rng.uniform(0, min(self.cap, self.base * (2 ** attempt)))

    def call(self, fn: Callable[..., T], *args, **kwargs) -> T:
        attempt = 0
        while True:
            try:
                return fn(*args, **kwargs)
            except Exception as e:
                if isinstance(e, FinpicsError) and not is_transient(e):
                    raise
                if attempt + 1 >= self.attempts or not self.is_retryable(e):
                    if self.is_retryable(e):
                        raise BackendError(
                            f"{getattr(fn, '__name__', 'call')} still failing after "
                            f"{self.attempts} attempts: {_describe(e)}") from e
                    raise
                wait = self.delay(attempt)
                with self._lock:
                    self.retries += 1
                log.info("transient failure in %s (%s); retry %d in %.2fs",
                         getattr(fn, "__name__", "call"), _describe(e), attempt + 1, wait)
                self.sleep(wait)
                attempt += 1


def _describe(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}"[:200]


def retry_call(fn: Callable[..., T], *args, policy: RetryPolicy | None = None, **kwargs) -> T:
    return (policy or RetryPolicy()).call(fn, *args, **kwargs)


# Calls that are safe to repeat as they are. IndexFaces is not (a lost response may hide faces
# already indexed); the publisher sweeps such strays at the end of every job.
class Retrying:
    """A proxy retrying every public method of ``target`` with ``policy``."""

    def __init__(self, target, policy: RetryPolicy):
        self._target = target
        self._policy = policy

    def __getattr__(self, name):
        value = getattr(self._target, name)
        if name.startswith("_") or not callable(value):
            return value

        def call(*args, **kwargs):
            result = self._policy.call(value, *args, **kwargs)
            if hasattr(result, "__next__"):  # generators: retry the listing as a whole
                return iter(self._policy.call(lambda: list(value(*args, **kwargs))))
            return result

        call.__name__ = name
        return call


def with_retries(port, policy: RetryPolicy | None = None):
    if port is None or isinstance(port, Retrying):
        return port
    return Retrying(port, policy or RetryPolicy())
