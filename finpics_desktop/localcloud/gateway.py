"""One loopback URL for every service: CORS answered on every path, Rekognition and Lambda
``Invoke`` handled by the project, Cognito credentials for the identity pool's roles, every
other call passed to moto. Counts the calls it sees (service, operation)."""

from __future__ import annotations

import io
import json
import re
import threading
from collections import Counter
from urllib.parse import unquote

from moto import settings as moto_settings
from moto.cognitoidentity.models import cognitoidentity_backends
from moto.core.authorization import ActionAuthenticatorMixin
from moto.iam.access_control import IAMRequest
from moto.sts.models import sts_backends
from werkzeug.datastructures import EnvironHeaders

from finpics_desktop.localcloud.functions import FunctionNotFound, FunctionRunner
from finpics_desktop.localcloud.moto_ext import ROLE_ATTACHMENTS
from finpics_desktop.localcloud.rekognition import LocalRekognition, RekognitionError
from finpics_desktop.localcloud.s3_access import S3Denied, authorize

INVOKE_PATH = re.compile(r"^/2015-03-31/functions/(?P<name>[^/]+)/invocations/?$")
JSON_11 = "application/x-amz-json-1.1"
EXPOSED = ("ETag, Content-Length, Content-Type, Date, x-amz-request-id, x-amz-id-2, "
           "x-amzn-RequestId, x-amzn-ErrorType, x-amz-function-error, x-amz-log-result, "
           "x-amz-executed-version, x-amz-version-id, x-amz-meta-sha256")
STATUS = {200: "200 OK", 202: "202 Accepted", 204: "204 No Content", 400: "400 Bad Request",
          403: "403 Forbidden", 404: "404 Not Found", 500: "500 Internal Server Error"}


def iam_enforced() -> bool:
    return ActionAuthenticatorMixin.request_count >= moto_settings.INITIAL_NO_AUTH_ACTION_COUNT


def _cors(environ) -> list[tuple[str, str]]:
    return [
        ("Access-Control-Allow-Origin", environ.get("HTTP_ORIGIN") or "*"),
        ("Access-Control-Allow-Methods", "GET, PUT, POST, DELETE, HEAD, OPTIONS"),
        ("Access-Control-Allow-Headers",
         environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS") or "*"),
        ("Access-Control-Expose-Headers", EXPOSED),
        ("Access-Control-Max-Age", "3000"),
        ("Vary", "Origin"),
    ]


def _scope(environ) -> tuple[str | None, str | None]:
    """(region, service) of a SigV4 signature, or (None, None) for unsigned calls."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    match = re.search(r"Credential=[^/]+/\d+/([^/]+)/([^/]+)/aws4_request", auth)
    return (match[1], match[2]) if match else (None, None)


class _Denied(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class Gateway:
    def __init__(self, moto_app, account_id: str):
        self.moto_app = moto_app
        self.account_id = account_id
        self.rekognition: LocalRekognition | None = None
        self.runner: FunctionRunner | None = None
        self._lock = threading.Lock()
        # moto checks a write's condition, then writes, and creates an item for UpdateItem with
        # its key only before setting its attributes; DynamoDB does each write as one step. So
        # the gateway runs DynamoDB calls one at a time: no condition is checked against a state
        # being replaced, no reader sees an item half written
        self._dynamodb = threading.Lock()
        self.calls: Counter[tuple[str, str]] = Counter()
        self.unprocessed_batches = 0  # BatchGetItem answers to cut in half (UnprocessedKeys)

    # -- bookkeeping -----------------------------------------------------------------------
    def _classify(self, environ) -> tuple[str, str]:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        _region, service = _scope(environ)
        path = environ.get("PATH_INFO", "")
        if target:
            prefix, _, operation = target.partition(".")
            return service or prefix, operation
        if INVOKE_PATH.match(path):
            return "lambda", "Invoke"
        if service in (None, "s3"):
            parts = path.strip("/").split("/", 1)
            kind = "Object" if len(parts) == 2 and parts[1] else "Bucket"
            return "s3", f"{environ['REQUEST_METHOD']}{kind}"
        return service, environ["REQUEST_METHOD"] + " " + path

    def reset_calls(self) -> None:
        with self._lock:
            self.calls.clear()

    # -- WSGI ------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        cors = _cors(environ)
        if environ["REQUEST_METHOD"] == "OPTIONS":
            start_response("200 OK", [*cors, ("Content-Length", "0")])
            return [b""]
        service, operation = self._classify(environ)
        with self._lock:
            self.calls[(service, operation)] += 1
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        invoke = INVOKE_PATH.match(environ.get("PATH_INFO", ""))
        try:
            if target.startswith("RekognitionService."):
                return self._reply(start_response, cors, *self._rekognition(environ, operation))
            if invoke and environ["REQUEST_METHOD"] == "POST":
                return self._reply(start_response, cors,
                                   *self._invoke(environ, unquote(invoke["name"])))
            if target == "AWSCognitoIdentityService.GetCredentialsForIdentity":
                return self._reply(start_response, cors, *self._cognito_credentials(environ))
        except _Denied as e:
            return self._reply(start_response, cors, e.status,
                               {"x-amzn-ErrorType": e.code, "Content-Type": JSON_11},
                               json.dumps({"__type": e.code, "message": e.message,
                                           "Message": e.message}).encode())

        def start(status, headers, exc_info=None):
            kept = [(k, v) for k, v in headers if not k.lower().startswith("access-control-")
                    and k.lower() != "vary"]
            return start_response(status, kept + cors, exc_info)

        if service == "s3" and iam_enforced() and not environ.get(
                "PATH_INFO", "").startswith("/moto-api"):
            body = b""
            if environ.get("CONTENT_LENGTH", "").isdigit():  # (a chunked body is left to moto)
                body = self._body(environ)
                environ["wsgi.input"] = io.BytesIO(body)
            try:
                authorize(environ, body, self.account_id)
            except S3Denied as e:
                content = b"" if environ["REQUEST_METHOD"] == "HEAD" else e.xml()
                return self._reply(start_response, cors, e.status,
                                   {"Content-Type": "application/xml"}, content)
        if target.startswith("DynamoDB_"):
            with self._dynamodb:
                return self._json_errors(environ, start)
        if target:
            return self._json_errors(environ, start)
        return self.moto_app(environ, start)

    def _json_errors(self, environ, start):
        """moto answers some refusals of JSON-protocol calls (IAM denials) in XML: give the
        client the JSON error AWS sends (``AccessDeniedException``...)."""
        captured = {}

        def capture(status, headers, exc_info=None):
            captured.update(status=status, headers=headers, exc_info=exc_info)
            return lambda data: None

        request = None
        if self.unprocessed_batches and environ.get("HTTP_X_AMZ_TARGET", "").endswith(
                ".BatchGetItem"):
            request = self._body(environ)
            environ["wsgi.input"] = io.BytesIO(request)
        body = b"".join(self.moto_app(environ, capture))
        status, headers = captured["status"], captured["headers"]
        if request is not None and status.startswith("200"):
            body = self._leave_unprocessed(json.loads(request), json.loads(body))
            headers = [(k, v) for k, v in headers
                       if k.lower() not in ("content-length", "x-amz-crc32")]
            headers.append(("Content-Length", str(len(body))))
        if int(status.split()[0]) >= 400 and body.lstrip().startswith(b"<"):
            code = re.search(rb"<Code>([^<]*)</Code>", body)
            message = re.search(rb"<Message>([^<]*)</Message>", body)
            kind = code[1].decode() if code else "ServiceException"
            kind = {"AccessDenied": "AccessDeniedException"}.get(kind, kind)
            text = message[1].decode() if message else kind
            body = json.dumps({"__type": kind, "message": text, "Message": text}).encode()
            headers = [(k, v) for k, v in headers
                       if k.lower() not in ("content-type", "content-length")]
            headers += [("Content-Type", JSON_11), ("x-amzn-ErrorType", kind),
                        ("Content-Length", str(len(body)))]
        start(status, headers, captured["exc_info"])
        return [body]

    def _leave_unprocessed(self, request: dict, response: dict) -> bytes:
        """Like a throttled DynamoDB: answer only the first half of each table's keys and
        return the rest as ``UnprocessedKeys``."""
        with self._lock:
            self.unprocessed_batches -= 1
        unprocessed = {}
        for table, wanted in request.get("RequestItems", {}).items():
            keys = wanted["Keys"]
            if len(keys) < 2:
                continue
            kept, left = keys[: len(keys) // 2], keys[len(keys) // 2:]
            response["Responses"][table] = [
                item for item in response["Responses"].get(table, [])
                if any(all(item.get(a) == v for a, v in key.items()) for key in kept)]
            unprocessed[table] = {**wanted, "Keys": left}
        response["UnprocessedKeys"] = unprocessed
        return json.dumps(response).encode()

    @staticmethod
    def _reply(start_response, cors, status: int, headers: dict, body: bytes):
        start_response(STATUS.get(status, f"{status} Status"),
                       [*headers.items(), ("Content-Length", str(len(body))), *cors])
        return [body]

    @staticmethod
    def _body(environ) -> bytes:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        return environ["wsgi.input"].read(length) if length else b""

    def _authorize(self, environ, body: bytes, action: str, resource: str) -> None:
        """With moto's IAM enforcement on, the same signature and policy checks moto makes."""
        if not iam_enforced():
            return
        headers = EnvironHeaders(environ)
        if "Authorization" not in headers:
            raise _Denied(403, "MissingAuthenticationTokenException",
                          "Missing Authentication Token")
        path = environ.get("RAW_URI") or environ.get("PATH_INFO", "/")
        try:
            request = IAMRequest(account_id=self.account_id, method=environ["REQUEST_METHOD"],
                                 path=path, data={}, body=body, headers=headers, action=action)
            request.check_signature()
            request.check_action_permitted(resource)
        except Exception as e:
            code = getattr(e, "error_type", None) or type(e).__name__
            code = {"AccessDenied": "AccessDeniedException"}.get(code, code)
            message = getattr(e, "message", None) or str(e) or code
            raise _Denied(403, code, message) from e

    # -- services --------------------------------------------------------------------------
    def _rekognition(self, environ, operation: str):
        body = self._body(environ)
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            request = {}
        region = _scope(environ)[0] or "us-east-1"
        collection = request.get("CollectionId", "*")
        self._authorize(environ, body, operation,
                        f"arn:aws:rekognition:{region}:{self.account_id}:collection/{collection}")
        try:
            response = self.rekognition.call(operation, request)
            return 200, {"Content-Type": JSON_11}, json.dumps(response).encode()
        except RekognitionError as e:
            return e.status, {"Content-Type": JSON_11, "x-amzn-ErrorType": e.code}, json.dumps(
                {"__type": e.code, "Message": str(e), "message": str(e)}).encode()

    def _invoke(self, environ, name: str):
        body = self._body(environ)
        region = _scope(environ)[0] or (name.split(":")[3] if name.startswith("arn:")
                                        else "us-east-1")
        arn = name if name.startswith("arn:") else (
            f"arn:aws:lambda:{region}:{self.account_id}:function:{name}")
        self._authorize(environ, body, "InvokeFunction", arn)
        kind = environ.get("HTTP_X_AMZ_INVOCATION_TYPE", "RequestResponse")
        try:
            if kind == "DryRun":
                self.runner._function(name, region)
                return 204, {}, b""
            if kind == "Event":
                self.runner._function(name, region)
                self.runner.deliver(self.account_id, json.loads(body or b"{}"), name, region)
                return 202, {}, b""
            result = self.runner.invoke(name, body, region)
        except FunctionNotFound as e:
            return 404, {"x-amzn-ErrorType": "ResourceNotFoundException",
                         "Content-Type": "application/json"}, json.dumps(
                {"Type": "User", "Message": str(e), "message": str(e)}).encode()
        headers = {"Content-Type": "application/json", "X-Amz-Executed-Version": "$LATEST"}
        if result.function_error:
            headers["X-Amz-Function-Error"] = result.function_error
        return result.status, headers, result.payload

    def _cognito_credentials(self, environ):
        """GetCredentialsForIdentity with real (moto STS) credentials of the pool's role,
        so that IAM enforcement applies the role's policies to the public site's calls."""
        request = json.loads(self._body(environ) or b"{}")
        identity = request.get("IdentityId", "")
        region = identity.split(":")[0] or "us-east-1"
        backend = cognitoidentity_backends[self.account_id][region]
        pool = next((p for p, v in backend.pools_identities.items()
                     if any(i.get("IdentityId") == identity for i in v["Identities"])), None)
        roles = ROLE_ATTACHMENTS.get(pool or "", {})
        role = roles.get("authenticated" if request.get("Logins") else "unauthenticated")
        if role is None:
            raise _Denied(400, "ResourceNotFoundException" if pool is None else
                          "InvalidIdentityPoolConfigurationException",
                          f"no role for identity {identity}")
        assumed = sts_backends[self.account_id]["aws"].assume_role(
            region_name=region, role_session_name="CognitoIdentityCredentials", role_arn=role,
            policy=None, duration=3600, external_id=None)
        return 200, {"Content-Type": JSON_11}, json.dumps({
            "IdentityId": identity,
            "Credentials": {"AccessKeyId": assumed.access_key_id,
                            "SecretKey": assumed.secret_access_key,
                            "SessionToken": assumed.session_token,
                            "Expiration": assumed.expiration.timestamp()},
        }).encode()
