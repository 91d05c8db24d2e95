"""Regions named by hand: a box the curator drew around someone the face index cannot find (a
half-visible face, a back turned, a face too small), kept with the person's name as digiKam
does. A region has no face vector: it is never in the face index, so never in a face search,
a proposal or a group of unnamed faces; it is shown in the viewer with its name, counted among
the person's photos and found by their name (``person NAME``), and named again or removed like
a face (its id, ``region-...``, goes where a FaceId goes).

A region is a document of the private store (partition :data:`REGIONS`, beside the names:
never in the contract's tables), keyed by its id, holding the photo's object key, the box
(ratios of the upright photo) and the person's id; curation points it at the photo's new key
when a move, rename or order puts the photo elsewhere
(:mod:`~finpics_desktop.pipeline.curation.follow`). A region whose photo is not in the album
(deleted, in the trash) is left out, and comes back with a restore.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace

from finpics_desktop.domain.boxes import check_box
from finpics_desktop.domain.errors import InvalidValue, NotFound
from finpics_desktop.domain.keys import parse_key, photo_key
from finpics_desktop.domain.matches import PhotoMatch
from finpics_desktop.domain.people import Person
from finpics_desktop.domain.records import PhotoItem
from finpics_desktop.pipeline.people.records import MERGED, PERSON, REGIONS
from finpics_desktop.ports import Backend, PrivateDoc, PrivateStore

PREFIX = "region-"
SIMILARITY = 100.0  # a region is the person's by the curator's word


def is_region(face_id: str) -> bool:
    """Whether an id a face's place takes is a region's."""
    return face_id.startswith(PREFIX)


@dataclass(frozen=True)
class Region:
    region_id: str
    key: str  # the photo's object key, photos/<picset>/<file>
    box: dict
    person: str  # the person's id
    name: str = ""  # the person's name ("" if they are gone)
    at: float = 0.0

    @property
    def image_path(self) -> str:
        return parse_key(self.key).image_path

    def doc(self) -> dict:
        return {"person": self.person, "key": self.key, "box": self.box, "at": self.at}

    @classmethod
    def of(cls, doc: PrivateDoc, name: str = "") -> Region:
        return cls(doc.sk, doc.doc["key"], dict(doc.doc["box"]), doc.doc["person"], name,
                   float(doc.doc.get("at", 0.0)))


def _person_of(private: PrivateStore, person_id: str) -> tuple[str, str] | None:
    """The person a region names now (id, name): one merged away is followed to whom they
    were merged into; None if they are gone."""
    seen = set()
    while person_id not in seen:
        seen.add(person_id)
        doc = private.get(PERSON, person_id)
        if doc is not None:
            return person_id, doc.doc["name"]
        merged = private.get(MERGED, person_id)
        if merged is None:
            return None
        person_id = merged.doc["into"]
    return None


def _named(private: PrivateStore, docs: Iterable[PrivateDoc]) -> list[Region]:
    found, known = [], {}
    for doc in docs:
        who = doc.doc["person"]
        if who not in known:
            known[who] = _person_of(private, who)
        if known[who] is not None:
            person, name = known[who]  # (a merged person's regions are their target's)
            found.append(replace(Region.of(doc, name), person=person))
    return found


@dataclass(frozen=True)
class RegionBack:
    """How to undo a region's removal: put ``region`` back (:func:`put_back`)."""

    region: Region


def all_regions(private: PrivateStore) -> list[Region]:
    """Every region whose person is there, with the person's name."""
    return _named(private, private.query(REGIONS))


def regions_in(backend: Backend, picset: str, name: str) -> list[Region]:
    """The regions of one photo (for the viewer)."""
    if backend.private is None:
        return []
    key = photo_key(picset, name).key
    return [r for r in all_regions(backend.private) if r.key == key]


def get_region(backend: Backend, region_id: str) -> Region:
    doc = backend.private.get(REGIONS, region_id) if backend.private is not None else None
    found = _named(backend.private, [doc]) if doc is not None else []
    if not found:
        raise NotFound(f"there is no region {region_id} in this album")
    return found[0]


def add_region(backend: Backend, picset: str, name: str, box: dict, person: Person) -> Region:
    """Keep ``box`` of photo ``picset/name`` as a region of ``person``."""
    try:
        box = check_box(box)
    except ValueError as e:
        raise InvalidValue(str(e)) from None
    key = photo_key(picset, name)
    if backend.tables.get_pics_item(picset, name) is None:
        raise NotFound(f"there is no photo {key.image_path} in this album")
    region = Region(PREFIX + uuid.uuid4().hex[:16], key.key, box, person.id, person.name,
                    time.time())
    backend.private.put(REGIONS, region.region_id, region.doc(), if_version=0)
    return region


def give_region(backend: Backend, region_id: str, person: Person) -> Region:
    """Name the region for another person; the region as it was."""
    doc = backend.private.get(REGIONS, region_id)
    if doc is None:
        raise NotFound(f"there is no region {region_id} in this album")
    was = get_region(backend, region_id)
    backend.private.put(REGIONS, region_id, {**doc.doc, "person": person.id},
                        if_version=doc.version)
    return was


def remove_region(backend: Backend, region_id: str) -> Region:
    """Take the region away; what it was (to put it back)."""
    was = get_region(backend, region_id)
    backend.private.delete(REGIONS, region_id)
    return was


def put_back_region(backend: Backend, region: Region, person: Person) -> Region:
    """The region removed, back (for ``person``: theirs, or made again from its name)."""
    back = Region(region.region_id, region.key, region.box, person.id, person.name, region.at)
    backend.private.put(REGIONS, region.region_id, back.doc(), if_version=0)
    return back


def region_photos(backend: Backend, person: Person, regions: list[Region] | None = None,
                  ) -> list[PhotoMatch]:
    """The photos in the album where ``person`` has a region, one per photo (as the search
    function's results: ``matched_face_id`` is the region's id)."""
    mine = [r for r in (all_regions(backend.private) if regions is None else regions)
            if r.person == person.id]
    photos = _photos(backend, mine)
    found, seen = [], set()
    for region in sorted(mine, key=lambda r: r.at):
        where = parse_key(region.key)
        photo = photos.get((where.picset, where.name))
        if photo is None or region.key in seen:
            continue
        seen.add(region.key)
        image_id = next(iter(sorted(photo.image_ids)), "")
        found.append(PhotoMatch(image_id, photo.picset, photo.name, photo.faces, SIMILARITY,
                                region.region_id))
    return found


def region_paths(backend: Backend) -> dict[str, set[str]]:
    """Person id -> the photos (``<picset>/<file>``) in the album where they have a region."""
    found: dict[str, set[str]] = {}
    regions = all_regions(backend.private)
    if not regions:
        return found
    there = {p.image_path for p in _photos(backend, regions).values()}
    for region in regions:
        if region.image_path in there:
            found.setdefault(region.person, set()).add(region.image_path)
    return found


def _photos(backend: Backend, regions: list[Region]) -> dict[tuple[str, str], PhotoItem]:
    """The photo items of the regions' photos that are in the album (regions are drawn by
    hand: a few, each read on its own)."""
    found = {}
    for where in sorted({(parse_key(r.key).picset, parse_key(r.key).name) for r in regions}):
        photo = backend.records.photo(*where)
        if photo is not None:
            found[where] = photo
    return found
