"""``pull PICSET``: a cloud picset brought into the library (``--library``) with its photos and
names (:mod:`~finpics_desktop.app.pull`); one line per photo as it comes, then what the names
did, on stderr; ``--json`` prints the outcome."""

from __future__ import annotations

import json
import signal
import sys
import threading
from dataclasses import replace

from finpics_desktop.app.album import Album
from finpics_desktop.app.albums import open_cloud, open_library
from finpics_desktop.app.errors import describe_error
from finpics_desktop.app.options import CloudOptions, Options
from finpics_desktop.app.pull import NoSuchPicset, bring_picset
from finpics_desktop.cli.args import EXIT_FAILED, EXIT_NOT_FOUND, EXIT_OK, picset_id


def add_pull_command(sub) -> None:
    pl = sub.add_parser("pull", help="bring a picset of the finpics cloud (the AWS options) "
                        "into the library (--library) with its photos and names, linked to "
                        "its cloud copy (a second computer; an album the original scripts "
                        "made); again: only what is missing, and the names changed since")
    pl.add_argument("picset", metavar="PICSET")
    pl.add_argument("--json", action="store_true",
                    help='{"picset", "new", "present", "cover", "names", "conflicts", '
                    '"not_carried"}')


def cmd_pull(args, options: Options) -> int:
    args.picset = picset_id(args.picset)
    library = open_library(replace(options, cloud=CloudOptions()))
    try:
        cloud = open_cloud(options.cloud)
        try:
            cancel = threading.Event()
            signal.signal(signal.SIGINT, lambda *_: cancel.set())
            report = bring_picset(Album(library), Album(cloud), args.picset,
                                  on_result=_progress, cancel=cancel)
        except NoSuchPicset as e:  # nothing found: an answer (exit 3), as `photos` gives it
            print(f"finpics-desktop: {describe_error(e, command_line=True)}", file=sys.stderr)
            return EXIT_NOT_FOUND
        finally:
            cloud.close()
    finally:
        library.close()
    if args.json:
        json.dump(report.as_json(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    for line in report.lines():
        print(line, file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_FAILED


def _progress(result, finished, total) -> None:
    detail = f": {result.reason}" if result.reason else ""
    sys.stderr.write(f"[{finished}/{total}] {result.status:9} {result.name}{detail}\n")
