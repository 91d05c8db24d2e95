"""Fixtures of the packaging tests: commands of an installed finpics-desktop (a wheel in a fresh
venv, a PyInstaller bundle) run as a curator runs them, in a folder of their own, with user
folders under tmp, and a local cloud (started from the test venv) to deploy into."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cloud_process import local_cloud_process

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="package", autouse=True)
def locked_pip(tmp_path_factory):
    """Every pip these tests run (the wheel's build environment, the wheel's venv) takes the
    versions of packaging/dev-lock.txt, as the test venv does: a release of a dependency
    changes nothing here until the lock moves. Pillow is left free: the functions' zips take
    its newest wheels for the Lambda's platform (manylinux2014, Python 3.12), which the lock,
    made for this machine, cannot name (Pillow 13 has none)."""
    lines = (REPO / "packaging" / "dev-lock.txt").read_text().splitlines()
    pins = [line.removesuffix("\\").strip() for line in lines
            if line[:1].isalnum() and "==" in line and not line.startswith("pillow==")]
    constraints = tmp_path_factory.mktemp("pip") / "constraints.txt"
    constraints.write_text("\n".join(pins) + "\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PIP_CONSTRAINT", str(constraints))
        yield constraints


@pytest.fixture(scope="package")
def dev_cloud():
    with local_cloud_process([sys.executable, "-m", "finpics_desktop", "local-cloud", "--port",
                              "0"], cwd=REPO) as cloud:
        yield cloud


@pytest.fixture(scope="package")
def user_env(tmp_path_factory) -> dict[str, str]:
    """The environment of an installed command: no AWS settings, no PYTHONPATH, user folders
    (data, config, cache) in a temporary home, Qt offscreen."""
    home = tmp_path_factory.mktemp("home")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "FINPICS_", "PYTHON", "XDG_"))}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"),
               XDG_CONFIG_HOME=str(home / "config"), XDG_CACHE_HOME=str(home / "cache"),
               QT_QPA_PLATFORM="offscreen")
    return env


@pytest.fixture(scope="package")
def run_command(user_env, tmp_path_factory):
    """``run_command(argv, env=...)``: the command's CompletedProcess (text), run outside the
    source tree so that nothing is imported from it."""
    cwd = tmp_path_factory.mktemp("cwd")

    def run(argv, env=None, timeout=300) -> subprocess.CompletedProcess:
        return subprocess.run([str(a) for a in argv], capture_output=True, text=True, cwd=cwd,
                              env={**user_env, **(env or {})}, timeout=timeout)

    return run
