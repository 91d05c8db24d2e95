"""The typed views of the contract's tables and the face index (:class:`Records`): what the
pipeline, the application and the window read, so that only the adapters spell the wire's
keys."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from finpics_desktop.domain.batches import Batch, failed_of
from finpics_desktop.domain.errors import NotFound
from finpics_desktop.domain.picsets import PICSET_ROOT
from finpics_desktop.domain.records import (
    FaceMatch,
    FaceRecord,
    ImageItem,
    IndexedFace,
    PhotoItem,
    PicsetEntry,
    UnassociatedFace,
    UserMatch,
    user_ids,
)

if TYPE_CHECKING:
    from finpics_desktop.ports import FaceIndex, Tables

class Records:
    """The contract's tables and the face index read as typed views
    (:mod:`~finpics_desktop.domain.records`): what the pipeline, the application and the window
    read, so that only the adapters and the item builders spell the wire's keys. Writes still
    take the items as the builders make them (or :meth:`PhotoItem.item`, unchanged)."""

    def __init__(self, tables: Tables, faces: FaceIndex | None = None):
        self.tables = tables
        self.index = faces

    # -- table pics -------------------------------------------------------------------------
    def picsets(self, descending: bool = False) -> list[PicsetEntry]:
        return [PicsetEntry.from_item(i) for i in self.tables.query_pics(PICSET_ROOT, descending)]

    def picset_ids(self, descending: bool = False) -> list[str]:
        return [p.picset for p in self.picsets(descending)]

    def picset(self, picset: str) -> PicsetEntry | None:
        return PicsetEntry.of(self.tables.get_pics_item(PICSET_ROOT, picset))

    def photos(self, picset: str) -> list[PhotoItem]:
        return [PhotoItem.from_item(i) for i in self.tables.query_pics(picset)]

    def photo_names(self, picset: str) -> list[str]:
        return [p.name for p in self.photos(picset)]

    def photo(self, picset: str, name: str) -> PhotoItem | None:
        return PhotoItem.of(self.tables.get_pics_item(picset, name))

    def batch_photos(self, keys: list[tuple[str, str]]
                     ) -> tuple[list[PhotoItem], list[tuple[str, str]]]:
        found, left = self.tables.batch_get_pics_items(keys)
        return [PhotoItem.from_item(i) for i in found], left

    def batch_photo_image_ids(self, keys: list[tuple[str, str]]
                              ) -> tuple[dict[tuple[str, str], set[str]], list[tuple[str, str]]]:
        """The ImageIds of these photos' faces (what proves an image item is the photo's), by
        photo; photos not there are left out. Tables that can read only those (the library's)
        do; otherwise the photos are read whole (:meth:`batch_photos`)."""
        only_ids = getattr(self.tables, "batch_photo_image_ids", None)
        if only_ids is not None:
            return only_ids(keys), []
        found, left = self.batch_photos(keys)
        return {(p.picset, p.name): p.image_ids for p in found}, left

    def photo_ids(self, picset: str) -> list[PhotoItem]:
        """The picset's photos with only their faces' ids and ImageIds (for comparing thousands
        of photos: ``check``): tables that can read only those (the library's) do; otherwise
        the items are read whole."""
        only = getattr(self.tables, "photo_face_ids", None)
        if only is None:
            return self.photos(picset)
        return [PhotoItem(picset, name, tuple(FaceRecord(f, i, (0.0, 0.0, 0.0, 0.0))
                                              for f, i in faces), {})
                for name, faces in only(picset)]

    # -- table pics_by_image_id -------------------------------------------------------------
    def image(self, image_id: str) -> ImageItem | None:
        return ImageItem.of(self.tables.get_image_item(image_id))

    def batch_images(self, image_ids: list[str]) -> tuple[list[ImageItem], list[str]]:
        found, left = self.tables.batch_get_image_items(image_ids)
        return [ImageItem.from_item(i) for i in found], left

    def images(self) -> Iterator[ImageItem]:
        return (ImageItem.from_item(i) for i in self.tables.scan_image_items())

    def image_paths(self) -> Iterator[ImageItem]:
        """Every image item with only its ImageId and path (:meth:`images` where the tables
        cannot read only those)."""
        only = getattr(self.tables, "scan_image_paths", None)
        if only is None:
            return self.images()
        return (ImageItem(image_id, path, (), {}) for image_id, path in only())

    # -- the face index ---------------------------------------------------------------------
    def _faces(self) -> FaceIndex:
        if self.index is None:
            raise TypeError("these records were made without a face index")
        return self.index

    def indexed_faces(self, user_id: str | None = None,
                      face_ids: Sequence[str] | None = None) -> Iterator[IndexedFace]:
        return (IndexedFace.from_wire(f)
                for f in self._faces().list_faces(user_id=user_id, face_ids=face_ids))

    def indexed_face_ids(self) -> Iterator[IndexedFace]:
        """Every indexed face with only its ids (FaceId, ImageId, ExternalImageId, UserId): an
        index that can list only those (the library's) does, else :meth:`indexed_faces`."""
        only = getattr(self._faces(), "list_face_ids", None)
        if only is None:
            return self.indexed_faces()
        return (IndexedFace(f, i, e, u) for f, i, e, u in only())

    def face_matches(self, face_id: str, threshold: float, max_faces: int) -> list[FaceMatch]:
        return [FaceMatch.from_wire(m)
                for m in self._faces().search_faces(face_id, threshold, max_faces)]

    def face_matches_many(self, face_ids: Sequence[str], threshold: float,
                          max_faces: int) -> Batch:
        """As a :class:`~finpics_desktop.domain.batches.Batch`: the faces whose search
        failed are in its ``failed``, with the reason."""
        found = self._faces().search_faces_many(face_ids, threshold, max_faces)
        return Batch({f: [FaceMatch.from_wire(m) for m in ms] for f, ms in found.items()},
                     failed=failed_of(found))

    def face_links(self, face_ids: Sequence[str], threshold: float,
                   max_faces: int) -> dict[str, dict[str, float]]:
        """:meth:`face_matches_many` as ``{face: {alike face: similarity}}`` (an index that
        can answer so without the faces' records does: ``similar_many``)."""
        similar_many = getattr(self._faces(), "similar_many", None)
        if similar_many is not None:
            return similar_many(face_ids, threshold, max_faces)
        found = self.face_matches_many(face_ids, threshold, max_faces)
        return Batch({f: {m.face_id: m.similarity for m in matches}
                      for f, matches in found.items()}, failed=found.failed)

    def face_links_best(self, face_ids: Sequence[str], threshold: float,
                        max_faces: int) -> dict[str, float]:
        """Every face :meth:`face_links` finds from any of ``face_ids``, at its best similarity
        (an index that can make the union itself does: ``similar_best``); the faces whose
        search failed add nothing."""
        similar_best = getattr(self._faces(), "similar_best", None)
        if similar_best is not None:
            return similar_best(face_ids, threshold, max_faces)
        best: dict[str, float] = {}
        for matches in self.face_links(face_ids, threshold, max_faces).values():
            for face_id, similarity in matches.items():
                if similarity > best.get(face_id, 0.0):
                    best[face_id] = similarity
        return best

    def user_matches(self, face_id: str | None = None, user_id: str | None = None,
                     threshold: float = 80.0, max_users: int = 500) -> list[UserMatch]:
        return [UserMatch.from_wire(m) for m in self._faces().search_users(
            face_id=face_id, user_id=user_id, threshold=threshold, max_users=max_users)]

    def user_matches_many(self, face_ids: Sequence[str], threshold: float = 80.0,
                          max_users: int = 500) -> Batch:
        """:meth:`user_matches` from each face (unknown faces left out), as fast as the index
        allows (on Rekognition: several calls in flight at the allowed rate); the faces whose
        search failed are in the answer's ``failed``."""
        faces = self._faces()
        many = getattr(faces, "search_users_many", None)
        if many is not None:
            found = many(face_ids, threshold, max_users)
        else:
            found = Batch()
            for face_id in dict.fromkeys(face_ids):
                with contextlib.suppress(NotFound):
                    found[face_id] = faces.search_users(face_id=face_id, threshold=threshold,
                                                        max_users=max_users)
        return Batch({f: [UserMatch.from_wire(m) for m in ms] for f, ms in found.items()},
                     failed=failed_of(found))

    def associate(self, user_id: str, face_ids: Sequence[str], threshold: float = 75.0
                  ) -> tuple[list[str], list[UnassociatedFace]]:
        done, failed = self._faces().associate_faces(user_id, face_ids, threshold)
        return done, [UnassociatedFace.from_wire(f) for f in failed]

    def user_ids(self) -> list[str]:
        """The ids of ListUsers' users."""
        return user_ids(self._faces().list_users())
