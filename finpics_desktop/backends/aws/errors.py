"""botocore's errors turned into the project's own, with messages a curator understands."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    SSOError,
    SSOTokenLoadError,
    TokenRetrievalError,
    UnauthorizedSSOTokenError,
)

from finpics_desktop.domain.errors import BackendError, FinpicsError, NotFound, WriteConflict

NOT_FOUND_CODES = {"NoSuchKey", "404", "NotFound"}
MISSING_CODES = {
    "NoSuchBucket": "bucket",
    "ResourceNotFoundException": "resource",
}
DENIED_CODES = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
                "AuthorizationError", "Forbidden", "403"}
BAD_CREDENTIAL_CODES = {
    "InvalidClientTokenId", "UnrecognizedClientException", "InvalidAccessKeyId",
    "SignatureDoesNotMatch", "InvalidSignatureException", "IncompleteSignature",
}
EXPIRED_CODES = {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"}
CONFLICT_CODES = {"PreconditionFailed", "ConditionalRequestConflict", "412"}
REGION_CODES = {"PermanentRedirect", "AuthorizationHeaderMalformed",
                "IllegalLocationConstraintException"}


class AccessDenied(BackendError):
    """The credentials in use may not do this (IAM)."""


class CredentialsError(BackendError):
    """No usable AWS credentials (missing, wrong or expired)."""


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def translate(error: Exception, what: str, profile: str | None = None) -> FinpicsError:
    """The project's error for a botocore error raised while doing ``what`` (e.g.
    ``"reading photos/x/a.jpg from bucket finpics-pics"``)."""
    login = f"aws sso login --profile {profile}" if profile else "aws sso login"
    if isinstance(error, FinpicsError):
        return error
    if isinstance(error, UnauthorizedSSOTokenError | TokenRetrievalError | SSOTokenLoadError
                  | SSOError):
        return CredentialsError(f"{what}: your AWS SSO session has expired; run `{login}`")
    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        return CredentialsError(
            f"{what}: no AWS credentials found; choose a profile (--profile, AWS_PROFILE), "
            "set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or store keys in the keyring "
            "(finpics-desktop aws-keys)")
    if isinstance(error, ProfileNotFound):
        return CredentialsError(f"{what}: {error} (see ~/.aws/config)")
    if isinstance(error, NoRegionError):
        return BackendError(f"{what}: no AWS region is set (--region or AWS_REGION)")
    if isinstance(error, EndpointConnectionError):
        return BackendError(f"{what}: cannot reach {error.kwargs.get('endpoint_url', 'AWS')} "
                            "(check the network, the region or --endpoint-url)")
    if isinstance(error, ClientError):
        code = error_code(error)
        message = error.response.get("Error", {}).get("Message") or code
        if code in NOT_FOUND_CODES:
            return NotFound(f"{what}: not found")
        if code in MISSING_CODES:
            return NotFound(f"{what}: the {MISSING_CODES[code]} does not exist ({message}); "
                            "was the finpics stack deployed in this region?")
        if code in CONFLICT_CODES:
            return WriteConflict(f"{what}: written by someone else meanwhile ({code})")
        if code in DENIED_CODES:
            return AccessDenied(f"{what}: access denied ({message}); the credentials in use "
                                "may not do this")
        if code in EXPIRED_CODES:
            return CredentialsError(
                f"{what}: the AWS credentials have expired; for an SSO profile run `{login}`")
        if code in BAD_CREDENTIAL_CODES:
            return CredentialsError(f"{what}: AWS does not accept these credentials ({code}): "
                                    "check the access key, the profile and the endpoint")
        if code in REGION_CODES:
            return BackendError(f"{what}: wrong region ({message}); set --region to the "
                                "region of the finpics stack")
        return BackendError(f"{what}: {code}: {message}")
    if isinstance(error, BotoCoreError):
        return BackendError(f"{what}: {error}")
    return BackendError(f"{what}: {type(error).__name__}: {error}")


@contextlib.contextmanager
def aws_errors(what: str, profile: str | None = None) -> Iterator[None]:
    """``with aws_errors("reading ..."):`` re-raises botocore errors as the project's."""
    try:
        yield
    except (ClientError, BotoCoreError) as e:
        raise translate(e, what, profile) from e
