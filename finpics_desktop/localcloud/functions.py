"""Runs the project's Lambda handlers for the functions deployed into the local stack: the
function's configuration (handler, environment, role) comes from moto's Lambda, the code is
this package's, and the handler gets the credentials of the function's role."""

from __future__ import annotations

import importlib
import json
import logging
import queue
import threading
import time
import traceback
from dataclasses import dataclass

from moto.awslambda.utils import get_backend as lambda_backend
from moto.sts.models import sts_backends

log = logging.getLogger(__name__)

HANDLER_PACKAGE = "finpics_desktop.lambdas."
CREDENTIALS_SECONDS = 3600


class FunctionNotFound(Exception):
    pass


@dataclass
class Invocation:
    status: int
    payload: bytes
    function_error: str | None = None


class FunctionRunner:
    """``invoke`` runs a handler now; ``deliver`` queues an asynchronous event (S3 notifications)
    handled by one worker thread; ``wait_idle`` returns when the queue is drained."""

    def __init__(self, endpoint_url: str, account_id: str):
        self.endpoint_url = endpoint_url
        self.account_id = account_id
        self._credentials: dict[tuple[str, str], tuple[float, dict[str, str]]] = {}
        self._lock = threading.Lock()
        self._queue: queue.Queue = queue.Queue()
        self.errors: list[str] = []  # failures of asynchronous invocations, for tests and logs
        self.results: list[dict] = []
        self._worker = threading.Thread(target=self._drain, name="localcloud-events",
                                        daemon=True)
        self._worker.start()

    # -- configuration ---------------------------------------------------------------------
    def _function(self, name: str, region: str):
        try:
            return lambda_backend(self.account_id, region).get_function(name)
        except Exception as e:
            raise FunctionNotFound(f"Function not found: {name}") from e

    def _role_credentials(self, function: str, role_arn: str, region: str) -> dict[str, str]:
        with self._lock:
            cached = self._credentials.get((function, role_arn))
            if cached and cached[0] > time.monotonic() + 60:
                return cached[1]
            assumed = sts_backends[self.account_id]["aws"].assume_role(
                region_name=region, role_session_name=function[:64], role_arn=role_arn,
                policy=None, duration=CREDENTIALS_SECONDS, external_id=None)
            creds = {"AWS_ACCESS_KEY_ID": assumed.access_key_id,
                     "AWS_SECRET_ACCESS_KEY": assumed.secret_access_key,
                     "AWS_SESSION_TOKEN": assumed.session_token}
            self._credentials[(function, role_arn)] = (
                time.monotonic() + CREDENTIALS_SECONDS, creds)
            return creds

    # -- running ---------------------------------------------------------------------------
    def invoke(self, name: str, payload: bytes, region: str = "us-east-1") -> Invocation:
        fn = self._function(name, region)
        handler = str(fn.handler or "")
        module_name, _, _attr = handler.rpartition(".")
        if not module_name.startswith(HANDLER_PACKAGE):
            return _failure("Runtime.HandlerNotFound",
                            f"the local stack runs only finpics handlers, not {handler!r}")
        env = dict(fn.environment_vars or {})
        env.update(self._role_credentials(fn.function_name, fn.role, region))
        env.update({"AWS_REGION": region, "AWS_DEFAULT_REGION": region,
                    "AWS_LAMBDA_FUNCTION_NAME": fn.function_name,
                    "FINPICS_ENDPOINT_URL": self.endpoint_url})
        try:
            event = json.loads(payload or b"{}")
            module = importlib.import_module(module_name)
            result = module.handle(event, env)
            return Invocation(200, json.dumps(result).encode())
        except Exception as e:
            log.warning("function %s failed: %s", fn.function_name, e)
            return _failure(type(e).__name__, str(e), traceback.format_exc().splitlines())

    def deliver(self, account_id: str, event: dict, function_arn: str, region: str) -> None:
        self._queue.put((event, function_arn, region))

    def _drain(self) -> None:
        while True:
            job = self._queue.get()
            try:
                if job is None:
                    return
                event, function_arn, region = job
                try:
                    result = self.invoke(function_arn, json.dumps(event).encode(), region)
                except FunctionNotFound as e:
                    result = _failure("ResourceNotFoundException", str(e))
                if result.function_error:
                    self.errors.append(result.payload.decode())
                else:
                    self.results.append(json.loads(result.payload))
            finally:
                self._queue.task_done()

    def wait_idle(self) -> None:
        """Returns once every queued event has been handled."""
        self._queue.join()

    def close(self) -> None:
        self._queue.put(None)
        self._worker.join()


def _failure(kind: str, message: str, trace: list[str] | None = None) -> Invocation:
    body = {"errorMessage": message, "errorType": kind, "stackTrace": trace or []}
    return Invocation(200, json.dumps(body).encode(), "Unhandled")
