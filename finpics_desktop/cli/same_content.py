"""``upload``: photos the album already holds in another picset are said, and asked about."""

from __future__ import annotations

import sys

from finpics_desktop.app.publish import PublishPlan, leave_out, same_content_elsewhere
from finpics_desktop.pipeline.publish.upload import plan_files

CHOICES = ("ask", "publish", "skip")


def add_option(parser) -> None:
    parser.add_argument("--same-content", choices=CHOICES, default="ask",
                        help="a photo the album already holds in another picset (same "
                        "content): ask (default; without a terminal: publish and say so), "
                        "publish it again, or skip it")


def settle(album, plan: PublishPlan, choice: str) -> PublishPlan | None:
    """The plan with the photos held elsewhere left out if the curator says so; None to
    publish nothing (the curator cancelled)."""
    files, _ = plan_files(plan.sources)
    found = same_content_elsewhere(album, files, plan)
    if not found:
        return plan
    for path, where in found.items():
        print(f"{path.name}: already in the album as {where} (same content)", file=sys.stderr)
    if choice == "ask":
        if not sys.stdin.isatty():
            print(f"note: {len(found)} photo(s) published again (no terminal to ask; "
                  "--same-content skip leaves them out)", file=sys.stderr)
            return plan
        answer = input(f"Publish these {len(found)} photo(s) again? [y]es, [s]kip them, "
                       "[c]ancel: ").strip().lower()
        choice = {"y": "publish", "yes": "publish", "s": "skip", "skip": "skip"}.get(answer)
        if choice is None:
            return None
    if choice == "publish":
        return plan
    print(f"skipped {len(found)} photo(s) the album holds already", file=sys.stderr)
    return leave_out(plan, files, found)[0]
