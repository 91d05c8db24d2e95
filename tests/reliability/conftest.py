"""Fixtures of the reliability tests: the local AWS-compatible stack in its own process."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@dataclass
class RemoteCloud:
    """``finpics-desktop local-cloud`` running in a child process, the finpics stack deployed:
    what a curator would run. Its state lives in that process, so the uploads killed by the
    crash test and the checks of this process see it only over HTTP."""

    url: str
    access_key_id: str
    secret_access_key: str
    log: list[str] = field(default_factory=list)

    def env(self, **extra) -> dict[str, str]:
        import os

        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("AWS_", "FINPICS_ENDPOINT"))}
        env.update(AWS_ACCESS_KEY_ID=self.access_key_id,
                   AWS_SECRET_ACCESS_KEY=self.secret_access_key, AWS_REGION="us-east-1",
                   PYTHONUNBUFFERED="1", **extra)
        return env

    def settings(self, endpoint_url: str | None = None):
        from finpics_desktop.backends.aws.session import AwsSettings

        return AwsSettings(region="us-east-1", endpoint_url=endpoint_url or self.url,
                           access_key_id=self.access_key_id,
                           secret_access_key=self.secret_access_key)


@pytest.fixture(scope="session")
def remote_cloud():
    proc = subprocess.Popen(
        [sys.executable, "-m", "finpics_desktop", "local-cloud", "--port", "0"], cwd=REPO,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
    log: list[str] = []
    keys = threading.Event()
    found: dict[str, str] = {}

    def drain():
        for line in proc.stderr:
            log.append(line.rstrip("\n"))
            match = re.search(r"AWS_ACCESS_KEY_ID=(\S+) AWS_SECRET_ACCESS_KEY=(\S+)", line)
            if match:
                found.update(key=match[1], secret=match[2])
                keys.set()

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    url = proc.stdout.readline().strip()
    if not url.startswith("http://") or not keys.wait(timeout=60):
        proc.kill()
        proc.wait()
        raise RuntimeError("the local cloud did not start:\n" + "\n".join(log))
    try:
        yield RemoteCloud(url, found["key"], found["secret"], log)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        reader.join(timeout=10)
        proc.stderr.close()
