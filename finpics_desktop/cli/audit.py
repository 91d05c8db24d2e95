"""``finpics-desktop audit``: what the public can read of the cloud, and what leaks."""

from __future__ import annotations

import json
import sys

from finpics_desktop.app.audit import audit_album
from finpics_desktop.cli.args import EXIT_FAILED, EXIT_OK


def add_audit_command(sub) -> None:
    au = sub.add_parser(
        "audit", help="read every public object (originals, thumbnails) and every item the "
        "public site can read, and list what tells where a photo was taken or who is in it; "
        "show that the site's role is refused the private store, the trash and writes (exit "
        "code 1 if anything leaks)")
    au.add_argument("--fix", action="store_true",
                    help="strip the public copies in place (the library keeps the originals)")
    au.add_argument("--picset", metavar="ID", action="append",
                    help="only this picset's objects and items (repeatable; the role is then "
                    "not tried)")
    au.add_argument("--json", action="store_true",
                    help='{"ok", "objects", "items", "leaks": [{"where", "reasons", "fixed"}], '
                    '"access": [{"what", "refused", "detail"}], "notes"}')


def cmd_audit(backend, args) -> int:
    report = audit_album(backend, fix=args.fix, picsets=args.picset,
                         progress=lambda line: print(line, file=sys.stderr))
    if args.json:
        json.dump(report.as_json(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    for line in report.lines():
        print(line, file=sys.stderr if args.json else sys.stdout)
    print(report.summary(), file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_FAILED


AUDIT_COMMANDS = {"audit": cmd_audit}
