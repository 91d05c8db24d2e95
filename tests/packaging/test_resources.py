"""What ships beside the code, read from the source tree as the package reads it: the app
icon (SVG and its PNG sizes), the toolbar icons and their licence, the .desktop file, and
``install-desktop-entry`` putting them where desktops look."""

from __future__ import annotations

import configparser
import re

from PySide6.QtGui import QImage
from PySide6.QtSvg import QSvgRenderer

from finpics_desktop import cli
from finpics_desktop.desktop_entry import exec_line, launch_command
from finpics_desktop.shipped import resource

SIZES = (16, 24, 32, 48, 64, 128, 256)


def test_the_app_icon_has_every_size(qapp):
    hicolor = resource("icons", "hicolor")
    assert QSvgRenderer(str(hicolor / "scalable/apps/finpics-desktop.svg")).isValid()
    for size in SIZES:
        image = QImage(str(hicolor / f"{size}x{size}/apps/finpics-desktop.png"))
        assert (image.width(), image.height()) == (size, size)
        assert image.hasAlphaChannel() and image.pixelColor(0, 0).alpha() == 0  # round corners
        assert image.pixelColor(size // 2, size // 6).blue() > 150  # the blue tile


def test_toolbar_icons_render_and_are_recorded_with_their_licence(qapp):
    folder = resource("icons", "actions")
    icons = {p.stem for p in folder.glob("*.svg")}
    assert len(icons) >= 20
    for name in icons:
        assert QSvgRenderer(str(folder / f"{name}.svg")).isValid(), name
    record = (folder / "README.md").read_text()
    assert set(re.findall(r"^\| `([\w-]+)\.svg` \|", record, re.MULTILINE)) == icons
    assert "Tabler Icons 3.52.0" in record and "MIT" in record
    assert (folder / "LICENSE").read_text().startswith("MIT License")


def _entry(path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_the_desktop_file_names_the_app_its_icon_and_menu():
    entry = _entry(resource("finpics-desktop.desktop"))
    assert entry["Type"] == "Application" and entry["Name"] == "finpics"
    assert entry["Exec"] == "finpics-desktop" and entry["Icon"] == "finpics-desktop"
    assert entry["Categories"].endswith(";") and "Photography" in entry["Categories"]
    assert entry["Terminal"] == "false"


def test_exec_lines_quote_what_the_specification_reserves():
    assert exec_line(["/opt/finpics/finpics-desktop"]) == "/opt/finpics/finpics-desktop"
    assert exec_line(["/home/me/My Apps/bin/python", "-m", "finpics_desktop"]) == (
        '"/home/me/My Apps/bin/python" -m finpics_desktop')
    assert exec_line(['/a "b"/$c', "50%"]) == '"/a \\\\"b\\\\"/\\\\$c" 50%%'


def test_install_desktop_entry_puts_finpics_in_the_menu_and_remove_takes_it_out(
        tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert cli.main(["install-desktop-entry"]) == 0
    entry = _entry(tmp_path / "applications/finpics-desktop.desktop")
    assert entry["Exec"] == exec_line(launch_command())
    assert entry["TryExec"] == launch_command()[0]
    assert entry["Icon"] == "finpics-desktop"
    icons = sorted(p.relative_to(tmp_path / "icons/hicolor").as_posix()
                   for p in (tmp_path / "icons/hicolor").rglob("finpics-desktop.*"))
    assert icons == sorted([f"{s}x{s}/apps/finpics-desktop.png" for s in SIZES]
                           + ["scalable/apps/finpics-desktop.svg"])
    assert "installed" in capsys.readouterr().err
    assert cli.main(["install-desktop-entry", "--remove"]) == 0
    assert not list(tmp_path.rglob("finpics-desktop.*"))
