"""Curation: change what is published -- the featured photo, a picset's id and place in the
list, which picset a photo is in, the trash -- on the library or the cloud alike, keeping the
site consistent at every moment and every action completable after a crash (see ``ops``,
``photos``). Plain Python over the ports; the application layer calls it."""

from __future__ import annotations

from finpics_desktop.pipeline.curation.context import Curation, Outcome, Step
from finpics_desktop.pipeline.curation.errors import Refused
from finpics_desktop.pipeline.curation.moves import copy_photos, move_photos, rename_picset
from finpics_desktop.pipeline.curation.ops import Busy, TakenOver
from finpics_desktop.pipeline.curation.picsets import renumber, reorder, set_cover
from finpics_desktop.pipeline.curation.trash import (
    TrashEntry,
    delete,
    empty_trash,
    list_trash,
    restore,
    trashed_face_ids,
)


def undo(c: Curation, steps: list[Step]) -> Outcome:
    """Carry out the steps an :class:`Outcome` gave to undo its action."""
    outcome = Outcome("")
    for kind, args in steps:
        if kind == "cover":
            done = set_cover(c, args["picset"], args["name"])
        elif kind == "rename":
            done = rename_picset(c, args["picset"], args["new_id"], same_width=False)
        elif kind == "move":
            done = move_photos(c, [tuple(p) for p in args["photos"]], args["to"])
        elif kind == "delete":
            done = delete(c, args["targets"], purge=args.get("purge", False))
        elif kind == "restore":
            done = restore(c, args["trash_id"])
        else:
            raise ValueError(f"unknown undo step {kind!r}")
        outcome.summary += ("; " if outcome.summary else "") + done.summary
        outcome.undo = done.undo + outcome.undo
        outcome.failed += done.failed
    return outcome


__all__ = ["Busy", "Curation", "Outcome", "Refused", "Step", "TakenOver", "TrashEntry",
           "copy_photos", "delete", "empty_trash", "list_trash", "move_photos",
           "rename_picset", "renumber", "reorder", "restore", "set_cover", "trashed_face_ids",
           "undo"]
