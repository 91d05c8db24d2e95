"""Fixtures of the reliability tests: the local AWS-compatible stack in its own process."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.cloud_process import local_cloud_process

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def remote_cloud():
    """``finpics-desktop local-cloud`` running in a child process, the finpics stack deployed:
    what a curator would run. The uploads killed by the crash test and the checks of this
    process see it only over HTTP."""
    with local_cloud_process([sys.executable, "-m", "finpics_desktop", "local-cloud", "--port",
                              "0"], cwd=REPO) as cloud:
        yield cloud
