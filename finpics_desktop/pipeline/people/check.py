"""``check [--repair]`` for people's records: what an interrupted action, a photo removed or a
re-index left behind. Records of faces gone from the face index are pruned (faces of trashed
photos stay in the index, so their names stay and come back with a restore); the face index's
user vectors are brought back in line with the names.

- ``name-of-missing-face``: a named face no longer in the index -> the name goes to the face of
  its photo most alike to the person; a name in a photo no longer in the album goes with it
  (see :mod:`~finpics_desktop.pipeline.people.repair`: a name is never dropped silently, one
  that cannot be placed is kept and listed for the curator).
- ``rejection-of-missing-face``, ``drawn-missing-face``: a record of a face no longer in the
  index -> deleted.
- ``name-of-missing-person``: a named face whose person is gone -> the face goes to whom they
  were merged into, or the person is restored under the name still claimed for them; else it
  is listed for the curator.
- ``name-claim-without-person``: a name held for a person that is gone -> the person is restored
  if faces are still named for them, else the name is released.
- ``person-without-name``: a person whose name was never claimed for them (an interrupted
  naming) -> deleted, with their records.
- ``user-without-person``: a user vector of a person that is gone -> deleted.
- ``user-vector-out-of-date``: a person's user vector holds faces not named them, or lacks some
  of their faces (up to Rekognition's 100) -> made to hold their named faces again.
- ``names-of-a-replaced-photo``: a photo whose original was replaced, its old faces' records
  waiting for its new faces (:mod:`~finpics_desktop.pipeline.people.replaced`) -> carried once
  its new item is there. The old faces' records are not called missing meanwhile.
"""

from __future__ import annotations

from finpics_desktop.domain.errors import NotFound
from finpics_desktop.domain.people import Person
from finpics_desktop.pipeline.people import repair as people_repair
from finpics_desktop.pipeline.people import replaced
from finpics_desktop.pipeline.people.naming import DRAWN, FACE, NAME, PERSON, REJECT, People
from finpics_desktop.pipeline.problems import Problem
from finpics_desktop.ports import Backend, PrivateDoc

KINDS = ("name-of-missing-face", "rejection-of-missing-face", "drawn-missing-face",
         "name-of-missing-person", "name-claim-without-person", "person-without-name",
         "user-without-person",
         "user-vector-out-of-date", "names-of-a-replaced-photo")
USER_FACES = 100


def scan(backend: Backend, indexed_faces: list | None = None) -> list[Problem]:
    """The people's records' problems; ``indexed_faces``: the index's faces (their ids), if
    read already."""
    if backend.private is None:
        return []
    people = People(backend)
    private = backend.private
    indexed: set[str] = set()
    held_by: dict[str, set[str]] = {}  # user -> the faces their vector holds
    for face in (backend.records.indexed_face_ids() if indexed_faces is None
                 else indexed_faces):  # (their ids only)
        indexed.add(face.face_id)
        if face.user_id:
            held_by.setdefault(face.user_id, set()).add(face.face_id)
    persons = {p.id: p for p in people.people()}
    found: list[Problem] = []
    for doc in private.query(replaced.PENDING):
        found.append(Problem("names-of-a-replaced-photo", doc.sk,
                             "the records of its faces before the replacement wait for its "
                             "new faces"))
        indexed.update(replaced.remembered_face_ids(doc))  # waiting, not missing
    named = private.query(FACE)
    theirs_by: dict[str, set[str]] = {}  # person -> their named faces in the index
    for doc in named:
        if doc.sk in indexed:
            theirs_by.setdefault(doc.doc["person"], set()).add(doc.sk)
        if doc.sk not in indexed:
            found.append(Problem("name-of-missing-face", doc.sk,
                                 _missing_face(backend, doc, persons)))
        elif doc.doc["person"] not in persons:
            found.append(Problem("name-of-missing-person", doc.sk,
                                 f"named for person {doc.doc['person']}, who is gone (their "
                                 "faces go to whom they were merged into, or they are "
                                 "restored under their name)"))
    for doc in private.query(REJECT):
        if doc.sk.split("/", 1)[1] not in indexed:
            found.append(Problem("rejection-of-missing-face", doc.sk,
                                 "rejected, but no longer in the face index"))
    for doc in private.query(DRAWN):
        if doc.sk not in indexed:
            found.append(Problem("drawn-missing-face", doc.sk,
                                 "drawn by hand, but no longer in the face index"))
    claimed = set()
    for doc in private.query(NAME):
        claimed.add(doc.doc["person"])
        if doc.doc["person"] not in persons:
            found.append(Problem("name-claim-without-person", doc.sk,
                                 "a name kept for a person who is gone"))
    for doc in private.query(PERSON):
        if doc.sk not in claimed:
            found.append(Problem("person-without-name", doc.sk,
                                 f"{doc.doc['name']!r}, whose name was never claimed"))
    for user_id in backend.records.user_ids():
        if user_id not in persons:
            found.append(Problem("user-without-person", user_id,
                                 "a user vector of a person who is gone"))
    for person in persons.values():  # (each face grouped once above: no person x faces loop)
        theirs = theirs_by.get(person.id, set())
        held = held_by.get(person.id, set())
        if held - theirs or (theirs - held and len(held) < USER_FACES):
            found.append(Problem("user-vector-out-of-date", person.id,
                                 f"{len(held - theirs)} face(s) not named {person.name}, "
                                 f"{len(theirs - held)} of theirs missing"))
    return found


def repair(backend: Backend, problem: Problem) -> None:
    kind, subject, private = problem.kind, problem.subject, backend.private
    if kind == "name-of-missing-face":
        people_repair.name_of_missing_face(backend, subject)
    elif kind == "name-of-missing-person":
        people_repair.name_of_missing_person(backend, subject)
    elif kind == "rejection-of-missing-face":
        private.delete(REJECT, subject)
    elif kind == "drawn-missing-face":
        private.delete(DRAWN, subject)
    elif kind == "name-claim-without-person":
        doc = private.get(NAME, subject)
        if doc is None or private.get(PERSON, doc.doc["person"]) is not None:
            return
        if any(d.doc["person"] == doc.doc["person"] for d in private.query(FACE)):
            people_repair.restore(People(backend), doc.doc["person"])  # their faces keep it
        else:
            private.delete(NAME, subject, if_version=doc.version)
    elif kind == "person-without-name":
        if all(d.doc["person"] != subject for d in private.query(NAME)):
            private.delete(PERSON, subject)
    elif kind == "user-without-person":
        if private.get(PERSON, subject) is None:
            backend.faces.delete_user(subject)
    elif kind == "names-of-a-replaced-photo":
        replaced.settle(backend, [subject])
    elif kind == "user-vector-out-of-date":
        doc = private.get(PERSON, subject)
        if doc is None:
            raise NotFound(f"person {subject} is gone")
        People(backend).sync(Person(subject, doc.doc["name"]))


def _missing_face(backend: Backend, doc: PrivateDoc, persons: dict[str, Person]) -> str:
    person = persons.get(doc.doc["person"])
    who = f"named {person.name}" if person else "named"
    photo = people_repair.photo_of(backend, doc)
    if photo is None:
        return (f"{who}, in a photo no longer in the album (removed, or the trash emptied): "
                "the name goes with it")
    return (f"{who} in {photo.image_path}, but no longer in the face index: the name goes to "
            "the face of that photo most alike to them")
