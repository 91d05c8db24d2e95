"""``finpics-desktop install-desktop-entry``: puts finpics in the desktop's application menu --
the shipped ``.desktop`` file, its ``Exec`` pointing at this installation, and the app icon in
the user's data folder (``$XDG_DATA_HOME``, else ``~/.local/share``), as the freedesktop
specifications say. ``--remove`` takes them away again."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from finpics_desktop.shipped import APP_ID, resource

COMMAND = "install-desktop-entry"
_RESERVED = re.compile(r"[\s\"'\\><~|&;$*?#()`]")


def add_command(sub) -> None:
    de = sub.add_parser(COMMAND, help="add finpics to the desktop's application menu (for "
                        "this user)")
    de.add_argument("--remove", action="store_true", help="take it out of the menu again")


def launch_command() -> list[str]:
    """How the menu starts this installation: the bundle's executable, the console script of
    the environment finpics-desktop is installed in, or ``python -m finpics_desktop``."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    script = Path(sys.argv[0])
    if script.name == APP_ID and script.is_file():
        return [str(script.absolute())]
    return [sys.executable, "-m", "finpics_desktop"]


def exec_line(argv: list[str]) -> str:
    """``Exec=`` value: arguments with reserved characters double-quoted, ``"`$\\`` escaped
    inside quotes with a backslash that is itself escaped as the file's strings are, ``%``
    doubled (Desktop Entry Specification, "The Exec key")."""

    def quote(arg: str) -> str:
        arg = arg.replace("%", "%%")
        if not _RESERVED.search(arg):
            return arg
        return '"' + re.sub(r'(["`$\\])', r"\\\\\1", arg) + '"'

    return " ".join(quote(a) for a in argv)


def _targets(data_home: Path) -> dict[Path, Path]:
    """Installed file -> shipped file."""
    hicolor = resource("icons", "hicolor")
    targets = {data_home / "applications" / f"{APP_ID}.desktop": resource(f"{APP_ID}.desktop")}
    for icon in sorted(hicolor.rglob(f"{APP_ID}.*")):
        targets[data_home / "icons" / "hicolor" / icon.relative_to(hicolor)] = icon
    return targets


def install(data_home: Path, command: list[str]) -> list[Path]:
    written = []
    for target, source in _targets(data_home).items():
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.suffix == ".desktop":
            text = source.read_text(encoding="utf-8")
            text = re.sub(r"(?m)^Exec=.*$", lambda _: f"Exec={exec_line(command)}", text)
            text = re.sub(r"(?m)^TryExec=.*$", lambda _: f"TryExec={command[0]}", text)
            target.write_text(text, encoding="utf-8")
        else:
            shutil.copyfile(source, target)
        written.append(target)
    return written


def remove(data_home: Path) -> list[Path]:
    removed = [t for t in _targets(data_home) if t.is_file()]
    for target in removed:
        target.unlink()
    return removed


def _refresh_menus(data_home: Path) -> None:
    """Desktops that cache the menu or the icons notice the change (the tools are optional)."""
    for tool, args in (("update-desktop-database", [data_home / "applications"]),
                       ("gtk-update-icon-cache", ["-q", "-t", data_home / "icons" / "hicolor"])):
        if shutil.which(tool) and Path(args[-1]).is_dir():
            subprocess.run([tool, *map(str, args)], capture_output=True, check=False)


def cmd_install_desktop_entry(args) -> int:
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    if args.remove:
        changed = remove(data_home)
        verb = "removed"
    else:
        changed = install(data_home, launch_command())
        verb = "installed"
    _refresh_menus(data_home)
    for path in changed:
        print(f"{verb} {path}", file=sys.stderr)
    if not args.remove:
        print("finpics is in the desktop's application menu (Graphics / Photography)",
              file=sys.stderr)
    return 0
