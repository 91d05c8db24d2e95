"""The people commands: ``name``, ``unname``, ``people`` (and ``people ignore``, ``unignore``,
``ignored``: strangers), ``person``, ``suggest``, ``confirm``, ``reject``, ``merge``,
``rename-person``, ``hide``, ``clusters``, ``add-face``, ``remove-face``; thin wrappers of
:mod:`finpics_desktop.app.people`, the calls the window makes too. ``--json`` prints data in
the shapes of the README ("People"); ``--backend aws`` works the same on the cloud."""

from __future__ import annotations

import json
import signal
import sys
import threading

from finpics_desktop.app import people
from finpics_desktop.cli.args import EXIT_FAILED, EXIT_NOT_FOUND, EXIT_OK
from finpics_desktop.domain.batches import failure_line
from finpics_desktop.domain.errors import FinpicsError, InvalidValue, NoFaceFound, NotFound
from finpics_desktop.domain.matches import error_payload, to_payload
from finpics_desktop.pipeline.people.clusters import SEARCH_CHUNK, Searching

SAME_PHOTO_HELP = ("also when the person is named in that photo already (a person appears "
                   "once in a photo unless you say so)")


def add_people_commands(sub) -> None:
    nm = sub.add_parser("name", help="name a face (a new person if nobody has the name)")
    nm.add_argument("face_id", metavar="FACE_ID")
    nm.add_argument("person", metavar="NAME")
    nm.add_argument("--same-photo", action="store_true", help=SAME_PHOTO_HELP)

    un = sub.add_parser("unname", help="take a face from its person")
    un.add_argument("face_id", metavar="FACE_ID")

    pp = sub.add_parser("people", help="the people named in the album, most faces first")
    pp.add_argument("--hidden", action="store_true", help="the hidden people instead")
    pp.add_argument("--json", action="store_true", help='[{"name", "faces", "photos"}]')
    strangers = pp.add_subparsers(dest="strangers", metavar="{ignore,unignore,ignored}",
                                  required=False,
                                  help="strangers: faces ignored for good (never proposed, "
                                  "never among the unnamed faces)")
    ig = strangers.add_parser("ignore", help="ignore these faces (a stranger): never proposed, "
                              "never among the unnamed faces, still found by search")
    ig.add_argument("face_ids", metavar="FACE_ID", nargs="+")
    ui = strangers.add_parser("unignore", help="stop ignoring these faces")
    ui.add_argument("face_ids", metavar="FACE_ID", nargs="+")
    il = strangers.add_parser("ignored", help="the faces ignored, the latest first")
    il.add_argument("--json", action="store_true", help='[{"face_id", "image_path"}]')

    pe = sub.add_parser("person", help="the photos of a person, best first; of several "
                        "people, the photos where all of them appear (exit code 3 if nobody "
                        "has a name)")
    pe.add_argument("person", metavar="NAME", nargs="+")
    pe.add_argument("--only", action="store_true", help="only the photos where no one else "
                    "appears (no face named for another person, no face left unnamed)")
    pe.add_argument("--json", action="store_true", help="the search function's payload")

    sg = sub.add_parser("suggest", help="unnamed faces proposed for a person, best first: the "
                        "sure ones (--unsure: the ones the app is unsure of)")
    sg.add_argument("person", metavar="NAME")
    sg.add_argument("--unsure", action="store_true",
                    help="the proposals the app is unsure of (never confirmed silently)")
    sg.add_argument("--json", action="store_true",
                    help='[{"face_id", "image_path", "similarity"}]')

    for command, verb in (("confirm", "confirm proposed faces as this person's"),
                          ("reject", "these faces are not this person: never proposed again")):
        cr = sub.add_parser(command, help=verb)
        cr.add_argument("person", metavar="NAME")
        cr.add_argument("face_ids", metavar="FACE_ID", nargs="+")
        if command == "confirm":
            cr.add_argument("--same-photo", action="store_true", help=SAME_PHOTO_HELP)

    mg = sub.add_parser("merge", help="one person is another: every face of NAME becomes "
                        "INTO_NAME's")
    mg.add_argument("person", metavar="NAME")
    mg.add_argument("into", metavar="INTO_NAME")

    rp = sub.add_parser("rename-person", help="give a person another name")
    rp.add_argument("person", metavar="NAME")
    rp.add_argument("new_name", metavar="NEW_NAME")

    hd = sub.add_parser("hide", help="hide a person from the people list (faces stay named)")
    hd.add_argument("person", metavar="NAME")
    hd.add_argument("--undo", action="store_true", help="show them again")

    cl = sub.add_parser("clusters", help="the unnamed faces, grouped by who they look like")
    cl.add_argument("--json", action="store_true", help='[{"faces": [FACE_ID...], '
                    '"confident": true|false}]')

    af = sub.add_parser("add-face", help="index a face the detector missed, from its box "
                        "(ratios of the upright photo); prints its FaceId")
    af.add_argument("photo", metavar="PICSET/FILE")
    for side in ("left", "top", "width", "height"):
        af.add_argument(side, metavar=side.upper(), type=float)
    af.add_argument("--name", dest="person", metavar="NAME", help="name the face; when no "
                    "face can be found in the box, keep it as a region named NAME (shown with "
                    "the name, counted among their photos, never in a face search) and print "
                    "its id")

    rf = sub.add_parser("remove-face", help="remove a face from its photo (no face, or a "
                        "stranger): from the photo's items, the face index and its name; "
                        "`reindex` never brings it back. Also a region (its id, region-...)")
    rf.add_argument("face_id", metavar="FACE")
    rf.add_argument("--json", action="store_true",
                    help='{"face_id", "photo", "name", "kind": "face"|"region"}')


def _print_json(value) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def _outcomes(outcomes, done: str) -> int:
    failed = 0
    for outcome in outcomes:
        if outcome.error:
            failed += 1
            print(f"{outcome.face_id}: not {done} {outcome.person}: {outcome.error}",
                  file=sys.stderr)
        else:
            was = f" (was {outcome.previous})" if outcome.previous else ""
            print(f"{outcome.face_id}: {done} {outcome.person}{was}")
    return EXIT_FAILED if failed else EXIT_OK


def _found(command):
    """A person, face or photo that is not there: one line, exit code 3 (nothing found)."""
    def run(backend, args) -> int:
        try:
            return command(backend, args)
        except NotFound as e:
            print(f"finpics-desktop: {e}", file=sys.stderr)
            return EXIT_NOT_FOUND

    return run


def cmd_name(backend, args) -> int:
    outcome = people.name_face(backend, args.face_id, args.person,
                                   same_photo=args.same_photo)
    return _outcomes([outcome], "named")


def cmd_unname(backend, args) -> int:
    was = people.unname(backend, args.face_id)
    if was is None:
        raise NotFound(f"face {args.face_id} has no name")
    print(f"{args.face_id}: no longer {was}")
    return EXIT_OK


def cmd_people(backend, args) -> int:
    if getattr(args, "strangers", None):
        return _strangers(backend, args)
    found = people.list_people(backend, hidden=args.hidden)
    if args.json:
        _print_json([{"name": p.person.name, "faces": p.faces, "photos": p.photos}
                     for p in found])
    else:
        for p in found:
            print(f"{p.person.name:40} {p.faces:5} face(s) {p.photos:5} photo(s)")
    return EXIT_OK


def _strangers(backend, args) -> int:
    """``people ignore|unignore FACE_ID...``, ``people ignored [--json]``."""
    if args.strangers == "ignored":
        found = people.ignored_faces(backend)
        if args.json:
            _print_json([{"face_id": f.face_id, "image_path": f.image_path}  # json-output
                         for f in found])
        else:
            for f in found:
                print(f"{f.face_id}  {f.image_path}")
        return EXIT_OK
    call = people.ignore if args.strangers == "ignore" else people.unignore
    done, refused = (("ignored", "not ignored") if args.strangers == "ignore" else
                     ("no longer ignored", "not brought back"))
    failed = 0
    for outcome in call(backend, args.face_ids):
        if outcome.error:
            failed += 1
            print(f"{outcome.face_id}: {refused}: {outcome.error}", file=sys.stderr)
        else:
            print(f"{outcome.face_id}: {done}")
    return EXIT_FAILED if failed else EXIT_OK


def cmd_person(backend, args) -> int:
    try:
        matches = (people.person_photos(backend, args.person[0])
                   if len(args.person) == 1 and not args.only
                   else people.photos_together(backend, args.person, args.only))
    except FinpicsError as e:  # as `search --json` and the search function answer a failure
        if args.json:
            _print_json(error_payload(str(e)))
        raise
    if args.json:
        _print_json(to_payload(matches))
    else:
        for match in matches:
            print(f"{match.similarity:6.1f}  {match.image_path}")
    return EXIT_OK


def cmd_suggest(backend, args) -> int:
    found = people.suggest(backend, args.person)
    chosen = found.unsure if args.unsure else found.sure
    if found.failed:
        print(f"finpics-desktop: {failure_line(found.failed, 'face(s) could not be compared')}"
              f" -- not proposed for {args.person} this time", file=sys.stderr)
    if args.json:
        _print_json([{"face_id": p.face_id, "image_path": p.image_path,  # json-output
                      "similarity": p.similarity} for p in chosen])
        return EXIT_OK
    for p in chosen:
        print(f"{p.similarity:6.1f}  {p.face_id}  {p.image_path}")
    if not args.unsure and found.unsure:
        print(f"({len(found.unsure)} more the app is unsure of: `finpics-desktop suggest "
              f"{args.person!r} --unsure`)", file=sys.stderr)
    return EXIT_OK


def cmd_confirm(backend, args) -> int:
    outcomes = people.confirm(backend, args.person, args.face_ids, same_photo=args.same_photo)
    return _outcomes(outcomes, "confirmed as")


def cmd_reject(backend, args) -> int:
    outcomes = people.reject(backend, args.person, args.face_ids)
    return _outcomes(outcomes, "rejected for")


def cmd_merge(backend, args) -> int:
    target, moved = people.merge(backend, args.person, args.into)
    print(f"{args.person} merged into {target.name}: {moved} face(s) moved")
    return EXIT_OK


def cmd_rename_person(backend, args) -> int:
    person = people.rename(backend, args.person, args.new_name)
    print(f"{args.person} is now {person.name}")
    return EXIT_OK


def cmd_hide(backend, args) -> int:
    person = people.hide(backend, args.person, hidden=not args.undo)
    print(f"{person.name} is {'hidden' if person.hidden else 'shown again'}")
    return EXIT_OK


def cmd_clusters(backend, args) -> int:
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        if total > SEARCH_CHUNK:  # (a search long enough to follow: on the cloud)
            print(f"[{done}/{total}] faces searched", file=sys.stderr)

    searching = Searching(progress, cancel)
    previous = signal.signal(signal.SIGINT, lambda *_: cancel.set())  # Ctrl+C: clean stop
    try:
        groups = people.unnamed_groups(backend, searching)
    finally:
        signal.signal(signal.SIGINT, previous)
    if searching.failed:
        print(f"finpics-desktop: {failure_line(searching.failed, 'face(s) could not be searched')}"
              " -- left out of the groups", file=sys.stderr)
    if args.json:
        _print_json([{"faces": list(c.faces), "confident": c.confident} for c in groups])
    else:
        for n, c in enumerate(groups, 1):
            kind = "confident" if c.confident else "unsure"
            print(f"group {n} ({len(c.faces)} face(s), {kind}): {' '.join(c.faces)}")
    return EXIT_OK


def cmd_add_face(backend, args) -> int:
    picset, slash, name = args.photo.partition("/")
    if not slash or not picset or not name or "/" in name:
        raise InvalidValue(f"add-face: the photo is PICSET/FILE, not {args.photo!r}")
    box = {"Left": args.left, "Top": args.top, "Width": args.width, "Height": args.height}
    try:
        face = people.add_face(backend, picset, name, box)
    except NoFaceFound as e:
        if not args.person:
            raise
        region = people.keep_region(backend, picset, name, box, args.person)
        print(f"{e.args[0].split(':', 1)[0]}: kept as a region named {region.name}",
              file=sys.stderr)
        print(region.region_id)
        return EXIT_OK
    if args.person:
        return _outcomes([people.name_face(backend, face.face_id, args.person)], "named")
    print(face.face_id)
    return EXIT_OK


def cmd_remove_face(backend, args) -> int:
    was = people.remove_face(backend, args.face_id)
    kind = "region" if hasattr(was, "region_id") else "face"
    if args.json:
        _print_json({"face_id": args.face_id, "photo": was.image_path, "name": was.name,
                     "kind": kind})
    else:
        whose = f" of {was.name}" if was.name else ""
        print(f"{args.face_id}: the {kind}{whose} removed from {was.image_path}")
    return EXIT_OK


PEOPLE_COMMANDS = {name: _found(command) for name, command in {
    "name": cmd_name, "unname": cmd_unname, "people": cmd_people, "person": cmd_person,
    "suggest": cmd_suggest, "confirm": cmd_confirm, "reject": cmd_reject, "merge": cmd_merge,
    "rename-person": cmd_rename_person, "hide": cmd_hide, "clusters": cmd_clusters,
    "add-face": cmd_add_face, "remove-face": cmd_remove_face}.items()}
