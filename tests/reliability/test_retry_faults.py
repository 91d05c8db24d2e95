"""Retries: exponential backoff with full jitter, what counts as transient, and the local path
publishing through ports that fail 30 % of their calls (before the work, or after it with the
answer lost). The HTTP fault proxy in front of the AWS endpoint is in test_aws_path.py."""

from __future__ import annotations

import random
import sqlite3
import threading
from functools import partial

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from reliability_helpers import counts, faces_per_photo, make_job

from finpics_desktop.backends.aws.errors import translate
from finpics_desktop.domain.errors import BackendError, NotFound, UnsupportedImage
from finpics_desktop.pipeline.check import scan
from finpics_desktop.pipeline.functions.process import process_new_image
from finpics_desktop.pipeline.publish.journal import Journal, target_of
from finpics_desktop.pipeline.publish.upload import Publisher
from finpics_desktop.pipeline.retry import (
    RetryPolicy,
    TransientError,
    is_transient,
    retry_call,
    with_retries,
)


def client_error(code: str, status: int, op: str = "PutObject") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": f"{code}!"},
                        "ResponseMetadata": {"HTTPStatusCode": status}}, op)


TRANSIENT = [
    client_error("SlowDown", 503), client_error("InternalError", 500),
    client_error("ServiceUnavailable", 503), client_error("ThrottlingException", 400),
    client_error("ProvisionedThroughputExceededException", 400),
    client_error("RequestLimitExceeded", 400), client_error("TooManyRequestsException", 429),
    client_error("Whatever", 502),
    EndpointConnectionError(endpoint_url="http://127.0.0.1:1"),
    ConnectionClosedError(endpoint_url="http://127.0.0.1:1"),
    ReadTimeoutError(endpoint_url="http://127.0.0.1:1"),
    ConnectTimeoutError(endpoint_url="http://127.0.0.1:1"),
    TimeoutError("timed out"), ConnectionResetError(104, "reset"),
    BrokenPipeError(32, "broken pipe"), sqlite3.OperationalError("database is locked"),
    TransientError("injected"),
    translate(client_error("SlowDown", 503), "storing photos/x/a.jpg"),
]
PERMANENT = [
    client_error("AccessDenied", 403), client_error("NoSuchKey", 404),
    client_error("ValidationException", 400), client_error("InvalidAccessKeyId", 403),
    ValueError("bad"), UnsupportedImage("corrupt"), NotFound("gone"), FileNotFoundError(2, "x"),
]


@pytest.mark.parametrize("error", TRANSIENT, ids=lambda e: type(e).__name__ + ":" + str(e)[:30])
def test_transient(error):
    if error.__class__ is BackendError:  # the AWS adapters' translation keeps the cause
        try:
            raise error from client_error("SlowDown", 503)
        except BackendError as e:
            error = e
    assert is_transient(error)


@pytest.mark.parametrize("error", PERMANENT, ids=lambda e: type(e).__name__ + ":" + str(e)[:30])
def test_permanent(error):
    assert not is_transient(error)


def test_backoff_is_exponential_with_full_jitter():
    delays = []
    policy = RetryPolicy(attempts=8, base=0.1, cap=2.0, sleep=delays.append,
                         rng=random.Random(3))
    calls = iter([TransientError("1")] * 7 + ["ok"])

    def flaky():
        value = next(calls)
        if isinstance(value, Exception):
            raise value
        return value

    assert policy.call(flaky) == "ok"
    assert policy.retries == 7 and len(delays) == 7
    bounds = [min(2.0, 0.1 * 2 ** n) for n in range(7)]
    assert all(0 <= d <= b for d, b in zip(delays, bounds, strict=True)), (delays, bounds)
    assert delays != bounds  # jittered, not the bare exponential
    # full jitter: over many draws, each attempt's delay spreads over [0, bound], mean bound/2
    for attempt, bound in enumerate(bounds):
        draws = [policy.delay(attempt) for _ in range(2000)]
        assert 0.4 * bound < sum(draws) / len(draws) < 0.6 * bound
        assert min(draws) < 0.1 * bound and max(draws) > 0.9 * bound


def test_gives_up_with_a_clear_error_after_the_last_attempt():
    delays = []

    def always():
        raise client_error("SlowDown", 503)

    with pytest.raises(BackendError, match=r"always still failing after 4 attempts: "
                                           r"ClientError: .*SlowDown") as info:
        retry_call(always, policy=RetryPolicy(attempts=4, sleep=delays.append))
    assert len(delays) == 3 and isinstance(info.value.__cause__, ClientError)


def test_permanent_errors_are_not_retried():
    delays = []

    def denied():
        raise client_error("AccessDenied", 403)

    with pytest.raises(ClientError):
        retry_call(denied, policy=RetryPolicy(sleep=delays.append))
    assert delays == []


class Faulty:
    """Wraps a port: ``rate`` of the calls fail with a transient error, before the call, or
    after it ran (the answer lost on the way back, the worst case for IndexFaces)."""

    KINDS = ("slowdown", "reset", "timeout", "lost-answer")

    def __init__(self, target, rate: float, rng: random.Random, stats: dict, lock,
                 forced: dict[str, list[str]] | None = None):
        self._target, self._rate, self._rng = target, rate, rng
        self._stats, self._lock = stats, lock
        self._forced = forced or {}  # method -> [key, faults its first calls on key get...]

    def __getattr__(self, name):
        value = getattr(self._target, name)
        if name.startswith("_") or not callable(value):
            return value

        def call(*args, **kwargs):
            with self._lock:
                kind = self._rng.choice(self.KINDS) if self._rng.random() < self._rate else None
                forced = self._forced.get(name)
                if forced and any(str(a).endswith(forced[0]) for a in args):
                    kind = forced.pop(1)
                    if len(forced) == 1:
                        forced.clear()
                self._stats[kind] = self._stats.get(kind, 0) + 1
                if kind:
                    self._stats[f"{name}:{kind}"] = self._stats.get(f"{name}:{kind}", 0) + 1
            if kind == "slowdown":
                raise TransientError(f"injected 503 SlowDown on {name}")
            if kind == "reset":
                raise ConnectionResetError(104, f"injected reset on {name}")
            if kind == "timeout":
                raise TimeoutError(f"injected timeout on {name}")
            result = value(*args, **kwargs)
            if hasattr(result, "__next__"):
                result = list(result)
            if kind == "lost-answer":
                raise ConnectionResetError(104, f"injected: {name} done, answer lost")
            return result

        return call


def test_local_path_with_thirty_percent_faults(tmp_path, library):
    src = tmp_path / "src"
    kinds = make_job(src, 30, with_face_every=2, seed=5)
    stats, lock, rng = {}, threading.Lock(), random.Random(30)
    # besides the random faults, the first two IndexFaces calls lose their answer: the faces
    # are indexed twice, and the job's sweep must leave each photo's faces exactly once
    forced = {"index_faces": ["/p000.jpg", "lost-answer", "lost-answer"]}
    faulty = {n: Faulty(getattr(library, n), 0.3, rng, stats, lock, forced)
              for n in ("store", "tables", "faces")}
    policy = RetryPolicy(attempts=12, base=0.001, cap=0.01)
    process = partial(process_new_image, *(with_retries(faulty[n], policy)
                                           for n in ("store", "tables", "faces")), library.names)
    journal = Journal(tmp_path / "journal.sqlite3")
    try:
        publisher = Publisher(faulty["store"], faulty["tables"], faulty["faces"], library.names,
                              process, journal=journal, target=target_of(library),
                              retry=policy)
        report = publisher.publish([src], "001_faults")
    finally:
        journal.close()
    assert report.ok, [r.line() for r in report.results]
    summary = report.summary()
    assert summary.startswith("published 30 of 30 photo(s) to “faults” (001_faults) (")
    assert f"{report.retries} transient error(s) retried" in summary and report.retries > 10
    assert f"{report.swept} stray face(s) removed" in summary
    failed_calls = sum(v for k, v in stats.items() if k in Faulty.KINDS)
    all_calls = sum(v for k, v in stats.items() if k is None or ":" not in k)
    assert 0.2 < failed_calls / all_calls < 0.4, stats
    assert stats.get("index_faces:lost-answer", 0) >= 2, stats
    assert report.swept >= 2  # p000.jpg's face was indexed three times: two strays swept
    c = counts(library)
    assert c["objects"] == c["thumbnails"] == c["items"] == 30, c
    for name, (listed, indexed) in faces_per_photo(library, "001_faults").items():
        assert listed == indexed and (listed > 0) == bool(kinds[name]), (name, listed, indexed)
    assert scan(library.store, library.tables, library.faces, library.names) == []
