"""The order of a picset's photos: by date taken, by name, or as the curator placed them. The
site lists them by file name, so an order is a sequence of photo renames within the picset
(:mod:`~finpics_desktop.domain.photo_order` decides which), one operation recorded before its
first write and run one photo at a time: each photo is *placed* at its new name keeping its
faces (:func:`~finpics_desktop.pipeline.curation.photos.place`: same FaceIds and ImageId, its
face item re-pointed, people's names untouched), the featured photo follows it, then its old
name is *retired* -- so at any moment every photo is listed once (one for a few milliseconds
between the two writes), and a kill leaves a record the next action completes from that photo.
A name found taken by someone else midway puts back the photos renamed so far (rolled back)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from finpics_desktop.domain.errors import InvalidName
from finpics_desktop.domain.keys import PhotoKey
from finpics_desktop.domain.photo_order import (
    BY,
    by_date,
    by_name,
    order_plan,
    put_first,
    resolve,
    sequence,
    undo_plan,
)
from finpics_desktop.pipeline.curation.context import Curation, OrderStep, Outcome
from finpics_desktop.pipeline.curation.errors import Refused, Taken
from finpics_desktop.pipeline.curation.ops import Operation, picset_resource, runs
from finpics_desktop.pipeline.curation.photos import place
from finpics_desktop.pipeline.photos.exif import date_taken
from finpics_desktop.ports import PLACED_METADATA

READERS = 8  # originals read at once for their dates (the cloud: one GET each)


def order_photos(c: Curation, picset: str, *, by: str | None = None,
                 first: list[str] | None = None) -> Outcome:
    """Order the photos of ``picset`` ``by`` ``"date"`` (taken, oldest first; photos without
    one last, by name) or ``"name"``, or put the photos named ``first`` first, in that order
    (the others follow as they are): the order the window's drag makes."""
    if (by is None) == (first is None) or (by is not None and by not in BY):
        raise ValueError("order by 'date' or 'name', or give the names to put first")
    resources = [picset_resource(picset)]
    request = ["order", picset, by if by is not None else list(first)]
    if (op := c.recover_request(resources, request)) is not None:
        return Outcome(f"{op.what()}: complete", completed=[op.describe()])
    dates: dict[str, str] = {}

    def planned() -> tuple[dict, list]:
        names = c.records.photo_names(picset)
        if not names:
            raise Refused(f"there is no picset {picset} with photos "
                          "(`finpics-desktop picsets` lists them)")
        if by == "date":
            _read_dates(c, picset, [n for n in names if n not in dates], dates)
            wanted = by_date(names, dates)
        elif by == "name":
            wanted = by_name(names)
        else:
            try:
                wanted = put_first(names, resolve(names, first))
            except InvalidName as e:
                raise Refused(f"cannot order {picset}: {e} (nothing was changed)") from None
        try:
            plan = order_plan(names, wanted)
        except InvalidName as e:
            raise Refused(f"cannot order {picset}: {e} (nothing was changed)") from None
        return {"request": request, "picset": picset}, _listed(picset, plan)

    return _rename_photos(c, picset, resources, planned, _ordered(picset, by))


def _ordered(picset: str, by: str | None) -> str:
    return f"ordered {picset} by {'date taken' if by == 'date' else by}" if by else (
        f"ordered {picset} by hand")


def rename_photos(c: Curation, picset: str, renames: list[tuple[str, str]]) -> Outcome:
    """Give the photos of ``picset`` these names back (an order undone). Refused if one of
    them is no longer there, or a name is taken by another photo since."""
    resources = [picset_resource(picset)]

    def planned() -> tuple[dict, list]:
        names = set(c.records.photo_names(picset))
        olds = {old for old, _ in renames}
        for old, new in renames:
            if old not in names and new not in olds:
                raise Refused(f"cannot put the order of {picset} back: its photo {old!r} is no "
                              "longer there (nothing was changed)")
        gone = names - olds
        for _, new in renames:
            if new in gone:
                raise Refused(f"cannot put the order of {picset} back: another photo is named "
                              f"{new!r} now (nothing was changed)")
        return ({"request": ["order back", picset], "picset": picset},
                _listed(picset, sequence([r for r in renames if r[0] in names], names)))

    return _rename_photos(c, picset, resources, planned, f"put the order of {picset} back")


def _listed(picset: str, plan: list[tuple[str, str]]) -> list[list[str]]:
    """The operation's list, as a move's (``[picset, name, to, new name]``: what ``check``
    knows an operation works on)."""
    return [[picset, old, picset, new] for old, new in plan]


def _rename_photos(c: Curation, picset: str, resources: list[str], planned,
                   summary: str) -> Outcome:
    c.recover(resources)
    params, plan = planned()
    if not plan:
        return Outcome(f"{summary}: the photos are in that order already")
    op, listed = c.begin("order", resources, planned)
    c.run(op)
    plan = [(old, new) for _, old, _, new in listed]
    return Outcome(f"{summary} ({len(plan)} photo(s) renamed)",
                   [OrderStep(picset, tuple(undo_plan(plan)))])


def _read_dates(c: Curation, picset: str, names: list[str], dates: dict[str, str]) -> None:
    def taken(name: str) -> str:
        try:
            data = c.store.get(c.names.pics_bucket, PhotoKey(picset, name).key)
        except Exception:  # noqa: BLE001 - (gone meanwhile, unreadable): no date, by name
            return ""
        return date_taken(data, name)

    with ThreadPoolExecutor(READERS, thread_name_prefix="order-dates") as pool:
        for name, when in zip(names, pool.map(taken, names), strict=True):
            dates[name] = when
            c.progress(f"{picset}/{name}: " + (f"taken {when}" if when else "no date taken"))


@runs("order")
def run_order(c: Curation, op: Operation) -> None:
    """Each rename in turn, its progress recorded after each photo (a name may be a later
    rename's source: a rename done is never done again); rolled back if a name is taken."""
    picset = op.params["picset"]
    renames = [(old, new) for _, old, _, new in c.ops.names(op)]
    if op.state.get("phase", "rename") == "rename":
        for n in range(op.state.get("done", 0), len(renames)):
            old, new = renames[n]
            try:
                _rename(c, picset, old, new, op.id)
            except Taken as e:
                c.ops.save(op, phase="rollback", error=str(e))
                break
            c.ops.save(op, done=n + 1)
            c.progress(f"[{n + 1}/{len(renames)}] {picset}/{old} -> {new}")
    if op.state.get("phase") == "rollback":
        back = undo_plan(renames[:op.state.get("done", 0)])
        for n in range(op.state.get("undone", 0), len(back)):
            _rename(c, picset, *back[n], op.id)
            c.ops.save(op, undone=n + 1)
        c.ops.finish(op)
        raise Refused(f"{op.state['error']} (the photos renamed were put back: nothing changed)")
    c.ops.finish(op)


def _rename(c: Curation, picset: str, old: str, new: str, op_id: str) -> None:
    """``picset/old`` becomes ``picset/new`` with its faces: placed at ``new``, featured there
    if it was, then its old name's item and objects removed (the item first). Done again after
    a kill, it finds what it did (placed with this action's id)."""
    c.touch()
    item = c.records.photo(picset, old)
    dst = PhotoKey(picset, new)
    if item is None:  # renamed already (only its old objects may be left), or gone meanwhile
        head = c.store.head(c.names.pics_bucket, dst.key)
        if head is None or head.metadata.get(PLACED_METADATA) != op_id:
            return
    else:
        source = PhotoKey(picset, old).key
        place(c, item.data, source, source, dst, op_id)
    while not c.tables.delete_photo_unless_cover(picset, old):
        entry = c.records.picset(picset)  # featured: the new name is, from now on
        if entry is not None and entry.cover == old:
            c.tables.replace_picset_cover(picset, new, old)
        elif c.records.photo(picset, old) is None:
            break
    key = PhotoKey(picset, old).key
    c.store.delete(c.names.thumbs_bucket, key)
    c.store.delete(c.names.pics_bucket, key)
