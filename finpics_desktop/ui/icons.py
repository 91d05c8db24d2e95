"""Icons of the window's actions: the shipped Tabler icons of ``resources/icons/actions/`` (MIT
licence, see the README there), drawn in the palette's text colour so that they read on a dark
palette as on a light one, and drawn again when the palette changes (light/dark: the toolbar
and the sources tree ask for them anew); the theme's only for a name not shipped."""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path

from PySide6.QtCore import QSize, QStandardPaths
from PySide6.QtGui import QGuiApplication, QIcon, QPalette

from finpics_desktop.shipped import resource


def action_icon(name: str) -> QIcon:
    """The shipped icon ``name`` (a freedesktop name), drawn in the palette's text colour --
    the same set on every desktop, right on a dark palette as on a light one (a desktop's own
    theme gave mismatched icons under a dark GTK theme) -- else the theme's of that name."""
    shipped = shipped_icon(name)
    return shipped if not shipped.isNull() else QIcon.fromTheme(name)


def shipped_icon(name: str) -> QIcon:
    palette = QGuiApplication.palette()
    normal = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText)
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
    return _tinted(name, normal.name(), disabled.name())


@cache
def _tinted(name: str, color: str, disabled: str) -> QIcon:
    shipped = resource("icons", "actions", f"{name}.svg")
    try:
        info = shipped.stat()
    except OSError:
        return QIcon()
    if not info.st_size:
        return QIcon()
    # (the colour in the braces; a new version of the shipped file: another file)
    named = f"{name}-{{}}-{info.st_size:x}-{info.st_mtime_ns:x}.svg"
    icon = QIcon()  # (Qt's own SVG engine: drawn at the size asked, never by Python)
    normal = _written(shipped, named, color)
    for mode in (QIcon.Mode.Normal, QIcon.Mode.Active, QIcon.Mode.Selected):
        icon.addFile(normal, QSize(), mode)  # (chosen or under the pointer: as it is)
    icon.addFile(_written(shipped, named, disabled), QSize(), QIcon.Mode.Disabled)
    return icon


def _written(shipped: Path, named: str, color: str) -> str:
    """The shipped icon in ``color``, as a file named ``named`` with the colour in its braces
    (Qt's SVG icon engine reads one). An engine of our own drew it through the interpreter --
    each question of a view about each row's icon (its size, is it null) a wait for the GIL
    while the album's listings ran -- and drawing every size ahead into Qt's pixmaps took
    30-50 ms of the window's making.
    Kept in the user's cache folder (the shipped file read only to write it: once, by any
    number of windows at once, each writing its own file and renaming it into place), else --
    a cache that cannot be written -- in a folder of this process's own."""
    file = named.format(color.lstrip("#"))
    for where in (_cache, _own):  # (the process's own folder made only if needed)
        folder = where()
        path = folder / file
        if path.is_file():
            return str(path)
        with contextlib.suppress(OSError):
            tinted = shipped.read_bytes().replace(b"currentColor", color.encode())
            folder.mkdir(parents=True, exist_ok=True)
            part = path.with_name(f"{file}.{os.getpid()}.part")
            part.write_bytes(tinted)
            os.replace(part, path)
            return str(path)
    return ""  # (nowhere to write: no icon)


def _cache() -> Path:
    """(Qt's own answer: importing a Python module for it cost more than the icons.)"""
    root = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericCacheLocation)
    return Path(root or tempfile.gettempdir()) / "finpics-desktop" / "icons"


@cache
def _own() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="finpics-icons-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder
