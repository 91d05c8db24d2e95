"""The names other apps wrote, between the curator's files and the album.

- **Publishing into the library takes them** (:func:`take_published_names`): for each photo
  published (or found published already, with the same content), the names its file, its
  sidecars and its folder's ``.picasa.ini`` carry are matched to the faces the library
  detected (:mod:`~finpics_desktop.pipeline.people.tagged_names`). Only where the album finds
  the faces itself, as it publishes (the library): the cloud finds them later, on its own.
- **``import-names`` takes them later** (:func:`take_album_names`): for photos published
  before, from the files they were published from (while unchanged), by the same rules.
- **``export-names`` writes the album's names back** (:func:`export_names`) as MWG face regions
  in an XMP sidecar beside the file each photo was published from (``photo.jpg.xmp``, or the
  ``photo.xmp`` it has), for digiKam, Lightroom or exiftool to read -- never into a photo, and
  never into the album's own copies: those are what is published. The file is found in the
  upload journal, and written beside only while it is the content that was published (a file
  edited since would have its faces elsewhere).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.domain.keys import PhotoKey, parse_key
from finpics_desktop.pipeline.people.naming import People
from finpics_desktop.pipeline.people.regions import all_regions
from finpics_desktop.pipeline.people.tagged_names import NamesReport, take_names
from finpics_desktop.pipeline.photos import face_tags, xmp
from finpics_desktop.pipeline.publish.journal import PROCESSED, SKIPPED, Journal, target_of
from finpics_desktop.pipeline.publish.outcomes import ALREADY, DONE, UploadReport
from finpics_desktop.ports import Backend

log = logging.getLogger(__name__)

WRITTEN, NOT_WRITTEN = "written", "not written"


def take_published_names(backend: Backend, report: UploadReport) -> NamesReport | None:
    """Take the names other apps wrote for the photos ``report`` published; None where the
    album does not find faces as it publishes (the cloud) or keeps no names."""
    if backend.process is None or backend.private is None or backend.read_only:
        return None
    people = People(backend)
    names = NamesReport([], [])
    for result in report.results:
        if result.key is not None and (result.status == DONE or result.reason == ALREADY):
            _take_from_file(people, names, result.path, result.key)
    return names


def take_album_names(backend: Backend, journal: Journal, picset: str | None = None
                     ) -> NamesReport:
    """Take the names other apps wrote (since) for the photos of ``picset`` (or of the whole
    album), from the files they were published from (``import-names``)."""
    people = People(backend)
    sources = Sources.of(journal, backend)
    names, unknown = NamesReport([], []), 0
    for picset_id in [picset] if picset else backend.records.picset_ids():
        for photo in backend.records.photos(picset_id):
            key = PhotoKey(photo.picset, photo.name).key
            source = sources.of_photo(backend, key)
            if source is None or not source[0].is_file():
                unknown += 1
                continue
            _take_from_file(people, names, source[0], key, source[1])
    if unknown:
        names.problems.append(f"{unknown} photo(s): the file each was published from is not "
                              "known (published before the journal's last jobs, or by another "
                              "computer) or no longer there")
    return names


def _take_from_file(people: People, names: NamesReport, path: Path, key: str,
                    content: str | None = None) -> None:
    where = parse_key(key)
    try:
        data = path.read_bytes()
    except OSError as e:
        names.problems.append(f"{path}: cannot be read for the names other apps wrote "
                              f"({e.strerror or e})")
        return
    if content and hashlib.sha256(data).hexdigest() != content:
        names.problems.append(f"{path} has changed since it was published as "
                              f"{where.image_path}: its names were not read (publish it again)")
        return
    found, problems = face_tags.read_names(path, data)
    names.problems += problems
    try:
        names.taken += take_names(people, where.picset, where.name, found)
    except FinpicsError as e:
        names.problems.append(f"{path}: its names were not taken: {e}")


# -- writing them back ------------------------------------------------------------------------
@dataclass(frozen=True)
class Exported:
    """What ``export-names`` did for one photo: ``written`` (the sidecar, with ``names``) or
    ``not written`` (``reason``)."""

    image_path: str  # <picset>/<file>
    outcome: str
    names: tuple[str, ...]
    sidecar: str | None = None
    reason: str = ""

    def line(self) -> str:
        if self.outcome == WRITTEN:
            return f"{self.image_path}: {', '.join(self.names)} -> {self.sidecar}"
        return f"{self.image_path}: not written: {self.reason}"

    def as_json(self) -> dict:
        return {**asdict(self), "names": list(self.names)}


def album_names(backend: Backend, picset: str | None = None
                ) -> dict[str, list[tuple[str, dict]]]:
    """``<picset>/<file>`` -> the names in that photo with their boxes (ratios of the upright
    photo): its named faces, then its named regions; of one picset, or of the whole album."""
    people = People(backend)
    named = people.named()
    where = people.locate(named)
    who = {p.id: p.name for p in people.people()}
    found: dict[str, list[tuple[str, dict]]] = {}
    for face_id, face in named.items():
        spot = where.get(face_id)
        if spot is not None and face.person in who:
            found.setdefault(spot.image_path, []).append((who[face.person], spot.box))
    for region in all_regions(backend.private):
        found.setdefault(region.image_path, []).append((region.name, region.box))
    return {path: sorted(names, key=lambda n: (n[1]["Left"], n[1]["Top"]))
            for path, names in sorted(found.items())
            if picset is None or path.split("/", 1)[0] == picset}


@dataclass(frozen=True)
class Sources:
    """The files the album's photos were published from, as the upload journal recorded them
    (its jobs into this album, the latest first): by object key, and by content (a photo moved
    or renamed in the album since keeps its content)."""

    by_key: dict[str, tuple[Path, str | None]]
    by_content: dict[str, Path]

    @classmethod
    def of(cls, journal: Journal, backend: Backend) -> Sources:
        by_key: dict[str, tuple[Path, str | None]] = {}
        by_content: dict[str, Path] = {}
        for job in reversed(journal.jobs(target_of(backend))):
            for entry in journal.files(job.id).values():
                if entry.key and entry.state in (PROCESSED, SKIPPED):
                    by_key.setdefault(entry.key, (Path(entry.path), entry.sha256))
                    if entry.sha256:
                        by_content.setdefault(entry.sha256, Path(entry.path))
        return cls(by_key, by_content)

    def of_photo(self, backend: Backend, key: str) -> tuple[Path, str | None] | None:
        """The file photo ``key`` was published from, and its content hash then."""
        info = backend.store.head(backend.names.pics_bucket, key)
        content = info.sha256 if info is not None else None
        if content and content in self.by_content:
            return self.by_content[content], content
        return self.by_key.get(key)


def export_names(backend: Backend, journal: Journal, picset: str | None = None
                 ) -> list[Exported]:
    """Write the album's names (of ``picset``, or of every picset) into sidecars beside the
    files the photos were published from."""
    sources = Sources.of(journal, backend)
    library = (Path(backend.library.folder).expanduser().resolve()
               if backend.library is not None else None)
    done = []
    for image_path, names in album_names(backend, picset).items():
        shown = tuple(dict.fromkeys(n for n, _ in names))
        key = PhotoKey(*image_path.split("/", 1)).key
        source = sources.of_photo(backend, key)
        reason = _why_not(source, library)
        if reason:
            done.append(Exported(image_path, NOT_WRITTEN, shown, reason=reason))
            continue
        path, sha256 = source
        try:
            data = path.read_bytes()
            if sha256 and hashlib.sha256(data).hexdigest() != sha256:
                done.append(Exported(image_path, NOT_WRITTEN, shown, reason=(
                    f"{path} has changed since it was published: its faces may no longer be "
                    "where the album has them (publish it again, then export)")))
                continue
            sidecar = face_tags.write_sidecar(path, data, names)
        except OSError as e:
            done.append(Exported(image_path, NOT_WRITTEN, shown, reason=(
                f"cannot write beside {path}: {e.strerror or e}")))
            continue
        except xmp.BadXmp as e:
            done.append(Exported(image_path, NOT_WRITTEN, shown, reason=(
                f"the sidecar beside {path} cannot be read, so it is left as it is: {e}")))
            continue
        done.append(Exported(image_path, WRITTEN, shown, str(sidecar)))
    return done


def _why_not(source: tuple[Path, str | None] | None, library: Path | None) -> str:
    if source is None:
        return ("the album does not know which file it was published from (published "
                "before the journal's last jobs, or by another computer)")
    path = source[0]
    if library is not None and path.resolve().is_relative_to(library):
        return f"{path} is inside the library: its copies are never written to"
    if not path.is_file():
        return f"{path}, the file it was published from, is no longer there"
    return ""
