"""Build steps of the wheel and the bundle: the package data ``finpics_desktop/resources/``.

It is the repository's ``resources/`` folder (less the README's screenshots) plus the functions'
zips of the default Lambda runtime, built from the package's own sources and Pillow's
manylinux wheels (fetched with pip, which keeps them in its cache), so that an installed
finpics-desktop deploys without pip or a compiler:

- the wheel: setuptools runs :class:`BuildPy` (``[tool.setuptools.cmdclass]`` in
  ``pyproject.toml``; ``pip`` is a build requirement for the zips);
- the bundle: ``finpics-desktop.spec`` calls :func:`write_resources`.

An editable install gets neither: it reads ``resources/`` in place and builds a zip when it
deploys (``finpics_desktop/shipped.py``, ``finpics_desktop/backends/aws/bundle.py``).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from setuptools.command.build_py import build_py

REPO = Path(__file__).resolve().parents[1]
NOT_SHIPPED = ("screenshots",)


def write_resources(target: Path) -> Path:
    """Writes the package data into ``target`` (the package's ``resources`` folder)."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(REPO / "resources", target, ignore=shutil.ignore_patterns(*NOT_SHIPPED))
    sys.path.insert(0, str(REPO))
    try:
        from finpics_desktop.backends.aws.bundle import SHIPPED, build_zip, zip_name
    finally:
        sys.path.remove(str(REPO))
    for runtime, architecture in SHIPPED:
        build_zip(target / "lambda" / zip_name(runtime, architecture), runtime, architecture)
    return target


class BuildPy(build_py):
    def run(self) -> None:
        super().run()
        if not self.editable_mode:
            write_resources(Path(self.build_lib) / "finpics_desktop" / "resources")
