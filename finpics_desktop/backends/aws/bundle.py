"""The functions' deployment zip: the parts of this package the handlers import, plus Linux
wheels of Pillow for the Lambda runtime and architecture (boto3 comes with the runtime).

A wheel or bundle of finpics-desktop ships the zips of the default runtime, built with it
(``packaging/build_hooks.py``), so that deploying needs neither pip nor a compiler; a source
checkout builds one when it deploys."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import finpics_desktop
from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.shipped import resource

PACKAGE = Path(finpics_desktop.__file__).resolve().parent
LAMBDA_SOURCES = ("__init__.py", "ports.py", "shipped.py", "domain", "pipeline",
                  "backends/__init__.py", "backends/aws", "lambdas")
PLATFORMS = {"x86_64": "manylinux2014_x86_64", "arm64": "manylinux2014_aarch64"}
DEPENDENCIES = ("Pillow>=10.3",)
SHIPPED = (("python3.12", "x86_64"), ("python3.12", "arm64"))  # (runtime, architecture)
_EPOCH = (1980, 1, 1, 0, 0, 0)  # fixed timestamps: the same sources give the same zip


def _source_files() -> list[tuple[str, Path]]:
    files = []
    for entry in LAMBDA_SOURCES:
        path = PACKAGE / entry
        found = [path] if path.is_file() else sorted(path.rglob("*.py"))
        files += [(f"finpics_desktop/{p.relative_to(PACKAGE).as_posix()}", p) for p in found]
    return files


def install_dependencies(target: Path, runtime: str = "python3.12",
                         architecture: str = "x86_64") -> None:
    """pip-installs the manylinux wheels of the dependencies for the runtime into ``target``."""
    if architecture not in PLATFORMS:
        raise FinpicsError(f"unknown Lambda architecture {architecture!r} "
                           f"(choose from {', '.join(PLATFORMS)})")
    version = runtime.removeprefix("python")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--target", str(target), "--platform", PLATFORMS[architecture],
         "--implementation", "cp", "--python-version", version, "--only-binary=:all:",
         "--upgrade", *DEPENDENCIES],
        capture_output=True, text=True)
    if done.returncode != 0:
        raise FinpicsError(f"could not fetch the Linux wheels of {', '.join(DEPENDENCIES)} for "
                           f"{runtime}/{architecture}: {done.stderr.strip()[-500:]}")


def build_zip(target: Path, runtime: str = "python3.12", architecture: str = "x86_64",
              dependencies: bool = True) -> Path:
    """Writes the deployment zip to ``target``. Without ``dependencies`` only this package's
    code goes in (for the local stack, which runs the handlers in-process)."""
    if getattr(sys, "frozen", False):  # a bundle: no sources, and no Python to run pip with
        raise FinpicsError(
            f"this build of finpics-desktop has no functions' zip for {runtime}/{architecture} "
            "and cannot build one: deploy with "
            + " or ".join(f"--runtime {r} --architecture {a}" for r, a in SHIPPED)
            + ", or give a zip with --zip")
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="finpics-bundle-") as tmp:
        entries = _source_files()
        if dependencies:
            deps = Path(tmp) / "deps"
            install_dependencies(deps, runtime, architecture)
            entries += [(p.relative_to(deps).as_posix(), p) for p in sorted(deps.rglob("*"))
                        if p.is_file() and "__pycache__" not in p.parts
                        and not p.relative_to(deps).as_posix().startswith("bin/")]
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
            for name, path in sorted(entries):
                info = zipfile.ZipInfo(name, _EPOCH)
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, path.read_bytes())
    return target


def zip_name(runtime: str, architecture: str) -> str:
    return f"finpics-lambda-{runtime}-{architecture}.zip"


def shipped_zip(runtime: str, architecture: str) -> Path | None:
    """The zip built with this wheel or bundle for the runtime and architecture, if any."""
    path = resource("lambda", zip_name(runtime, architecture))
    return path if path.is_file() else None


def functions_zip(folder: Path, runtime: str = "python3.12", architecture: str = "x86_64", *,
                  code_only: bool = False, progress=None) -> Path:
    """The zip to deploy: the one shipped for the runtime and architecture, else one built now
    into ``folder``: with only this package's code if ``code_only`` (a local cloud runs the
    handlers in-process), else with Pillow's Linux wheels fetched with pip."""
    shipped = shipped_zip(runtime, architecture)
    if shipped is not None:
        return shipped
    if progress is not None:
        progress(f"building the functions' zip for {runtime}/{architecture} ...")
    return build_zip(Path(folder) / zip_name(runtime, architecture), runtime, architecture,
                     dependencies=not code_only)


def digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
