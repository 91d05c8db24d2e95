"""AWS profiles from the user's AWS config files, and access keys kept only in the OS keyring
(never in the settings file). Plain Python: no Qt here."""

from __future__ import annotations

import configparser
import json
import os
from pathlib import Path

# The same entry the AWS backend reads (backends/aws/session.py: KEYRING_SERVICE, account
# "default", a JSON pair), kept here so that the UI never imports boto3 to store keys.
SERVICE = "finpics-desktop/aws"
ACCOUNT = "default"
_INSECURE_MODULES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt.file")


def aws_profiles() -> list[str]:
    """Profile names from ``~/.aws/config`` (SSO profiles included) and ``~/.aws/credentials``
    (or ``AWS_CONFIG_FILE`` / ``AWS_SHARED_CREDENTIALS_FILE``)."""
    home = Path.home() / ".aws"
    config = Path(os.environ.get("AWS_CONFIG_FILE", home / "config"))
    creds = Path(os.environ.get("AWS_SHARED_CREDENTIALS_FILE", home / "credentials"))
    names: list[str] = []
    for path, is_config in ((config, True), (creds, False)):
        parser = configparser.RawConfigParser()
        try:
            parser.read(path, encoding="utf-8")
        except (configparser.Error, OSError, UnicodeDecodeError):
            continue
        for section in parser.sections():
            name = section
            if is_config:
                if section.startswith("profile "):
                    name = section[len("profile "):].strip()
                elif section != "default":
                    continue  # sso-session / services sections are not profiles
            if name and name not in names:
                names.append(name)
    return names


def _backends(ring) -> list:
    inner = getattr(ring, "backends", None)
    return list(inner) if inner else [ring]


def keyring_problem() -> str | None:
    """None when keyring has a secure backend; otherwise why access keys cannot be kept."""
    try:
        import keyring
    except ImportError:
        return "the keyring package is not installed"
    ring = keyring.get_keyring()
    secure = [b for b in _backends(ring)
              if not type(b).__module__.startswith(_INSECURE_MODULES)
              and "plaintext" not in type(b).__name__.lower()
              and getattr(b, "priority", 1) > 0]
    if secure:
        return None
    name = f"{type(ring).__module__}.{type(ring).__name__}"
    return (f"No secure keyring is available (keyring backend: {name}), so access keys cannot "
            "be stored safely and will not be saved. Use a named AWS profile instead, or "
            "install a keyring service (GNOME Keyring, KWallet, macOS Keychain, Windows "
            "Credential Locker).")


def save_access_keys(key_id: str, secret: str) -> None:
    """Into the OS keyring only; raises RuntimeError when there is no secure keyring."""
    problem = keyring_problem()
    if problem:
        raise RuntimeError(problem)
    import keyring

    keyring.set_password(SERVICE, ACCOUNT, json.dumps(
        {"access_key_id": key_id, "secret_access_key": secret}))


def load_access_keys() -> tuple[str, str] | None:
    if keyring_problem():
        return None
    import keyring

    try:
        stored = keyring.get_password(SERVICE, ACCOUNT)
        keys = json.loads(stored) if stored else None
        return (keys["access_key_id"], keys["secret_access_key"]) if keys else None
    except Exception:  # noqa: BLE001 - a locked or broken keyring means: no keys
        return None
