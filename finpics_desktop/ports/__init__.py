"""The three ports the pipeline works against, plus the Backend that bundles them (and the
typed views of what they hold, :class:`~finpics_desktop.ports.records.Records`).

Each port has an AWS adapter (S3, DynamoDB, Rekognition) and a local one (folders, SQLite, the
YuNet + SFace face engine). Their semantics follow the AWS services, so the adapters stay thin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from pathlib import Path
from typing import Protocol

from finpics_desktop.domain.errors import StorageReadOnly
from finpics_desktop.domain.items import Item
from finpics_desktop.domain.matches import PhotoMatch
from finpics_desktop.domain.names import Names
from finpics_desktop.ports.records import Records

HASH_METADATA = "sha256"  # object metadata key holding the hex SHA-256 of the content
# An original put in place by a curation action (a move, a rename, a restore) whose items that
# action writes itself: the value is the action's id. The cloud's processing leaves such a copy
# alone (its faces keep their FaceIds), see ``lambdas/process.py``.
PLACED_METADATA = "finpics-placed"
# "removed": the published copy had the camera's location taken out (the file on disk has it).
LOCATION_METADATA = "location"


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    metadata: dict[str, str] = field(default_factory=dict)
    etag: str | None = None  # the version seen (from ``head``): a put can be made conditional on it

    @property
    def sha256(self) -> str | None:
        return self.metadata.get(HASH_METADATA)


class ObjectStore(Protocol):
    """Buckets of objects by key (S3, or a folder per bucket)."""

    folds_case: bool  # keys differing only in case are one object (a folder on macOS, Windows)

    def get(self, bucket: str, key: str) -> bytes:
        """The object's bytes; :class:`~finpics_desktop.domain.errors.NotFound` if absent."""

    def get_tagged(self, bucket: str, key: str) -> tuple[bytes, str]:
        """The object's bytes and the etag of exactly those bytes (as :meth:`head` gives it):
        it differs from the etag of any other content written since."""

    def put(
        self, bucket: str, key: str, data: bytes, content_type: str,
        metadata: dict[str, str] | None = None, *, if_absent: bool = False,
        if_match: str | None = None,
    ) -> None:
        """Store atomically: a reader sees the old object or the whole new one, never a part.

        Conditional writes (S3's ``If-None-Match: *`` / ``If-Match``): ``if_absent`` only
        creates, ``if_match`` only replaces the version whose ``etag`` ``head`` returned; when
        the condition fails nothing is written and
        :class:`~finpics_desktop.domain.errors.WriteConflict` is raised."""

    def put_file(
        self, bucket: str, key: str, path: Path, content_type: str,
        metadata: dict[str, str] | None = None,
    ) -> None:
        """Like :meth:`put` from a file on disk (large files stream / go multipart)."""

    def head(self, bucket: str, key: str) -> ObjectInfo | None: ...

    def list(self, bucket: str, prefix: str = "") -> Iterator[ObjectInfo]: ...

    def delete(self, bucket: str, key: str) -> None:
        """Remove the object; no error if it is already gone."""

    def copy(self, bucket: str, key: str, to_bucket: str, to_key: str,
             metadata: dict[str, str] | None = None, *, if_absent: bool = False) -> None:
        """Copy an object within the store without sending its bytes through this process (S3's
        CopyObject; a hard link in the library), atomically like :meth:`put`. The content type
        is kept; ``metadata`` replaces the source's (None: kept too). ``if_absent`` only
        creates (CopyObject's ``If-None-Match: *``): :class:`WriteConflict
        <finpics_desktop.domain.errors.WriteConflict>` if ``to_key`` exists, nothing written.
        :class:`~finpics_desktop.domain.errors.NotFound` if the source is absent."""


class Tables(Protocol):
    """Tables ``pics`` and ``pics_by_image_id`` holding the contract's items."""

    def get_pics_item(self, primarykey: str, sortkey: str) -> Item | None: ...

    def query_pics(self, primarykey: str, descending: bool = False) -> list[Item]:
        """Every item of one partition in sort-key order (paginated by the adapter)."""

    def count_pics(self, primarykey: str) -> int:
        """How many items one partition holds, without reading them (a Query with
        ``Select=COUNT`` on DynamoDB: no item crosses the network)."""

    def put_pics_item(self, item: Item) -> None: ...

    def put_pics_item_if_unchanged(self, item: Item, previous: Item | None) -> bool:
        """Put ``item`` only if the stored item with its key is still ``previous`` (None: no
        item), told apart by :func:`~finpics_desktop.domain.items.run_mark`; else write nothing
        and return False. One atomic step (a DynamoDB condition expression)."""

    def set_picset_cover_if_absent(self, picset: str, pic: str) -> bool:
        """Make sure the picset item exists; set ``pic`` only if it has none
        (``attribute_not_exists(pic)``). True if this call set it."""

    def set_picset_cover(self, picset: str, pic: str | None) -> None:
        """Set (or with None remove) the featured photo of an existing picset."""

    def delete_pics_item(self, primarykey: str, sortkey: str) -> None: ...

    def batch_get_pics_items(self, keys: list[tuple[str, str]]
                             ) -> tuple[list[Item], list[tuple[str, str]]]:
        """At most 100 ``(primarykey, sortkey)`` keys (BatchGetItem's limit): the items found
        and the keys left unprocessed."""

    # conditional steps of curation, each one atomic step (a DynamoDB transaction) so that the
    # featured photo always names a photo that exists, whoever else writes at the same time
    def replace_picset_cover(self, picset: str, pic: str, expected: str | None) -> bool:
        """Feature ``pic`` only if the photo ``picset/pic`` exists and the featured photo is
        still ``expected`` (None: the picset has none, or no entry yet, which is made). False,
        writing nothing, otherwise."""

    def delete_photo_unless_cover(self, picset: str, name: str) -> bool:
        """Delete the photo item only if it is not its picset's featured photo (else False)."""

    def delete_picset_entry_if(self, picset: str, pic: str | None) -> bool:
        """Delete the picset's entry under ``/`` only if its featured photo is still ``pic``
        (None: it has none). True if there is no entry afterwards."""

    def put_image_item(self, item: Item) -> None: ...

    def get_image_item(self, image_id: str) -> Item | None: ...

    def batch_get_image_items(self, image_ids: list[str]) -> tuple[list[Item], list[str]]:
        """At most 100 ids (BatchGetItem's limit): the items found and the ids left unprocessed."""

    def delete_image_item(self, image_id: str) -> None: ...

    def scan_image_items(self) -> Iterator[Item]: ...


class FaceIndex(Protocol):
    """A face collection with Rekognition's calls and response shapes."""

    def ensure_collection(self) -> None: ...

    def index_faces(self, bucket: str, key: str, data: bytes, external_image_id: str) -> dict:
        """IndexFaces: the response (``FaceRecords``, ``FaceModelVersion``, ``UnindexedFaces``);
        box ratios of the upright image. ``data`` is the object's content (adapters that can read
        the bucket themselves may ignore it)."""

    def search_faces(self, face_id: str, threshold: float, max_faces: int) -> list[dict]:
        """SearchFaces: ``FaceMatches`` ({Similarity, Face}) best first, without the face itself.
        :class:`~finpics_desktop.domain.errors.NotFound` if the face id is unknown."""

    def delete_faces(self, face_ids: list[str]) -> None:
        """Deletes the faces, those associated with a user too (they leave it: Rekognition's
        DeleteFaces refuses them, so its adapter disassociates them first); unknown ids are
        ignored."""

    def list_faces(self, user_id: str | None = None,
                   face_ids: Sequence[str] | None = None) -> Iterator[dict]:
        """Every face of the collection (``FaceId``, ``ImageId``, ``ExternalImageId``, and
        ``UserId`` once associated with a user), or those of ``user_id``, or of ``face_ids``."""

    # -- people (see pipeline/people): drawn faces, many searches, Rekognition's user vectors
    def index_region(self, bucket: str, key: str, data: bytes, external_image_id: str,
                     box: dict, image_id: str | None = None, face_id: str | None = None) -> dict:
        """IndexFaces of the one face in ``box`` (ratios of the upright photo), drawn by hand
        where the detector found none: the response with that one record, its box mapped to
        the whole photo. The local index joins it to ``image_id`` and keeps ``face_id`` when
        given; Rekognition chooses both. FinpicsError if no face is found there."""

    def search_faces_many(self, face_ids: Sequence[str], threshold: float,
                          max_faces: int) -> dict[str, list[dict]]:
        """:meth:`search_faces` of each face (unknown ones left out), as fast as it can."""

    def create_user(self, user_id: str) -> bool:
        """CreateUser; False if it exists already."""

    def delete_user(self, user_id: str) -> bool:
        """DeleteUser (its faces are disassociated); False if there is none."""

    def list_users(self) -> list[dict]:
        """ListUsers: ``{UserId, UserStatus}``."""

    def associate_faces(self, user_id: str, face_ids: Sequence[str],
                        threshold: float = 75.0) -> tuple[list[str], list[dict]]:
        """AssociateFaces: the faces associated, and the unsuccessful ones (``{FaceId,
        Reasons}``); NotFound for an unknown user, LimitReached past 100 faces a user."""

    def disassociate_faces(self, user_id: str,
                           face_ids: Sequence[str]) -> tuple[list[str], list[dict]]: ...

    def search_users(self, face_id: str | None = None, user_id: str | None = None,
                     threshold: float = 80.0, max_users: int = 500) -> list[dict]:
        """SearchUsers: ``UserMatches`` ({Similarity, User: {UserId}}) best first; NotFound
        for an unknown face or user."""


class VersionedFaceIndex(FaceIndex, Protocol):
    """A face index whose engine can change under a library (the local one): each face keeps
    the ``FaceModelVersion`` of the engine that indexed it, and a photo can be indexed again
    keeping its ids (``finpics-desktop reindex``). Rekognition's collections have one version."""

    @property
    def model_version(self) -> str:
        """The ``FaceModelVersion`` of the faces indexed from now on."""

    def index_faces(self, bucket: str, key: str, data: bytes, external_image_id: str,
                    reuse: Sequence[dict] = ()) -> dict:
        """IndexFaces; ``reuse`` holds the photo's previous ``Face`` records: a new face whose
        box overlaps one of theirs keeps its FaceId, and the photo keeps its ImageId."""

    def outdated_faces(self) -> dict[str, int]:
        """``{FaceModelVersion: count}`` of the faces indexed by other (older) engines."""

    def notice_once(self, topic: str) -> bool:
        """True the first time it is asked about ``topic`` in this library, then False."""


@dataclass(frozen=True)
class PrivateDoc:
    pk: str
    sk: str
    doc: dict
    version: int  # 1 for a new document, one more at each write


class PrivateStore(Protocol):
    """The curator's own records beside the contract -- the trash, people's names, what was
    rejected -- kept where the public site cannot read them (a table of their own on AWS that
    the site's role has no access to; the library's database): JSON documents under a
    partition key and a sort key. Each has a version, so that two writers never lose an
    update: a write ``if_version`` the one read (0: only if there is none) raises
    :class:`~finpics_desktop.domain.errors.WriteConflict` when another writer came first."""

    def get(self, pk: str, sk: str) -> PrivateDoc | None: ...

    def put(self, pk: str, sk: str, doc: dict, *, if_version: int | None = None) -> int:
        """Store ``doc``; its new version."""

    def delete(self, pk: str, sk: str, *, if_version: int | None = None) -> None:
        """Remove it (no error if it is gone, unless ``if_version`` is given)."""

    def query(self, pk: str, prefix: str = "") -> list[PrivateDoc]:
        """The documents of partition ``pk`` whose sort key starts with ``prefix``, in order."""


@dataclass(frozen=True)
class AccessCheck:
    """One thing the public web site's role (or anyone, unsigned) was made to try on the live
    cloud: ``refused`` is what the contract wants; None when it could not be tried (``detail``
    says why)."""

    what: str  # e.g. "read the curator's private store (table finpics_private)"
    refused: bool | None
    detail: str = ""


class Processing(Enum):
    """Where a newly stored original is processed (thumbnail, faces, the two items)."""

    IN_APP = "in the app"  # ``Backend.process`` runs as soon as the original is stored
    BY_CLOUD = "by the cloud"  # S3 triggers the processing function: items come a moment later


@dataclass(frozen=True)
class LibraryHome:
    """A library's folder, which another process (a publishing job) can open again."""

    folder: Path
    threshold: float | None  # the sure cut the curator chose (None: the engine's, see bands)


@dataclass(frozen=True)
class CloudHome:
    """How the finpics cloud was reached."""

    region: str
    profile: str | None = None
    endpoint_url: str | None = None


@dataclass
class Backend:
    """One home of finpics data: where objects, items and faces live, and how it searches.

    ``process`` runs the processing of a newly stored original where the backend does it
    in-process (the local library); None where the cloud does it on its own (S3 -> Lambda):
    ask :attr:`processing`. ``search`` returns the photos of the person with a face id, best
    match first (:class:`PhotoMatch`), or raises. ``home`` says where the data lives;
    ``upload_workers`` how many photos to publish at once (None: the publisher's default).
    ``read_only``: the album can be browsed and searched but not changed (a read-only library
    folder or disk). ``public``: what is published is read by the public web site (the cloud),
    so its published copies leave out what the curator keeps private (the camera's location,
    unless the curator keeps it). These capabilities are asked, never the ``kind``.
    """

    kind: str
    names: Names
    store: ObjectStore
    tables: Tables
    faces: FaceIndex
    search: Callable[[str], list[PhotoMatch]]
    private: PrivateStore | None = None
    process: Callable[[str, str], Item] | None = None
    close: Callable[[], None] = lambda: None
    prepare: Callable[[], None] = lambda: None  # makes the first search quick (worker thread)
    # (faces, everything): what differs whenever a face was indexed or removed, and whenever
    # anything in the album was written, by anyone (None: the album cannot tell, as the
    # cloud: what is kept of it follows the changes the app reports)
    stamp: Callable[[], tuple[object, object]] | None = None
    # the album's count of writes, kept in it: moved on by every write of photos, faces or
    # people, by anyone, but not by what is only derived from them (None: it cannot count)
    writes: Callable[[], int | None] | None = None
    # the album's count of writes of its photos and its faces' index only (not of names): what
    # is kept of where each face is stays right while it is the same (None: it cannot count)
    photo_writes: Callable[[], int | None] | None = None
    home: LibraryHome | CloudHome | None = None
    upload_workers: int | None = None
    read_only: bool = False
    public: bool = False
    # tries, as the public site's role and as anyone, what the public must be refused (the
    # private store, the trash, writes): ``audit`` shows it (None: nothing public to try)
    public_access: Callable[[], list[AccessCheck]] | None = None

    def check_writable(self, doing: str) -> None:
        """Refuse, before anything is written, ``doing`` (e.g. "publishing into it") on a
        read-only album, in the one wording (:meth:`StorageReadOnly.library`)."""
        if self.read_only:
            where = self.library.folder if self.library is not None else "album"
            raise StorageReadOnly.library(where, doing)

    @property
    def processing(self) -> Processing:
        return Processing.IN_APP if self.process is not None else Processing.BY_CLOUD

    @cached_property
    def identity(self) -> str:
        """The album's stable identity: the same library folder or cloud bucket however often
        (and by whichever object) it is opened. A publishing job's journal records it as the
        job's target, so its form never changes."""
        if self.library is not None:
            return f"local:{Path(self.library.folder).expanduser().resolve()}"
        endpoint = getattr(self.home, "endpoint_url", None) or "aws"
        return f"{self.kind}:{endpoint}:{self.names.region}/{self.names.pics_bucket}"

    @property
    def records(self) -> Records:
        """The tables and the face index read as typed views."""
        return Records(self.tables, self.faces)

    @property
    def library(self) -> LibraryHome | None:
        """Where the library lives, for a local library; None for the cloud."""
        return self.home if isinstance(self.home, LibraryHome) else None
