"""What the command line accepts, checked before anything runs, and what its exit codes mean.

Plain functions of plain values (no argparse inside), so that the application layer can take
them over: each returns the value to use or raises
:class:`~finpics_desktop.domain.errors.InvalidValue` / ``InvalidName`` with one line saying
which argument is wrong and why. Nothing is opened, journaled or sent before they pass, so a
bad argument never leaves a job behind.
"""

from __future__ import annotations

import argparse
import os
import re
import unicodedata
from pathlib import Path

from finpics_desktop.domain.errors import InvalidName, InvalidValue, StorageError
from finpics_desktop.domain.picsets import validate_picset_id

EXIT_OK = 0  # done
EXIT_FAILED = 1  # something failed: a photo, a repair, a search, the cloud
EXIT_USAGE = 2  # bad arguments, or storage that cannot be used (full, read-only, damaged, locked)
EXIT_NOT_FOUND = 3  # nothing found: no such picset, no photo to publish, no matching face
EXIT_CODES = ("exit codes: 0 done; 1 something failed (a photo, a repair, a search); 2 bad "
              "arguments, or a library or journal that cannot be used (full, read-only, damaged, "
              "locked); 3 nothing found (no such picset, no photo to publish, no match)")
MAX_WORKERS = 64


class Parser(argparse.ArgumentParser):
    """argparse whose usage errors are one line (and exit code 2), like every other error."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def exit_code(error: BaseException) -> int:
    """The exit code of a command that ended with ``error``."""
    if isinstance(error, StorageError | InvalidName | InvalidValue):
        return EXIT_USAGE
    return EXIT_FAILED  # NotFound too: a missing table or bucket is a failure, not an answer


# -- values ------------------------------------------------------------------------------------
def picset_id(value: str) -> str:
    """A picset id as typed (NFC-normalised: a terminal may hand it over decomposed)."""
    return validate_picset_id(unicodedata.normalize("NFC", value))


def title(value: str | None, option: str = "--title") -> str | None:
    """A picset's title as typed (NFC: a terminal may hand it over decomposed)."""
    if value is None:
        return None
    if not value.strip():
        raise InvalidValue(f"{option} is empty: give the picset a title")
    return unicodedata.normalize("NFC", value.strip())


def workers(value: int | None) -> int | None:
    if value is not None and not 1 <= value <= MAX_WORKERS:
        raise InvalidValue(f"--workers: how many photos are processed at once, from 1 to "
                           f"{MAX_WORKERS}, not {value}")
    return value


def source(path: Path) -> Path:
    """A folder of photos (or one photo) to publish: it exists and can be read."""
    if not path.exists():
        raise InvalidValue(f"{path}: no such file or folder")
    if not (path.is_dir() or path.is_file()):
        raise InvalidValue(f"{path}: neither a folder nor a file (a device or a pipe?)")
    if not os.access(path, os.R_OK | (os.X_OK if path.is_dir() else 0)):
        raise InvalidValue(f"{path}: permission denied (it cannot be read)")
    return path


def existing_file(path: Path | None, option: str) -> Path | None:
    if path is not None and not path.is_file():
        raise InvalidValue(f"{option} {path}: " + (
            "is a folder, not a file" if path.is_dir() else "no such file"))
    return path


def port(value: int) -> int:
    if not 0 <= value <= 65535:
        raise InvalidValue(f"--port: a TCP port from 1 to 65535 (0: any free one), not {value}")
    return value


def runtime(value: str) -> str:
    if not re.fullmatch(r"python3\.[0-9]+", value, re.ASCII):
        raise InvalidValue(f"--runtime: a Lambda Python runtime like python3.12, not {value!r}")
    return value


def stack_name(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9-]{0,127}", value, re.ASCII):
        raise InvalidValue(f"--stack: a CloudFormation stack name (a letter, then letters, "
                           f"digits or '-', at most 128), not {value!r}")
    return value


def not_empty(value: str, what: str) -> str:
    if not value.strip():
        raise InvalidValue(f"{what} is empty")
    return value


# -- per command -------------------------------------------------------------------------------
def _upload(args) -> None:
    source(args.folder)
    if args.picset is not None:
        args.picset = picset_id(args.picset)
    args.title = title(args.title)
    if args.picset is not None and args.title is not None:
        raise InvalidValue("--picset names the picset, --title gives a new one's title: give "
                           "one (`finpics-desktop rename ID --title TITLE` retitles a picset)")
    workers(args.workers)
    if args.replace and args.on_conflict not in (None, "replace"):
        raise InvalidValue(f"--replace and --on-conflict {args.on_conflict} contradict "
                           "each other: give one")


def _picset_arg(args) -> None:
    args.picset = picset_id(args.picset)


def _reprocess(args) -> None:
    if args.picset is not None:
        args.picset = picset_id(args.picset)


def _search(args) -> None:
    not_empty(args.faceid, "FACEID")


def _deploy(args) -> None:
    existing_file(args.zip, "--zip")
    existing_file(args.template, "--template")
    runtime(args.runtime)
    stack_name(args.stack)


def _local_cloud(args) -> None:
    port(args.port)
    if args.rekognition_tps is not None and args.rekognition_tps < 0:
        raise InvalidValue(f"--rekognition-tps {args.rekognition_tps:g}: a number of calls a "
                           "second, 0 for no limit")


def _aws_keys(args) -> None:
    not_empty(args.account, "--account")


_CHECKS = {"upload": _upload, "photos": _picset_arg, "reprocess": _reprocess,
           "search": _search, "deploy": _deploy, "local-cloud": _local_cloud,
           "aws-keys": _aws_keys}


def check_arguments(args) -> None:
    """Check (and normalise in place) the arguments of ``args.command``; raises a
    FinpicsError naming the argument."""
    check = _CHECKS.get(args.command)
    if check is not None:
        check(args)


__all__ = ["EXIT_CODES", "EXIT_FAILED", "EXIT_NOT_FOUND", "EXIT_OK", "EXIT_USAGE", "Parser",
           "check_arguments", "exit_code"]
