"""``search_faces``: the search by face, from a face id to the photos of that person."""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable

from finpics_desktop.domain import bands
from finpics_desktop.domain.errors import FinpicsError, InvalidValue, SearchFailed
from finpics_desktop.domain.matches import PhotoMatch
from finpics_desktop.domain.records import FaceRecord, ImageItem
from finpics_desktop.ports import FaceIndex, Records, Tables

BATCH_LIMIT = 100  # BatchGetItem's maximum number of keys per call
MAX_FACES = 4096  # SearchFaces' maximum MaxFaces
DEFAULT_THRESHOLD = 80.0  # measured on ../shared/photos, see README "Face matching"


def check_threshold(value: float | str, source: str = "the threshold") -> float:
    """A face match threshold in Rekognition's meaning: a number from 0 to 100 (a similarity);
    raises InvalidValue saying what ``source`` (e.g. "--threshold") holds instead."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not 0.0 <= number <= 100.0:  # also NaN
        raise InvalidValue(f"{source} must be a similarity from 0 to 100 (80 by default), "
                           f"not {value!r}")
    return number


def resolve_threshold(value: float | str | None) -> float | None:
    """The face match threshold of a run, whatever its backend: ``value`` (``--threshold``)
    if given, else ``$FINPICS_THRESHOLD`` if set, else None (:data:`DEFAULT_THRESHOLD`);
    InvalidValue naming which of the two holds what instead."""
    if value is not None:
        return check_threshold(value, "--threshold")
    env = os.environ.get("FINPICS_THRESHOLD")
    return check_threshold(env, "$FINPICS_THRESHOLD") if env else None


def _batched(fetch: Callable[[list], tuple[list, list]], keys: list,
             key_of: Callable[[object], object], attempts: int,
             sleep: Callable[[float], None]) -> dict:
    """BatchGetItem in chunks of at most 100 keys, retrying UnprocessedKeys with backoff."""
    found: dict = {}
    for start in range(0, len(keys), BATCH_LIMIT):
        pending = keys[start : start + BATCH_LIMIT]
        for attempt in range(attempts):
            got, pending = fetch(pending)
            found.update((key_of(item), item) for item in got)
            if not pending:
                break
            sleep(min(2.0, 0.05 * 2**attempt) * (0.5 + random.random() / 2))
        else:
            raise FinpicsError(
                f"{len(pending)} item(s) still unprocessed after {attempts} tries")
    return found


def batch_get_all(
    tables: Tables,
    image_ids: list[str],
    *,
    attempts: int = 8,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, ImageItem]:
    """The ``pics_by_image_id`` items of ``image_ids`` (BatchGetItem, see :func:`_batched`)."""
    return _batched(Records(tables).batch_images, image_ids, lambda i: i.image_id,
                    attempts, sleep)


def album_image_items(
    tables: Tables,
    image_ids: list[str],
    *,
    attempts: int = 8,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, ImageItem]:
    """The ``pics_by_image_id`` items of ``image_ids`` whose photo is in the album: the photo
    item at their ``image_path`` is there and lists that ImageId. An image item can outlive
    its photo for a moment (a delete, a replacement) or for good (a writer killed between the
    two deletes): what the search and the people pages show is what the album holds."""
    found = batch_get_all(tables, image_ids, attempts=attempts, sleep=sleep)
    where: dict[str, tuple[str, str]] = {}
    for image_id, image in found.items():
        if image.picset and image.name:
            where[image_id] = (image.picset, image.name)
    records = Records(tables)

    def image_ids(keys: list) -> tuple[list, list]:
        got, left = records.batch_photo_image_ids(keys)
        return list(got.items()), left

    listed: dict[tuple[str, str], tuple] = _batched(  # (photo, its faces' ImageIds)
        image_ids, sorted(set(where.values())), lambda p: p[0], attempts, sleep)
    return {image_id: found[image_id] for image_id, key in where.items()
            if key in listed and image_id in listed[key][1]}


def search_faces(
    tables: Tables, faces: FaceIndex, face_id: str, threshold: float | None = None, *,
    maybe: bool = True,
) -> list[PhotoMatch]:
    """The photos of the person with this face: one per photo, sure ones first, then the
    maybes (with ``maybe``), each band best face similarity first; every match is returned (no
    cap at 100 photos). Each match's band comes from the cuts of the engine that indexed the
    faces (:func:`~finpics_desktop.domain.bands.cuts_for`): a ``threshold`` given (the
    curator's ``--threshold``) replaces the sure cut, and lowers the maybe cut if below it. A
    match is a maybe whenever the searched face or the matched one fails the quality gate.
    Raises a :class:`FinpicsError` (:class:`NotFound` for an unknown face id,
    :class:`SearchFailed` for anything unforeseen)."""
    if not isinstance(face_id, str) or not face_id:
        raise SearchFailed("faceid is missing")
    try:
        records = Records(tables, faces)
        own = next(iter(records.indexed_faces(face_ids=[face_id])), None)
        version = own.model_version if own else None
        # the engine unknown (a ListFaces without versions): the lowest cut of any, until the
        # matches tell the engine (IndexFacesModelVersion)
        lowest = bands.cuts_for(version).maybe if version else bands.LOWEST_MAYBE
        if threshold is not None:
            lowest = min(lowest, threshold)
        matches = records.face_matches(face_id, lowest if maybe else (
            threshold if threshold is not None else bands.LOWEST_SURE), MAX_FACES)
        if version is None and matches:
            version = matches[0].face.model_version
        cuts = bands.cuts_for(version)
        sure_cut = cuts.sure if threshold is None else threshold
        floor = min(cuts.maybe, sure_cut) if maybe else sure_cut
        best: dict[str, tuple[float, str]] = {}
        for match in sorted(matches, key=lambda m: -m.similarity):
            if match.similarity < floor:
                break
            if match.image_id not in best:
                best[match.image_id] = (match.similarity, match.face_id)
        wanted = list(best) + ([own.image_id] if own and own.image_id else [])
        found = album_image_items(tables, list(dict.fromkeys(wanted)))
    except FinpicsError:
        raise
    except Exception as e:  # a port failed in a way it does not name: still one message
        raise SearchFailed(f"the search for face {face_id} failed: "
                           f"{e or type(e).__name__}") from e
    searched = found.get(own.image_id) if own else None
    own_record = searched.face(face_id) if searched else None
    blurred = cuts.gated and _blurred(own_record)
    results, seen = [], set()
    for image_id, (similarity, matched) in best.items():
        image = found.get(image_id)  # a face whose photo is not in the album is not one
        if image is not None and image.image_path not in seen:  # (a face drawn by hand may
            seen.add(image.image_path)  # have its own ImageId: one entry per photo still)
            sure = (similarity >= sure_cut and not blurred
                    and not (cuts.gated and _blurred(image.face(matched))))
            if sure or maybe:
                results.append(PhotoMatch.from_image(image, similarity, matched,
                                                     bands.SURE if sure else bands.MAYBE))
    results.sort(key=lambda m: m.band != bands.SURE)  # stable: each band stays best first
    return results


def _blurred(face: FaceRecord | None) -> bool:
    """Whether a face fails the quality gate (a sharpness measured below
    :data:`~finpics_desktop.domain.bands.SHARP`)."""
    sharpness = face.sharpness if face is not None else None
    return sharpness is not None and sharpness < bands.SHARP
