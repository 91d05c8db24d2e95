"""Moving photos to another picset (and renaming a picset, which moves every photo) keeping
their faces; copying photos, which makes new photos (indexed anew where they land).

A move is one operation in three phases, recorded as it goes: *place* every photo at its new
key (:func:`~finpics_desktop.pipeline.curation.photos.place`), *switch* (the destination's
entry, with its featured photo, once all its photos are there), *retire* the old keys. A photo
name found taken while placing rolls the whole move back. From *switch* on it only goes
forward: re-running it (or ``check --repair``) completes it.
"""

from __future__ import annotations

from finpics_desktop.domain.errors import FinpicsError, NotFound, WriteConflict
from finpics_desktop.domain.keys import PhotoKey, photo_key
from finpics_desktop.domain.picsets import (
    check_new_picset_id,
    title_of,
    titled,
    validate_picset_id,
)
from finpics_desktop.pipeline.curation.context import (
    Curation,
    DeleteStep,
    MoveStep,
    Outcome,
    RenameStep,
)
from finpics_desktop.pipeline.curation.errors import Refused, Taken
from finpics_desktop.pipeline.curation.identity import follow_rename
from finpics_desktop.pipeline.curation.ops import Operation, picset_resource, runs
from finpics_desktop.pipeline.curation.photos import (
    kept_metadata,
    place,
    retire,
    unplace,
)
from finpics_desktop.ports import PLACED_METADATA


def _count(n: int) -> str:
    return f"{n} photo{'' if n == 1 else 's'}"


def check_destination(c: Curation, to: str) -> None:
    validate_picset_id(to)
    if not c.picset_exists(to):
        check_new_picset_id(to, c.picset_ids())
        c.check_case(to)


def plan(c: Curation, photos: list[tuple[str, str]], to: str, verb: str) -> list[list[str]]:
    """``[picset, name, to, name]`` for each photo; Refused (naming the photo and why) if one
    is unknown, already there, or its name is taken in ``to``."""
    check_destination(c, to)
    moves, seen = [], {}
    for picset, name in dict.fromkeys(photos):  # a photo listed twice is one photo
        c.photo(picset, name)
        if picset == to and verb == "move":
            raise Refused(f"{picset}/{name} is in picset {to} already")
        dst = photo_key(to, name)
        if dst.name in seen:
            raise Refused(f"cannot {verb} {seen[dst.name]} and {picset}/{name} to {to}: both "
                          f"would be named {dst.name!r} there (nothing was changed)")
        if c.name_taken(dst):
            raise Refused(f"cannot {verb} {picset}/{name}: picset {to} has a photo named "
                          f"{name!r} already (nothing was changed)")
        seen[dst.name] = f"{picset}/{name}"
        moves.append([picset, name, to, dst.name])
    if not moves:
        raise Refused(f"no photo to {verb}")
    return moves


def _completed(c: Curation, resources: list[str], request: list) -> Outcome | None:
    """Complete interrupted actions on these resources; if one was this very request, say so."""
    op = c.recover_request(resources, request)
    return Outcome(f"{op.what()}: complete", completed=[op.describe()]) if (
        op is not None) else None


def _carry(c: Curation, verb: str, kind: str, photos: list[tuple[str, str]],
           to: str) -> Outcome | tuple[Operation, list[list[str]]]:
    """Run a move or a copy (the interrupted one first, if it was this very request)."""
    photos = list(dict.fromkeys(photos))  # a photo listed twice is one photo
    request = [verb, sorted([list(p) for p in photos]), to]
    resources = sorted({picset_resource(p) for p, _ in photos} | {picset_resource(to)})
    if (again := _completed(c, resources, request)) is not None:
        return again
    moves = plan(c, photos, to, verb)
    op = c.ops.begin(kind, {"request": request}, resources, names=moves)
    c.run(op)
    return op, moves


def move_photos(c: Curation, photos: list[tuple[str, str]], to: str) -> Outcome:
    carried = _carry(c, "move", "relocate", photos, to)
    if isinstance(carried, Outcome):
        return carried
    _, moves = carried
    undo = [MoveStep(tuple((to, m[3]) for m in moves if m[0] == source), source)
            for source in dict.fromkeys(m[0] for m in moves)]
    return Outcome(f"moved {_count(len(moves))} to {titled(to)}", undo)


def rename_picset(c: Curation, picset: str, new_id: str, *, same_width: bool = True) -> Outcome:
    """Rename a picset (its slug, its ordering number, or both): every key moves.
    ``same_width``: the new number must have as many digits as the album's others."""
    request = ["rename", picset, new_id]
    resources = sorted({picset_resource(picset), picset_resource(new_id)})
    if (again := _completed(c, resources, request)) is not None:
        return again
    validate_picset_id(new_id)
    if new_id == picset:
        raise Refused(f"picset {picset} has that id already")

    def planned() -> tuple[dict, list]:
        if not c.picset_exists(picset):
            raise Refused(f"there is no picset {picset} (`finpics-desktop picsets` lists them)")
        if c.picset_exists(new_id):
            raise Refused(f"cannot rename {picset} to {new_id}: that id is taken by another "
                          "picset (nothing was changed)")
        if same_width:
            check_new_picset_id(new_id, [i for i in c.picset_ids() if i != picset])
        c.check_case(new_id)
        names = c.records.photo_names(picset)
        entry = c.records.picset(picset)
        return ({"request": request, "cover": entry.cover if entry else None},
                [[picset, n, new_id, n] for n in names])

    op, moves = c.begin("relocate", resources, planned)
    c.run(op)
    return Outcome(f"renamed \u201c{title_of(picset)}\u201d to \u201c{title_of(new_id)}\u201d "
                   f"({picset} -> {new_id}, {_count(len(moves))})",
                   [RenameStep(new_id, picset)])


@runs("relocate")
def run_relocate(c: Curation, op: Operation) -> None:
    moves = c.ops.names(op)
    phase = op.state.get("phase", "place")
    if phase == "place":
        try:
            for n, (picset, name, to, new) in enumerate(moves, 1):
                c.touch()
                item = c.records.photo(picset, name)
                if item is not None:  # else gone meanwhile: nothing to move
                    source = PhotoKey(picset, name).key
                    place(c, item.data, source, source, PhotoKey(to, new), op.id)
                    c.progress(f"[{n}/{len(moves)}] {picset}/{name} -> {to}/{new}")
            phase = "switch"
        except (Taken, NotFound) as e:
            phase = "rollback"
            op.state["error"] = str(e)
        c.ops.save(op, phase=phase)
    if phase == "rollback":
        placed = []
        for picset, name, to, new in moves:
            c.touch()
            item = c.records.photo(to, new) or c.records.photo(picset, name)
            if item is not None:
                placed.append((item.data, PhotoKey(to, new), PhotoKey(picset, name)))
        unplace(c, placed, op.id)
        c.ops.finish(op)
        raise Refused(f"{op.state['error']} (what was begun was undone: nothing changed)")
    if phase == "switch":
        for to in dict.fromkeys(m[2] for m in moves):
            c.touch()
            placed = [m[3] for m in moves
                      if m[2] == to and c.tables.get_pics_item(to, m[3]) is not None]
            cover = op.params.get("cover")
            if placed:
                c.tables.set_picset_cover_if_absent(to, cover if cover in placed else placed[0])
                c.progress(f"picset {to} listed with its {len(placed)} new photo(s)")
        c.ops.save(op, phase="retire")
    by_source: dict[str, dict[str, dict]] = {}
    for picset, name, to, new in moves:
        c.touch()
        dst = PhotoKey(to, new)
        placed = c.records.photo(to, new)
        head = c.store.head(c.names.pics_bucket, dst.key)
        if placed is not None and head is not None and (
                head.metadata.get(PLACED_METADATA) == op.id):
            by_source.setdefault(picset, {})[name] = placed.data
    for picset, photos in by_source.items():
        retire(c, picset, photos, drop_image_items=False)
    request = op.params.get("request") or []
    if request[:1] == ["rename"] and len(request) == 3:
        follow_rename(c.private, request[1], request[2])  # the picset keeps its identity
    c.ops.finish(op)


# -- copies ------------------------------------------------------------------------------------
def copy_photos(c: Curation, photos: list[tuple[str, str]], to: str) -> Outcome:
    """New photos in ``to`` with the same content: processed like any upload (their faces are
    indexed anew; on the cloud by its processing function, as S3 triggers it)."""
    carried = _carry(c, "copy", "copy", photos, to)
    if isinstance(carried, Outcome):
        return carried
    op, moves = carried
    failed = op.state.get("failed", [])
    done = [[to, m[3]] for m in moves if f"{to}/{m[3]}" not in {f[0] for f in failed}]
    return Outcome(f"copied {_count(len(done))} to {titled(to)}" + (
        " (the cloud indexes their faces)" if c.process is None else ""),
        [DeleteStep(tuple(f"{p}/{n}" for p, n in done), purge=True)] if done else [],
        failed=[f"{what}: {why}" for what, why in failed])


@runs("copy")
def run_copy(c: Curation, op: Operation) -> None:
    pics, failed = c.names.pics_bucket, []
    moves = c.ops.names(op)
    for n, (picset, name, to, new) in enumerate(moves, 1):
        c.touch()
        source, dst = PhotoKey(picset, name), PhotoKey(to, new)
        head = c.store.head(pics, source.key)
        there = c.store.head(pics, dst.key)
        if head is None:
            failed.append([dst.image_path, f"{source.image_path} is gone"])
            continue
        taken = there is not None and there.sha256 != head.sha256
        if there is None:
            try:
                c.store.copy(pics, source.key, pics, dst.key, kept_metadata(head.metadata),
                             if_absent=True)
            except WriteConflict:  # an upload took the name since the head
                taken = True
        if taken:
            failed.append([dst.image_path, "another photo took this name meanwhile"])
            continue
        if c.process is not None and c.tables.get_pics_item(to, new) is None:
            try:
                c.process(pics, dst.key)
            except FinpicsError as e:  # reported; check --repair clears what is left
                failed.append([dst.image_path, str(e)])
                continue
        c.progress(f"[{n}/{len(moves)}] {source.image_path} -> {dst.image_path}")
    op.state["failed"] = failed
    c.ops.finish(op)
