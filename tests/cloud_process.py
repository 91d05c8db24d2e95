"""``finpics-desktop local-cloud --port 0`` in a child process, as a curator runs it: its URL
(stdout) and the admin keys it prints (stderr). Its state lives in that process, so the
tests see it only over HTTP."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class RemoteCloud:
    url: str
    access_key_id: str
    secret_access_key: str
    log: list[str] = field(default_factory=list)

    def env(self, **extra) -> dict[str, str]:
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


@contextmanager
def local_cloud_process(command: list[str], **popen) -> Iterator[RemoteCloud]:
    """Runs ``command`` (a ``local-cloud --port 0`` command line) until the block ends, then
    stops it with SIGTERM as Ctrl-C would."""
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            bufsize=1, **popen)
    log: list[str] = []
    keys = threading.Event()
    found: dict[str, str] = {}

    def drain():
        for line in proc.stderr:
            log.append(line.rstrip("\n"))
            match = re.search(r"AWS_ACCESS_KEY_ID=(\S+) AWS_SECRET_ACCESS_KEY=(\S+)", line)
            if match:
                found.update(key=match[1], secret=match[2])
            if line.startswith("Ctrl-C stops it"):  # its last line before the URL
                keys.set()

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    url = proc.stdout.readline().strip()
    if not url.startswith("http://") or not keys.wait(timeout=60):
        proc.kill()
        proc.wait()
        reader.join(timeout=10)
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
