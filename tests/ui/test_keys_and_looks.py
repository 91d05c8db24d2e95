"""Keyboard and looks (issue 21, item 6): the focus is visible in the tree and the grid, every
action is reachable by keys, light and dark (as the system, or chosen) with the app's own
icons in both, and the first window fits the screen at a scale of 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QKeySequence, QPalette
from PySide6.QtWidgets import QDialogButtonBox, QMenu
from ui_helpers import picset_item, select_source

from finpics_desktop.ui.appearance import apply_appearance, is_dark
from finpics_desktop.ui.settings import AppSettings

ROOT = Path(__file__).resolve().parents[2]


def mnemonic(text: str) -> str | None:
    """The letter after a single '&' ('&&' is an ampersand)."""
    i = text.replace("&&", "").find("&")
    return text.replace("&&", "")[i + 1].lower() if i >= 0 else None


def walk(menu: QMenu, path: str):
    for action in menu.actions():
        if action.isSeparator():
            continue
        if action.menu() is not None:
            yield from walk(action.menu(), f"{path} > {action.text()}")
        else:
            yield path, menu, action


# -- every action by keys -------------------------------------------------------------------
def test_every_menu_action_has_a_key_or_a_letter_in_its_menu(qtbot, window):
    bar = window.menuBar()
    menus = [a for a in bar.actions() if a.menu() is not None]
    letters = [mnemonic(a.text()) for a in menus]
    assert None not in letters and len(set(letters)) == len(letters), [a.text() for a in menus]
    walked = 0
    for top in menus:
        by_menu: dict[int, list[str]] = {}
        for path, menu, action in walk(top.menu(), top.text()):
            walked += 1
            letter = mnemonic(action.text())
            assert letter or action.shortcuts(), f"{path} > {action.text()}: no key, no letter"
            if letter:
                by_menu.setdefault(id(menu), []).append(letter)
        for letters in by_menu.values():  # a letter twice in a menu only cycles, never opens
            assert len(set(letters)) == len(letters), (top.text(), letters)
    assert walked >= 30
    keys: dict[str, str] = {}  # a key shared by two actions would reach neither
    for action in window.actions():
        for key in action.shortcuts():
            text = key.toString(QKeySequence.SequenceFormat.PortableText)
            assert text not in keys, f"{text}: {keys.get(text)} and {action.text()}"
            keys[text] = action.text()


def test_the_dock_toggles_and_add_a_place_are_reachable(qtbot, window):
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    texts = [a.text() for a in view.actions()]
    assert {"&Toolbar", "I&nfo panel", "&Messages", "P&ublishing"} <= set(texts)
    assert window.add_place_action.shortcuts() == [QKeySequence("Ctrl+Shift+O")]


# -- the focus, visible ---------------------------------------------------------------------
def edge_colours(widget, rect, inset: int = 5) -> set[str]:
    """The colours along the top edge of ``rect`` (where the focus frame is drawn)."""
    image = widget.grab().toImage()
    y = rect.top() + inset
    return {image.pixelColor(x, y).name() for x in range(rect.left() + 12, rect.right() - 12)}


def test_the_focus_is_drawn_in_the_grid_and_the_tree(qtbot, window, publish):
    publish("001_one", "faces/biden/biden.jpg", "faces/obama/obama.jpg")
    window.on_refresh()
    qtbot.waitUntil(lambda: picset_item(window, "001_one") is not None)
    select_source(qtbot, window, picset_item(window, "001_one"))
    qtbot.waitUntil(lambda: len(window.model.entries) == 2)
    window.activateWindow()
    grid, highlight = window.grid, window.palette().color(QPalette.ColorRole.Highlight).name()
    grid.setCurrentIndex(window.model.index(1))
    grid.clearSelection()  # the current cell, not chosen: only the focus frame marks it
    grid.setFocus()
    qtbot.waitUntil(grid.hasFocus)
    rect = grid.visualRect(window.model.index(1))
    grid.viewport().repaint()
    assert highlight in edge_colours(grid.viewport(), rect)
    window.tree.setFocus()  # the grid without the focus: no frame
    qtbot.waitUntil(lambda: not grid.hasFocus())
    grid.viewport().repaint()
    assert highlight not in edge_colours(grid.viewport(), rect)

    tree = window.tree
    index = window.sources.indexFromItem(window.sources.library)
    tree.setCurrentIndex(index)
    tree.selectionModel().clearSelection()
    qtbot.waitUntil(tree.hasFocus)
    tree.viewport().repaint()
    rect = tree.visualRect(index)
    image = tree.viewport().grab().toImage()
    top = {image.pixelColor(x, rect.top()).name() for x in range(rect.left() + 8, rect.right())}
    assert highlight in top


# -- light and dark -------------------------------------------------------------------------
@pytest.fixture
def appearance(qapp):
    before = QPalette(qapp.palette())
    yield
    apply_appearance("system")
    qapp.setPalette(before)


def icon_ink(icon) -> QColor:
    image = icon.pixmap(24, 24).toImage()
    return max((image.pixelColor(x, y) for x in range(24) for y in range(24)),
               key=lambda c: c.alpha())


def test_light_dark_and_system_from_settings_with_the_apps_own_icons(qtbot, window, qapp,
                                                                    appearance):
    assert AppSettings.load().appearance == "system"
    assert not is_dark(qapp.palette())  # this platform's system palette is light
    dialog = window.on_settings() or window.settings_dialog
    box = dialog.field("appearance")
    assert [box.itemText(i) for i in range(box.count())] == ["As the system", "Light", "Dark"]
    box.setCurrentIndex(box.findData("dark"))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert AppSettings.load().appearance == "dark" and window.settings.appearance == "dark"
    qtbot.waitUntil(lambda: is_dark(window.palette()))
    back = window.back_action.icon()
    ink = icon_ink(back)  # the shipped icon, drawn anew in the dark palette's text colour
    assert ink.name() == qapp.palette().color(QPalette.ColorRole.WindowText).name()
    assert ink.lightness() > 180
    library_icon = icon_ink(window.sources.library.icon())
    assert library_icon.lightness() > 180
    assert is_dark(window.grid.palette()) and is_dark(window.tree.palette())

    window.settings.appearance = "light"  # the same through the setting itself
    apply_appearance(window.settings.appearance)
    qtbot.waitUntil(lambda: not is_dark(window.palette()))
    assert icon_ink(window.back_action.icon()).lightness() < 80
    apply_appearance("system")  # the system's own palette again
    assert not is_dark(qapp.palette())


def test_the_toolbar_never_takes_the_themes_icons(qtbot, window, monkeypatch):
    """Under a desktop icon theme (a dark GTK theme's light-on-dark icons), the toolbar keeps
    the shipped set drawn in the palette's colours."""
    from PySide6.QtGui import QIcon

    from finpics_desktop.ui.icons import action_icon, shipped_icon

    monkeypatch.setattr(QIcon, "hasThemeIcon", staticmethod(lambda name: True))
    assert action_icon("go-previous").cacheKey() == shipped_icon("go-previous").cacheKey()


# -- a scale of 2 ---------------------------------------------------------------------------
FIRST_WINDOW = """
import json, sys
from pathlib import Path
from finpics_desktop.ui.app import init_application
app = init_application()
from finpics_desktop.ui.main_window import MainWindow
window = MainWindow(None, library_problem="no library here", default_library=Path("nolib"))
window.show()
app.processEvents()
room, frame = window.screen().availableGeometry(), window.frameGeometry()
print(json.dumps({"room": [room.x(), room.y(), room.width(), room.height()],
                  "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
                  "ratio": window.devicePixelRatio(),
                  "grid": [window.grid.width(), window.grid.height()]}))
window.close()
"""


@pytest.mark.parametrize("scale", ["2", "1"])
def test_the_first_window_fits_the_screen(tmp_path, scale):
    screens = tmp_path / "screen.json"
    screens.write_text(json.dumps({"screens": [{
        "name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768,
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screens}",
           "QT_SCALE_FACTOR": scale, "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", FIRST_WINDOW], env=env, capture_output=True,
                         text=True, timeout=120, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    shown = json.loads(out.stdout.strip().splitlines()[-1])
    (rx, ry, rw, rh), (fx, fy, fw, fh) = shown["room"], shown["frame"]
    assert shown["ratio"] == float(scale)
    assert (rw, rh) == ((683, 384) if scale == "2" else (1366, 768))
    assert rx <= fx and ry <= fy and fx + fw <= rx + rw and fy + fh <= ry + rh, shown
    assert min(shown["grid"]) > 100  # the grid keeps room for photos

