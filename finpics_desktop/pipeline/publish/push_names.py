"""The names of a pushed picset carried to the cloud (:mod:`~finpics_desktop.pipeline.people.
travel`), once the cloud has processed the photos just sent: a photo whose people the library
knows is waited for (its item written by the processing run of the new content: its
:func:`~finpics_desktop.domain.items.run_mark` differs from the one before the push), at most
:data:`WAIT` seconds; one not processed by then is said, and its names go with the next push."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.domain.items import run_mark
from finpics_desktop.domain.keys import PhotoKey, parse_key
from finpics_desktop.pipeline.people.records import FACE, REJECT
from finpics_desktop.pipeline.people.travel import PUSH, Travelled, travel
from finpics_desktop.ports import Backend

WAIT = 120.0  # seconds a photo just pushed is waited for before its names are carried


def marks(cloud: Backend, picset: str, names: Iterable[str]) -> dict[str, str | None]:
    """The cloud's photo items of ``names`` as they are before the push (their run marks)."""
    return {n: run_mark(cloud.tables.get_pics_item(picset, n)) for n in names}


def with_people(library: Backend, picset: str) -> set[str]:
    """The photos of ``picset`` whose faces the library's people records speak of."""
    if library.private is None:
        return set()
    faces = {d.sk for d in library.private.query(FACE)}
    faces |= {d.sk.split("/", 1)[1] for d in library.private.query(REJECT)}
    return {p.name for p in library.records.photos(picset)
            if any(f in faces for f in p.face_ids)}


def wait_processed(cloud: Backend, picset: str, names: Iterable[str],
                   before: dict[str, str | None], cancel: threading.Event,
                   wait: float = WAIT) -> list[str]:
    """Wait until the cloud has processed the new content of ``names``; those it has not."""
    pending, delay, waited = set(names), 0.1, 0.0
    while pending:
        for name in sorted(pending):
            mark = run_mark(cloud.tables.get_pics_item(picset, name))
            if mark is not None and mark != before.get(name):
                pending.discard(name)
        if not pending or waited > wait or cancel.wait(delay):
            break
        waited += delay
        delay = min(delay * 2, 2.0)
    return sorted(pending)


def push_names(library: Backend, cloud: Backend, picset: str, sent: Iterable[str],
               before: dict[str, str | None], cancel: threading.Event | None = None,
               wait: float = WAIT, target: str | None = None,
               kept: Iterable[str] = ()) -> Travelled:
    """Carry the people of ``picset``'s photos to the cloud; ``sent``: the keys this push
    stored (the cloud processes them), ``before``: :func:`marks` of the changed ones;
    ``target``: the cloud's copy of ``picset`` (default: the same id); ``kept``: the library's
    photos whose cloud copy the curator kept as the cloud has it (their faces are not the
    library's: their names stay)."""
    target = target or picset
    cancel = cancel or threading.Event()
    if library.private is None or cloud.private is None:
        return Travelled(PUSH, missed=["the names stay in the library: the cloud has no private "
                                       "store for them (deploy the stack again)"])
    matter = with_people(library, picset)
    sent_names = {parse_key(k).name for k in sent}
    late = wait_processed(cloud, target, sent_names & matter, before, cancel, wait)
    photos = [PhotoKey(picset, n) for n in sorted(set(library.records.photo_names(picset))
                                                   - set(late) - set(kept))]
    try:
        report = travel(library, cloud, photos, PUSH, target)
    except FinpicsError as e:  # the photos are pushed: the names go with the next push
        return Travelled(PUSH, missed=[f"the names of {picset} were not all carried ({e}): "
                                       "push again to finish"])
    report.missed += [f"{target}/{n}: the cloud has not processed it yet (its names go with "
                      "the next push)" for n in late]
    return report
