"""The AWS profiles of the curator's own AWS config, as boto3 reads them (``~/.aws/config`` and
``~/.aws/credentials``, or ``AWS_CONFIG_FILE`` / ``AWS_SHARED_CREDENTIALS_FILE``): which there
are, which sign in with AWS SSO (IAM Identity Center), and each one's region."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import boto3

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Profile:
    name: str
    sso: bool = False  # signs in with AWS SSO: a profile with sso_* keys
    region: str = ""


def read_profiles() -> list[Profile]:
    """The profiles, in the order of the files (config first); [] when the files cannot be
    read (said in the log: the window still opens, and the default credential chain works)."""
    try:
        session = boto3.Session()
        names = session.available_profiles
        config = session._session.full_config.get("profiles", {})  # noqa: SLF001 - its keys
    except Exception as e:  # noqa: BLE001 - a damaged config file: no profile to offer
        log.warning("the AWS config cannot be read: %s", e)
        return []
    profiles = []
    for name in names:
        keys = config.get(name, {})
        profiles.append(Profile(name, any(k.startswith("sso_") for k in keys),
                                str(keys.get("region", ""))))
    return profiles
