"""Who may do what in the local cloud's S3, decided as AWS decides it, by the project rather than
by moto (whose S3 checks changed under us: 5.2.6 asks IAM for ``s3:HeadObject``, an action that
does not exist, and answers an unsigned GET with HTTP 500).

With IAM enforced, the gateway asks :func:`authorize` before moto sees an S3 request; moto's own
S3 check is switched off (``moto_ext``). The rules, each pinned by a test of its own
(``tests/aws/test_s3_access.py``):

- every S3 operation needs the IAM action(s) AWS documents for it (:func:`required`):
  ``HeadObject`` needs ``s3:GetObject``, ``CopyObject`` ``s3:PutObject`` on the target and
  ``s3:GetObject`` on the source, ``ListObjectsV2`` and ``HeadBucket`` ``s3:ListBucket``...;
  an operation not in the table needs an action no policy names (only ``s3:*`` grants it);
- a signed request is allowed what the caller's IAM policies (moto's users, roles and their
  policies, checked with moto's signature check) or the bucket's policy allow; an explicit
  ``Deny`` in either wins;
- an unsigned (anonymous) request is allowed only what the bucket policy allows to ``"*"``,
  else 403 ``AccessDenied`` (never 500);
- reading a key that does not exist answers 404 only to a caller allowed ``s3:ListBucket`` on
  the bucket, 403 to anyone else (so a stranger cannot learn which keys exist);
- a request signed in the query string (a presigned URL) is refused with 403: nothing of
  finpics makes one, and the local cloud does not check them.

moto matches an IAM policy's resource as a regular expression (``+`` or ``(`` in a key named by
a user's policy would not match itself); the bucket policies are matched here, as AWS does,
with ``*`` and ``?`` as the only wildcards. A bucket policy statement with a ``Condition`` is
read as AWS would on the safe side: an ``Allow`` with a condition grants nothing here, a ``Deny``
with one always applies.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote
from xml.etree import ElementTree

from moto.iam.access_control import IAMPolicy, PermissionResult, S3IAMRequest
from moto.s3.models import s3_backends
from werkzeug.datastructures import EnvironHeaders

UNKNOWN_ACTION = "s3:NoSuchOperationInTheLocalCloudsTable"

# (subresource in the query string, or "" for none) -> IAM action, per method and target kind
_BUCKET = {
    "GET": {"uploads": "s3:ListBucketMultipartUploads", "location": "s3:GetBucketLocation",
            "versions": "s3:ListBucketVersions", "policy": "s3:GetBucketPolicy",
            "policyStatus": "s3:GetBucketPolicyStatus", "acl": "s3:GetBucketAcl",
            "cors": "s3:GetBucketCORS", "notification": "s3:GetBucketNotification",
            "tagging": "s3:GetBucketTagging", "versioning": "s3:GetBucketVersioning",
            "website": "s3:GetBucketWebsite", "lifecycle": "s3:GetLifecycleConfiguration",
            "logging": "s3:GetBucketLogging", "encryption": "s3:GetEncryptionConfiguration",
            "publicAccessBlock": "s3:GetBucketPublicAccessBlock",
            "ownershipControls": "s3:GetBucketOwnershipControls",
            "object-lock": "s3:GetBucketObjectLockConfiguration",
            "accelerate": "s3:GetAccelerateConfiguration", "": "s3:ListBucket"},
    "HEAD": {"": "s3:ListBucket"},
    "PUT": {"policy": "s3:PutBucketPolicy", "acl": "s3:PutBucketAcl",
            "cors": "s3:PutBucketCORS", "notification": "s3:PutBucketNotification",
            "tagging": "s3:PutBucketTagging", "versioning": "s3:PutBucketVersioning",
            "website": "s3:PutBucketWebsite", "lifecycle": "s3:PutLifecycleConfiguration",
            "logging": "s3:PutBucketLogging", "encryption": "s3:PutEncryptionConfiguration",
            "publicAccessBlock": "s3:PutBucketPublicAccessBlock",
            "ownershipControls": "s3:PutBucketOwnershipControls",
            "object-lock": "s3:PutBucketObjectLockConfiguration",
            "accelerate": "s3:PutAccelerateConfiguration", "": "s3:CreateBucket"},
    "DELETE": {"policy": "s3:DeleteBucketPolicy", "cors": "s3:PutBucketCORS",
               "tagging": "s3:PutBucketTagging", "website": "s3:DeleteBucketWebsite",
               "lifecycle": "s3:PutLifecycleConfiguration",
               "encryption": "s3:PutEncryptionConfiguration",
               "publicAccessBlock": "s3:PutBucketPublicAccessBlock",
               "ownershipControls": "s3:PutBucketOwnershipControls", "": "s3:DeleteBucket"},
}
_OBJECT = {
    "GET": {"uploadId": "s3:ListMultipartUploadParts", "acl": "s3:GetObjectAcl",
            "tagging": "s3:GetObjectTagging", "retention": "s3:GetObjectRetention",
            "legal-hold": "s3:GetObjectLegalHold", "attributes": "s3:GetObjectAttributes",
            "versionId": "s3:GetObjectVersion", "": "s3:GetObject"},
    "HEAD": {"versionId": "s3:GetObjectVersion", "": "s3:GetObject"},
    "PUT": {"acl": "s3:PutObjectAcl", "tagging": "s3:PutObjectTagging",
            "retention": "s3:PutObjectRetention", "legal-hold": "s3:PutObjectLegalHold",
            "": "s3:PutObject"},  # also UploadPart (?partNumber&uploadId)
    "DELETE": {"uploadId": "s3:AbortMultipartUpload", "tagging": "s3:DeleteObjectTagging",
               "versionId": "s3:DeleteObjectVersion", "": "s3:DeleteObject"},
    "POST": {"uploads": "s3:PutObject", "uploadId": "s3:PutObject",
             "restore": "s3:RestoreObject", "select": "s3:GetObject"},
}


class S3Denied(Exception):
    """An S3 refusal: HTTP status, S3 error code and message."""

    def __init__(self, code: str = "AccessDenied", message: str = "Access Denied",
                 status: int = 403):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def xml(self) -> bytes:
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>'
                f"{_escape(self.code)}</Code><Message>{_escape(self.message)}</Message>"
                "<RequestId>local</RequestId></Error>").encode()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass(frozen=True)
class S3Call:
    """The parts of a path-style S3 request the rules look at."""

    method: str
    bucket: str
    key: str
    query: dict[str, list[str]]
    copy_source: str = ""  # "bucket/key" of a copy, without its version
    copy_version: bool = False

    @classmethod
    def from_environ(cls, environ) -> S3Call:
        raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
        path = unquote(raw.partition("?")[0]) if raw else (  # PATH_INFO: decoded as latin-1
            environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "replace"))
        bucket, _, key = path.lstrip("/").partition("/")
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        source = unquote(environ.get("HTTP_X_AMZ_COPY_SOURCE", ""))
        source, _, source_query = source.lstrip("/").partition("?")
        return cls(environ["REQUEST_METHOD"].upper(), bucket, key, query, source,
                   "versionId" in parse_qs(source_query))

    def resource(self) -> str:
        return f"arn:aws:s3:::{self.bucket}/{self.key}" if self.key else \
            f"arn:aws:s3:::{self.bucket}"

    def reads_an_object(self) -> bool:
        return bool(self.key) and self.method in ("GET", "HEAD") and not (
            {"uploadId", "acl", "tagging", "retention", "legal-hold", "attributes"}
            & self.query.keys())


# S3's subresources (not plain parameters such as list-type, prefix or uploadId): one that the
# method's table does not map makes the request an operation outside the table
_SUBRESOURCES = frozenset({
    "accelerate", "acl", "analytics", "attributes", "cors", "delete", "encryption",
    "intelligent-tiering", "inventory", "legal-hold", "lifecycle", "location", "logging",
    "metrics", "notification", "object-lock", "ownershipControls", "policy", "policyStatus",
    "publicAccessBlock", "replication", "requestPayment", "restore", "retention", "select",
    "tagging", "torrent", "uploads", "versioning", "versions", "website"})


def _action(table: dict[str, dict[str, str]], call: S3Call) -> str:
    by_subresource = table.get(call.method, {})
    for subresource, action in by_subresource.items():
        if subresource and subresource in call.query:
            return action
    if _SUBRESOURCES & call.query.keys():
        return UNKNOWN_ACTION
    return by_subresource.get("", UNKNOWN_ACTION)


def required(call: S3Call, body: bytes = b"") -> list[tuple[str, str]]:
    """The (IAM action, resource ARN) pairs a request needs, as AWS documents them."""
    if not call.bucket:
        return [("s3:ListAllMyBuckets", "*")]
    if not call.key:
        if call.method == "POST" and "delete" in call.query:  # DeleteObjects: each key
            return [("s3:DeleteObject", f"arn:aws:s3:::{call.bucket}/{key}")
                    for key in _keys_to_delete(body)] or [("s3:DeleteObject", call.resource())]
        return [(_action(_BUCKET, call), call.resource())]
    needs = [(_action(_OBJECT, call), call.resource())]
    if call.copy_source and call.method == "PUT":  # CopyObject, UploadPartCopy
        needs.append(("s3:GetObjectVersion" if call.copy_version else "s3:GetObject",
                      f"arn:aws:s3:::{call.copy_source}"))
    return needs


def _keys_to_delete(body: bytes) -> list[str]:
    try:
        root = ElementTree.fromstring(body or b"<Delete/>")  # noqa: S314 (the caller's own body)
    except (ElementTree.ParseError, LookupError, ValueError):  # (an unknown encoding...)
        return []
    return [el.text or "" for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "Key"]


# -- policies --------------------------------------------------------------------------------
def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _matches(patterns, value: str, ignore_case: bool) -> bool:
    """IAM's matching: ``*`` any characters, ``?`` one, nothing else special."""
    flags = re.IGNORECASE if ignore_case else 0
    return any(re.fullmatch(re.escape(str(p)).replace(r"\*", ".*").replace(r"\?", "."), value,
                            flags) for p in _as_list(patterns))


def _names_principal(statement: dict, principal: str | None) -> bool:
    """Whether a bucket policy statement is about this caller (None: anonymous)."""
    named = statement.get("Principal")
    if named == "*":
        return True
    if not isinstance(named, dict):
        return False
    arns = _as_list(named.get("AWS", []))
    return "*" in arns or (principal is not None and principal in arns)


def _statement_applies(statement: dict, action: str, resource: str) -> bool:
    if "NotAction" in statement:
        if _matches(statement["NotAction"], action, ignore_case=True):
            return False
    elif not _matches(statement.get("Action", []), action, ignore_case=True):
        return False
    if "NotResource" in statement:
        return not _matches(statement["NotResource"], resource, ignore_case=False)
    return _matches(statement.get("Resource", []), resource, ignore_case=False)


def bucket_policy_decision(policy: str | bytes | None, principal: str | None, action: str,
                           resource: str) -> str:
    """``"deny"``, ``"allow"`` or ``"neutral"``: what a bucket policy says of one request."""
    if not policy:
        return "neutral"
    try:
        statements = _as_list(json.loads(policy).get("Statement", []))
    except (ValueError, AttributeError):
        return "neutral"
    decision = "neutral"
    for statement in statements:
        if not isinstance(statement, dict) or not _names_principal(statement, principal):
            continue
        if not _statement_applies(statement, action, resource):
            continue
        if statement.get("Effect") == "Deny":
            return "deny"
        if statement.get("Effect") == "Allow" and not statement.get("Condition"):
            decision = "allow"
    return decision


# -- the decision ----------------------------------------------------------------------------
class _Caller:
    """The signed caller (moto's IAM check of its signature and policies) or anonymous."""

    def __init__(self, environ, body: bytes, account_id: str):
        self._environ, self._body, self._account_id = environ, body, account_id
        headers = EnvironHeaders(environ)
        self.signed = "Authorization" in headers
        self.arn: str | None = None
        if not self.signed and re.search(r"(^|&)X-Amz-(Signature|Credential)=",
                                         environ.get("QUERY_STRING", "")):
            raise S3Denied(message="the local cloud does not accept presigned URLs")
        if self.signed:
            request = self._request("s3:ListAllMyBuckets")
            _moto_denial(request.check_signature)
            self.arn = getattr(getattr(request, "_access_key", None), "arn", None)

    def _request(self, action: str) -> S3IAMRequest:
        path = self._environ.get("RAW_URI") or self._environ.get("PATH_INFO", "/")
        try:
            return S3IAMRequest(account_id=self._account_id,
                                method=self._environ["REQUEST_METHOD"], path=path, data={},
                                body=self._body, headers=EnvironHeaders(self._environ),
                                action=action.removeprefix("s3:"))
        except Exception as e:
            raise _as_denied(e) from e

    def identity_decision(self, action: str, resource: str) -> str:
        """``"deny"`` (an explicit Deny), ``"allow"`` or ``"neutral"``: what the caller's own
        IAM policies (its user's or role's, as moto keeps them) say of one request."""
        if not self.signed:
            return "neutral"
        try:
            policies = self._request(action)._access_key.collect_policies()
            results = [IAMPolicy(p).is_action_permitted(action, resource) for p in policies]
        except Exception:
            return "neutral"
        if PermissionResult.DENIED in results:
            return "deny"
        return "allow" if PermissionResult.PERMITTED in results else "neutral"


def _moto_denial(check) -> None:
    try:
        check()
    except Exception as e:
        raise _as_denied(e) from e


def _as_denied(error: Exception) -> S3Denied:
    code = next((c for c in (getattr(error, "error_type", None), getattr(error, "code", None))
                 if isinstance(c, str) and c), "AccessDenied")  # moto's RESTError, S3ClientError
    message = getattr(error, "message", None) or "Access Denied"
    return S3Denied(code, message)


def _bucket_policy(account_id: str, bucket: str):
    try:
        return s3_backends[account_id]["aws"].get_bucket(bucket).policy
    except Exception:
        return None


def _exists(account_id: str, bucket: str, key: str) -> bool:
    try:
        return s3_backends[account_id]["aws"].get_object(bucket, key) is not None
    except Exception:
        return False


def _allowed(caller: _Caller, account_id: str, pairs: Iterable[tuple[str, str]]) -> bool:
    for action, resource in pairs:
        bucket = resource.removeprefix("arn:aws:s3:::").partition("/")[0]
        said = {bucket_policy_decision(_bucket_policy(account_id, bucket), caller.arn, action,
                                       resource), caller.identity_decision(action, resource)}
        if "deny" in said or "allow" not in said:  # an explicit Deny in either policy wins
            return False
    return True


def authorize(environ, body: bytes, account_id: str) -> None:
    """Returns if the request may go on to moto, else raises :class:`S3Denied`."""
    call = S3Call.from_environ(environ)
    caller = _Caller(environ, body, account_id)
    if not _allowed(caller, account_id, required(call, body)):
        raise S3Denied()
    if call.reads_an_object() and not _exists(account_id, call.bucket, call.key) and not (
            _allowed(caller, account_id, [("s3:ListBucket", f"arn:aws:s3:::{call.bucket}")])):
        raise S3Denied()
