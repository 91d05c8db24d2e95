"""Publishing photos as a picset: the decisions the window and the command line share.

- **Which picset.** Photos published before from the same sources go on into the same picset
  (while it exists, or while that job runs): publishing a folder again, even twice at once,
  adds what is new, it never makes a second picset of the same photos. An interrupted job of
  the same sources (and picset, if one is named) is resumed: only what is missing is sent.
  Otherwise a *new* picset -- the next ordering number and its title, by default the folder's
  name as written -- numbered when the job starts, atomically with the other jobs publishing
  into the same place. The window's *New picset* dialog shows this proposal, and what the site
  will show for the title, and the curator may change the title (or, under *Advanced*, the
  id); the command line takes ``--title``/``--picset``/``--no-resume``.
- **A name taken by a different photo.** ``fail`` (the default: the photo is reported, nothing
  is overwritten), ``replace``, or ``rename`` (``name-2.jpg``); a resumed job keeps its choice.
  The window asks afterwards (Replace / Keep both / Skip) and publishes those photos again with
  the answer (:func:`conflict_plan`); the command line takes ``--on-conflict``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from finpics_desktop.app.albums import check_writable
from finpics_desktop.domain.errors import FinpicsError, InvalidName, InvalidValue
from finpics_desktop.domain.picsets import (
    check_new_picset_id,
    new_picset_id,
    next_number,
    read_title,
    title_of,
    titled_id,
)
from finpics_desktop.pipeline.publish.journal import Job, Journal, journal_for, target_of
from finpics_desktop.pipeline.publish.tagged_files import take_published_names
from finpics_desktop.pipeline.publish.upload import FileResult, NewPicset, Publisher, UploadReport
from finpics_desktop.ports import Backend

FAIL = "fail"


def folder_name(sources: Iterable[Path]) -> str:
    """The name a new picset is made from: the folder published, or the photos' folder."""
    first = Path(next(iter(sources))).absolute()
    return first.name if first.is_dir() else first.parent.name


@dataclass(frozen=True)
class PublishPlan:
    """What a publishing job will do. A :class:`NewPicset` is numbered when the job starts."""

    sources: tuple[Path, ...]
    picset: str | NewPicset
    on_conflict: str = FAIL
    resume: Job | None = None  # the interrupted job this one continues
    reused: bool = False  # the picset these sources were published into before

    @classmethod
    def of(cls, sources: Iterable[Path], picset: str | NewPicset, **options) -> PublishPlan:
        return cls(tuple(Path(s).absolute() for s in sources), picset, **options)

    @property
    def resume_job(self) -> int | None:
        return self.resume.id if self.resume is not None else None

    @property
    def label(self) -> str:
        """The picset, or the title of a new one."""
        if isinstance(self.picset, NewPicset):
            return f"a new picset \u201c{self.picset.title}\u201d"
        return self.picset

    @property
    def title(self) -> str:
        """The picset's title as the curator gave it (a new one's) or as the site shows it."""
        if isinstance(self.picset, NewPicset):
            return self.picset.title
        return title_of(self.picset)

    def title_note(self, title: str | None = None) -> str:
        """What the site will show for the new picset's title and why, when that is not the
        title as given ('' else); ``title``: the one asked for (``upload --title``), said when
        the photos go on into the picset they went into before."""
        if isinstance(self.picset, NewPicset):
            reading = read_title(self.picset.title)
            return reading.note() if reading.slug else (
                f"nothing of the title \u201c{self.picset.title}\u201d can travel in a "
                "picset's address: the site will show \u201cpicset\u201d")
        if title and " ".join(title.split()) != self.title:
            return (f"these photos went into picset \u201c{self.title}\u201d ({self.picset}) "
                    "before: they go on into it (`finpics-desktop rename "
                    f"{self.picset} --title TITLE` changes its title)")
        return ""


def plan_publish(backend: Backend, journal: Journal, sources: Iterable[Path], *,
                 picset: str | None = None, on_conflict: str | None = None,
                 resume: bool = True, title: str | None = None) -> PublishPlan:
    """The job for ``sources`` (see the module's rules): ``picset`` names one, ``title`` is a
    new one's (default: the folder's name as written), ``resume`` False never continues an
    interrupted job."""
    if picset and title:
        raise InvalidValue("--picset names a picset, --title is a new one's: give one")
    check_writable(backend, "publishing into it")
    sources = tuple(Path(s).absolute() for s in sources)
    target = target_of(backend)
    job = journal.find_resumable(target, sources, picset) if resume else None
    if job is not None:
        return PublishPlan(sources, job.picset, on_conflict or job.on_conflict, resume=job)
    if picset:
        check_new_picset_id(picset, picset_ids(backend))
        return PublishPlan(sources, picset, on_conflict or FAIL)
    last = journal.last_job(target, sources)
    if last is not None and (journal.is_live(last.id) or backend.records.picset(
            last.picset) is not None):  # publishing now, or published before
        return PublishPlan(sources, last.picset, on_conflict or FAIL, reused=True)
    return PublishPlan(sources, NewPicset(title or folder_name(sources)), on_conflict or FAIL)


def picset_ids(backend: Backend) -> list[str]:
    return backend.records.picset_ids()


@dataclass(frozen=True)
class Proposal:
    """A plan as the *New picset* dialog shows it: its title, the picset id (what a new picset
    would be numbered now; empty, with the ``problem``, when the album has no number left for
    it), the ordering number a new title would take, and the picsets already there."""

    plan: PublishPlan
    picset_id: str
    existing: frozenset[str]
    problem: str = ""
    number: str = ""

    @classmethod
    def of(cls, plan: PublishPlan, existing: Iterable[str],
           taken: Iterable[str] = ()) -> Proposal:
        """``taken``: ids the target's jobs use beside the picsets listed (``existing``)."""
        existing = frozenset(existing)
        try:
            number = next_number([*existing, *taken])
        except FinpicsError as e:  # no number left at the album's width
            if not isinstance(plan.picset, NewPicset):
                return cls(plan, plan.picset, existing, str(e))
            return cls(plan, "", existing, str(e))
        if not isinstance(plan.picset, NewPicset):
            return cls(plan, plan.picset, existing, number=number)
        return cls(plan, new_picset_id(plan.picset.title, [*existing, *taken]), existing,
                   number=number)

    @classmethod
    def new_picset(cls, sources: Iterable[Path], existing: Iterable[str]) -> Proposal:
        """A new picset for ``sources`` in an album holding ``existing``."""
        sources = [Path(s) for s in sources]
        return cls.of(PublishPlan.of(sources, NewPicset(folder_name(sources))), existing)

    @property
    def title(self) -> str:
        return self.plan.title

    def id_for(self, title: str) -> str:
        """The id of the picset the photos go to under ``title``: the proposal's for its own
        title, else a new picset's (the next number); :class:`InvalidName` saying why not."""
        if " ".join(title.split()) == " ".join(self.title.split()) and self.picset_id:
            return self.picset_id
        if not self.number:
            raise InvalidName(self.problem)
        if not read_title(title).slug:
            raise InvalidName("give the picset a title" if not title.strip() else
                              f"nothing of \u201c{title.strip()}\u201d can travel in a "
                              "picset's address: give letters or digits")
        return titled_id(self.number, title)

    def id_for_or_none(self, title: str) -> str | None:
        try:
            return self.id_for(title)
        except FinpicsError:
            return None

    def choose(self, picset_id: str, title: str | None = None) -> PublishPlan:
        """The plan for the id the curator settled on: the proposal itself if unchanged (a
        new picset is then still numbered when the job starts), a new picset of ``title`` if
        it is that title's id, else that picset; raises :class:`InvalidName` when the id
        cannot be used."""
        picset_id = picset_id.strip()
        if not picset_id and self.problem:
            raise InvalidName(self.problem)
        if picset_id == self.picset_id:
            return self.plan
        if title is not None and picset_id not in self.existing and (
                picset_id == self.id_for_or_none(title)):
            return PublishPlan(self.plan.sources, NewPicset(" ".join(title.split())),
                               self.plan.on_conflict)
        check_new_picset_id(picset_id, self.existing)
        return PublishPlan(self.plan.sources, picset_id, self.plan.on_conflict)


def propose(backend: Backend, journal: Journal, sources: Iterable[Path]) -> Proposal:
    plan = plan_publish(backend, journal, sources)
    taken = [j.picset for j in journal.jobs(target_of(backend))]
    return Proposal.of(plan, picset_ids(backend), taken)


def conflict_plan(report: UploadReport, choice: str) -> PublishPlan:
    """The photos whose name was taken by a different photo, published again with the
    curator's choice (``replace`` or ``rename``)."""
    return PublishPlan.of([r.path for r in report.conflicts], report.picset, on_conflict=choice)


class Publishing:
    """One publishing job of a plan, journaled (a killed job can be resumed)."""

    def __init__(self, backend: Backend, plan: PublishPlan, journal: Journal,
                 workers: int | None = None, remove_location: bool = True):
        """``remove_location``: the curator's choice that published copies leave the camera's
        location out; it applies where the public site reads them (``backend.public``: the
        library keeps the curator's files as they are)."""
        self.plan = plan
        self.backend = backend
        self.publisher = Publisher.for_backend(
            backend, journal, on_conflict=plan.on_conflict,
            workers=workers or backend.upload_workers,
            remove_location=remove_location and backend.public)

    def cancel(self) -> None:
        """The photos under way finish, whole; the others are reported as cancelled."""
        self.publisher.cancel()

    def run(self, on_result: Callable[[FileResult, int, int], None] | None = None,
            on_start: Callable[[str], None] | None = None) -> UploadReport:
        """``on_start(picset id)`` once the job is recorded, ``on_result(result, finished,
        total)`` (from worker threads) as each photo ends."""
        plan = self.plan
        report = self.publisher.publish(plan.sources, plan.picset, on_result,
                                        job_id=plan.resume_job, on_start=on_start)
        if not report.stopped:  # the names other apps wrote with the photos, taken
            report.names = take_published_names(self.backend, report)
        return report


# -- the journal's questions (worker threads) ---------------------------------------------------


@contextmanager
def journal_of(backend: Backend, library: Path | None = None) -> Iterator[Journal]:
    """The journal of the jobs publishing into ``backend``, open for the block (``library``:
    where a cloud's journal is kept, if not the user data folder). The album's
    (:meth:`~finpics_desktop.app.album.Album.journal`); every caller opens it so."""
    journal = journal_for(backend, library)
    try:
        yield journal
    finally:
        journal.close()


def unfinished_jobs(backend: Backend) -> list[Job]:
    """The backend's interrupted jobs, oldest first: offered for resuming."""
    with journal_of(backend) as journal:
        return journal.unfinished_jobs(target_of(backend))


def abandon(backend: Backend, job_id: int) -> None:
    """The curator declined to resume the job: it is no longer offered."""
    with journal_of(backend) as journal:
        journal.abandon(job_id)


def resume_plan(job: Job) -> PublishPlan:
    return PublishPlan.of([Path(s) for s in job.sources], job.picset,
                          on_conflict=job.on_conflict, resume=job)


def same_content_elsewhere(album, files, plan: PublishPlan) -> dict[Path, str]:
    """The files of ``plan`` whose content, as it would be published on ``album`` (an
    :class:`~finpics_desktop.app.album.Album`), the album holds in another picset already:
    file -> ``picset/name`` (``pipeline/publish/contents``)."""
    from finpics_desktop.pipeline.photos.public_copy import public_copy
    from finpics_desktop.pipeline.publish.contents import elsewhere

    if plan.resume is not None:  # asked about when the job began
        return {}
    picset = plan.picset if isinstance(plan.picset, str) else None
    return elsewhere(album.backend, files, picset,
                     public_copy if album.strips_location else None)


def leave_out(plan: PublishPlan, files: Iterable[Path],
              held: Iterable[Path]) -> tuple[PublishPlan | None, list[Path]]:
    """The plan publishing ``files`` but ``held`` (the curator skips the photos the album
    holds elsewhere), with the files it publishes; None when nothing is left."""
    held = set(held)
    kept = [f for f in files if f not in held]
    return (replace(plan, sources=tuple(kept)) if kept else None), kept
