"""Publishing a picset of the library to the cloud (``push``): the curator reviews offline, then
publishes with one action.

The difference is computed first and shown before anything is sent (:func:`plan_push`): photos
new in the library, photos changed (the content the cloud would get differs from what it has),
photos the cloud has and the library no longer does, and the featured photo. Then
(:func:`push`) the library's originals go up through the upload journal and the usual
:class:`~finpics_desktop.pipeline.publish.upload.Publisher` -- byte for byte (or with the location
removed), resumable after a kill, deduplicated (what the cloud has already is not sent again),
processed by the cloud as any upload; photos gone from the library go to the *cloud's* trash,
after the new ones are in (the picset is never empty on the site); the featured photo is set
once the cloud has processed it. The picset keeps its id, so its place in the list too.

The library picset and its cloud copy are linked (``links``): a picset renamed, renumbered or
reordered in the library since the last push is renamed (its photos renamed) on the cloud, with
their faces, never published as a second picset; what changed on the cloud since is listed
(:attr:`PushPlan.cloud_changes`) and kept or overwritten as the curator chooses (``sync``).
A photo moved or copied from or to another picset in the library since is moved or copied on the
cloud (``carried``); a picset deleted in the library goes to the cloud's trash at its push.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field

from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.domain.keys import PhotoKey
from finpics_desktop.domain.picsets import title_of
from finpics_desktop.pipeline import curation
from finpics_desktop.pipeline.curation.identity import give_identity, identity_of
from finpics_desktop.pipeline.curation.leases import Lease
from finpics_desktop.pipeline.people.travel import Travelled
from finpics_desktop.pipeline.publish import contents
from finpics_desktop.pipeline.publish.carried import Carry, carry
from finpics_desktop.pipeline.publish.journal import Journal, target_of
from finpics_desktop.pipeline.publish.links import (
    Link,
    Pair,
    cloud_copy,
    forget_link,
    library_file,
    library_hashes,
    save_link,
)
from finpics_desktop.pipeline.publish.sync import Sync, plan_sync
from finpics_desktop.pipeline.publish.upload import FileResult, Publisher, UploadReport
from finpics_desktop.ports import Backend

COVER_WAIT = 120.0  # seconds the featured photo waits for the cloud to process it


@dataclass
class PushPlan:
    picset: str
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    cover: str | None = None  # the library's featured photo
    cloud_cover: str | None = None
    new_picset: bool = False
    # new or changed photos whose content the cloud holds in another picset: name -> where
    elsewhere: dict[str, str] = field(default_factory=dict)
    cloud_picset: str | None = None  # the cloud's copy now, when renamed by this push
    target: str | None = None  # the cloud's id once pushed (None: ``picset``)
    renamed: list[tuple[str, str]] = field(default_factory=list)  # cloud photo -> new name
    cloud_changes: list[str] = field(default_factory=list)  # on the cloud since the last push
    choice: str | None = None  # what to do with them: "keep", "overwrite" (None: not chosen)
    sync: Sync | None = field(default=None, repr=False, compare=False)
    carried: list[Carry] = field(default_factory=list)  # moved or copied on the cloud
    dropped: bool = False  # deleted in the library: the cloud's copy goes to its trash

    @property
    def cloud_id(self) -> str:
        return self.target or self.picset

    @property
    def empty(self) -> bool:
        return not (self.new or self.changed or self.deleted or self.renamed
                    or self.cloud_picset or self.sets_cover or self.carried or self.dropped)

    @property
    def sets_cover(self) -> bool:
        """The featured photo is set (the library's; not when the cloud's own is kept)."""
        if self.cover is None or self.cover == self.cloud_cover:
            return False
        return self.sync is None or not self.sync.linked or self.sync.cover is not None

    @property
    def needs_choice(self) -> bool:
        """The cloud changed since the last push and the curator has not said what to do."""
        return bool(self.cloud_changes) and self.choice is None

    def lines(self) -> list[str]:
        head = f"push {self.picset} to the cloud" + (" (a new picset there)" if (
            self.new_picset) else "")
        if self.empty:
            return [f"{head}: the cloud has it as it is ({self.unchanged} photos)" if not (
                self.cloud_changes) else f"{head}: nothing to send"] + self.change_lines()
        if self.dropped:
            return [f"push {self.picset} to the cloud: deleted in the library, so the cloud's "
                    f"{self.cloud_id} ({self.unchanged + len(self.deleted)} photos) goes to the "
                    "cloud's trash"] + self.change_lines()
        lines = [head + ":"]
        if self.cloud_picset:
            lines.append(f"  renamed: {self.cloud_picset} -> {self.cloud_id} (the title "
                         f"\u201c{title_of(self.cloud_id)}\u201d)")
        if self.renamed:
            lines.append(f"  photos renamed (their order): {len(self.renamed)}: " + ", ".join(
                f"{a} -> {b}" for a, b in self.renamed[:8]) + (
                f", ... ({len(self.renamed) - 8} more)" if len(self.renamed) > 8 else ""))
        for label, names in (("new", self.new), ("changed", self.changed),
                             ("deleted (to the cloud's trash)", self.deleted)):
            if names:
                lines.append(f"  {label}: {len(names)}: " + ", ".join(names[:8]) + (
                    f", ... ({len(names) - 8} more)" if len(names) > 8 else ""))
        if self.carried:
            lines.append(f"  from or to other picsets (their faces kept): {len(self.carried)}: "
                         + "; ".join(c.line() for c in self.carried[:8]) + (
                             f"; ... ({len(self.carried) - 8} more)"
                             if len(self.carried) > 8 else ""))
        if self.unchanged:
            lines.append(f"  unchanged: {self.unchanged}")
        if self.sets_cover:
            lines.append(f"  featured photo: {self.cloud_cover or '(none)'} -> {self.cover}")
        lines += [f"  {name}: already on the cloud as {where} (same content)"
                  for name, where in sorted(self.elsewhere.items())]
        return lines + self.change_lines()

    def change_lines(self) -> list[str]:
        """What changed on the cloud since the last push, and what the push does with it."""
        if not self.cloud_changes:
            return []
        what = {"keep": "kept as the cloud has it", "overwrite": "brought back to the "
                "library's (what the cloud deleted goes to its trash)"}.get(
            self.choice or "", "not changed until you choose: keep the cloud's changes or "
            "overwrite them")
        return [f"  changed on the cloud since the last push ({what}):"] + [
            f"    {line}" for line in self.cloud_changes[:20]] + (
            [f"    ... ({len(self.cloud_changes) - 20} more)"]
            if len(self.cloud_changes) > 20 else [])

    def as_json(self) -> dict:
        return {"picset": self.picset, "new": self.new, "changed": self.changed,
                "deleted": self.deleted, "unchanged": self.unchanged, "cover": self.cover,
                "new_picset": self.new_picset, "cloud_picset": self.cloud_picset or self.cloud_id,
                "renamed_to": self.cloud_id if self.cloud_picset else None,
                "photos_renamed": [list(r) for r in self.renamed],
                "cloud_changes": self.cloud_changes, "choice": self.choice,
                "carried": [{"action": c.verb, "from": f"{c.source}/{c.cloud_name}",
                             "to": f"{c.to}/{c.name}"} for c in self.carried],
                "picset_deleted": self.dropped, "same_content": self.elsewhere}


@dataclass
class PushReport:
    plan: PushPlan
    upload: UploadReport | None = None
    deleted: curation.Outcome | None = None
    renamed: curation.Outcome | None = None  # the photos renamed (their order)
    cover_set: bool = False
    notes: list[str] = field(default_factory=list)
    stored: list[str] = field(default_factory=list)  # keys sent, which the cloud processes
    people: Travelled | None = None  # the names carried (``push_names``)
    carried: list[curation.Outcome] = field(default_factory=list)  # moves and copies done

    @property
    def ok(self) -> bool:
        return self.upload is None or self.upload.ok


def plan_push(library: Backend, cloud: Backend, picset: str,
              transform: Callable[[bytes, str], bytes] | None = None,
              choice: str | None = None) -> PushPlan:
    """What a push of ``picset`` would change on the cloud; nothing is sent. ``choice``: what
    to do with what changed on the cloud since the last push (``sync.KEEP``, ``OVERWRITE``)."""
    sync = plan_sync(library, cloud, picset, transform, choice)
    entry = library.records.picset(picset)
    plan = PushPlan(picset, sync.new, sync.changed, sync.deleted, sync.unchanged,
                    cover=entry.cover if entry else None,
                    cloud_cover=sync.cloud_cover if sync.exists else None,
                    new_picset=not sync.exists,
                    cloud_picset=sync.cloud_picset if sync.cloud_picset != sync.target else None,
                    target=sync.target if sync.target != picset else None,
                    renamed=sync.renamed, cloud_changes=sync.cloud_changes,
                    choice=choice if sync.cloud_changes else None, sync=sync,
                    carried=sync.carried, dropped=sync.dropped)
    files = {library_file(library, PhotoKey(picset, n)): n for n in plan.new + plan.changed}
    plan.elsewhere = {files[f]: where for f, where in contents.elsewhere(
        cloud, files, sync.cloud_picset or plan.cloud_id, transform).items()}  # said, not
    return plan  # asked: the picset is the curator's


def push(library: Backend, cloud: Backend, picset: str, journal: Journal, *,
         transform: Callable[[bytes, str], bytes] | None = None,
         on_result: Callable[[FileResult, int, int], None] | None = None,
         plan: PushPlan | None = None, cancel: threading.Event | None = None,
         workers: int = 8, choice: str | None = None) -> PushReport:
    """Bring the cloud's copy of ``picset`` to what the library has (see the module). The push
    holds the cloud's picset from start to end (``curation.leases``): a rename, a move or a
    delete of it waits for the push, or the push for it (then the difference is taken again).
    Refused, nothing sent, while what changed on the cloud since the last push waits for the
    curator's ``choice``."""
    cancel = cancel or threading.Event()
    c = curation.Curation(cloud, cancel=cancel)
    plan = plan or plan_push(library, cloud, picset, transform, choice)
    if plan.needs_choice:
        raise curation.Refused(
            f"the cloud's {plan.sync.cloud_picset if plan.sync else picset} changed since the "
            "last push (" + "; ".join(plan.cloud_changes[:3]) + (
                "; ..." if len(plan.cloud_changes) > 3 else "") + "): keep the cloud's "
            "changes or overwrite them (nothing was sent)")
    if plan.cloud_picset:  # renamed in the library: the cloud's copy is renamed, one picset
        curation.rename_picset(c, plan.cloud_picset, plan.cloud_id, same_width=False)
    lease = c.hold_for_publishing(plan.cloud_id)
    c.exempt.add(lease.token)  # its own deletes and featured photo do not wait for it
    report = None
    try:
        report = PushReport(plan)
        if plan.dropped:  # deleted in the library: its copy to the cloud's trash, whole
            report.carried = carry(c, plan.carried)  # (what went to other picsets first)
            if c.picset_exists(plan.cloud_id):
                report.deleted = curation.delete(c, [plan.cloud_id])
            if not (report.deleted and report.deleted.failed) and plan.sync and plan.sync.uid:
                forget_link(library, cloud, plan.sync.uid)
            return report
        sync = plan.sync
        if sync is not None and sync.linked and sync.exists and not plan.empty and cloud_copy(
                cloud, sync.uid) != plan.cloud_id:  # renamed or deleted since the plan
            raise curation.Refused(f"the cloud's {plan.cloud_id} was renamed or deleted on the "
                                   "cloud while this push began: push again to see the "
                                   "difference (nothing was sent)")
        _identities(library, cloud, picset, plan)
        if lease.waited_for is not None:
            report.plan = plan_push(library, cloud, picset, transform, plan.choice)
            if report.plan != plan:
                report.notes.append(
                    f"the cloud's {plan.cloud_id} changed while this push waited for another "
                    f"action ({lease.waited_for}); pushed instead: " + "; ".join(
                        line.strip() for line in report.plan.lines()[1:]))
            if report.plan.needs_choice or report.plan.cloud_picset:
                raise curation.Refused(f"the cloud's {plan.cloud_id} changed while this push "
                                       f"waited for {lease.waited_for}: push again to see how")
        _push(library, cloud, picset, journal, report, c, lease, transform, on_result,
              cancel, workers)
        if report.ok and not cancel.is_set() and not (report.deleted and report.deleted.failed):
            record_pushed(library, cloud, picset, report.plan)
    finally:
        with suppress(FinpicsError):  # (what stopped the push, if anything, says it)
            lease.release(report.stored if report is not None else ())
    return report


def _identities(library: Backend, cloud: Backend, picset: str, plan: PushPlan) -> None:
    """The library's picset and its cloud copy get one identity before anything is sent (a
    push killed midway finds its copy by it, even renamed). The cloud's copy is called
    ``plan.cloud_id`` by now (a rename the push makes is done before: giving the identity to
    its former id would leave a second record, for a picset the cloud no longer has)."""
    uid = give_identity(library.private, picset, plan.sync.uid if plan.sync else None)
    give_identity(cloud.private, plan.cloud_id, uid)


def _push(library: Backend, cloud: Backend, picset: str, journal: Journal,
          report: PushReport, c: curation.Curation, lease: Lease,
          transform: Callable[[bytes, str], bytes] | None,
          on_result: Callable[[FileResult, int, int], None] | None,
          cancel: threading.Event, workers: int) -> None:
    plan, target = report.plan, report.plan.cloud_id
    kept = plan.sync.kept_names if plan.sync else set()
    taken = {b for _, b in plan.renamed} | set(plan.new) | set(plan.changed)
    first = [n for n in plan.deleted if n in taken]  # out of the way of a rename or a photo
    if first:
        report.deleted = curation.delete(c, [f"{target}/{n}" for n in first])
    if plan.renamed:
        report.renamed = curation.rename_photos(c, target, plan.renamed)
    report.carried = carry(c, plan.carried)
    names = sorted(set(library.records.photo_names(picset)) - kept)
    sources = [library_file(library, PhotoKey(picset, n)) for n in names]
    if plan.new or plan.changed or journal.find_resumable(target_of(cloud), sources, target):
        publisher = Publisher.for_backend(cloud, journal, on_conflict="replace",
                                          workers=workers, remove_location=False,
                                          transform=transform, lease=lease)
        publisher.cancel_event = cancel  # Ctrl+C: the photos under way finish whole
        job = journal.find_resumable(target_of(cloud), sources, target)
        report.upload = publisher.publish(sources, target, on_result,
                                          job_id=job.id if job else None)
        report.stored = publisher.processing(report.upload)
        if cancel.is_set() or not report.upload.ok:
            return  # the rest on the next push, once every photo is there
    later = [n for n in plan.deleted if n not in first]
    if later:
        report.deleted = curation.delete(c, [f"{target}/{n}" for n in later])
    if plan.sets_cover:
        report.cover_set = _set_cover_once_processed(c, target, plan.cover, cancel)
        if not report.cover_set:
            report.notes.append(f"{plan.cover} is not processed by the cloud yet: push again "
                                "later to make it the featured photo")


def record_pushed(library: Backend, cloud: Backend, picset: str, plan: PushPlan) -> Link:
    """The new base: each library photo paired with its copy on the cloud (the same name, as
    stored), the pairs the curator kept as the cloud had them, both picsets' ids and featured
    photos."""
    target = plan.cloud_id
    kept = plan.sync.kept if plan.sync else []
    aside = {p.library[0] for p in kept if p.library} | {p.cloud[0] for p in kept if p.cloud}
    mine = {n: s for n, s in library_hashes(library, picset).items() if n not in aside}

    def head(name: str) -> str | None:
        found = cloud.store.head(cloud.names.pics_bucket, PhotoKey(target, name).key)
        return found.sha256 if found is not None else None

    with ThreadPoolExecutor(8, thread_name_prefix="push-base") as pool:
        theirs = dict(zip(mine, pool.map(head, mine), strict=True))
    entry, their_entry = library.records.picset(picset), cloud.records.picset(target)
    uid = identity_of(library.private, picset) or give_identity(library.private, picset)
    link = Link(uid, cloud.identity, picset, target, entry.cover if entry else None,
                their_entry.cover if their_entry else plan.cover,
                [Pair((n, s), (n, theirs[n])) for n, s in mine.items() if theirs[n]] + kept)
    save_link(library, link)
    return link


def _set_cover_once_processed(c: curation.Curation, picset: str, name: str,
                              cancel: threading.Event) -> bool:
    delay, waited = 0.1, 0.0
    while c.tables.get_pics_item(picset, name) is None:
        if waited > COVER_WAIT or cancel.wait(delay):
            return False
        waited += delay
        delay = min(delay * 2, 5.0)
    curation.set_cover(c, picset, name)
    return True
