"""Shared fixtures: the real photos of ../shared/photos, fresh libraries, one engine."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import keyring
import pytest
from memory_keyring import MemoryKeyring
from pytestqt.qtbot import QtBot

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Nothing a test runs may write into the real user folders (the upload journal of a cloud
# upload, a default library, caches): the platform's user dirs point into a temp folder.
_USER_DIRS = Path(tempfile.mkdtemp(prefix="finpics-tests-userdirs-"))
# ... except pip's cache: the packaging tests build and install wheels with the user's pip.
os.environ.setdefault("PIP_CACHE_DIR", str(Path(os.environ.get("XDG_CACHE_HOME")
                                                or Path.home() / ".cache") / "pip"))
for _var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
    os.environ[_var] = str(_USER_DIRS / _var.lower())

REPO = Path(__file__).resolve().parents[1]
PHOTOS = Path(os.environ.get("FINPICS_PHOTOS", REPO.parent / "shared" / "photos"))


# A wait for the window (qtbot.waitUntil) not given a bound of its own is bounded at 20 s, not
# pytest-qt's 5 s: on a loaded CI machine a listing or an action can take longer than 5 s,
# and a wait only ever ends early when its condition holds.
PATIENT_WAIT_MS = 20_000
_wait_until = QtBot.waitUntil


def _patient_wait_until(self, callback, *, timeout: int = PATIENT_WAIT_MS) -> None:
    _wait_until(self, callback, timeout=timeout)


QtBot.waitUntil = _patient_wait_until


# the tiers (pyproject.toml's markers): a slow family by its folder...
TIER_OF_FOLDER = {"aws": "cloud", "ui": "gui", "reliability": "reliability",
                  "packaging": "packaging"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        parts = item.path.resolve().relative_to(REPO / "tests").parts
        if parts[0] in TIER_OF_FOLDER:
            item.add_marker(TIER_OF_FOLDER[parts[0]])
        if {"qtbot", "qapp"} & set(item.fixturenames):  # ... and a window test by its fixtures
            item.add_marker("gui")


def pytest_configure(config):
    if not (PHOTOS / "labels.json").is_file():
        raise pytest.UsageError(f"the test photos are missing: expected them at {PHOTOS}")


@pytest.fixture(scope="session")
def photos_dir() -> Path:
    return PHOTOS


@pytest.fixture(scope="session")
def labels() -> dict[str, list[str]]:
    """Who is in each photo of faces/: a person's folder is that person alone."""
    groups = json.loads((PHOTOS / "labels.json").read_text())
    result = {}
    for path in sorted((PHOTOS / "faces").rglob("*")):
        if path.suffix.lower() not in (".jpg", ".jpeg", ".png"):
            continue
        rel = path.relative_to(PHOTOS).as_posix()
        result[rel] = groups.get(rel, [path.parent.name])
    return result


@pytest.fixture(scope="session")
def engine():
    from finpics_desktop.backends.local.engine import FaceEngine

    return FaceEngine()


@pytest.fixture
def library(tmp_path, engine):
    """A fresh local library (backend) sharing the session's face engine."""
    from finpics_desktop.backends.local.library import open_library

    backend = open_library(tmp_path / "library", engine=engine)
    yield backend
    backend.close()


@pytest.fixture
def copy_photos(tmp_path):
    """Copy files of ../shared/photos into a new folder: ``copy_photos("faces/obama")``."""

    def copy(*relative: str, folder: str = "src") -> Path:
        target = tmp_path / folder
        target.mkdir(parents=True, exist_ok=True)
        for rel in relative:
            source = PHOTOS / rel
            for path in [source] if source.is_file() else sorted(source.iterdir()):
                if path.is_file():
                    shutil.copy2(path, target / path.name)
        return target

    return copy


def pytest_unconfigure(config):
    shutil.rmtree(_USER_DIRS, ignore_errors=True)


@pytest.fixture
def memory_keyring():
    """keyring switched to an in-memory backend for the test."""
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def collect_between_tests():
    """Once a window test started the window's collector (automatic collection off, the GUI
    thread's timer collecting: app/collector.py), a test that never runs Qt's event loop still
    has its cycles collected: the collection due is made after each test, on this (the GUI)
    thread, as the timer would."""
    yield
    import gc

    if not gc.isenabled():
        from finpics_desktop.app.collector import collect_due

        collect_due()


@pytest.fixture(autouse=True)
def views_kept_at_once():
    """A window keeps the people views for the next session once the window is idle
    (``people_views.keep_later``, set for the process): after its test, they are kept at once
    again, as a test without a window expects (run after a window test, one found none kept)."""
    yield
    from finpics_desktop.app import people_views

    people_views.keep_later(None)


@pytest.fixture(autouse=True)
def callbacks_raise(request):
    """In a test with Qt, a window callback that raises fails the test (pytest-qt reports
    exceptions raised in Qt slots) instead of being logged, as it is for a user. Tests without
    Qt (the application layer's) never import it."""
    if not {"qtbot", "qapp"} & set(request.fixturenames):
        yield
        return
    from finpics_desktop.ui import workers

    workers.RAISE_IN_CALLBACKS = True
    yield
    workers.RAISE_IN_CALLBACKS = False


@pytest.fixture
def qt_settings(tmp_path, qapp):
    """The window's QSettings (INI) kept under ``tmp_path / "settings"`` for the test."""
    from PySide6.QtCore import QSettings

    from finpics_desktop.ui.app import init_application

    init_application()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "settings"))
    yield
    QSettings().clear()


class Disk:
    """A small tmpfs mounted for one test: ``fill()`` it, ``grow()`` it, make it read-only."""

    def __init__(self, path):
        self.path = path

    def _mount(self, options: str) -> None:
        subprocess.run(["mount", "-o", options, str(self.path)], check=True)

    def fill(self) -> None:
        with open(self.path / "filler", "wb", buffering=0) as f:
            for block in (65536, 1):  # big blocks, then the last bytes
                try:
                    while True:
                        f.write(b"\0" * block)
                except OSError as e:
                    assert e.errno == errno.ENOSPC

    def free(self) -> None:
        (self.path / "filler").unlink()

    def grow(self, size: str = "256m") -> None:
        self._mount(f"remount,size={size}")

    def read_only(self) -> None:
        self._mount("remount,ro")


@pytest.fixture
def disk(tmp_path):
    """A 3 MB tmpfs (tests run as root, as CI does)."""
    path = tmp_path / "disk"
    path.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(path)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"these tests mount a tmpfs and need root: {done.stderr.strip()}")
    yield Disk(path)
    subprocess.run(["umount", "-l", str(path)], check=False)
