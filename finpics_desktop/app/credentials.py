"""Credentials for the finpics cloud: AWS profiles from the user's AWS config files (SSO
profiles signed in to with the AWS CLI's ``aws sso login``), and
access keys kept only in the OS keyring -- one policy for the window and the command line.

The policy (as Vorta's): when keyring has no secure backend (only its ``fail``/``null``
backends, a plaintext file, or nothing with a positive priority), both entries say so, and
neither stores a secret in it nor reads one from it; a named profile (SSO included) or the
usual AWS credential chain still work.
"""

from __future__ import annotations

import json
import logging
import shutil
from typing import TYPE_CHECKING

from finpics_desktop.domain.errors import FinpicsError

if TYPE_CHECKING:
    from finpics_desktop.backends.aws.profiles import Profile

log = logging.getLogger(__name__)

SERVICE = "finpics-desktop/aws"  # the keyring entry: one JSON key pair per account name
DEFAULT_ACCOUNT = "default"
_INSECURE_MODULES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt.file")


class InsecureKeyring(FinpicsError):
    """The OS keyring is not a secure store: secrets are neither stored nor read."""


def aws_profiles() -> list[str]:
    """The names of the profiles of the user's AWS config (SSO profiles included), as boto3
    reads them (``~/.aws/config`` and ``~/.aws/credentials``, or ``AWS_CONFIG_FILE`` /
    ``AWS_SHARED_CREDENTIALS_FILE``)."""
    from finpics_desktop.backends.aws.profiles import read_profiles  # boto3: when asked

    return [p.name for p in read_profiles()]


def aws_profile(name: str) -> Profile | None:
    """The profile ``name`` of the user's AWS config (None: there is none)."""
    from finpics_desktop.backends.aws.profiles import read_profiles

    return next((p for p in read_profiles() if p.name == name), None)


def sso_login_command(profile: str) -> list[str] | None:
    """How to sign in to the SSO profile ``profile``: the AWS CLI's ``aws sso login``; None
    when the AWS CLI is not installed."""
    aws = shutil.which("aws")
    return [aws, "sso", "login", "--profile", profile] if aws else None


AWS_CLI_HINT = ("Signing in to an SSO profile needs the AWS CLI, which is not installed: "
                "install it (https://aws.amazon.com/cli/), then Sign in here.")


def _backends(ring) -> list:
    inner = getattr(ring, "backends", None)
    return list(inner) if inner else [ring]


def keyring_problem() -> str | None:
    """None when keyring has a secure backend; otherwise why no access key is kept in it."""
    try:
        import keyring
    except ImportError:
        return ("The keyring package is not installed: access keys are neither stored nor "
                "read. Use a named AWS profile instead.")
    ring = keyring.get_keyring()
    secure = [b for b in _backends(ring)
              if not type(b).__module__.startswith(_INSECURE_MODULES)
              and "plaintext" not in type(b).__name__.lower()
              and getattr(b, "priority", 1) > 0]
    if secure:
        return None
    name = f"{type(ring).__module__}.{type(ring).__name__}"
    return (f"No secure keyring is available (keyring backend: {name}), so access keys are "
            "neither stored in it nor read from it. Use a named AWS profile instead, or "
            "install a keyring service (GNOME Keyring, KWallet, macOS Keychain, Windows "
            "Credential Locker).")


def require_secure_keyring() -> None:
    problem = keyring_problem()
    if problem:
        raise InsecureKeyring(problem)


def save_access_keys(key_id: str, secret: str, account: str = DEFAULT_ACCOUNT) -> None:
    """Into the OS keyring only; :class:`InsecureKeyring` when it is not a secure store."""
    key_id, secret = key_id.strip(), secret.strip()
    if not key_id or not secret:
        raise FinpicsError("both the access key id and the secret access key are needed")
    require_secure_keyring()
    import keyring

    try:
        keyring.set_password(SERVICE, account, json.dumps(
            {"access_key_id": key_id, "secret_access_key": secret}))
    except Exception as e:  # a locked or broken keyring: said, the secret kept nowhere
        raise FinpicsError(f"the OS keyring refused the keys: {e}") from e


def load_access_keys(account: str = DEFAULT_ACCOUNT) -> tuple[str, str] | None:
    """The key pair kept under ``account``; None if there is none, the keyring is locked or
    broken, or it is not a secure store."""
    if keyring_problem():
        return None
    import keyring

    try:
        stored = keyring.get_password(SERVICE, account)
        keys = json.loads(stored) if stored else None
        return (keys["access_key_id"], keys["secret_access_key"]) if keys else None
    except Exception as e:  # noqa: BLE001 - a locked or broken keyring means: no keys
        log.info("no access keys from the OS keyring: %s", e)
        return None
