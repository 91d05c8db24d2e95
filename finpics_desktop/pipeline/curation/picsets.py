"""Actions on whole picsets: the featured photo, and the order of the list (renumbering)."""

from __future__ import annotations

from finpics_desktop.domain.keys import photo_key
from finpics_desktop.domain.order import renumber_plan, renumber_width, reorder_plan
from finpics_desktop.pipeline.curation.context import CoverStep, Curation, Outcome, RenameStep
from finpics_desktop.pipeline.curation.errors import Refused
from finpics_desktop.pipeline.curation.moves import rename_picset
from finpics_desktop.pipeline.curation.ops import picset_resource, runs


def set_cover(c: Curation, picset: str, name: str) -> Outcome:
    """Feature ``name`` in ``picset`` (the photo the site shows for it)."""
    name = photo_key(picset, name).name
    c.photo(picset, name)
    op = c.ops.begin("cover", {"picset": picset, "pic": name}, [picset_resource(picset)])
    try:
        while True:
            entry = c.records.picset(picset)
            previous = entry.cover if entry is not None else None
            if previous == name:
                break
            if c.tables.replace_picset_cover(picset, name, previous):
                break
            c.photo(picset, name)  # still there? (else Refused)
    finally:
        c.ops.finish(op)
    undo = [CoverStep(picset, previous)] if previous not in (
        None, name) else []
    return Outcome(f"{name} is the featured photo of {picset}" + (
        "" if previous != name else " already"), undo)


@runs("cover")
def run_cover(c: Curation, op) -> None:
    """A cover change interrupted: it was one atomic write, done or not; nothing to finish."""
    c.ops.finish(op)


def _renames(c: Curation, plan: list[tuple[str, str]], summary: str, *,
             same_width: bool = True) -> Outcome:
    outcome = Outcome(summary)
    done = []
    for n, (old, new) in enumerate(plan):
        if c.cancel.is_set():  # between two renames: the album's list is whole
            outcome.summary += f" (stopped after {n} of {len(plan)}: cancelled)"
            outcome.failed += [f"{a}: not renamed to {b}: cancelled" for a, b in plan[n:]]
            break
        step = rename_picset(c, old, new, same_width=same_width)
        done.append((old, new))
        outcome.completed += step.completed
    outcome.undo = [RenameStep(new, old) for old, new in reversed(done)]
    return outcome


def reorder(c: Curation, picset: str, index: int) -> Outcome:
    """Show ``picset`` at ``index`` of the site's list (0: the top), renumbering as few
    picsets as possible."""
    c.recover([picset_resource(picset)])
    ids = c.picset_ids()
    if picset not in ids:
        raise Refused(f"there is no picset {picset} (`finpics-desktop picsets` lists them)")
    plan = reorder_plan(ids, picset, index)
    if not plan:
        return Outcome(f"{picset} is there already")
    return _renames(c, plan, f"moved {picset} in the list: " + ", ".join(
        f"{a} -> {b}" for a, b in plan))


def renumber(c: Curation, width: int | None = None) -> Outcome:
    """Write every picset's ordering number with ``width`` digits (default: one more than
    now, or the widest present if a renumbering was interrupted): the way on once ``999`` is
    taken. Each picset is renamed in turn; running it again completes an interrupted one (and
    once done, says so), and a narrower width, as long as every number fits, undoes it."""
    ids = c.picset_ids()
    width = renumber_width(ids) if width is None else width
    plan = renumber_plan(ids, width)
    if not plan:
        return Outcome(f"every picset's ordering number has {width} digits already")
    return _renames(c, plan, f"renumbered {len(plan)} picset(s) with {width} digits",
                    same_width=False)
