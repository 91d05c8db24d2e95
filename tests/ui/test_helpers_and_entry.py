"""The non-Qt helpers the window uses (EXIF essentials, the thumbnail disk cache) and the
entry point: ``finpics-desktop`` with no command opens the window on the local library."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image
from PySide6.QtWidgets import QApplication

from finpics_desktop import cli
from finpics_desktop.domain.errors import UnsupportedImage
from finpics_desktop.pipeline.photos.exif import read_facts
from finpics_desktop.pipeline.photos.thumbcache import ThumbCache


def test_thumbnail_cache_is_keyed_by_path_size_and_mtime(tmp_path, photos_dir):
    photo = tmp_path / "a.jpg"
    photo.write_bytes((photos_dir / "orientation/Portrait_6.jpg").read_bytes())
    cache = ThumbCache(tmp_path / "cache")
    first = cache.thumbnail(photo)
    with Image.open(io.BytesIO(first)) as im:
        assert max(im.size) <= 256 and im.height > im.width  # upright portrait
    assert (cache.decodes, cache.hits) == (1, 0)
    assert cache.thumbnail(photo) == first
    assert (cache.decodes, cache.hits) == (1, 1)
    assert ThumbCache(tmp_path / "cache").thumbnail(photo) == first  # survives a restart
    # a changed file (new mtime / size) is decoded again
    photo.write_bytes((photos_dir / "orientation/Landscape_1.jpg").read_bytes())
    os.utime(photo, (1_000_000_000, 1_000_000_000))
    second = cache.thumbnail(photo)
    with Image.open(io.BytesIO(second)) as im:
        assert im.width > im.height
    assert cache.decodes == 2


def test_thumbnail_cache_preview_decodes_nothing(tmp_path, photos_dir):
    from camera import camera_jpeg

    picture = Image.open(photos_dir / "faces/obama/obama-1080p.jpg")
    photo, plain = tmp_path / "camera.jpg", tmp_path / "plain.jpg"
    photo.write_bytes(camera_jpeg(picture))
    picture.save(plain)
    cache = ThumbCache(tmp_path / "cache")
    embedded, final = cache.preview(photo)
    assert not final and Image.open(io.BytesIO(embedded)).size == (160, 90)
    assert cache.preview(plain) is None  # no EXIF thumbnail: nothing to show before decoding
    assert cache.preview(tmp_path / "missing.jpg") is None
    assert cache.decodes == 0
    made = cache.thumbnail(photo)
    assert cache.preview(photo) == (made, True)  # once made, the cached one is final
    assert cache.decodes == 1


def test_thumbnail_cache_names_the_problem(tmp_path):
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(UnsupportedImage):
        ThumbCache(tmp_path / "cache").thumbnail(bad)
    with pytest.raises(UnsupportedImage, match="cannot read"):
        ThumbCache(tmp_path / "cache").thumbnail(tmp_path / "missing.jpg")


def test_exif_essentials_and_their_absence(photos_dir):
    data = (photos_dir / "orientation/Landscape_6.jpg").read_bytes()
    facts = read_facts(data, "Landscape_6.jpg")
    assert facts.width > facts.height  # the upright size, EXIF orientation applied
    plain = read_facts((photos_dir / "faces/alex_lacamoire/alex-lacamoire.png").read_bytes(),
                       "alex-lacamoire.png")
    assert plain.format == "PNG" and plain.camera == "" and plain.gps == ""
    assert ("Size", f"{plain.width} × {plain.height}") in plain.rows()


def test_no_command_opens_the_window_on_the_local_library(qtbot, tmp_path, monkeypatch):
    from finpics_desktop.ui import app as app_module
    from finpics_desktop.ui.main_window import MainWindow

    seen = {}

    def exec_app(app):  # instead of the event loop: look at what is on screen, then close
        windows = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, MainWindow) and w.isVisible()]
        seen["windows"] = len(windows)
        seen["library"] = str(windows[0].backend.library.folder) if windows else None
        qtbot.waitUntil(lambda: not windows[0].nav.loading)
        seen["source"] = windows[0].nav.location.kind
        for w in windows:
            w.close()
        return 0

    monkeypatch.setattr(app_module, "exec_app", exec_app)
    assert cli.main(["--library", str(tmp_path / "lib")]) == 0
    assert seen == {"windows": 1, "library": str(tmp_path / "lib"), "source": "library"}


def test_the_qt_binding_keeps_none_alive(qtbot, window):
    """PySide6 6.12.0 on Python 3.11 dropped a reference to None on every void call and every
    invalid QVariant returned, until the process died with "deallocating None" (hence
    ``!=6.12.0`` in pyproject.toml). The window makes such calls all the time."""
    import sys

    from PySide6.QtCore import QModelIndex, QThread

    before = sys.getrefcount(None)
    for _ in range(2000):
        QThread.usleep(0)
        window.grid.viewport().update()
        QModelIndex().data()
    assert sys.getrefcount(None) >= before - 50
