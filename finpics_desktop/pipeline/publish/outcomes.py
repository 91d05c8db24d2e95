"""What publishing a file can come to (statuses, :class:`FileResult`, :class:`UploadReport`)
and the plan of a job: which files of the dropped folders are photos to publish, and which are
skipped or refused before anything is read, with the reason."""

from __future__ import annotations

import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from finpics_desktop.domain.keys import is_supported
from finpics_desktop.domain.picsets import titled
from finpics_desktop.pipeline.people.tagged_names import NamesReport

DONE, FAILED, SKIPPED, CANCELLED = "done", "failed", "skipped", "cancelled"
ALREADY = "already published (same content)"


@dataclass
class FileResult:
    path: Path
    status: str
    reason: str = ""
    key: str | None = None
    faces: int = 0
    conflict: bool = False  # same name, different content: the user may replace or rename

    @property
    def name(self) -> str:
        return self.path.name

    def line(self) -> str:
        return f"{self.path.name}: {self.reason}" if self.reason else self.path.name


@dataclass
class UploadReport:
    picset: str
    results: list[FileResult] = field(default_factory=list)
    job_id: int | None = None
    retries: int = 0  # transient backend failures retried during the job
    swept: int = 0  # stray faces (of a killed run or a lost IndexFaces answer) removed
    stopped: str = ""  # why the job stopped before its end (storage that cannot be written)
    names: NamesReport | None = None  # the names other apps wrote, taken (the library)

    def with_status(self, status: str) -> list[FileResult]:
        return [r for r in self.results if r.status == status]

    @property
    def ok(self) -> bool:
        return not self.with_status(FAILED) and not self.with_status(CANCELLED)

    @property
    def conflicts(self) -> list[FileResult]:
        return [r for r in self.results if r.conflict]

    def summary(self) -> str:
        done, failed = len(self.with_status(DONE)), len(self.with_status(FAILED))
        planned = done + failed + len(self.with_status(CANCELLED))
        text = f"published {done} of {planned} photo(s) to {titled(self.picset)}"
        if not planned and not self.with_status(SKIPPED):
            text = (f"nothing to publish to {titled(self.picset)}: no photos (.jpg, .jpeg, "
                    ".png) found")
        extras = [f"{n} {s}" for s in (FAILED, CANCELLED, SKIPPED)
                  if (n := len(self.with_status(s)))]
        if self.retries:
            extras.append(f"{self.retries} transient error(s) retried")
        if self.swept:
            extras.append(f"{self.swept} stray face(s) removed")
        return text + (f" ({', '.join(extras)})" if extras else "")


def cannot_read(error: OSError) -> str:
    return f"cannot read the file: {error.strerror or error}"


def unreadable_reason(path: Path) -> str | None:
    """Why a planned photo cannot be read as a file, or None if it is a regular file."""
    try:
        st = path.stat()
    except OSError as e:
        if e.errno == 40:  # ELOOP
            return "a symbolic link that loops back on itself: cannot be read"
        if path.is_symlink():
            return "a broken symbolic link: its target does not exist"
        return cannot_read(e)
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file (a pipe, socket or device): not read"
    return None


def plan_files(sources: Iterable[Path]) -> tuple[list[Path], list[FileResult]]:
    """The photos to publish from folders and/or files, and what is skipped with the reason.

    A folder contributes its own files (not its subfolders), in name order. Links, pipes and
    unreadable entries named like photos are refused here, never opened.
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
        elif not source.exists() and not source.is_symlink():
            skipped.append(FileResult(source, FAILED, "no such file or folder"))
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
            elif reason := unreadable_reason(path):
                skipped.append(FileResult(path, FAILED, reason))
            else:
                photos.append(path)
    return photos, skipped
