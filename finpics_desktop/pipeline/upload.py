"""Publishing a folder (or files) as a picset: plan, check, store, process; one bad photo never
stops the batch, and a photo that fails leaves nothing behind."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.domain.keys import is_supported, photo_key
from finpics_desktop.domain.names import Names
from finpics_desktop.domain.picsets import validate_picset_id
from finpics_desktop.pipeline.images import inspect
from finpics_desktop.pipeline.remove import remove_photo
from finpics_desktop.ports import HASH_METADATA, FaceIndex, ObjectStore, Tables

log = logging.getLogger(__name__)

DONE, FAILED, SKIPPED, CANCELLED = "done", "failed", "skipped", "cancelled"


@dataclass
class FileResult:
    path: Path
    status: str
    reason: str = ""
    key: str | None = None
    faces: int = 0

    @property
    def name(self) -> str:
        return self.path.name

    def line(self) -> str:
        return f"{self.path.name}: {self.reason}" if self.reason else self.path.name


@dataclass
class UploadReport:
    picset: str
    results: list[FileResult] = field(default_factory=list)

    def with_status(self, status: str) -> list[FileResult]:
        return [r for r in self.results if r.status == status]

    @property
    def ok(self) -> bool:
        return not self.with_status(FAILED) and not self.with_status(CANCELLED)

    def summary(self) -> str:
        done, failed = len(self.with_status(DONE)), len(self.with_status(FAILED))
        planned = done + failed + len(self.with_status(CANCELLED))
        text = f"published {done} of {planned} photo(s) to {self.picset}"
        extras = [f"{n} {s}" for s in (FAILED, CANCELLED, SKIPPED)
                  if (n := len(self.with_status(s)))]
        return text + (f" ({', '.join(extras)})" if extras else "")


def plan_files(sources: Iterable[Path]) -> tuple[list[Path], list[FileResult]]:
    """The photos to publish from folders and/or files, and what is skipped with the reason.

    A folder contributes its own files (not its subfolders), in name order.
    """
    photos: list[Path] = []
    skipped: list[FileResult] = []
    for source in sources:
        source = Path(source)
        if source.is_dir():
            try:
                entries = sorted(source.iterdir(), key=lambda p: p.name)
            except OSError as e:
                skipped.append(FileResult(source, FAILED, f"cannot read the folder: {e.strerror}"))
                continue
        else:
            entries = [source]
        for path in entries:
            if path.name.startswith("."):
                skipped.append(FileResult(path, SKIPPED, "hidden file"))
            elif path.is_dir():
                skipped.append(FileResult(path, SKIPPED, "a folder (subfolders are not published)"))
            elif not is_supported(path.name):
                skipped.append(FileResult(
                    path, SKIPPED, "not a photo finpics publishes (.jpg, .jpeg, .png)"))
            else:
                photos.append(path)
    return photos, skipped


class Publisher:
    """Publishes photos into one picset. ``process`` (the local library's in-process pipeline)
    runs after each original is stored; None where the cloud processes on its own."""

    def __init__(
        self,
        store: ObjectStore,
        tables: Tables,
        faces: FaceIndex,
        names: Names,
        process: Callable[[str, str], dict] | None,
        *,
        replace: bool = False,
        workers: int | None = None,
    ):
        self.store, self.tables, self.faces, self.names = store, tables, faces, names
        self.process = process
        self.replace = replace
        self.workers = workers or min(4, os.cpu_count() or 2)
        self.cancel_event = threading.Event()

    def cancel(self) -> None:
        self.cancel_event.set()

    def publish(
        self,
        sources: Iterable[Path],
        picset: str,
        on_result: Callable[[FileResult, int, int], None] | None = None,
    ) -> UploadReport:
        """Publish; ``on_result(result, finished, total)`` is called (from worker threads) as
        each photo ends. Cancelling lets the photos under way finish, whole."""
        validate_picset_id(picset)
        photos, skipped = plan_files(sources)
        report = UploadReport(picset, list(skipped))
        total, finished = len(photos), 0
        lock = threading.Lock()
        claimed: dict[str, Path] = {}

        def run(path: Path) -> FileResult:
            nonlocal finished
            if self.cancel_event.is_set():
                result = FileResult(path, CANCELLED, "cancelled before it was sent")
            else:
                result = self._one(path, picset, claimed, lock)
            with lock:
                finished += 1
                report.results.append(result)
                count = finished
            if on_result:
                on_result(result, count, total)
            return result

        with ThreadPoolExecutor(self.workers, thread_name_prefix="publish") as pool:
            list(pool.map(run, photos))
        order = {p: i for i, p in enumerate(photos)}
        report.results.sort(key=lambda r: (r.status == SKIPPED, order.get(r.path, -1), r.path.name))
        return report

    def _one(self, path: Path, picset: str, claimed: dict, lock: threading.Lock) -> FileResult:
        try:
            key = photo_key(picset, path.name)
            with lock:  # NFC and NFD spellings of one name would be one object
                other = claimed.setdefault(key.key, path)
            if other is not path:
                return FileResult(path, FAILED, f"same name as {other.name!r} once Unicode-"
                                  "normalised: rename one of them")
            try:
                data = path.read_bytes()
            except OSError as e:
                return FileResult(path, FAILED, f"cannot read the file: {e.strerror or e}")
            inspect(data, key.name)  # refuses corrupt/bomb/mismatched content before any write
            digest = hashlib.sha256(data).hexdigest()
            existing = self.store.head(self.names.pics_bucket, key.key)
            if existing is not None and existing.sha256 == digest and (
                    self.process is None or self.tables.get_pics_item(picset, key.name)):
                return FileResult(path, SKIPPED, "already published (same content)", key.key)
            if existing is not None and existing.sha256 != digest and not self.replace:
                return FileResult(path, FAILED, "a different photo with this name is already "
                                  "in the picset (publish with replace to overwrite it)")
            self.store.put(self.names.pics_bucket, key.key, data, key.content_type,
                           {HASH_METADATA: digest})
            if self.process is None:
                return FileResult(path, DONE, key=key.key)
            try:
                item = self.process(self.names.pics_bucket, key.key)
            except BaseException:
                remove_photo(self.store, self.tables, self.faces, self.names, key)
                raise
            return FileResult(path, DONE, key=key.key,
                              faces=len(item["data"].get("FaceRecords", [])))
        except FinpicsError as e:
            return FileResult(path, FAILED, str(e))
        except Exception as e:  # a bug or an unexpected backend failure: report, go on
            log.exception("publishing %s failed", path)
            return FileResult(path, FAILED, f"unexpected error: {type(e).__name__}: {e}")
