"""What finpics-desktop ships beside its code: the CloudFormation template, the icons, the
``.desktop`` file and, in a wheel or bundle, the functions' zips built with it.

In a wheel or bundle they are the package data ``finpics_desktop/resources/`` (read with
``importlib.resources``), which the build copies from the repository's ``resources/`` folder
(``packaging/build_hooks.py``); in a source checkout (an editable install) they are that folder.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

APP_ID = "finpics-desktop"  # the name of the .desktop file and of the app icon
_SOURCE_TREE = Path(__file__).resolve().parents[1] / "resources"


@cache
def resources() -> Path:
    """The folder of the shipped files (on disk: wheels and bundles are installed unpacked;
    found once: the window's ~20 icons each looked for it)."""
    packaged = Path(str(files("finpics_desktop") / "resources"))
    return packaged if packaged.is_dir() else _SOURCE_TREE


def resource(*parts: str) -> Path:
    return resources().joinpath(*parts)
