"""AWS credentials and clients: named profiles (SSO included), environment credentials, or
access keys kept in the OS keyring (read through the application's policy); one region; an
optional endpoint override."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass

import boto3
from botocore.config import Config

from finpics_desktop.backends.aws.errors import CredentialsError, aws_errors, unknown_profile
from finpics_desktop.backends.aws.rate import DEFAULT_TPS, shared_limiter
from finpics_desktop.domain.errors import SETTINGS_CLOUD, Remedy

log = logging.getLogger(__name__)

DEFAULT_KEYRING_ACCOUNT = "default"


@dataclass(frozen=True)
class AwsSettings:
    """How to reach the finpics cloud. ``endpoint_url`` sends every service to one
    AWS-compatible endpoint (the local stack, or an S3-compatible store)."""

    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    access_key_id: str | None = None
    secret_access_key: str | None = None
    session_token: str | None = None
    keyring_account: str | None = None  # look the keys up in the OS keyring under this name
    # reads a key pair from the OS keyring by account name (the application's keyring policy,
    # see ``app/credentials.py``); None: the keyring is never consulted
    keyring: Callable[[str], tuple[str, str] | None] | None = None
    max_connections: int = 32
    # Rekognition calls a second per operation (``rate.py``); None: the default (5 on AWS's
    # own endpoints, no limit on an endpoint given with endpoint_url); 0: no limit
    rekognition_tps: float | None = None
    max_attempts: int = 8  # botocore's retries of each call (its own)

    @property
    def rekognition_rate(self) -> float:
        """The Rekognition calls a second per operation to keep to (0: no limit)."""
        if self.rekognition_tps is not None:
            return max(0.0, float(self.rekognition_tps))
        return 0.0 if self.endpoint_url else DEFAULT_TPS

    def keys_from_keyring(self, account: str = DEFAULT_KEYRING_ACCOUNT) -> tuple[str, str] | None:
        return self.keyring(account) if self.keyring is not None else None


def make_session(settings: AwsSettings) -> boto3.Session:
    """A boto3 session from, in order: explicit keys, keyring keys (when asked), a named
    profile, the default chain (environment, default profile, instance role...)."""
    region = settings.region
    if settings.access_key_id and settings.secret_access_key:
        return boto3.Session(aws_access_key_id=settings.access_key_id,
                             aws_secret_access_key=settings.secret_access_key,
                             aws_session_token=settings.session_token, region_name=region)
    if settings.keyring_account:
        keys = settings.keys_from_keyring(settings.keyring_account)
        if keys is None:
            raise CredentialsError(
                f"no AWS keys are stored in the keyring under {settings.keyring_account!r}",
                remedy=Remedy("store them with `finpics-desktop aws-keys`",
                              "give them in Settings → finpics cloud", SETTINGS_CLOUD))
        return boto3.Session(aws_access_key_id=keys[0], aws_secret_access_key=keys[1],
                             region_name=region)
    try:
        session = boto3.Session(profile_name=settings.profile, region_name=region)
    except Exception as e:  # ProfileNotFound
        raise CredentialsError(f"AWS profile {settings.profile!r}: {e}",
                               remedy=unknown_profile()) from e
    if settings.profile is None and session.get_credentials() is None:
        keys = settings.keys_from_keyring()
        if keys is not None:
            return boto3.Session(aws_access_key_id=keys[0], aws_secret_access_key=keys[1],
                                 region_name=region)
    return session


class Clients:
    """Thread-safe, lazily created boto3 clients sharing one session and configuration."""

    def __init__(self, settings: AwsSettings, session: boto3.Session | None = None):
        self.settings = settings
        self.session = session or make_session(settings)
        self.region = self.session.region_name or settings.region or "us-east-1"
        self.config = Config(
            region_name=self.region,
            retries={"mode": "adaptive", "max_attempts": settings.max_attempts},
            max_pool_connections=settings.max_connections,
            s3={"addressing_style": "path"} if settings.endpoint_url else None,
            connect_timeout=10,
            read_timeout=120,
            # no per-request CRC32 trailer (aws-chunked bodies) on uploads: the content's
            # SHA-256 travels in the object's metadata, and TLS protects the transfer
            request_checksum_calculation="when_required",
        )
        self._lock = threading.Lock()
        self._clients: dict[str, object] = {}
        rate = settings.rekognition_rate
        # one limiter for every Rekognition client of the process that reaches this endpoint
        # and region (all their threads): the account's rate is shared, not each client's
        self.rekognition_limiter = (shared_limiter(settings.endpoint_url, self.region, rate)
                                    if rate else None)

    @property
    def profile(self) -> str | None:
        return self.settings.profile or os.environ.get("AWS_PROFILE") or None

    def errors(self, what: str):
        """``with clients.errors("doing x"):`` raises the project's errors (see errors.py)."""
        return aws_errors(what, self.profile)

    def __call__(self, service: str):
        with self._lock:
            client = self._clients.get(service)
            if client is None:
                client = self.session.client(service, region_name=self.region,
                                             endpoint_url=self.settings.endpoint_url,
                                             config=self.config)
                if service == "rekognition" and self.rekognition_limiter is not None:
                    self.rekognition_limiter.install(client)
                self._clients[service] = client
            return client

    def close(self) -> None:
        with self._lock:
            for client in self._clients.values():
                client.close()
            self._clients.clear()
