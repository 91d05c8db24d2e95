"""``similar``: near-duplicates (copies of one picture, series of frames of one moment) in a
folder or a picset, the best of each group with its reasons, and ``--keep-best``."""

from __future__ import annotations

import json
import signal
import sys
import threading
from pathlib import Path

from finpics_desktop.app import similar
from finpics_desktop.app.albums import open_album
from finpics_desktop.app.curate import Curator
from finpics_desktop.app.errors import describe_error
from finpics_desktop.app.options import Options
from finpics_desktop.cli.args import EXIT_FAILED, EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, picset_id
from finpics_desktop.domain.errors import FinpicsError, InvalidValue, NotFound

COMMAND = "similar"


def add_command(sub) -> None:
    si = sub.add_parser(COMMAND, help="find near-duplicates in a folder or a picset: copies of "
                        "one picture (re-saved, resized, cropped a little) and series of almost "
                        "alike frames, each group's best photo and why")
    si.add_argument("target", metavar="PICSET_OR_FOLDER",
                    help="a folder of photos (not published yet), or a picset of the album")
    si.add_argument("--json", action="store_true",
                    help='[{"kind": "copies" or "series", "members": [FILE...], "best": FILE, '
                    '"reasons": [TEXT...]}]')
    si.add_argument("--keep-best", action="store_true",
                    help="keep the best of each group of the picset and move the others to "
                    "the trash (`restore` brings them back)")


def check_arguments(args) -> None:
    if args.command != COMMAND:
        return
    folder = Path(args.target).expanduser()
    if folder.is_dir():
        if args.keep_best:
            raise InvalidValue(f"--keep-best works on a picset, not on the folder {folder} "
                               "(its files are never changed): publish it, then run "
                               "`similar PICSET --keep-best`")
        args.target = folder
    elif "/" in args.target or folder.exists():
        raise InvalidValue(f"{args.target}: no such folder (nor a picset id)")
    else:
        args.target = picset_id(args.target)


def cmd_similar(args, options: Options) -> int:
    cancel = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: cancel.set())
    if isinstance(args.target, Path):
        return _report(similar.in_folder(args.target, cancel=cancel), args)
    try:
        backend = open_album(options)
    except FinpicsError as e:  # the command cannot start: bad settings or unusable storage
        print(f"finpics-desktop: {describe_error(e, command_line=True)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        try:
            found = similar.in_picset(backend, args.target, cancel=cancel)
        except NotFound as e:
            print(f"finpics-desktop: {e}", file=sys.stderr)
            return EXIT_NOT_FOUND
        code = _report(found, args)
        if args.keep_best and not cancel.is_set():
            curator = Curator(backend, progress=lambda line: print(line, file=sys.stderr))
            outcome = similar.keep_best(curator, args.target, found)
            if outcome is not None:
                print(outcome.summary, file=sys.stderr)
                code = max(code, EXIT_FAILED if outcome.failed else EXIT_OK)
        return code
    finally:
        backend.close()


def _report(found: similar.Similar, args) -> int:
    if args.json:
        json.dump(found.as_json(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        for group in found.groups:
            print(f"{group.kind}: best {group.best} ({', '.join(group.reasons)}); "
                  f"others: {', '.join(group.others)}")
    for name, why in found.unreadable:
        print(f"skipped {name}: {why}", file=sys.stderr)
    print(found.summary(), file=sys.stderr)
    return EXIT_FAILED if found.unreadable else EXIT_OK
