"""``LocalCloud``: the whole local stack on one loopback port. One per process (moto keeps its
state in the process)."""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from moto import settings as moto_settings
from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.authorization import ActionAuthenticatorMixin
from moto.iam.models import iam_backends
from moto.moto_api._internal.models import moto_api_backend
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from moto.s3.models import s3_backends
from werkzeug.serving import make_server

from finpics_desktop.backends.local.engine import FaceEngine
from finpics_desktop.localcloud import moto_ext
from finpics_desktop.localcloud.functions import FunctionRunner
from finpics_desktop.localcloud.gateway import Gateway
from finpics_desktop.localcloud.rekognition import LocalRekognition

log = logging.getLogger(__name__)
ADMIN_USER = "finpics-local-admin"
_ADMIN_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]})
_running = threading.Lock()


class LocalCloud:
    """S3, DynamoDB, IAM, STS, Cognito and CloudFormation (moto), Rekognition face calls (the
    local engine) and Lambda ``Invoke`` (the project's handlers) on ``http://127.0.0.1:PORT``.

    ``credentials`` are an IAM user's keys allowed everything, valid also while IAM is
    enforced (:meth:`enforce_iam`). ``rekognition_tps``: each Rekognition operation's calls a
    second, as AWS limits them (None: no limit; :meth:`set_rekognition_tps` changes it)."""

    def __init__(self, folder: Path | None = None, host: str = "127.0.0.1", port: int = 0,
                 region: str = "us-east-1", engine: FaceEngine | None = None,
                 rekognition_tps: float | None = None):
        self.host, self.port, self.region = host, port, region
        self._own_folder = folder is None
        self.folder = Path(folder or tempfile.mkdtemp(prefix="finpics-localcloud-"))
        self.engine = engine
        self.rekognition_tps = rekognition_tps
        self.account_id = DEFAULT_ACCOUNT_ID
        self.url = ""
        self.credentials: dict[str, str] = {}
        self._server = None
        self._thread: threading.Thread | None = None
        self.gateway: Gateway | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> LocalCloud:
        if not _running.acquire(blocking=False):
            raise RuntimeError("a local cloud is already running in this process")
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        moto_api_backend.reset()
        self.gateway = Gateway(DomainDispatcherApplication(create_backend_app), self.account_id)
        self._server = make_server(self.host, self.port, self.gateway, threaded=True,
                                   request_handler=MotoRequestHandler)
        self.port = self._server.server_port
        self.url = f"http://{self.host}:{self.port}"
        self.gateway.runner = FunctionRunner(self.url, self.account_id)
        self.gateway.rekognition = LocalRekognition(self.folder / "rekognition", self._read_object,
                                                    self.engine, self.rekognition_tps)
        moto_ext.install(self.gateway.runner.deliver)
        self._make_admin()
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name="localcloud-http", daemon=True)
        self._thread.start()
        log.info("local cloud listening on %s", self.url)
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        try:
            self.enforce_iam(False)
            self._server.shutdown()
            self._thread.join()
            self._server.server_close()
            self.gateway.runner.close()
            self.gateway.rekognition.close()
            moto_ext.uninstall()
            moto_api_backend.reset()
            if self._own_folder:
                shutil.rmtree(self.folder, ignore_errors=True)
        finally:
            self._server = None
            _running.release()

    def __enter__(self) -> LocalCloud:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- helpers ---------------------------------------------------------------------------
    def _make_admin(self) -> None:
        iam = iam_backends[self.account_id]["aws"]
        iam.create_user(self.region, ADMIN_USER)
        iam.put_user_policy(ADMIN_USER, "everything", _ADMIN_POLICY)
        key = iam.create_access_key(ADMIN_USER)
        self.credentials = {"access_key_id": key.access_key_id,
                            "secret_access_key": key.secret_access_key}

    def _read_object(self, bucket: str, key: str) -> bytes | None:
        try:
            obj = s3_backends[self.account_id]["aws"].get_object(bucket, key)
        except Exception:
            return None
        return None if obj is None else obj.value

    def settings(self, **overrides):
        """:class:`~finpics_desktop.backends.aws.session.AwsSettings` for this stack."""
        from finpics_desktop.backends.aws.session import AwsSettings

        values = {"region": self.region, "endpoint_url": self.url,
                  "access_key_id": self.credentials["access_key_id"],
                  "secret_access_key": self.credentials["secret_access_key"]}
        values.update(overrides)
        return AwsSettings(**values)

    def enforce_iam(self, on: bool = True) -> None:
        """Switch moto's IAM enforcement (and the same checks on Rekognition and Invoke)."""
        moto_settings.INITIAL_NO_AUTH_ACTION_COUNT = 0 if on else float("inf")
        ActionAuthenticatorMixin.request_count = 0

    @contextlib.contextmanager
    def iam_enforced(self) -> Iterator[None]:
        self.enforce_iam(True)
        try:
            yield
        finally:
            self.enforce_iam(False)

    def wait_idle(self) -> None:
        """Returns when every S3 event delivered so far has been processed."""
        self.gateway.runner.wait_idle()

    def set_rekognition_tps(self, tps: float | None, only: set[str] | None = None) -> None:
        """Limit each Rekognition operation (or those ``only``, e.g. ``{"SearchUsers"}``) to
        ``tps`` calls a second from now (None or 0: no limit); the calls over it are answered
        ProvisionedThroughputExceededException."""
        self.rekognition_tps = tps
        self.gateway.rekognition.throttle.set_rate(tps, None if only is None else frozenset(only))

    @property
    def throttle(self):
        """The Rekognition throttle: its ``admitted`` and ``refused`` calls by operation."""
        return self.gateway.rekognition.throttle

    def leave_unprocessed(self, batches: int) -> None:
        """The next ``batches`` BatchGetItem answers return half their keys as UnprocessedKeys."""
        self.gateway.unprocessed_batches = batches

    @property
    def calls(self):
        return self.gateway.calls

    def reset_calls(self) -> None:
        self.gateway.reset_calls()

    @property
    def event_errors(self) -> list[str]:
        return self.gateway.runner.errors

    @property
    def event_results(self) -> list[dict]:
        return self.gateway.runner.results
