"""``finpics-desktop``: with no command it opens the window; sub-commands do the same jobs
headless, through the same pipeline calls the window makes."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from pathlib import Path

from finpics_desktop import __version__
from finpics_desktop.cli_cloud import (
    CLOUD_COMMANDS,
    add_aws_options,
    add_cloud_commands,
    backend_options,
    cloud_workers,
    names_from,
)
from finpics_desktop.compose import BACKENDS, open_backend
from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.domain.picsets import PICSET_ROOT, display_name, new_picset_id
from finpics_desktop.pipeline.check import check
from finpics_desktop.pipeline.journal import journal_for, target_of
from finpics_desktop.pipeline.reindex import reindex, upgrade_notice
from finpics_desktop.pipeline.upload import CONFLICT_CHOICES, FAILED, Publisher


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

    ri = sub.add_parser("reindex", help="index the faces of photos again with the current face "
                        "engine (photos an older version of the app indexed)")
    ri.add_argument("--picset", metavar="ID", help="only this picset (default: the library)")
    ri.add_argument("--json", action="store_true", help="machine-readable report")

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
    target, sources = target_of(backend), [args.folder.absolute()]
    job = None if args.no_resume else journal.find_resumable(target, sources, args.picset)
    last = journal.last_job(target, sources) if not (job or args.picset) else None
    if last and not journal.is_live(last.id) and backend.tables.get_pics_item(
            PICSET_ROOT, last.picset) is None:
        last = None  # else the folder was published before: into the same picset, not a new one
    picset = job.picset if job else args.picset or (last and last.picset) or new_picset_id(
        args.folder.resolve().name if args.folder.is_dir() else args.folder.resolve().parent.name,
        [i["sortkey"] for i in backend.tables.query_pics(PICSET_ROOT)])
    on_conflict = args.on_conflict or ("replace" if args.replace else None) or (
        job.on_conflict if job else "fail")
    publisher = Publisher.for_backend(backend, journal, on_conflict=on_conflict,
                                      workers=args.workers or cloud_workers(backend))
    if job:
        print(f"resuming interrupted upload {job.describe()}", file=sys.stderr)
    for other in journal.unfinished_jobs(target):
        if not job or other.id != job.id:
            print(f"note: interrupted upload {other.describe()}; run the same upload command "
                  "again to resume it", file=sys.stderr)
    print(f"publishing {args.folder} as picset {picset} ...", file=sys.stderr)

    def progress(result, finished, total):
        faces = (" (the cloud finds the faces)" if backend.process is None
                 else f" ({result.faces} face(s))")
        detail = faces if result.status == "done" else (
            f": {result.reason}" if result.reason else "")
        print(f"[{finished}/{total}] {result.status:9} {result.name}{detail}", file=sys.stderr)

    previous = signal.signal(signal.SIGINT, lambda *_: publisher.cancel())  # Ctrl+C: clean stop
    try:
        report = publisher.publish(sources, picset, progress, job_id=job.id if job else None)
    finally:
        signal.signal(signal.SIGINT, previous)
        journal.close()
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
    entries = [
        {"id": i["sortkey"], "name": display_name(i["sortkey"]),
         "cover": f"photos/{i['sortkey']}/{i['pic']}" if i.get("pic") else None}
        for i in backend.tables.query_pics(PICSET_ROOT, descending=True)
    ]
    if args.json:
        _print_json(entries)
    else:
        for e in entries:
            print(f"{e['id']:32} {e['name']}")
    return 0


def cmd_photos(backend, args) -> int:
    photos = backend.tables.query_pics(args.picset)
    if args.json:
        _print_json(photos)
    else:
        for p in photos:
            print(f"{p['sortkey']:40} {len(p['data'].get('FaceRecords', []))} face(s)")
    return 0


def cmd_reindex(backend, args) -> int:
    cancel = threading.Event()

    def progress(change, finished, total):
        failed = "FAILED " if change.error else ""
        print(f"[{finished}/{total}] {failed}{change.line()}", file=sys.stderr)

    previous = signal.signal(signal.SIGINT, lambda *_: cancel.set())  # Ctrl+C: clean stop
    try:
        report = reindex(backend, args.picset, progress, cancel)
    finally:
        signal.signal(signal.SIGINT, previous)
    if args.json:
        _print_json(report.as_json())
    print(report.summary(), file=sys.stderr)
    return 0 if report.ok else 1


def note_old_faces(backend) -> None:
    """Once per library: its faces of an older engine would match better re-indexed."""
    try:
        note = upgrade_notice(backend)
    except FinpicsError as e:  # only advice: never in the way of the command
        logging.getLogger(__name__).info("cannot tell about older faces: %s", e)
        return
    if note:
        print(f"note: {note}", file=sys.stderr)


def cmd_search(backend, args) -> int:
    payload = backend.search(args.faceid)
    if args.json:
        _print_json(payload)
    elif payload["statusCode"] == 200:
        for entry in payload["output"]:
            print(f"{entry.get('similarity', 0):6.1f}  {entry['image_path']}")
    if payload["statusCode"] != 200:
        print(f"finpics-desktop: search failed: {payload['err']}", file=sys.stderr)
        return 1
    return 0


COMMANDS = {"upload": cmd_upload, "picsets": cmd_picsets, "photos": cmd_photos,
            "search": cmd_search, "check": cmd_check, "reindex": cmd_reindex}


def launch_window(args) -> int:
    try:
        from finpics_desktop.ui.app import run
    except ImportError:
        build_parser().print_help()
        return 0
    return run(library=args.library, backend=args.backend)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if args.command is None:
        return launch_window(args)
    if args.command in CLOUD_COMMANDS:
        try:
            return CLOUD_COMMANDS[args.command](args)
        except FinpicsError as e:
            print(f"finpics-desktop: {e}", file=sys.stderr)
            return 1
    try:
        backend = open_backend(args.backend, args.library, names_from(args),
                               threshold=args.threshold, **backend_options(args))
    except FinpicsError as e:
        print(f"finpics-desktop: {e}", file=sys.stderr)
        return 2
    if args.command != "reindex":
        note_old_faces(backend)
    try:
        return COMMANDS[args.command](backend, args)
    except FinpicsError as e:
        print(f"finpics-desktop: {e}", file=sys.stderr)
        return 1
    finally:
        backend.close()


if __name__ == "__main__":
    sys.exit(main())
