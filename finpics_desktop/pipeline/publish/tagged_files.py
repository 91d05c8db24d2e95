"""The names other apps wrote, between the curator's files and the album.

- **Publishing into the library takes them** (:func:`take_published_names`): for each photo
  published (or found published already, with the same content), the names its file, its
  sidecars and its folder's ``.picasa.ini`` carry are matched to the faces the library
  detected (:mod:`~finpics_desktop.pipeline.people.tagged_names`). Only where the album finds
  the faces itself, as it publishes (the library): the cloud finds them later, on its own.
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
        if result.key is None or not (result.status == DONE or result.reason == ALREADY):
            continue
        where = parse_key(result.key)
        try:
            data = result.path.read_bytes()
        except OSError as e:
            names.problems.append(f"{result.path}: cannot be read again for the names other "
                                  f"apps wrote ({e.strerror or e})")
            continue
        found, problems = face_tags.read_names(result.path, data)
        names.problems += problems
        try:
            names.taken += take_names(people, where.picset, where.name, found)
        except FinpicsError as e:
            names.problems.append(f"{result.path}: its names were not taken: {e}")
    return names


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


def published_from(journal: Journal, backend: Backend) -> dict[str, tuple[Path, str | None]]:
    """Object key -> the file it was last published from and its content hash then (the
    journal's jobs into this album, the latest first)."""
    found: dict[str, tuple[Path, str | None]] = {}
    for job in reversed(journal.jobs(target_of(backend))):
        for entry in journal.files(job.id).values():
            if entry.key and entry.state in (PROCESSED, SKIPPED):
                found.setdefault(entry.key, (Path(entry.path), entry.sha256))
    return found


def export_names(backend: Backend, journal: Journal, picset: str | None = None
                 ) -> list[Exported]:
    """Write the album's names (of ``picset``, or of every picset) into sidecars beside the
    files the photos were published from."""
    sources = published_from(journal, backend)
    library = (Path(backend.library.folder).expanduser().resolve()
               if backend.library is not None else None)
    done = []
    for image_path, names in album_names(backend, picset).items():
        shown = tuple(dict.fromkeys(n for n, _ in names))
        key = PhotoKey(*image_path.split("/", 1)).key
        source = sources.get(key)
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
