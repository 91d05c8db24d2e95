"""Near-duplicates and the best shot, as the window and ``similar`` ask for them: the groups of a
folder (its faces found by the local face engine), of a library picset or of a cloud picset (the
faces the album indexed; the originals read from it), and the one action that keeps the best of
each group and sends the others to the trash (undoable: :meth:`Curator.delete`)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from finpics_desktop.domain.errors import FinpicsError, NotFound
from finpics_desktop.domain.keys import is_supported, photo_key
from finpics_desktop.domain.picsets import PICSET_ROOT
from finpics_desktop.domain.records import FaceRecord
from finpics_desktop.pipeline.publish.outcomes import plan_files
from finpics_desktop.pipeline.similar import FaceSpot, Group, Measured, find_groups, measure
from finpics_desktop.ports import Backend

WORKERS = 2  # photos read and measured at once (decoding and OpenCV release the GIL)
Detect = Callable[[bytes, str], list[FaceSpot]]
Progress = Callable[[int, int], None]  # (photos measured, of how many): any thread


@dataclass
class Similar:
    """What ``similar`` found in one folder or picset."""

    where: str  # the folder or the picset id
    groups: list[Group]
    photos: int  # how many were compared
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (name, why)
    # what each name is: a folder's file (its Path), a picset's photo (its PhotoItem)
    items: dict[str, object] = field(default_factory=dict, repr=False)

    @property
    def others(self) -> list[str]:
        """Every photo that is not the best of its group: what keeping the best trashes."""
        return [name for g in self.groups for name in g.others]

    def as_json(self) -> list[dict]:
        return [g.as_json() for g in self.groups]

    def summary(self) -> str:
        if not self.groups:
            return f"no near-duplicates among the {self.photos} photos of {self.where}"
        copies = sum(g.kind == "copies" for g in self.groups)
        series = len(self.groups) - copies
        return (f"{self.where}: {copies} group(s) of copies and {series} series among "
                f"{self.photos} photos; keeping the best of each leaves out "
                f"{len(self.others)} photo(s)")


def engine_faces() -> Detect:
    """The local face engine's faces of a photo, as ``similar`` measures them (any album: the
    engine runs here, on the curator's computer)."""
    from finpics_desktop.backends.local.engine import FaceEngine

    engine = FaceEngine()

    def detect(data: bytes, name: str) -> list[FaceSpot]:
        return [FaceSpot(_bounds(f.box), _has_eyes(f.landmarks)) for f in engine.analyze(
            data, name)]

    return detect


def no_faces(data: bytes, name: str) -> list[FaceSpot]:
    """For grouping alone (before publishing: the best is chosen once the album has the
    faces): no face looked for."""
    return []


def in_folder(folder: Path, detect: Detect | None = None,
              cancel: threading.Event | None = None, progress: Progress | None = None
              ) -> Similar:
    """The groups among the photos of ``folder`` (its own files, as publishing takes them)."""
    if not folder.is_dir():
        raise FinpicsError(f"{folder}: no such folder")
    return in_sources([folder], str(folder), detect, cancel, progress)


def in_sources(sources: list[Path], where: str, detect: Detect | None = None,
               cancel: threading.Event | None = None, progress: Progress | None = None
               ) -> Similar:
    """The groups among the photos publishing would take from ``sources`` (folders, files)."""
    paths, _ = plan_files(sources)
    detect = detect or engine_faces()

    def one(path: Path) -> Measured:
        data = path.read_bytes()
        return measure(path.name, data, detect(data, path.name))

    return _measured(where, [(p.name, lambda p=p: one(p)) for p in paths], cancel, progress,
                     {p.name: p for p in paths})


def in_picset(backend: Backend, picset: str, cancel: threading.Event | None = None,
              progress: Progress | None = None) -> Similar:
    """The groups among the photos of ``picset`` (library or cloud), measured with the faces
    the album indexed."""
    photos = backend.records.photos(picset)
    if not photos and backend.tables.get_pics_item(PICSET_ROOT, picset) is None:
        raise NotFound(f"no picset {picset} in the album (`finpics-desktop picsets` lists them)")
    bucket = backend.names.pics_bucket

    def one(photo) -> Measured:
        data = backend.store.get(bucket, photo_key(picset, photo.name).key)
        return measure(photo.name, data, [_spot(f) for f in photo.faces])

    return _measured(picset, [(p.name, lambda p=p: one(p)) for p in photos
                              if is_supported(p.name)], cancel, progress,
                     {p.name: p for p in photos})


def keep_best(curator, picset: str, found: Similar):
    """The best of each group kept, the others sent to the trash (one action: Ctrl+Z or
    ``restore`` brings them back). Returns the curator's Outcome (None: nothing to do)."""
    others = found.others
    if not others:
        return None
    return curator.delete([f"{picset}/{name}" for name in others])


def _measured(where: str, jobs: list[tuple[str, Callable[[], Measured]]],
              cancel: threading.Event | None, progress: Progress | None = None,
              items: dict[str, object] | None = None) -> Similar:
    measured: dict[str, Measured] = {}
    unreadable: list[tuple[str, str]] = []
    done = [0]
    counting = threading.Lock()

    def run(job: tuple[str, Callable[[], Measured]]) -> None:
        name, work = job
        if cancel is not None and cancel.is_set():
            return
        try:
            measured[name] = work()
        except (FinpicsError, OSError) as e:
            unreadable.append((name, _why(e)))
        if progress is not None:
            with counting:
                done[0] += 1
                count = done[0]
            progress(count, len(jobs))

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(run, jobs))
    ordered = [measured[name] for name, _ in jobs if name in measured]
    if cancel is not None and cancel.is_set():  # (nobody waits for the groups)
        return Similar(where, [], len(ordered), sorted(unreadable), dict(items or {}))
    return Similar(where, find_groups(ordered), len(ordered), sorted(unreadable),
                   dict(items or {}))


def _why(error: Exception) -> str:
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return str(error)


def _spot(face: FaceRecord) -> FaceSpot:
    landmarks = face.landmarks
    # a face without landmarks (drawn by hand, an engine that gives none) is not judged on them
    return FaceSpot(tuple(float(v) for v in face.bounds),
                    _has_eyes(landmarks) if landmarks else True)


def _has_eyes(landmarks) -> bool:
    """Whether the engine placed both eyes inside the photo."""
    eyes = [p for p in landmarks or [] if p.get("Type") in ("eyeLeft", "eyeRight")]
    return len(eyes) == 2 and all(0.0 <= float(p["X"]) <= 1.0 and 0.0 <= float(p["Y"]) <= 1.0
                                  for p in eyes)


def _bounds(box: Mapping) -> tuple[float, float, float, float]:
    return (float(box["Left"]), float(box["Top"]), float(box["Width"]), float(box["Height"]))
