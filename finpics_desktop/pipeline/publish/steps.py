"""The steps of publishing one photo of a job, and what the photos of one job share.

For each photo: read it whole while nothing changes it (:mod:`~finpics_desktop.pipeline.
reading`), claim its content and its key against other jobs (:mod:`~finpics_desktop.pipeline.
claims`, waiting for a job publishing the same), then decide as if the jobs had run one after
the other: already there with this content (skipped), the same content under another name
(skipped), the same name with other content (the job's conflict policy), else stored with a
conditional write (only if absent, or only over the version that was looked at), so a writer
that no claim sees -- another computer publishing to the same cloud -- is noticed too, and the
decision is taken again.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import posixpath
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from finpics_desktop.domain.errors import FinpicsError, StorageError, WriteConflict
from finpics_desktop.domain.keys import MAX_NAME_BYTES, PhotoKey, photo_key
from finpics_desktop.domain.records import IndexedFace, PhotoItem
from finpics_desktop.pipeline.functions.process import external_image_id, quiet_if_storage
from finpics_desktop.pipeline.people import replaced
from finpics_desktop.pipeline.photos.images import check_file_size, check_structure, inspect
from finpics_desktop.pipeline.photos.reading import read_photo
from finpics_desktop.pipeline.publish import contents
from finpics_desktop.pipeline.publish import journal as jr
from finpics_desktop.pipeline.publish.claims import JobClaims, content_claim, key_claim
from finpics_desktop.pipeline.publish.outcomes import (
    ALREADY,
    CANCELLED,
    DONE,
    FAILED,
    SKIPPED,
    FileResult,
    cannot_read,
    unreadable_reason,
)
from finpics_desktop.pipeline.remove import remove_photo
from finpics_desktop.ports import HASH_METADATA, LOCATION_METADATA, ObjectInfo, Records

log = logging.getLogger(__name__)
DECISIONS = 3  # times a photo is decided again after losing a conditional write


class JobRun:
    """One publish call: the per-photo steps and what the photos of this call share."""

    def __init__(self, publisher, picset: str, photos: list[Path], claims: JobClaims,
                 job_id: int | None):
        self.p = publisher  # the Publisher (publish.upload) running the job: its ports, options
        self.picset = picset
        self.photos = photos
        self.claims = claims
        self.job_id = job_id
        self.lock = threading.Lock()
        self.names_taken: dict[str, Path] = {}  # key -> the file of this job publishing it
        for path in photos:  # each file's own name first: no other file is renamed to it
            with contextlib.suppress(FinpicsError):  # a bad name: reported with the photo
                self.names_taken.setdefault(photo_key(picset, path.name).key, path)
        self.duplicate_of: dict[Path, Path] = {}  # a file -> the earlier file with its content
        self.held: dict[Path, list[str]] = {}  # claims a photo holds until it is recorded
        self.claimed: set[str] = set()  # keys this job published or looked at
        self.previous: dict[str, jr.FileEntry] = {}  # the journal of the job being resumed
        self._picset_hashes: dict[str, str] | None = None
        self.edited: set[str] = set()  # keys whose copy had its location removed
        self.replaced: set[str] = set()  # keys of photos it replaced (and processed)

    # -- shared state ----------------------------------------------------------------------------
    def find_duplicates(self, pool: ThreadPoolExecutor) -> None:
        """Hash every photo first, so the first of identical files (in name order) is kept."""
        def digest(path: Path) -> str | None:
            try:
                with open(path, "rb") as f:
                    return hashlib.file_digest(f, "sha256").hexdigest()
            except OSError:
                return None  # reported when the photo itself is read

        first: dict[str, Path] = {}
        for path, value in zip(self.photos, pool.map(digest, self.photos), strict=True):
            if value is not None and first.setdefault(value, path) is not path:
                self.duplicate_of[path] = first[value]

    def _hold(self, path: Path, claim: str, *, wait: bool = True) -> bool:
        if not (self.claims.wait(claim) if wait else self.claims.take(claim)):
            return False
        with self.lock:
            self.held.setdefault(path, []).append(claim)
        return True

    def release(self, path: Path, result: FileResult) -> None:
        """Let the photo's claims go, once its outcome is recorded in the journal."""
        with self.lock:
            held = self.held.pop(path, [])
        published = {c: result.key for c in held if c.startswith("content:")} if (
            result.key and result.status in (DONE, SKIPPED)) else {}
        self.claims.release(held, published)

    def picset_hashes(self) -> dict[str, str]:
        """sha256 -> key of the originals already in the picset (looked up once per job; a
        store whose listing carries no metadata, like S3, is asked object by object)."""
        with self.lock:
            if self._picset_hashes is None:
                bucket = self.p.names.pics_bucket
                listed = list(self.p.store.list(bucket, PhotoKey(self.picset, "x").key[:-1]))
                bare = [o.key for o in listed if not o.sha256]
                if bare:
                    with ThreadPoolExecutor(8, thread_name_prefix="publish-head") as pool:
                        headed = {o.key: o for o in pool.map(
                            lambda k: self.p.store.head(bucket, k), bare) if o is not None}
                    listed = [headed.get(o.key, o) for o in listed]
                self._picset_hashes = {o.sha256: o.key for o in listed if o.sha256}
            return self._picset_hashes

    def same_content(self, digest: str, key: str) -> str | None:
        """Another key of the picset holding this content: listed when the job began, or
        published since by another job (the claims' hints); checked to be still there."""
        listed = self.picset_hashes().get(digest)
        for other in [*self.claims.published_as(self.picset, digest), listed]:
            if other and other != key:
                info = self.p.store.head(self.p.names.pics_bucket, other)
                if info is not None and info.sha256 == digest:
                    return other
        return None

    def complete(self, key: PhotoKey) -> bool:
        """Published whole: the item, its thumbnail and its face-index item are all there."""
        if self.p.process is None:
            return True  # the cloud processes on its own
        item = Records(self.p.tables).photo(key.picset, key.name)
        if item is None or self.p.store.head(self.p.names.thumbs_bucket, key.key) is None:
            return False
        return all(self.p.tables.get_image_item(i) is not None for i in item.image_ids)

    def free_name(self, key: PhotoKey, path: Path) -> PhotoKey:
        """``name-2.jpg``, ``name-3.jpg``...: the first name nobody uses or is publishing."""
        stem, ext = posixpath.splitext(key.name)
        for n in range(2, 10_000):
            suffix = f"-{n}{ext}"
            trimmed = stem.encode()[: MAX_NAME_BYTES - len(suffix.encode())].decode(
                "utf-8", "ignore")
            candidate = photo_key(key.picset, trimmed + suffix)
            with self.lock:
                if self.names_taken.setdefault(candidate.key, path) is not path:
                    continue
            if self._hold(path, key_claim(candidate.key), wait=False) and (
                    self.p.store.head(self.p.names.pics_bucket, candidate.key) is None):
                self.claimed.add(candidate.key)
                return candidate
        raise FinpicsError("no free name found to rename to")

    # -- one photo -------------------------------------------------------------------------------
    def one(self, path: Path) -> FileResult:
        try:
            return self._one(path)
        except StorageError as e:  # the next photos would fail alike: the job stops
            return FileResult(path, FAILED, f"not stored: {self.p.stop(e)}")
        except FinpicsError as e:
            return FileResult(path, FAILED, str(e))
        except OSError as e:  # the album's storage or the network failing (after retries)
            log.info("publishing %s failed", path, exc_info=True)
            where = f" ({e.filename})" if e.filename else ""
            return FileResult(path, FAILED, f"not stored: {e.strerror or e}{where}")
        except Exception as e:  # a bug or an unexpected backend failure: report, go on
            log.info("publishing %s failed", path, exc_info=True)  # the details, with -v
            return FileResult(path, FAILED, f"unexpected error: {type(e).__name__}: {e}")

    def _one(self, path: Path) -> FileResult:
        key = photo_key(self.picset, path.name)
        with self.lock:  # NFC and NFD spellings of one name would be one object
            other = self.names_taken.setdefault(key.key, path)
        if other is not path:
            return FileResult(path, FAILED, f"same name as {other.name!r} once Unicode-"
                              "normalised: rename one of them")
        if reason := unreadable_reason(path):
            return FileResult(path, FAILED, reason)
        try:
            size = path.stat().st_size
        except OSError as e:
            return FileResult(path, FAILED, cannot_read(e))
        check_file_size(size)  # before reading it
        with self.p.budget.hold(size):
            return self._read_and_publish(path, key)

    def _read_and_publish(self, path: Path, key: PhotoKey) -> FileResult:
        p = self.p
        try:
            content = read_photo(path, p.cancel_event)
        except OSError as e:  # only the file's own: storing it fails otherwise (see ``one``)
            return FileResult(path, FAILED, cannot_read(e))
        data, digest = content.data, content.sha256
        if p.transform is not None:  # what is stored is what is hashed: the edited copy
            edited = p.transform(data, key.name)
            if edited is not data:
                data, digest = edited, hashlib.sha256(edited).hexdigest()
                with self.lock:
                    self.edited.add(key.key)
        if p.journal is not None:
            p.journal.record(self.job_id, path, jr.PLANNED, key=key.key, sha256=digest,
                             size=content.size, mtime_ns=content.mtime_ns)
        if (first := self.duplicate_of.get(path)) is not None:
            return FileResult(path, SKIPPED, f"same content as {first.name!r} in this job")
        for claim in (content_claim(self.picset, digest), key_claim(key.key)):
            if not self._hold(path, claim):
                return FileResult(path, CANCELLED, "cancelled while another job was publishing "
                                  "the same photo")
        self.claimed.add(key.key)
        before = self.previous.get(str(path))
        if before is not None and before.state == jr.PROCESSED and before.sha256 == digest and (
                before.key == key.key):  # resuming: published whole by this job already
            return FileResult(path, SKIPPED, ALREADY, key.key)
        for attempt in range(DECISIONS):
            try:
                return self._decide(path, key, digest, data, before, attempt > 0)
            except WriteConflict:
                log.info("%s was written by another writer meanwhile: deciding again", key.key)
        return FileResult(path, FAILED, "other writers kept changing this photo's name in the "
                          "picset: publish it again", key.key)

    def _decide(self, path: Path, key: PhotoKey, digest: str, data: bytes,
                before: jr.FileEntry | None, again: bool) -> FileResult:
        """What to do with the photo; ``again`` after a conditional write was refused (a
        retried PUT whose first answer was lost is refused too: its content is then there)."""
        p = self.p
        existing = p.store.head(p.names.pics_bucket, key.key)
        if existing is not None and existing.sha256 is None and existing.size == len(data):
            # stored without its hash (by the original scripts, say): compare the content
            stored = hashlib.sha256(p.store.get(p.names.pics_bucket, key.key)).hexdigest()
            existing = replace(existing, metadata={**existing.metadata, HASH_METADATA: stored})
        if existing is not None and existing.sha256 == digest:
            in_flight = again or before is not None and before.state == jr.SENT and (
                before.key == key.key)  # killed between storing it and its items: redo them
            if self.complete(key) and not in_flight:
                return FileResult(path, SKIPPED, ALREADY, key.key)
            return self._process(path, key, digest)
        if (same := self.same_content(digest, key.key)) is not None:
            return FileResult(path, SKIPPED, "already in the picset as "
                              f"{same.rsplit('/', 1)[-1]!r} (same content)", same)
        if existing is not None:
            if p.on_conflict == "fail":
                return FileResult(path, FAILED, "a different photo with this name is already in "
                                  "the picset: choose replace or rename (--on-conflict)",
                                  key.key, conflict=True)
            if p.on_conflict == "rename":
                key, existing = self.free_name(key, path), None
        # refuse corrupt/bomb/mismatched content before any write; the cloud's processing
        # decodes the photo anyway, so a structural check spares the upload a decode
        (inspect if p.process is not None else check_structure)(data, key.name)
        return self._process(path, key, digest, data=data, replacing=existing)

    def _process(self, path: Path, key: PhotoKey, digest: str, *, data: bytes | None = None,
                 replacing: ObjectInfo | None = None) -> FileResult:
        """Store ``data`` (None: it is stored already) -- only where nothing is, or only over
        the version ``replacing`` that was looked at -- then process it where processing is
        in-process."""
        p = self.p
        if p.journal is not None:  # "sent": the original may be stored from now on
            p.journal.record(self.job_id, path, jr.SENT, key=key.key)
        if replacing is not None and p.album is not None:  # its people stay with it
            replaced.remember(p.album, key.key, p.tables.get_pics_item(key.picset, key.name))
        if data is not None:
            metadata = {HASH_METADATA: digest}
            if photo_key(self.picset, path.name).key in self.edited:
                metadata[LOCATION_METADATA] = "removed"
            try:
                p.store.put(p.names.pics_bucket, key.key, data, key.content_type,
                            metadata, if_absent=replacing is None,
                            if_match=replacing.etag if replacing is not None else None)
            except WriteConflict:  # decided again (the record is kept where it is needed:
                raise  # a retried put whose first answer was lost has replaced it)
            except BaseException:  # not replaced: nothing of its people to carry
                if replacing is not None and p.album is not None:
                    with contextlib.suppress(Exception):
                        p.album.private.delete(replaced.PENDING, key.key)
                raise
        if data is not None:  # another picset publishing it later is told (``contents``)
            contents.record(p.album.private if p.album is not None else None, digest, key.key,
                            p.retry)
        renamed = f"published as {key.name!r} (a different photo has the original name)" if (
            key.name != photo_key(self.picset, path.name).name) else ""
        if p.process is None:
            return FileResult(path, DONE, renamed, key=key.key)
        try:
            item = p.retry.call(p.process, p.names.pics_bucket, key.key)
        except BaseException:
            try:
                remove_photo(p.store, p.tables, p.faces, p.names, key)
            except Exception as e:  # the sweep / check --repair clears what is left
                log.log(quiet_if_storage(e), "could not remove the half-published %s (check "
                        "--repair will): %s", key.key, e)
            raise
        if replacing is not None and p.album is not None:
            with self.lock:
                self.replaced.add(key.key)  # its people follow it at the end of the job
        return FileResult(path, DONE, renamed, key=key.key,
                          faces=len(PhotoItem.from_item(item).faces))

    # -- end of job ------------------------------------------------------------------------------
    def settle_replaced(self) -> None:
        """Carry the people of the photos this job replaced and processed onto their new
        faces: once for them all (it reads every person's records)."""
        if self.replaced:
            replaced.settle(self.p.album, sorted(self.replaced))

    def sweep_faces(self) -> int:
        """Delete faces of this job's photos that no item refers to (left by a killed run or a
        retried IndexFaces whose response was lost). One pass over the face index."""
        if self.p.process is None or not self.claimed:
            return 0
        # only keys no other job is publishing now: their faces may be indexed, not yet listed
        keys = [k for k in sorted(self.claimed) if self.claims.take(key_claim(k))]
        try:
            wanted: dict[str, set[str]] = {}
            paths: dict[str, str] = {}
            records = Records(self.p.tables, self.p.faces)
            for k in keys:
                photo = PhotoKey(*k.split("/")[1:3])
                item = records.photo(photo.picset, photo.name)
                wanted[external_image_id(k)] = set(item.face_ids if item is not None else ())
                paths[external_image_id(k)] = photo.image_path
            stray = self._not_elsewhere(
                [f for f in records.indexed_faces() if f.external_image_id in wanted
                 and f.face_id not in wanted[f.external_image_id]], paths)
            if stray:
                log.info("removing %d stray face(s) of this job's photos", len(stray))
                self.p.faces.delete_faces(stray)
        finally:
            self.claims.release([key_claim(k) for k in keys])
        return len(stray)

    def _not_elsewhere(self, faces: list[IndexedFace], paths: dict[str, str]) -> list[str]:
        """The ids of ``faces`` that belong to no photo: a face keeps the ExternalImageId of
        the key it was indexed at, so a photo moved away since (its image item points at its
        new key) or in the trash still has faces that look like this key's."""
        kept = self.p.kept_faces() if faces and self.p.kept_faces is not None else set()
        where: dict[str, str | None] = {}
        stray = []
        records = Records(self.p.tables)
        for face in faces:
            image_id = face.image_id
            if image_id not in where:
                image = records.image(image_id)
                where[image_id] = image.image_path if image else None
            moved = where[image_id] not in (None, paths[face.external_image_id])
            if not moved and face.face_id not in kept:
                stray.append(face.face_id)
        return stray
