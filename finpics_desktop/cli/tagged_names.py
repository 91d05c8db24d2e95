"""``import-names``: the names other apps wrote, taken for photos published before;
``export-names``: the album's names written back as XMP sidecars beside the files its photos
were published from; and the lines ``upload`` prints about the names other apps wrote."""

from __future__ import annotations

import json
import sys

from finpics_desktop.app import tagged_names
from finpics_desktop.cli.args import EXIT_FAILED, EXIT_NOT_FOUND, EXIT_OK, picset_id
from finpics_desktop.domain.errors import NotFound
from finpics_desktop.pipeline.people.tagged_names import ALREADY


def add_names_commands(sub) -> None:
    im = sub.add_parser("import-names", help="name the faces other apps named (MWG and "
                        "Microsoft regions in the photos or their .xmp sidecars, Picasa's "
                        ".picasa.ini) in photos published before, from the files they were "
                        "published from; conflicts with the album's names are listed, not "
                        "applied (publishing does this by itself)")
    im.add_argument("picset", metavar="PICSET", nargs="?", type=picset_id,
                    help="only this picset (default: every picset)")
    im.add_argument("--json", action="store_true",
                    help='{"taken": [{"image_path", "name", "kind", "source", "outcome", '
                    '"face_id", "reason"}], "problems": [...]} (outcome: "named", "region", '
                    '"already" or "conflict")')
    ex = sub.add_parser("export-names", help="write the album's names as XMP sidecars "
                        "(MWG face regions, photo.jpg.xmp) beside the files its photos were "
                        "published from, for digiKam, Lightroom, exiftool; never into a photo")
    ex.add_argument("picset", metavar="PICSET", nargs="?", type=picset_id,
                    help="only this picset (default: every picset)")
    ex.add_argument("--json", action="store_true",
                    help='[{"image_path", "outcome", "names", "sidecar", "reason"}] (outcome: '
                    '"written" or "not written")')


def _no_picset(e: NotFound) -> int:
    print(f"finpics-desktop: {e}", file=sys.stderr)
    return EXIT_NOT_FOUND


def cmd_export_names(backend, args) -> int:
    try:
        done = tagged_names.export(backend, args.picset, getattr(args, "library", None))
    except NotFound as e:
        return _no_picset(e)
    if args.json:
        json.dump([d.as_json() for d in done], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        for exported in done:
            print(exported.line())
    written = sum(d.outcome == "written" for d in done)
    print(f"wrote {written} sidecar(s)" + (f"; {len(done) - written} photo(s) not written"
                                           if written < len(done) else "")
          + ("" if done else ": no photo of the album has a name yet"), file=sys.stderr)
    return EXIT_OK if written == len(done) else EXIT_FAILED


def cmd_import_names(backend, args) -> int:
    try:
        names = tagged_names.take(backend, args.picset, getattr(args, "library", None))
    except NotFound as e:
        return _no_picset(e)
    if args.json:
        json.dump(names.as_json(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    _print_names(names)
    return EXIT_OK  # (conflicts and files not read are listed: nothing failed)


def print_names(report) -> None:
    """What ``upload`` says of the names other apps wrote with the photos (stderr)."""
    _print_names(report.names)


def _print_names(names) -> None:
    if names is None:
        return
    for taken in names.taken:
        if taken.outcome != ALREADY:
            print(taken.line(), file=sys.stderr)
    for problem in names.problems:
        print(f"note: {problem}", file=sys.stderr)
    if names.summary():
        print(names.summary(), file=sys.stderr)


NAMES_COMMANDS = {"import-names": cmd_import_names, "export-names": cmd_export_names}
