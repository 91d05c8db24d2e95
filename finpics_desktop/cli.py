"""``finpics-desktop``: with no command it opens the window; sub-commands do the same jobs
headless, through the same application layer (``app/``) the window calls."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from pathlib import Path

from finpics_desktop import __version__
from finpics_desktop.app.albums import open_album
from finpics_desktop.app.browse import list_photos, list_picsets
from finpics_desktop.app.errors import describe_error
from finpics_desktop.app.options import Options
from finpics_desktop.app.publish import Publishing, plan_publish
from finpics_desktop.cli_cloud import (
    CLOUD_COMMANDS,
    add_aws_options,
    add_cloud_commands,
    options_from,
)
from finpics_desktop.compose import BACKENDS
from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.domain.matches import error_payload, to_payload
from finpics_desktop.pipeline.check import check
from finpics_desktop.pipeline.journal import journal_for, target_of
from finpics_desktop.pipeline.upload import CONFLICT_CHOICES, FAILED
from finpics_desktop.ports import Processing


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="finpics-desktop",
        description="Curate a face-searchable finpics photo album. Without a command, opens "
        "the window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--library", type=Path, metavar="DIR",
                        help="the local library folder (default: $FINPICS_LIBRARY or the "
                        "platform's user data folder)")
    parser.add_argument("--backend", choices=BACKENDS, default="local",
                        help="where the album lives (default: local)")
    parser.add_argument("--threshold", type=float, metavar="0-100",
                        help="face match threshold, Rekognition's meaning (local default: 80, "
                        "or $FINPICS_THRESHOLD)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_aws_options(parser)
    add_cloud_commands(sub)

    up = sub.add_parser("upload", help="publish a folder of photos as a picset")
    up.add_argument("folder", type=Path, help="folder (or photo file) to publish")
    up.add_argument("--picset", metavar="ID",
                    help="picset id (default: next number + the folder's name)")
    up.add_argument("--on-conflict", choices=CONFLICT_CHOICES, default=None,
                    help="a photo of the same name but different content is already in the "
                    "picset: fail (default: report it, change nothing), replace it, or "
                    "rename the new one (name-2.jpg)")
    up.add_argument("--replace", action="store_true", help="same as --on-conflict replace")
    up.add_argument("--no-resume", action="store_true",
                    help="start a new job even if the same upload was interrupted")
    up.add_argument("--workers", type=int, default=None, help="photos processed at once")

    ps = sub.add_parser("picsets", help="list the picsets, newest first")
    ps.add_argument("--json", action="store_true", help="machine-readable output")

    ph = sub.add_parser("photos", help="list the photos of a picset")
    ph.add_argument("picset", metavar="PICSET")
    ph.add_argument("--json", action="store_true", help="the table items, contract shape")

    ck = sub.add_parser("check", help="find what a crash or a manual edit left inconsistent")
    ck.add_argument("--repair", action="store_true", help="fix every problem found")
    ck.add_argument("--json", action="store_true", help="machine-readable output")

    se = sub.add_parser("search", help="every other photo of the person with this face")
    se.add_argument("faceid", metavar="FACEID")
    se.add_argument("--json", action="store_true", help="the search function's payload")
    return parser


def _print_json(value) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def cmd_upload(backend, args) -> int:
    if not args.folder.exists():
        print(f"finpics-desktop: {args.folder}: no such file or folder", file=sys.stderr)
        return 2
    journal = journal_for(backend, args.library)
    try:
        return _upload(backend, args, journal)
    finally:
        journal.close()


def _upload(backend, args, journal) -> int:
    plan = plan_publish(backend, journal, [args.folder], picset=args.picset,
                        on_conflict=args.on_conflict or ("replace" if args.replace else None),
                        resume=not args.no_resume)
    job = Publishing(backend, plan, journal, workers=args.workers)
    if plan.resume is not None:
        print(f"resuming interrupted upload {plan.resume.describe()}", file=sys.stderr)
    for other in journal.unfinished_jobs(target_of(backend)):
        if other.id != plan.resume_job:
            print(f"note: interrupted upload {other.describe()}; run the same upload command "
                  "again to resume it", file=sys.stderr)
    by_cloud = backend.processing is Processing.BY_CLOUD

    def progress(result, finished, total):
        faces = " (the cloud finds the faces)" if by_cloud else f" ({result.faces} face(s))"
        detail = (faces if result.status == "done" else "") + (
            f": {result.reason}" if result.reason else "")
        print(f"[{finished}/{total}] {result.status:9} {result.name}{detail}", file=sys.stderr)

    previous = signal.signal(signal.SIGINT, lambda *_: job.cancel())  # Ctrl+C: clean stop
    try:
        report = job.run(progress, lambda picset: print(
            f"publishing {args.folder} as picset {picset} ...", file=sys.stderr))
    finally:
        signal.signal(signal.SIGINT, previous)
    for result in report.with_status("skipped"):
        print(f"skipped {result.line()}", file=sys.stderr)
    for result in report.with_status(FAILED):
        print(f"FAILED {result.line()}", file=sys.stderr)
    print(report.summary(), file=sys.stderr)
    return 0 if report.ok else 1


def cmd_check(backend, args) -> int:
    report = check(backend, repair=args.repair)
    if args.json:
        _print_json(report.as_json())
    for problem in report.found:
        fixed = args.repair and problem not in report.remaining
        print(("repaired " if fixed else "") + problem.line(), file=sys.stderr)
    for error in report.errors:
        print(f"FAILED {error}", file=sys.stderr)
    print(report.summary(), file=sys.stderr)
    return 0 if report.ok else 1


def cmd_picsets(backend, args) -> int:
    picsets = list_picsets(backend)
    if args.json:
        _print_json([{"id": p.picset, "name": p.title, "cover": p.cover} for p in picsets])
    else:
        for p in picsets:
            print(f"{p.picset:32} {p.title}")
    return 0


def cmd_photos(backend, args) -> int:
    photos = list_photos(backend, args.picset)
    if args.json:
        _print_json([p.as_item() for p in photos])
    else:
        for p in photos:
            print(f"{p.name:40} {len(p.faces)} face(s)")
    return 0


def cmd_search(backend, args) -> int:
    try:
        matches = backend.search(args.faceid)
    except FinpicsError as e:
        if args.json:
            _print_json(error_payload(str(e)))
        print(f"finpics-desktop: search failed: {describe_error(e)}", file=sys.stderr)
        return 1
    if args.json:
        _print_json(to_payload(matches))
    else:
        for match in matches:
            print(f"{match.similarity:6.1f}  {match.image_path}")
    return 0


COMMANDS = {"upload": cmd_upload, "picsets": cmd_picsets, "photos": cmd_photos,
            "search": cmd_search, "check": cmd_check}


def launch_window(options: Options) -> int:
    try:
        from finpics_desktop.ui.app import run
    except ImportError:
        build_parser().print_help()
        return 0
    return run(options)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        options = options_from(args)
    except FinpicsError as e:
        print(f"finpics-desktop: {describe_error(e)}", file=sys.stderr)
        return 2
    if args.command is None:
        return launch_window(options)
    if args.command in CLOUD_COMMANDS:
        try:
            return CLOUD_COMMANDS[args.command](args, options)
        except FinpicsError as e:
            print(f"finpics-desktop: {describe_error(e)}", file=sys.stderr)
            return 1
    try:
        backend = open_album(options)
    except FinpicsError as e:
        print(f"finpics-desktop: {describe_error(e)}", file=sys.stderr)
        return 2
    try:
        return COMMANDS[args.command](backend, args)
    except FinpicsError as e:
        print(f"finpics-desktop: {describe_error(e)}", file=sys.stderr)
        return 1
    finally:
        backend.close()


if __name__ == "__main__":
    sys.exit(main())
