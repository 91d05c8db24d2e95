"""``finpics-desktop``: with no command it opens the window; sub-commands do the same jobs
headless, through the same application layer (``app/``) the window calls."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from pathlib import Path

from finpics_desktop import __version__, desktop_entry
from finpics_desktop.app.album import Album
from finpics_desktop.app.albums import check_writable, open_album
from finpics_desktop.app.browse import list_photos, list_picsets
from finpics_desktop.app.errors import describe_error
from finpics_desktop.app.notes import older_faces_note
from finpics_desktop.app.options import Options
from finpics_desktop.app.publish import plan_publish
from finpics_desktop.app.search import search_by_face
from finpics_desktop.cli import same_content
from finpics_desktop.cli.args import (
    EXIT_CODES,
    EXIT_FAILED,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_USAGE,
    MAX_WORKERS,
    Parser,
    check_arguments,
    exit_code,
)
from finpics_desktop.cli.audit import AUDIT_COMMANDS, add_audit_command
from finpics_desktop.cli.cloud import (
    CLOUD_COMMANDS,
    add_aws_options,
    add_cloud_commands,
    options_from,
)
from finpics_desktop.cli.curate import (
    CURATION_COMMANDS,
    add_curation_commands,
    check_curation_arguments,
    cmd_push,
)
from finpics_desktop.cli.people import PEOPLE_COMMANDS, add_people_commands
from finpics_desktop.cli.pull import add_pull_command, cmd_pull
from finpics_desktop.cli.similar import add_command as add_similar_command
from finpics_desktop.cli.similar import check_arguments as check_similar_arguments
from finpics_desktop.cli.similar import cmd_similar
from finpics_desktop.cli.tagged_names import NAMES_COMMANDS, add_names_commands, print_names
from finpics_desktop.compose import BACKENDS, default_library
from finpics_desktop.domain.bands import MAYBE, SURE
from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.domain.matches import error_payload, to_payload
from finpics_desktop.domain.picsets import PICSET_ROOT, title_of
from finpics_desktop.pipeline.check import check
from finpics_desktop.pipeline.people.reindex import reindex
from finpics_desktop.pipeline.publish.journal import target_of
from finpics_desktop.pipeline.publish.upload import CONFLICT_CHOICES, FAILED, plan_files
from finpics_desktop.ports import Processing

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="finpics-desktop",
        description="Curate a face-searchable finpics photo album. Without a command, opens "
        "the window.",
        epilog=EXIT_CODES,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--library", type=Path, metavar="DIR",
                        help="the local library folder (default: $FINPICS_LIBRARY or the "
                        "platform's user data folder)")
    parser.add_argument("--backend", choices=BACKENDS, default="local",
                        help="where the album lives (default: local)")
    parser.add_argument("--threshold", type=float, metavar="0-100",
                        help="the similarity from which a face match is sure (default: the "
                        "engine's measured cut, docs/benchmarks.md; or $FINPICS_THRESHOLD)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="log what happens (and the details of an unexpected error)")
    parser.add_argument("--smoke", action="store_true", help=argparse.SUPPRESS)  # packaging
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_aws_options(parser)
    add_cloud_commands(sub)
    desktop_entry.add_command(sub)
    add_curation_commands(sub)
    add_pull_command(sub)

    up = sub.add_parser("upload", help="publish a folder of photos as a picset")
    up.add_argument("folder", type=Path, help="folder (or photo file) to publish")
    up.add_argument("--title", metavar="TITLE",
                    help="the new picset's title, as the site shows it (default: the folder's "
                    "name as written); its id is the next number and the title")
    up.add_argument("--picset", metavar="ID",
                    help="publish into this picset id (an existing one, or a new one)")
    up.add_argument("--on-conflict", choices=CONFLICT_CHOICES, default=None,
                    help="a photo of the same name but different content is already in the "
                    "picset: fail (default: report it, change nothing), replace it, or "
                    "rename the new one (name-2.jpg)")
    up.add_argument("--replace", action="store_true", help="same as --on-conflict replace")
    up.add_argument("--no-resume", action="store_true",
                    help="start a new job even if the same upload was interrupted")
    up.add_argument("--workers", type=int, default=None, metavar="N",
                    help=f"photos processed at once (1-{MAX_WORKERS})")
    up.add_argument("--keep-location", action="store_true",
                    help="publish the photos' GPS location to the cloud too (by default the "
                    "published copy has it removed; the files are never changed)")
    same_content.add_option(up)

    ps = sub.add_parser("picsets", help="list the picsets, newest first")
    ps.add_argument("--json", action="store_true",
                    help='[{"id", "title", "name", "cover"}] (name: the same as title)')

    ph = sub.add_parser("photos", help="list the photos of a picset (exit code 3 if there is no "
                        "such picset)")
    ph.add_argument("picset", metavar="PICSET")
    ph.add_argument("--json", action="store_true", help="the table items, contract shape")

    ck = sub.add_parser("check", help="find what a crash or a manual edit left inconsistent")
    ck.add_argument("--repair", action="store_true",
                    help="fix every problem found; a damaged library database is moved aside "
                    "and rebuilt from the originals and thumbnails")
    ck.add_argument("--json", action="store_true", help="machine-readable output")

    ri = sub.add_parser("reindex", help="index the faces of photos again with the current face "
                        "engine (photos an older version of the app indexed), carrying "
                        "people's names over")
    ri.add_argument("--picset", metavar="ID", help="only this picset (default: the album)")
    ri.add_argument("--all", action="store_true",
                    help="every photo, not only those of an older engine (also on the cloud); "
                    "a run interrupted goes on where it stopped")
    ri.add_argument("--restart", action="store_true",
                    help="with --all: start over, re-indexing also the photos an interrupted "
                    "run did")
    ri.add_argument("--json", action="store_true", help="machine-readable report")

    se = sub.add_parser("search", help="every other photo of the person with this face: the "
                        "sure ones, never of another person (exit code 3 if there is none); a "
                        "named face searches with the person")
    se.add_argument("faceid", metavar="FACEID")
    se.add_argument("--maybe", action="store_true",
                    help="the maybes too (perhaps the same person), after the sure ones")
    se.add_argument("--json", action="store_true",
                    help="the search function's payload (each entry's \"band\": \"sure\" or "
                         "\"maybe\")")
    add_people_commands(sub)
    add_audit_command(sub)
    add_names_commands(sub)
    add_similar_command(sub)
    return parser


def _print_json(value) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def cmd_upload(backend, args) -> int:
    check_writable(backend, "publishing into it")
    photos, skipped = plan_files([args.folder])
    if not photos:
        for result in skipped:
            print(f"skipped {result.line()}", file=sys.stderr)
        print(f"finpics-desktop: nothing to publish in {args.folder}: no .jpg, .jpeg or .png "
              "photo", file=sys.stderr)
        return EXIT_NOT_FOUND
    album = Album(backend, remove_location=not args.keep_location)
    with album.journal(args.library) as journal:
        return _upload(album, args, journal)


def _upload(album: Album, args, journal) -> int:
    backend = album.backend
    if journal.notice:
        print(f"finpics-desktop: note: {journal.notice}", file=sys.stderr)
    plan = plan_publish(backend, journal, [args.folder], picset=args.picset,
                        on_conflict=args.on_conflict or ("replace" if args.replace else None),
                        resume=not args.no_resume, title=args.title)
    if note := plan.title_note(args.title):
        print(f"finpics-desktop: note: {note}", file=sys.stderr)
    if (plan := same_content.settle(album, plan, args.same_content)) is None:
        print("finpics-desktop: nothing published", file=sys.stderr)
        return EXIT_OK
    job = album.publishing(plan, journal, workers=args.workers)
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
        line = f"[{finished}/{total}] {result.status:9} {result.name}{detail}\n"
        sys.stderr.write(line)  # one write: lines of the job's threads never run into each other

    previous = signal.signal(signal.SIGINT, lambda *_: job.cancel())  # Ctrl+C: clean stop
    try:
        report = job.run(progress, lambda picset: print(
            f"publishing {args.folder} as picset \u201c{title_of(picset)}\u201d ({picset}) ...",
            file=sys.stderr))
    finally:
        signal.signal(signal.SIGINT, previous)
    for result in report.with_status("skipped"):
        print(f"skipped {result.line()}", file=sys.stderr)
    for result in report.with_status(FAILED):
        print(f"FAILED {result.line()}", file=sys.stderr)
    print(report.summary(), file=sys.stderr)
    print_names(report)  # the names other apps wrote, taken (and the conflicts, not)
    if report.stopped:  # storage that cannot be written: what is wrong and what to do
        print(f"finpics-desktop: {report.stopped}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_check(backend, args) -> int:
    if args.repair:
        check_writable(backend, "repairing it")
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
        _print_json([{"id": p.picset, "title": p.title, "name": p.title, "cover": p.cover}
                     for p in picsets])
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
    if not photos and backend.tables.get_pics_item(PICSET_ROOT, args.picset) is None:
        print(f"finpics-desktop: no picset {args.picset} in the album (`finpics-desktop picsets` "
              "lists them)", file=sys.stderr)
        return EXIT_NOT_FOUND
    return EXIT_OK


def cmd_reindex(backend, args) -> int:
    cancel = threading.Event()

    def progress(change, finished, total):
        failed = "FAILED " if change.error else ""
        print(f"[{finished}/{total}] {failed}{change.line()}", file=sys.stderr)

    previous = signal.signal(signal.SIGINT, lambda *_: cancel.set())  # Ctrl+C: clean stop
    try:
        report = reindex(backend, args.picset, progress, cancel, every=args.all,
                         restart=args.restart)
    finally:
        signal.signal(signal.SIGINT, previous)
    if args.json:
        _print_json(report.as_json())
    print(report.summary(), file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_search(backend, args) -> int:
    try:
        found = search_by_face(backend, args.faceid)
    except FinpicsError as e:
        if args.json:
            _print_json(error_payload(str(e)))
        print(f"finpics-desktop: search failed: {describe_error(e, command_line=True)}",
              file=sys.stderr)
        return EXIT_FAILED
    matches = [m for m in found.matches if args.maybe or m.band == SURE]
    if found.person is not None:
        print(f"finpics-desktop: photos of {found.title}", file=sys.stderr)
    if args.json:
        payload = to_payload(matches)
        if found.person is not None:  # keys added for a person's search, none changed
            payload["person"] = {"name": found.person.person.name, "faces": found.person.faces}
            for entry, match in zip(payload["output"], matches, strict=True):
                entry["named"] = match.image_path in found.named
        _print_json(payload)
    else:
        for match in matches:
            print(f"{match.similarity:6.1f}  {match.image_path}"
                  + ("  (maybe)" if match.band == MAYBE else ""))
    if not matches:
        print("finpics-desktop: no other photo of this face", file=sys.stderr)
        return EXIT_NOT_FOUND
    return EXIT_OK


COMMANDS = {"upload": cmd_upload, "picsets": cmd_picsets, "photos": cmd_photos,
            "search": cmd_search, "check": cmd_check, "reindex": cmd_reindex,
            **PEOPLE_COMMANDS, **CURATION_COMMANDS, **AUDIT_COMMANDS, **NAMES_COMMANDS}
NO_BACKEND_COMMANDS = {**CLOUD_COMMANDS, "push": cmd_push, "pull": cmd_pull,
                       "similar": cmd_similar,
                       desktop_entry.COMMAND:
                       lambda args, _options: desktop_entry.cmd_install_desktop_entry(args)}


def launch_window(options: Options, smoke: bool = False) -> int:
    try:
        from finpics_desktop.ui.app import run
    except ImportError:
        build_parser().print_help()
        return 0
    return run(options, smoke=smoke)


def main(argv: list[str] | None = None) -> int:
    """Run one command; every error ends as one line on stderr and an exit code (EXIT_CODES),
    never a traceback (``-v`` logs the details of an unexpected one)."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return _run(args)
    except KeyboardInterrupt:
        print("finpics-desktop: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of stdout went away (`| head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    except FinpicsError as e:
        print(f"finpics-desktop: {describe_error(e, command_line=True)}", file=sys.stderr)
        return exit_code(e)
    except Exception as e:  # a bug or an unforeseen failure: one line, details with -v
        if args.verbose:
            log.exception("unexpected error")
        print(f"finpics-desktop: unexpected error: {type(e).__name__}: {e}"
              + ("" if args.verbose else " (run with -v for the details)"), file=sys.stderr)
        return EXIT_FAILED


def _run(args) -> int:
    options = options_from(args)
    if args.command is None:
        return launch_window(options, args.smoke)
    check_arguments(args)
    check_curation_arguments(args)
    check_similar_arguments(args)
    if args.command in NO_BACKEND_COMMANDS:
        return NO_BACKEND_COMMANDS[args.command](args, options)
    try:
        backend = _open(args, options)
    except FinpicsError as e:  # the command cannot start: bad settings or unusable storage
        print(f"finpics-desktop: {describe_error(e, command_line=True)}", file=sys.stderr)
        return EXIT_USAGE
    note = older_faces_note(backend) if args.command != "reindex" else None
    if note:
        print(f"note: {note}", file=sys.stderr)
    try:
        return COMMANDS[args.command](backend, args)
    finally:
        backend.close()


def _open(args, options: Options):
    """The backend of the command. ``check --repair`` on a library whose database is damaged
    moves the database aside first: the repair then rebuilds it from the originals and
    thumbnails, the album's source of truth."""
    if args.command == "check" and args.repair and args.backend == "local":
        from finpics_desktop.backends.local.library import damaged_database, set_aside

        root = args.library or default_library()
        problem = damaged_database(root)
        if problem:
            aside = set_aside(root)
            print(f"finpics-desktop: the library database was damaged ({problem}): moved it "
                  f"aside to {aside}; rebuilding it from the originals and thumbnails (every "
                  "original is processed again)", file=sys.stderr)
    return open_album(options)


if __name__ == "__main__":
    sys.exit(main())
