"""*Try it locally*: the local cloud (``finpics-desktop local-cloud``) as a child process of the
window, the same command a curator runs -- on a free port, enforcing IAM as AWS does -- and
what its output says: the URL to connect to and the administrator's keys for the curator's own
calls. The keys are held in memory for the session only (:attr:`CloudOptions.access_keys`)."""

from __future__ import annotations

import importlib.util
import re
import sys
from dataclasses import dataclass, field

from finpics_desktop.app.options import CloudOptions

EXTRA = "localcloud"
INSTALL_HINT = "pip install 'finpics-desktop[localcloud]'"
_EXTRA_MODULES = ("moto", "flask", "flask_cors")  # what moto's server mode imports
_KEYS = re.compile(r"AWS_ACCESS_KEY_ID=(\S+) AWS_SECRET_ACCESS_KEY=(\S+)")


def missing_extra() -> str:
    """The one line saying how to install the local cloud, or "" when it is installed."""
    for module in _EXTRA_MODULES:
        if importlib.util.find_spec(module) is None:
            return missing_extra_line(module)
    return ""


def missing_extra_line(module: str) -> str:
    return f"the local cloud needs the {EXTRA} extra ({module} is missing): {INSTALL_HINT}"


def local_cloud_command(cloud: CloudOptions | None = None, port: int = 0) -> list[str]:
    """The command line of the window's local cloud: this installation's own
    ``finpics-desktop local-cloud``, on a free port (0), enforcing IAM, deploying the names
    of ``cloud`` (the window's settings)."""
    entry = [sys.executable] if getattr(sys, "frozen", False) else [
        sys.executable, "-m", "finpics_desktop"]
    names = [f"--name={key}={value}" for key, value in sorted((cloud or CloudOptions()).names
                                                              .items())]
    return [*entry, *names, "local-cloud", "--port", str(port), "--enforce-iam"]


# what the local cloud does before it is ready, in order, and the line that says each began
STAGES = (
    ("", "Starting the local cloud"),
    ("uploading ", "Uploading the cloud's functions"),
    ("creating stack ", "Creating the finpics stack (buckets, tables, functions, roles)"),
    ("Rekognition collection ", "Making the face collection"),
    ("local finpics cloud on ", "Connecting"),
)
# lines for whoever runs the command in a terminal (how to use it there): not the window's
_TERMINAL_ONLY = ("use it with", "AWS_ACCESS_KEY_ID=", "Ctrl-C", "IAM is enforced")


@dataclass
class LocalCloudOutput:
    """What the running ``local-cloud`` said so far: its URL (its only line on stdout, printed
    once it is ready), the admin keys and whether IAM is enforced (stderr)."""

    url: str = ""
    keys: tuple[str, str] | None = field(default=None, repr=False)
    iam_enforced: bool = False
    lines: list[str] = field(default_factory=list)  # stderr, for the progress view

    def stdout_line(self, line: str) -> None:
        line = line.strip()
        if line.startswith("http://") and not self.url:
            self.url = line

    def stderr_line(self, line: str) -> None:
        line = line.rstrip("\n")
        match = _KEYS.search(line)
        if match:
            self.keys = (match[1], match[2])
            line = _KEYS.sub("AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=…", line)
        if line.startswith("IAM is enforced"):
            self.iam_enforced = True
        self.lines.append(line)

    @property
    def stage(self) -> int:
        """How far it got: the index in :data:`STAGES` of the last stage begun."""
        reached = 0
        for line in self.lines:
            for index, (start, _title) in enumerate(STAGES):
                if index > reached and start and line.startswith(start):
                    reached = index
        return reached

    def progress(self) -> str:
        """The stage it is at and its latest line, as the window shows them (never a line
        for a terminal's user: the commands to run there)."""
        shown = [line.strip() for line in self.lines if line.strip()
                 and not line.strip().startswith(_TERMINAL_ONLY)]
        title = STAGES[self.stage][1]
        return f"{title}…" + (f"\n{shown[-1]}" if shown else "")

    @property
    def ready(self) -> bool:
        return bool(self.url and self.keys and self.iam_enforced)

    def cloud_options(self, base: CloudOptions | None = None) -> CloudOptions:
        """The options of this session's finpics cloud on it: its URL and keys, the names it
        was deployed with (``base``'s, given to :func:`local_cloud_command`); a profile or
        keyring entry does not apply to it."""
        if not self.ready:
            raise ValueError("the local cloud is not ready")
        base = base or CloudOptions()
        return CloudOptions(region="us-east-1", endpoint_url=self.url, names=dict(base.names),
                            access_keys=self.keys)

    @property
    def problem(self) -> str:
        """Why it stopped before it was ready: its last line (one line, never a traceback)."""
        meaningful = [line for line in self.lines if line.strip()]
        return meaningful[-1].strip() if meaningful else "it stopped without saying why"
