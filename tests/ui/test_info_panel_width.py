"""The Info panel follows the tile chosen without ever reflowing the grid: a long value (the
picset and photo name of a face: "Face in: <picset> / <photo>") is cut to the panel's width
-- the whole of it in the value's tooltip -- so that the panel keeps its width, and the grid its
columns and where it was scrolled. Real widgets offscreen, the real engine on faces/ and
lfw10/, published with long names."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QApplication, QFormLayout, QLabel
from test_unnamed_pages import open_unnamed

from finpics_desktop.pipeline.publish.upload import Publisher

PICSET = "001_summer_holidays_in_the_mountains_with_the_whole_family_and_friends_2019"
TAIL = "_taken_with_the_old_camera_before_the_storm_IMG_20190715_123456"


@pytest.fixture
def long_named(library, photos_dir, tmp_path):
    """Every photo of faces/ and lfw10/ in one picset of a long id, each under a long name
    without a space."""
    folder = tmp_path / "long"
    folder.mkdir()
    for n, path in enumerate(sorted(p for top in ("faces", "lfw10")
                                    for p in (photos_dir / top).rglob("*")
                                    if p.suffix.lower() in (".jpg", ".jpeg", ".png"))):
        shutil.copy2(path, folder / f"{n:03d}_{path.stem}{TAIL}{path.suffix}")
    report = Publisher(library.store, library.tables, library.faces, library.names,
                       library.process).publish([folder], PICSET)
    assert report.ok, report.summary()
    return library


def settled() -> None:
    """Every layout the last change asked for done (the panel's, the dock's, the grid's)."""
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        QApplication.processEvents()


def columns(window) -> int:
    """How many tiles the grid's first row of tiles holds."""
    grid, model = window.grid, window.model
    top = grid.visualRect(model.index(0)).top()
    return sum(1 for r in range(model.rowCount())
               if grid.visualRect(model.index(r)).top() == top)


def test_choosing_a_tile_never_reflows_the_grid(qtbot, make_window, long_named):
    window = make_window()
    window.resize(1100, 700)
    open_unnamed(qtbot, window)
    settled()
    grid, model = window.grid, window.model
    bar = grid.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum() // 2)
    settled()
    before = (columns(window), bar.value(), window.info_dock.width(), grid.viewport().width())
    assert before[0] > 1 and before[1] > 0
    seen = grid.viewport().rect()
    shown = [r for r in range(model.rowCount()) if model.is_tile(r)
             and seen.contains(grid.visualRect(model.index(r)))]
    assert len(shown) >= 3
    for row in shown[:6]:
        entry = model.entries[row]
        window.selection.choose_row(row)
        qtbot.waitUntil(lambda e=entry: (window.info.value("Face in") or "").endswith(e.name))
        settled()
        assert PICSET.split("_", 1)[1].replace("_", " ") in window.info.value("Face in")
        assert (columns(window), bar.value(), window.info_dock.width(),
                grid.viewport().width()) == before, f"choosing {entry.title} reflowed the grid"
        qtbot.waitUntil(lambda: whole_in_tip(window) is not None)  # cut, the whole in its tip
        label = whole_in_tip(window)
        assert label.text() != label.toolTip()
        assert label.geometry().right() <= window.info.width()
    # the panel shorter (Messages shown below it), then narrower: the value stays beside its
    # label, cut anew to the width it has
    window.message("A face could not be named: a person appears once in a photo", "warning")
    window.messages_dock.show()
    window.resize(1000, 560)
    settled()
    beside_its_label(window)
    window.resizeDocks([window.info_dock], [window.info_dock.width() - 60],
                       Qt.Orientation.Horizontal)
    settled()
    beside_its_label(window)


def beside_its_label(window) -> None:
    form = window.info.form
    label = form.itemAt(0, QFormLayout.ItemRole.LabelRole).widget()
    value = form.itemAt(0, QFormLayout.ItemRole.FieldRole).widget()
    assert abs(value.geometry().top() - label.geometry().top()) <= 4, (
        label.geometry(), value.geometry())
    assert value.geometry().right() <= window.info.width()
    assert value.toolTip() == window.info.value("Face in") != value.text()


def whole_in_tip(window) -> QLabel | None:
    """The Info panel's value "Face in", cut, the whole of it in its tooltip."""
    value = window.info.value("Face in")
    return next((w for w in window.info.findChildren(QLabel)
                 if value and w.toolTip() == value and w.isVisible()), None)
