"""The names other photo apps wrote, taken into the album (:mod:`~finpics_desktop.pipeline.photos.
face_tags` finds them with a photo): each named region is matched to the face the index detected
where it is and that face is named -- confirmed, as if the curator had named it; a region over
no detected face is kept as a named region (:mod:`.regions`), as the curator would draw it.

Nothing the curator decided is overruled: a face named otherwise in the album, a face the
curator said is not that person (rejected) or is a stranger (ignored), a person named in that
photo already -- each is a *conflict*, reported (the file, the name, what the album says) and
not applied. Taking the same names again (a photo published twice) changes nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from finpics_desktop.domain.boxes import Box, iou
from finpics_desktop.domain.errors import FinpicsError, NotFound
from finpics_desktop.domain.keys import photo_key
from finpics_desktop.domain.people import Person, name_key
from finpics_desktop.domain.records import FaceRecord
from finpics_desktop.pipeline.people.naming import People, SamePhoto
from finpics_desktop.pipeline.people.photo_lock import PhotoBusy
from finpics_desktop.pipeline.people.records import ANYONE, FACE, REJECT
from finpics_desktop.pipeline.people.region_names import keep_region
from finpics_desktop.pipeline.people.regions import regions_in
from finpics_desktop.pipeline.photos.face_tags import FoundName

NAMED, KEPT, ALREADY, CONFLICT = "named", "region", "already", "conflict"
MIN_IOU = 0.3  # a region over a detected face this much is that face (apps draw boxes larger
#               or smaller than the detector's; both centres inside the other box also count)
SAME_REGION = 0.5  # a region kept before, overlapping this much, is the same region


@dataclass(frozen=True)
class TakenName:
    """What one named region of a photo came to: ``outcome`` is ``named`` (the face
    ``face_id``), ``region`` (kept as region ``face_id``: no face detected there), ``already``
    (the album says so already) or ``conflict`` (not applied: ``reason`` says why)."""

    image_path: str  # <picset>/<file>
    name: str
    kind: str  # MWG regions, Microsoft People regions, Picasa faces
    source: str  # the file it was read from
    outcome: str
    face_id: str | None = None
    reason: str = ""

    def line(self) -> str:
        what = {NAMED: f"named {self.name} (face {self.face_id})",
                KEPT: f"kept a region named {self.name} (no face detected there)",
                ALREADY: f"{self.name}: named so already",
                CONFLICT: f"{self.name} not taken: {self.reason}"}[self.outcome]
        return f"{self.image_path}: {what} (from the {self.kind} of {self.source})"

    def as_json(self) -> dict:
        return asdict(self)


def _overlaps(region: Box, face: Box) -> float:
    """How much a region is over a face: the IoU, or the threshold when both centres are each
    inside the other box (a generous box around a tight one)."""
    def centre_in(a: Box, b: Box) -> bool:
        x, y = a["Left"] + a["Width"] / 2, a["Top"] + a["Height"] / 2
        return b["Left"] <= x <= b["Left"] + b["Width"] and b["Top"] <= y <= b["Top"] + b["Height"]

    overlap = iou(region, face)
    return max(overlap, MIN_IOU) if centre_in(region, face) and centre_in(face, region) else overlap


def match_faces(regions: list[Box], faces: list[Box]) -> dict[int, int]:
    """Which detected face each region is over: ``{region index: face index}``, one to one,
    the most overlapping pairs first."""
    pairs = sorted(((_overlaps(r, f), i, j) for i, r in enumerate(regions)
                    for j, f in enumerate(faces)), reverse=True)
    matched: dict[int, int] = {}
    for overlap, i, j in pairs:
        if overlap < MIN_IOU:
            break
        if i not in matched and j not in matched.values():
            matched[i] = j
    return matched


def take_names(people: People, picset: str, photo: str,
               found: list[FoundName]) -> list[TakenName]:
    """Take the named regions ``found`` with photo ``picset/photo`` into the album."""
    if not found:
        return []
    key = photo_key(picset, photo)
    item = people.backend.records.photo(picset, photo)
    if item is None:
        raise NotFound(f"there is no photo {key.image_path} in this album")
    records = list(item.faces)
    matched = match_faces([f.box for f in found], [r.box for r in records])
    where = people.locate([r.face_id for r in records])
    taken = []
    for n, tag in enumerate(found):
        def result(outcome: str, face_id: str | None = None, reason: str = "",
                   tag: FoundName = tag) -> TakenName:
            return TakenName(key.image_path, tag.name, tag.kind, tag.source, outcome, face_id,
                             reason)

        try:
            if n in matched and records[matched[n]].face_id in where:
                taken.append(_name_face(people, where[records[matched[n]].face_id], tag,
                                        result))
            else:
                taken.append(_keep_region(people, picset, photo, tag, records, result))
        except (FinpicsError, PhotoBusy) as e:
            taken.append(result(CONFLICT, reason=str(e)))
    return taken


def _existing(people: People, name: str) -> Person | None:
    try:
        return people.find(name)
    except NotFound:
        return None


def _name_face(people: People, spot, tag: FoundName, result) -> TakenName:
    face_id = spot.face_id
    private = people.private
    current = private.get(FACE, face_id)
    owner = people._person(current.doc["person"]) if current is not None else None
    if owner is not None:
        if name_key(owner.name) == name_key(tag.name):
            return result(ALREADY, face_id)
        return result(CONFLICT, face_id, f"face {face_id} is named {owner.name} in the album "
                      f"(name it {tag.name} to change that)")
    person = _existing(people, tag.name)
    if person is not None and private.get(REJECT, f"{person.id}/{face_id}") is not None:
        return result(CONFLICT, face_id, f"you said face {face_id} is not {person.name}")
    if private.get(REJECT, f"{ANYONE}/{face_id}") is not None:
        return result(CONFLICT, face_id, f"you ignored face {face_id} as a stranger (unignore "
                      "it and name it to change that)")
    with people.holding(spot, "naming") as now:
        person = person or people._person_for(tag.name)[0]
        try:
            outcome = people._give(person, now, same_photo=False, move=False)
        except SamePhoto as e:
            return result(CONFLICT, face_id, str(e))
    if outcome.error:
        return result(CONFLICT, face_id, outcome.error)
    return result(NAMED, face_id)


def _keep_region(people: People, picset: str, photo: str, tag: FoundName,
                 records: list[FaceRecord], result) -> TakenName:
    for region in regions_in(people.backend, picset, photo):
        if iou(region.box, tag.box) >= SAME_REGION:
            if name_key(region.name) == name_key(tag.name):
                return result(ALREADY, region.region_id)
            return result(CONFLICT, region.region_id, f"the region there is named "
                          f"{region.name} in the album")
    person = _existing(people, tag.name)
    if person is not None:
        for record in records:
            doc = people.private.get(FACE, record.face_id)
            if doc is not None and doc.doc["person"] == person.id:
                return result(CONFLICT, reason=f"{person.name} is named in that photo already "
                              f"(face {record.face_id}), elsewhere than this region")
    region = keep_region(people, picset, photo, tag.box, tag.name)
    return result(KEPT, region.region_id)


@dataclass
class NamesReport:
    """The names other apps wrote, taken for a set of photos: what each region came to, and
    the files that could not be read."""

    taken: list[TakenName]
    problems: list[str]

    def with_outcome(self, outcome: str) -> list[TakenName]:
        return [t for t in self.taken if t.outcome == outcome]

    @property
    def conflicts(self) -> list[TakenName]:
        return self.with_outcome(CONFLICT)

    def summary(self) -> str:
        """One line: how many faces were named, regions kept, conflicts left ('' if none)."""
        counts = [(len(self.with_outcome(NAMED)), "face(s) named"),
                  (len(self.with_outcome(KEPT)), "region(s) kept with no face detected"),
                  (len(self.with_outcome(ALREADY)), "named so already"),
                  (len(self.with_outcome(CONFLICT)), "conflict(s) with the album, not applied"),
                  (len(self.problems), "file(s) not read")]
        parts = [f"{n} {what}" for n, what in counts if n]
        return ("names other apps wrote: " + ", ".join(parts)) if parts else ""

    def as_json(self) -> dict:
        return {"taken": [t.as_json() for t in self.taken], "problems": list(self.problems)}
