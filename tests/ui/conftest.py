"""Real widgets, offscreen: a window on a fresh library, settings and caches in tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from finpics_desktop.pipeline.photos.thumbcache import ThumbCache
from finpics_desktop.pipeline.publish.upload import Publisher


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, qt_settings, monkeypatch):
    monkeypatch.setenv("FINPICS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir(exist_ok=True)


@pytest.fixture
def make_window(qtbot, library, tmp_path):
    from finpics_desktop.ui.main_window import MainWindow
    from finpics_desktop.ui.workers import settle

    windows = []

    def make(backend=None, **kwargs):
        window = MainWindow(backend or library, thumb_cache=ThumbCache(tmp_path / "thumbs"),
                            **kwargs)
        qtbot.addWidget(window)
        if QSettings().value("window/geometry") is None:  # a first window: the size the
            window.resize(1280, 820)  # tests draw in (it fits the screen otherwise:
        window.show()  # tests/ui/test_keys_and_looks.py, in a process of its own)
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        if window.job is not None and window.job.running:
            window.job.cancel()
    assert settle(120_000)  # (no result left for the next test, no work for a closed library)


@pytest.fixture
def window(make_window):
    return make_window()


@pytest.fixture
def publish(library, photos_dir, tmp_path):
    """Publish files of ../shared/photos (or given paths) into a picset of the library."""

    def run(picset: str, *files) -> list:
        folder = tmp_path / f"pub-{picset}"
        folder.mkdir(exist_ok=True)
        for f in files:
            source = Path(f) if Path(f).is_absolute() else photos_dir / f
            shutil.copy2(source, folder / source.name)
        report = Publisher(library.store, library.tables, library.faces, library.names,
                           library.process).publish([folder], picset)
        assert report.ok, report.summary()
        return library.tables.query_pics(picset)

    return run

