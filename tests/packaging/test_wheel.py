"""The wheel, as a curator gets it: built from a copy of the source tree into a temporary folder,
installed (not editable) into a fresh venv without pip and without extras, then every command
from there: ``--version``, ``--help``, ``deploy`` into a local cloud with the functions' zip
shipped in the wheel, the window offscreen, ``local-cloud`` saying how to get it, and with
the ``localcloud`` extra, ``local-cloud`` running."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from finpics_desktop import __version__
from tests.cloud_process import local_cloud_process

REPO = Path(__file__).resolve().parents[2]
NOT_BUILT_FROM = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info",
                                        "__pycache__", ".*_cache", "tests")
COMMANDS = ("upload", "picsets", "photos", "check", "search", "deploy", "reprocess",
            "local-cloud", "aws-keys", "install-desktop-entry")
EXTRA_HINT = "pip install 'finpics-desktop[localcloud]'"


def _install(bin_dir: Path, requirement: str) -> None:
    """pip of the test venv installs into the wheel's venv (its dependencies from pip's cache;
    not byte-compiling them more than halves the time)."""
    done = subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check",
                           "--python", str(bin_dir / "python"), "install", "--quiet",
                           "--no-compile", requirement], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source") / "finpics-desktop"
    shutil.copytree(REPO, source, ignore=NOT_BUILT_FROM)
    dist = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w",
                           str(dist), str(source)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "deprecat" not in (done.stdout + done.stderr).lower()  # e.g. a licence table
    (built,) = dist.glob("finpics_desktop-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The venv's bin folder: the wheel and its dependencies, nothing else (not even pip)."""
    root = tmp_path_factory.mktemp("venv") / "venv"
    venv.EnvBuilder(with_pip=False).create(root)
    _install(root / "bin", str(wheel))
    return root / "bin"


def test_the_wheel_ships_the_resources_and_the_functions_zips(wheel):
    with zipfile.ZipFile(wheel) as whl:
        names = set(whl.namelist())
        metadata = whl.read(f"finpics_desktop-{__version__}.dist-info/METADATA").decode()
        shipped = {n.removeprefix("finpics_desktop/resources/") for n in names
                   if n.startswith("finpics_desktop/resources/")}
        with whl.open("finpics_desktop/resources/lambda/"
                      "finpics-lambda-python3.12-x86_64.zip") as inner, \
                zipfile.ZipFile(inner) as functions:
            in_zip = set(functions.namelist())
    source = {p.relative_to(REPO / "resources").as_posix()
              for p in (REPO / "resources").rglob("*")
              if p.is_file() and "screenshots" not in p.parts}
    assert source <= shipped
    assert {"cloudformation.yaml", "finpics-desktop.desktop", "icons/actions/LICENSE",
            "icons/hicolor/48x48/apps/finpics-desktop.png"} <= source
    assert shipped - source == {"lambda/finpics-lambda-python3.12-x86_64.zip",
                                "lambda/finpics-lambda-python3.12-arm64.zip"}
    assert "finpics_desktop/lambdas/process.py" in in_zip
    assert any(n.startswith("PIL/_imaging.cpython-312-x86_64-linux-gnu") for n in in_zip)
    assert "License-Expression: MIT" in metadata
    assert "Provides-Extra: localcloud" in metadata


def test_the_installed_wheel_gives_every_command(installed, run_command, tmp_path):
    imported = run_command([installed / "python", "-c", "import finpics_desktop, sys; "
                            "print(finpics_desktop.__file__); import pip"])
    assert "site-packages" in imported.stdout and str(REPO) not in imported.stdout
    assert "No module named 'pip'" in imported.stderr  # deploying must not need it
    version = run_command([installed / "finpics-desktop", "--version"])
    assert version.stdout.strip() == f"finpics-desktop {__version__}"
    usage = run_command([installed / "finpics-desktop", "--help"])
    assert usage.returncode == 0
    assert all(command in usage.stdout for command in COMMANDS), usage.stdout
    menu = run_command([installed / "finpics-desktop", "install-desktop-entry"],
                       env={"XDG_DATA_HOME": str(tmp_path)})
    assert menu.returncode == 0, menu.stderr
    entry = (tmp_path / "applications/finpics-desktop.desktop").read_text()
    assert f"\nExec={installed / 'finpics-desktop'}\n" in entry  # this installation starts


def test_without_the_extra_local_cloud_says_how_to_get_it(installed, run_command):
    done = run_command([installed / "finpics-desktop", "local-cloud", "--port", "0"])
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "finpics-desktop: the local cloud needs the localcloud extra (moto is missing): "
        + EXTRA_HINT]
    # the window's Try it locally says the same line before starting anything
    window = run_command([installed / "python", "-c", "from finpics_desktop.app.local_cloud "
                          "import missing_extra; print(missing_extra())"])
    assert window.stdout.strip() == done.stderr.strip().removeprefix("finpics-desktop: ")


def test_the_installed_wheel_deploys_its_shipped_zip(installed, run_command, dev_cloud):
    env = {"AWS_ACCESS_KEY_ID": dev_cloud.access_key_id,
           "AWS_SECRET_ACCESS_KEY": dev_cloud.secret_access_key}
    cloud = ["--backend", "aws", "--endpoint-url", dev_cloud.url]
    done = run_command([installed / "finpics-desktop", *cloud, "deploy", "--json"], env=env)
    assert done.returncode == 0, done.stderr
    assert "uploading finpics-lambda-python3.12-x86_64.zip to s3://" in done.stderr
    assert "building" not in done.stderr
    site = json.loads(done.stdout)["site"]
    assert site["identityPoolId"] and site["searchFunction"] == "finpics-dev-search"
    listed = run_command([installed / "finpics-desktop", *cloud, "picsets", "--json"], env=env)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == []  # the tables the stack made


def test_the_installed_wheel_opens_the_window(installed, run_command, tmp_path):
    done = run_command([installed / "finpics-desktop", "--library", tmp_path / "library",
                        "--smoke"])
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"finpics {__version__}: window shown on offscreen, icon ok"
    assert (tmp_path / "library" / "finpics.sqlite3").is_file()


def test_with_the_extra_local_cloud_starts(installed, wheel, user_env, tmp_path):
    """Last: it adds the extra to the venv."""
    _install(installed, f"{wheel}[localcloud]")
    with local_cloud_process([installed / "finpics-desktop", "local-cloud", "--port", "0"],
                             cwd=tmp_path, env=user_env) as cloud:
        listed = subprocess.run(
            [installed / "finpics-desktop", "--backend", "aws", "--endpoint-url", cloud.url,
             "picsets", "--json"], capture_output=True, text=True, cwd=tmp_path,
            env={**user_env, "AWS_ACCESS_KEY_ID": cloud.access_key_id,
                 "AWS_SECRET_ACCESS_KEY": cloud.secret_access_key})
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == []
    assert "identityPoolId" in "\n".join(cloud.log)  # the stack was deployed into it
