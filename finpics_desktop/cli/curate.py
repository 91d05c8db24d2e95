"""The curation commands: ``order``, ``cover``, ``rename``, ``move``, ``copy``, ``delete``,
``trash``, ``restore``, ``renumber`` (and ``push``, in :mod:`~finpics_desktop.cli_push`). Each
prints what it did on stderr (one line per photo as it goes), and refuses with one line naming
what and why, having changed nothing."""

from __future__ import annotations

import json
import signal
import sys
import threading
from dataclasses import replace

from finpics_desktop.app.album import Album
from finpics_desktop.app.albums import open_cloud, open_library
from finpics_desktop.app.browse import list_photos
from finpics_desktop.app.curate import Curator, OrderStep, Outcome
from finpics_desktop.app.options import CloudOptions, Options
from finpics_desktop.app.push import difference, publish_picset
from finpics_desktop.cli.args import EXIT_FAILED, EXIT_OK, picset_id, title
from finpics_desktop.domain.errors import InvalidValue
from finpics_desktop.domain.keys import validate_file_name
from finpics_desktop.domain.order import MAX_WIDTH
from finpics_desktop.domain.photo_order import BY
from finpics_desktop.domain.picsets import read_title, retitled_id


def add_curation_commands(sub) -> None:
    od = sub.add_parser("order", help="order the photos of a picset (the site shows them in "
                        "that order): by date taken, by name, or the photos named first")
    od.add_argument("picset", metavar="PICSET")
    how = od.add_mutually_exclusive_group(required=True)
    how.add_argument("--by", choices=BY, help="date: oldest first, photos without a date "
                     "taken last (by name); name: by file name")
    how.add_argument("--names", nargs="+", metavar="FILE",
                     help="these photos first, in this order; the others follow as they are")
    od.add_argument("--json", action="store_true",
                    help='{"picset", "order": [FILE...], "renamed": [{"from", "to"}]}')

    co = sub.add_parser("cover", help="feature a photo: the one the site shows for its picset")
    co.add_argument("picset", metavar="PICSET")
    co.add_argument("file", metavar="FILE")

    rn = sub.add_parser("rename", help="give a picset a new title (--title: its number is kept) "
                        "or a new id (NEW_ID: its title, its ordering number or both): every "
                        "key moves, faces are kept")
    rn.add_argument("picset", metavar="PICSET")
    rn.add_argument("new_id", metavar="NEW_ID", nargs="?")
    rn.add_argument("--title", metavar="TITLE",
                    help="the new title, as the site shows it (what an id cannot carry is "
                    "said first)")

    for verb, text in (("move", "move photos to another picset (their faces are kept)"),
                       ("copy", "copy photos into another picset (new photos: their faces are "
                        "indexed anew)")):
        mv = sub.add_parser(verb, help=text)
        mv.add_argument("photos", nargs="+", metavar="PICSET/FILE")
        mv.add_argument("--to", required=True, metavar="PICSET",
                        help="the picset they go to (made if it does not exist)")

    de = sub.add_parser("delete", help="move photos or whole picsets to the trash")
    de.add_argument("targets", nargs="+", metavar="PICSET[/FILE]")

    tr = sub.add_parser("trash", help="list what the trash holds (or empty it)")
    tr.add_argument("--json", action="store_true", help='[{"id", "what", "deleted_at"}]')
    tr.add_argument("--empty", action="store_true",
                    help="delete what the trash holds for good (faces included)")

    rs = sub.add_parser("restore", help="put back what the trash holds under TRASH_ID")
    rs.add_argument("trash_id", metavar="TRASH_ID")

    pu = sub.add_parser("push", help="publish a picset of the library (--library) to the "
                        "finpics cloud (the AWS options): the difference is shown first")
    pu.add_argument("picset", metavar="PICSET", help="a picset of the library; one deleted in "
                    "the library since its last push: its cloud copy goes to the cloud's trash")
    pu.add_argument("--dry-run", action="store_true", help="only show the difference")
    pu.add_argument("--keep-location", action="store_true",
                    help="publish the photos' GPS location too (by default the published copy "
                    "has it removed; the files of the library are never changed)")
    pu.add_argument("--json", action="store_true",
                    help='the difference as {"picset", "new", "changed", "deleted", '
                    '"unchanged", "cover", "new_picset", "cloud_picset", "renamed_to", '
                    '"photos_renamed", "cloud_changes", "choice", "carried", '
                    '"picset_deleted"}')
    changes = pu.add_mutually_exclusive_group()
    changes.add_argument("--keep-cloud-changes", dest="cloud_changes", action="store_const",
                         const="keep", help="what changed on the cloud since the last push "
                         "(another computer, a command on the cloud) stays as the cloud has it; "
                         "the library's own changes are pushed")
    changes.add_argument("--overwrite-cloud", dest="cloud_changes", action="store_const",
                         const="overwrite", help="what changed on the cloud since the last push "
                         "is brought back to the library's state (what the cloud added goes to "
                         "its trash)")

    ru = sub.add_parser("renumber", help="write every picset's ordering number with more "
                        "digits (when 999 is taken): each picset is renamed; run again, it "
                        "completes an interrupted one")
    ru.add_argument("--width", type=int, metavar="N",
                    help=f"digits, up to {MAX_WIDTH} (default: one more than the album's); "
                    "fewer than now undoes a renumbering, if every number fits")


def _photo(value: str) -> tuple[str, str]:
    picset, sep, name = value.partition("/")
    if not sep or not name:
        raise InvalidValue(f"{value!r}: give a photo as PICSET/FILE")
    return picset_id(picset), validate_file_name(name)


def check_curation_arguments(args) -> None:
    """Check and normalise the arguments (InvalidValue/InvalidName naming the argument)."""
    if args.command == "cover":
        args.picset, args.file = _photo(f"{args.picset}/{args.file}")
    elif args.command == "rename":
        args.picset, args.title = picset_id(args.picset), title(args.title)
        if (args.new_id is None) == (args.title is None):
            raise InvalidValue("rename: give the new id (NEW_ID) or the new title (--title "
                               "TITLE), one of them")
        args.new_id = (picset_id(args.new_id) if args.new_id is not None
                       else retitled_id(args.picset, args.title))
    elif args.command in ("move", "copy"):
        args.photos, args.to = [_photo(p) for p in args.photos], picset_id(args.to)
    elif args.command == "delete":
        args.targets = [("/".join(_photo(t)) if "/" in t else picset_id(t))
                        for t in args.targets]
    elif args.command == "order":
        args.picset = picset_id(args.picset)
        args.names = [validate_file_name(n) for n in args.names] if args.names else None
    elif args.command == "push":
        args.picset = picset_id(args.picset)
    elif args.command == "renumber" and args.width is not None and not (
            1 <= args.width <= MAX_WIDTH):
        raise InvalidValue(f"--width {args.width}: every picset's ordering number is written "
                           f"with the same number of digits, from 1 to {MAX_WIDTH} (at least "
                           "as many as the highest number needs), since the site sorts the ids "
                           "as text")
    elif args.command == "trash" and args.json and args.empty:
        raise InvalidValue("--json lists the trash, --empty empties it: give one")


def _curator(backend) -> Curator:
    curator = Curator(backend, progress=lambda line: print(line, file=sys.stderr))
    signal.signal(signal.SIGINT, lambda *_: curator.cancel.set())  # stops a wait for another
    return curator


def _done(outcome: Outcome) -> int:
    for line in outcome.completed:
        print(f"completed the interrupted {line}", file=sys.stderr)
    for line in outcome.failed:
        print(f"FAILED {line}", file=sys.stderr)
    print(outcome.summary, file=sys.stderr)
    return EXIT_OK if not outcome.failed else EXIT_FAILED


def cmd_cover(backend, args) -> int:
    return _done(_curator(backend).set_cover(args.picset, args.file))


def cmd_rename(backend, args) -> int:
    if args.title is not None and (note := read_title(args.title).note()):
        print(f"finpics-desktop: note: {note}", file=sys.stderr)
    return _done(_curator(backend).rename(args.picset, args.new_id))


def cmd_move(backend, args) -> int:
    return _done(_curator(backend).move(args.photos, args.to))


def cmd_copy(backend, args) -> int:
    return _done(_curator(backend).copy(args.photos, args.to))


def cmd_delete(backend, args) -> int:
    return _done(_curator(backend).delete(args.targets))


def cmd_order(backend, args) -> int:
    curator = _curator(backend)
    outcome = curator.order(args.picset, by=args.by, first=args.names)
    if args.json:
        renamed = [(new, old) for step in outcome.undo if isinstance(step, OrderStep)
                   for old, new in reversed(step.renames)]
        json.dump({"picset": args.picset,
                   "order": [p.name for p in list_photos(backend, args.picset)],
                   "renamed": [{"from": a, "to": b} for a, b in renamed]},
                  sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    return _done(outcome)


def cmd_restore(backend, args) -> int:
    return _done(_curator(backend).restore(args.trash_id))


def cmd_renumber(backend, args) -> int:
    return _done(_curator(backend).renumber(args.width))


def cmd_trash(backend, args) -> int:
    curator = _curator(backend)
    if args.empty:
        return _done(curator.empty_trash())
    entries = curator.trash()
    if args.json:
        json.dump([e.as_json() for e in entries], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        for e in entries:
            print(f"{e.id:24} {e.deleted_at:21} {e.what}")
    if not entries and not args.json:
        print("the trash is empty", file=sys.stderr)
    return EXIT_OK


def cmd_push(args, options: Options) -> int:
    """Two albums at once: the library (``--library``, its folders named as the contract's
    defaults) and the cloud (the AWS options, ``--name`` included)."""
    library = open_library(replace(options, cloud=CloudOptions()))
    try:
        cloud = open_cloud(options.cloud)
        try:
            return _push(library, cloud, args, options)
        finally:
            cloud.close()
    finally:
        library.close()


def _push(library, cloud, args, options: Options) -> int:
    library = Album(library)
    cloud = Album(cloud, remove_location=options.remove_location)
    plan = difference(library, cloud, args.picset, getattr(args, "cloud_changes", None))
    if args.json:
        json.dump(plan.as_json(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    for line in plan.lines():
        print(line, file=sys.stderr)
    if args.dry_run:
        return EXIT_OK
    if plan.needs_choice:
        print(f"error: {args.picset}: the cloud's copy changed since the last push (listed "
              "above): push again with --keep-cloud-changes to keep those changes, or with "
              "--overwrite-cloud to replace them with the library's (nothing was sent)",
              file=sys.stderr)
        return EXIT_FAILED
    cancel = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: cancel.set())  # the photos under way finish whole
    report = publish_picset(library, cloud, plan, on_result=_progress, cancel=cancel)
    if report.upload is not None:
        print(report.upload.summary(), file=sys.stderr)
    if report.renamed is not None:
        print(report.renamed.summary, file=sys.stderr)
    for outcome in report.carried:  # moved or copied from or to other picsets
        print(outcome.summary, file=sys.stderr)
    if report.deleted is not None:
        print(report.deleted.summary, file=sys.stderr)
    if report.cover_set:
        print(f"{plan.cover} is the featured photo", file=sys.stderr)
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    for line in report.people.lines() if report.people else ():  # the names carried
        print(line, file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_FAILED


def _progress(result, finished, total) -> None:
    detail = f": {result.reason}" if result.reason else ""
    sys.stderr.write(f"[{finished}/{total}] {result.status:9} {result.name}{detail}\n")


CURATION_COMMANDS = {"order": cmd_order, "cover": cmd_cover, "rename": cmd_rename, "move": cmd_move,
                     "copy": cmd_copy, "delete": cmd_delete, "trash": cmd_trash,
                     "restore": cmd_restore, "renumber": cmd_renumber}
