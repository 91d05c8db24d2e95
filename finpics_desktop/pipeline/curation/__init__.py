"""Curation: change what is published -- the featured photo, a picset's id and place in the
list, which picset a photo is in, the order of a picset's photos, the trash -- on the library
or the cloud alike, keeping the site consistent at every moment and every action completable
after a crash (see ``ops``, ``photos``). Plain Python over the ports; the application layer
calls it."""

from __future__ import annotations

from finpics_desktop.pipeline.curation.context import (
    CoverStep,
    Curation,
    DeleteStep,
    MoveStep,
    OrderStep,
    Outcome,
    RenameStep,
    RestoreStep,
    Step,
)
from finpics_desktop.pipeline.curation.errors import Refused
from finpics_desktop.pipeline.curation.moves import copy_photos, move_photos, rename_picset
from finpics_desktop.pipeline.curation.ops import Busy, TakenOver
from finpics_desktop.pipeline.curation.order import order_photos, rename_photos
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
    for step in steps:
        match step:
            case CoverStep(picset, name):
                done = set_cover(c, picset, name)
            case RenameStep(picset, new_id):
                done = rename_picset(c, picset, new_id, same_width=False)
            case MoveStep(photos, to):
                done = move_photos(c, list(photos), to)
            case DeleteStep(targets, purge):
                done = delete(c, list(targets), purge=purge)
            case RestoreStep(trash_id):
                done = restore(c, trash_id)
            case OrderStep(picset, renames):
                done = rename_photos(c, picset, [tuple(r) for r in renames])
            case _:
                raise ValueError(f"unknown undo step {step!r}")
        outcome.summary += ("; " if outcome.summary else "") + done.summary
        outcome.undo = done.undo + outcome.undo
        outcome.failed += done.failed
    return outcome


__all__ = ["Busy", "CoverStep", "Curation", "DeleteStep", "MoveStep", "OrderStep", "Outcome",
           "Refused", "RenameStep", "RestoreStep", "Step", "TakenOver", "TrashEntry",
           "copy_photos", "delete", "empty_trash", "list_trash", "move_photos",
           "order_photos", "rename_photos",
           "rename_picset", "renumber", "reorder", "restore", "set_cover", "trashed_face_ids",
           "undo"]
