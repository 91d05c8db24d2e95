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

from finpics_desktop.domain.errors import (
    SETTINGS_CLOUD,
    BackendError,
    FinpicsError,
    NotFound,
    Remedy,
    WriteConflict,
)

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


IN_SETTINGS = "in Settings → finpics cloud"


def _cloud(command: str, window: str) -> Remedy:
    """A remedy done in the window's cloud settings."""
    return Remedy(command, window, SETTINGS_CLOUD)


def sso_login(profile: str | None) -> Remedy:
    """An SSO session to sign in to again: `aws sso login`, or the window's *Sign in*."""
    login = f"aws sso login --profile {profile}" if profile else "aws sso login"
    return _cloud(f"run `{login}`", f"sign in again {IN_SETTINGS} (Sign in)")


def no_credentials() -> Remedy:
    return _cloud("choose a profile (--profile, AWS_PROFILE), set "
                  "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or store keys in the keyring "
                  "(finpics-desktop aws-keys)",
                  f"choose your AWS profile, or give access keys, {IN_SETTINGS}")


def unknown_profile() -> Remedy:
    return _cloud("see ~/.aws/config", f"choose one of your AWS profiles {IN_SETTINGS}")


def translate(error: Exception, what: str, profile: str | None = None) -> FinpicsError:
    """The project's error for a botocore error raised while doing ``what`` (e.g.
    ``"reading photos/x/a.jpg from bucket finpics-pics"``), with what to do about it on the
    command line and in the window (:class:`~finpics_desktop.domain.errors.Remedy`)."""
    if isinstance(error, FinpicsError):
        return error
    if isinstance(error, UnauthorizedSSOTokenError | TokenRetrievalError | SSOTokenLoadError
                  | SSOError):
        return CredentialsError(f"{what}: your AWS SSO session has expired",
                                remedy=sso_login(profile))
    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        return CredentialsError(f"{what}: no AWS credentials found", remedy=no_credentials())
    if isinstance(error, ProfileNotFound):
        return CredentialsError(f"{what}: {error}", remedy=unknown_profile())
    if isinstance(error, NoRegionError):
        return BackendError(f"{what}: no AWS region is set", remedy=_cloud(
            "give --region (or set AWS_REGION)", f"choose the region of your finpics cloud "
            f"{IN_SETTINGS}"))
    if isinstance(error, EndpointConnectionError):
        return BackendError(
            f"{what}: cannot reach {error.kwargs.get('endpoint_url', 'AWS')}", remedy=_cloud(
                "check the network, the region or --endpoint-url",
                f"check the network, and the region (or the endpoint URL under Advanced) "
                f"{IN_SETTINGS}"))
    if isinstance(error, ClientError):
        code = error_code(error)
        message = error.response.get("Error", {}).get("Message") or code
        if code in NOT_FOUND_CODES:
            return NotFound(f"{what}: not found")
        if code in MISSING_CODES:
            return NotFound(
                f"{what}: the {MISSING_CODES[code]} does not exist ({message})", remedy=_cloud(
                    "was the finpics stack deployed in this region?",
                    f"was the finpics cloud deployed in this region? Check the region, or "
                    f"deploy it, {IN_SETTINGS}"))
        if code in CONFLICT_CODES:
            return WriteConflict(f"{what}: written by someone else meanwhile ({code})")
        if code in DENIED_CODES:
            return AccessDenied(f"{what}: access denied ({message})", remedy=_cloud(
                "the credentials in use may not do this",
                f"the credentials in use may not do this; another profile may ({IN_SETTINGS})"))
        if code in EXPIRED_CODES:
            login = sso_login(profile)
            return CredentialsError(f"{what}: the AWS credentials have expired", remedy=_cloud(
                f"for an SSO profile {login.command}", login.window))
        if code in BAD_CREDENTIAL_CODES:
            return CredentialsError(
                f"{what}: AWS does not accept these credentials ({code})", remedy=_cloud(
                    "check the access key, the profile and the endpoint",
                    f"check the profile or the access keys {IN_SETTINGS}"))
        if code in REGION_CODES:
            return BackendError(f"{what}: wrong region ({message})", remedy=_cloud(
                "set --region to the region of the finpics stack",
                f"choose the region of your finpics cloud {IN_SETTINGS}"))
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
