"""People on the library, with the real engine on the real photos of ../shared/photos (faces/
and lfw10/ in one album, every face labelled): a curator naming everyone through proposals,
user vectors against single faces, clusters that never mix two people, and the naming rules."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from labelled_album import central, copy_library, labelled_library
from PIL import Image

from finpics_desktop.backends.local.engine import MODEL_VERSION
from finpics_desktop.domain.bands import cuts_for
from finpics_desktop.domain.errors import InvalidValue, NotFound
from finpics_desktop.pipeline.people.clusters import clusters
from finpics_desktop.pipeline.people.ignored import ignored_ids
from finpics_desktop.pipeline.people.merge import merge
from finpics_desktop.pipeline.people.naming import People, SamePhoto
from finpics_desktop.pipeline.people.proposals import SURE_FROM, suggest


@pytest.fixture(scope="module")
def template(tmp_path_factory, photos_dir, labels, engine):
    """The labelled album, built once: (its folder, where, who)."""
    folder = tmp_path_factory.mktemp("people") / "library"
    return (folder, *labelled_library(folder, photos_dir, labels, engine))


@pytest.fixture
def album(template, tmp_path, engine):
    """A fresh copy of the labelled album for one test: (backend, People, where, who)."""
    folder, where, who = template
    backend = copy_library(folder, tmp_path / "album", engine)
    yield backend, People(backend), where, who
    backend.close()


def seed_of(who: dict, where: dict, photo_of: dict, person: str) -> str:
    """The face a curator names first: the person's first single-person photo."""
    return min((f for f, p in who.items() if p == person),
               key=lambda f: ("groups/" in where[photo_of[f]], where[photo_of[f]]))


def photos_of_faces(backend) -> dict[str, str]:
    from labelled_album import photo_faces

    return {r["Face"]["FaceId"]: path for path, records in photo_faces(backend) for r in records}


def test_a_curator_names_everyone_through_proposals(album):
    """One face of each person named, one person after another; then every proposal answered
    as a curator would (confirm the true, reject the false), sure ones first, until none is
    left: every labelled face is named, none wrongly, no two people merged."""
    backend, people, where, who = album
    photo_of = photos_of_faces(backend)
    persons = sorted({p for p in who.values() if p})
    actions = Counter()
    per_person = Counter()

    def answer(person: str) -> None:
        while True:
            proposals = suggest(people, person)
            batch = proposals.sure or proposals.unsure[:1]  # the unsure one at a time
            if not batch:
                return
            for proposal in batch:
                right = who.get(proposal.face_id) == person
                kind = ("confirm" if right else "reject") + ("" if proposal.sure else " unsure")
                actions[kind] += 1
                per_person[person] += 1
                if right:
                    people.confirm(person, [proposal.face_id])
                else:
                    people.reject(person, [proposal.face_id])

    for person in persons:
        people.name_face(seed_of(who, where, photo_of, person), person)
        answer(person)
    for person in persons:  # later names may leave proposals to answer for earlier ones
        answer(person)

    named = people.named()
    name_of = {p.id: p.name for p in people.people()}
    labelled = [f for f, p in who.items() if p]
    assert sorted(name_of.values()) == persons  # no two people merged, none split
    assert [f for f in labelled if f not in named] == []  # every face named
    assert {f: name_of[n.person] for f, n in named.items() if who[f] != name_of[n.person]} == {}
    by_proposal = len(labelled) - len(persons)
    total = sum(actions.values())
    print(f"\n{len(labelled)} faces of {len(persons)} people named: {len(persons)} by hand, "
          f"{by_proposal} through proposals with {total} confirm/reject actions "
          f"({dict(actions)}): {total / by_proposal:.3f} actions per face named from a "
          f"proposal, {(total + len(persons)) / len(labelled):.3f} per named face in all")
    print("actions per person:", dict(sorted(per_person.items())))
    assert actions["reject"] == 0  # a sure proposal was never wrong
    assert actions["confirm"] >= by_proposal * 0.9  # nearly every face one keystroke
    assert total / by_proposal <= 1.25


def test_a_curator_names_everyone_from_the_group_tiles(album):
    """The curator of the window's Unnamed faces (tests/tile_curator.py): the group tiles
    named or ignored from the tile, the largest first, then each person's proposals answered,
    then the faces that fit no group. Every labelled face is named, none wrongly, every
    stranger is ignored (Unnamed faces is empty), with far fewer actions per face than naming
    one face per person and answering proposals (1.07-1.13 per face named from a proposal)."""
    from tile_curator import curate

    backend, people, where, who = album
    persons = sorted({p for p in who.values() if p})
    actions = curate(backend, who, persons)
    named = people.named()
    name_of = {p.id: p.name for p in people.people()}
    labelled = [f for f, p in who.items() if p]
    strangers = [f for f, p in who.items() if p is None]
    assert sorted(name_of.values()) == persons  # no two people merged, none split
    assert [f for f in labelled if f not in named] == []  # every face named
    assert {f: name_of[n.person] for f, n in named.items() if who[f] != name_of[n.person]} == {}
    assert set(strangers) == ignored_ids(backend.private)  # every stranger ignored, only them
    total = sum(actions.values())
    print(f"\n{len(labelled)} faces of {len(persons)} people named and {len(strangers)} "
          f"strangers ignored with {total} actions ({dict(sorted(actions.items()))}): "
          f"{total / len(labelled):.3f} actions per face named")
    assert actions["reject"] == 0  # a sure proposal was never wrong
    assert total / len(labelled) < 0.5


def test_a_persons_faces_act_together(album):
    """The first three named photos of each person (two for those with three): their user
    vector finds every other face of them at least as a maybe, and no one else's as sure (the
    engine's measured template cuts, domain/bands.py). It separates where single faces cannot:
    every other face of each person is more alike to their vector than any face of anyone
    else, while a pair of two people's faces is more alike than the least alike pair of one
    person's (README, "Face matching")."""
    backend, people, where, who = album
    photo_of = photos_of_faces(backend)
    persons = sorted(p for p, n in Counter(p for p in who.values() if p).items() if n >= 3)
    lowest_own, highest_other = [], []
    for person in persons:
        faces = sorted((f for f, p in who.items() if p == person), key=lambda f: photo_of[f])
        named = faces[:min(3, len(faces) - 1)]
        for face_id in named:
            people.name_face(face_id, person)
        user = people.find(person).id
        own, other = [], []
        for face_id, label in who.items():
            if face_id in named or label is None:
                continue
            match = [m["Similarity"] for m in backend.faces.search_users(
                face_id=face_id, threshold=0.0) if m["User"]["UserId"] == user]
            (own if label == person else other).append(match[0] if match else 0.0)
        cuts = cuts_for(MODEL_VERSION)  # the library's engine
        assert min(own) >= cuts.template_maybe, person
        assert max(other) < cuts.template, person
        lowest_own.append(min(own))
        highest_other.append(max(other))
        backend.faces.delete_user(user)  # the next person is matched alone, as the first was
    same, different = [], []  # single faces: every pair of labelled faces
    for seed, person in who.items():
        if person is None:
            continue
        alike = {m["Face"]["FaceId"]: m["Similarity"]
                 for m in backend.faces.search_faces(seed, 0.0, 4096)}
        for face_id, label in who.items():
            if label is not None and face_id != seed:
                (same if label == person else different).append(alike.get(face_id, 0.0))
    print(f"\nuser vectors: own faces >= {min(lowest_own):.1f}, others' <= "
          f"{max(highest_other):.1f}; single faces: own pairs >= {min(same):.1f}, "
          f"others' <= {max(different):.1f}")
    assert min(lowest_own) > max(highest_other)  # one cut separates them all...
    assert min(same) < max(different)  # ... where none can for single faces


def test_clusters_of_unnamed_faces_never_mix_people(album):
    backend, people, where, who = album
    found = clusters(people)
    clustered = [f for c in found for f in c.faces]
    assert sorted(clustered) == sorted(who)  # every unnamed face, once
    for cluster in found:
        assert len({who[f] for f in cluster.faces if who[f]}) <= 1, [who[f] for f in
                                                                       cluster.faces]
    photo_of = photos_of_faces(backend)
    for cluster in found:  # never two faces of one photo
        assert len({photo_of[f] for f in cluster.faces}) == len(cluster.faces)
    for person, count in Counter(p for p in who.values() if p).items():
        biggest = max(sum(who[f] == person for f in c.faces) for c in found)
        home = next(c for c in found if sum(who[f] == person for f in c.faces) == biggest)
        assert biggest >= 0.9 * count, person
        assert home.confident == (count >= 3), person
    confident = [c for c in found if c.confident]
    print(f"\n{len(found)} clusters of {len(clustered)} unnamed faces, {len(confident)} "
          f"confident ({sum(len(c.faces) for c in confident)} faces)")
    # named faces leave the clusters
    people.name_face(found[0].faces[0], "someone")
    assert found[0].faces[0] not in {f for c in clusters(people) for f in c.faces}


def blend(first, second) -> bytes:
    """A photo half of one man and half of another (a face alike to both)."""
    with Image.open(first) as a, Image.open(second) as b:
        mixed = Image.blend(a.convert("RGB"), b.convert("RGB"), 0.5)
    out = io.BytesIO()
    mixed.save(out, "JPEG", quality=92)
    return out.getvalue()


def test_a_face_alike_to_two_people_does_not_bridge_them(album, photos_dir, tmp_path):
    """Photos blending two men of lfw10 (faces alike to both): their clusters stay apart, and a
    blend as alike to one as to the other stays apart from both."""
    backend, people, where, who = album
    lfw = photos_dir / "lfw10"
    pairs = [("Colin_Powell", "Donald_Rumsfeld"), ("George_W_Bush", "Tony_Blair"),
             ("Jacques_Chirac", "Gerhard_Schroeder"), ("Ariel_Sharon", "Vladimir_Putin")]
    folder = tmp_path / "blends"
    folder.mkdir()
    sources = {}
    for a, b in pairs:
        for n in (1, 2):
            name = f"{a}_{b}_{n}.jpg"
            (folder / name).write_bytes(blend(lfw / a / f"{a}_{n:04d}.jpg",
                                              lfw / b / f"{b}_{n:04d}.jpg"))
            sources[name] = (a, b)
    from finpics_desktop.pipeline.publish.upload import Publisher

    report = Publisher(backend.store, backend.tables, backend.faces, backend.names,
                       backend.process).publish([folder], "900_blends")
    assert report.ok, report.summary()
    blends = {central(backend.tables.get_pics_item("900_blends", name)["data"]["FaceRecords"])[
        "Face"]["FaceId"]: pair for name, pair in sources.items()}
    found = clusters(people)
    of = {f: c for c in found for f in c.faces}
    for cluster in found:
        assert len({who.get(f) for f in cluster.faces if who.get(f)}) <= 1
    bridges = 0
    for face_id, (a, b) in blends.items():
        alike = {m["Face"]["FaceId"]: m["Similarity"]
                 for m in backend.faces.search_faces(face_id, 0.0, 4096)}
        to = [sum(alike.get(f, 0.0) for f, p in who.items() if p == x) / 10 for x in (a, b)]
        if min(to) >= 60 and abs(to[0] - to[1]) < 15:  # as alike to both: a bridge
            bridges += 1
            assert of[face_id].faces == (face_id,) and not of[face_id].confident, (a, b, to)
    assert bridges >= 1  # the test holds a real bridge


def faces_in(backend, rel_end: str, where: dict, photo_of: dict) -> list[str]:
    """The faces of the photo whose path ends with ``rel_end``, left to right."""
    path = next(p for p, rel in where.items() if rel.endswith(rel_end))
    records = backend.tables.get_pics_item(*path.split("/"))["data"]["FaceRecords"]
    return [r["Face"]["FaceId"] for r in sorted(records,
                                                key=lambda r: r["Face"]["BoundingBox"]["Left"])]


def test_naming_renaming_merging_hiding(album):
    backend, people, where, who = album
    photo_of = photos_of_faces(backend)
    [obama] = faces_in(backend, "obama/obama.jpg", where, photo_of)
    [obama1] = faces_in(backend, "obama/obama1.jpg", where, photo_of)
    [biden] = faces_in(backend, "biden/biden.jpg", where, photo_of)
    group = faces_in(backend, "groups/two_people.jpg", where, photo_of)  # obama, biden

    first = people.name_face(obama, "Barack  Obama ")
    assert (first.person, first.previous) == ("Barack Obama", None)
    assert people.name_face(obama, "barack obama").person == "Barack Obama"  # one name
    people.name_face(obama1, "BARACK OBAMA")
    people.name_face(biden, "Joe")
    assert [(s.person.name, s.faces, s.photos) for s in people.summaries()] == [
        ("Barack Obama", 2, 2), ("Joe", 1, 1)]
    summary = people.summaries()[0]
    assert summary.cover == obama and summary.cover_path == photo_of[obama]

    # the group photo: its Obama face joins; the other face cannot be Obama too ...
    assert people.confirm("Barack Obama", [group[0]])[0].error is None
    with pytest.raises(SamePhoto, match="once in a photo"):
        people.name_face(group[1], "Barack Obama")
    # ... unless the curator says so
    assert people.name_face(group[1], "Barack Obama", same_photo=True).previous is None
    assert people.unname(group[1]) == "Barack Obama"
    assert people.unname(group[1]) is None
    # a face named otherwise is not confirmed for someone else, but naming it moves it
    refused = people.confirm("Joe", [obama1])[0]
    assert "named Barack Obama already" in refused.error
    assert people.name_face(obama1, "Joe").previous == "Barack Obama"
    assert people.name_face(obama1, "Barack Obama").previous == "Joe"

    # photos best first, one entry per photo, in the search output's terms
    photos = people.photos("barack obama")
    assert photos[0].image_path == photo_of[obama]  # the first face: 100
    assert photos[0].matched_face_id == obama
    assert len(photos) == len({p.image_path for p in photos}) == 3
    assert [p.similarity for p in photos] == sorted((p.similarity for p in photos),
                                                    reverse=True)

    # rename: case only, or to a free name; never onto someone else's
    assert people.rename("barack obama", "Barack OBAMA").name == "Barack OBAMA"
    with pytest.raises(InvalidValue, match="Joe is someone else already"):
        people.rename("Barack OBAMA", "joe")
    people.rename("Barack OBAMA", "Obama")
    with pytest.raises(NotFound, match="nobody is named"):
        people.find("Barack Obama")
    assert people.name_face(obama, "Barack Obama").previous == "Obama"  # a new person
    people.name_face(obama, "Obama")

    # reject: remembered, and a named face rejected is taken from the person
    people.reject("Obama", [group[1]])
    assert group[1] in people.rejected(people.find("Obama"))
    people.reject("Obama", [obama1])
    assert obama1 not in people.named()

    # merge: faces and rejections move, the name goes
    people.name_face(obama1, "Barack Obama")
    target, moved = merge(people, "Barack Obama", "Obama")
    assert (target.name, moved) == ("Obama", 1)
    with pytest.raises(NotFound):
        people.find("Barack Obama")
    obama_faces = {f.face_id for f in people.faces_of(people.find("Obama"))}
    assert obama_faces == {obama, obama1, group[0]}
    assert {f["FaceId"] for f in backend.faces.list_faces(
        user_id=people.find("Obama").id)} == obama_faces  # the user vector follows
    assert group[1] in people.rejected(people.find("Obama"))

    # hide: out of the list, faces still named, never proposed
    people.hide("joe")
    assert [s.person.name for s in people.summaries()] == ["Obama"]
    assert [s.person.name for s in people.summaries(hidden=True)] == ["Joe"]
    assert biden in people.named()
    people.hide("Joe", hidden=False)
    assert len(people.summaries()) == 2


def test_rejected_faces_are_never_proposed_again(album):
    backend, people, where, who = album
    photo_of = photos_of_faces(backend)
    [powell] = [f for f in who if who[f] == "Colin_Powell" and photo_of[f].endswith("0001.jpg")]
    people.name_face(powell, "Powell")
    first = suggest(people, "Powell")
    proposed = [p.face_id for p in first.all]
    assert proposed and all(who[f] == "Colin_Powell" for f in (p.face_id for p in first.sure))
    people.reject("Powell", proposed[:2])
    again = [p.face_id for p in suggest(people, "Powell").all]
    assert not set(proposed[:2]) & set(again)
    assert set(proposed[2:]) <= set(again)
    # best first; sure ones apart from the unsure; a named face is not proposed
    proposals = suggest(people, "Powell")
    sims = [p.similarity for p in proposals.sure]
    assert sims == sorted(sims, reverse=True) and all(s >= SURE_FROM for s in sims)
    people.confirm("Powell", [proposals.sure[0].face_id])
    assert proposals.sure[0].face_id not in [p.face_id for p in suggest(people, "Powell").all]


def test_names_are_kept_only_in_the_private_store(album):
    """Nothing a public site reads -- the tables, the buckets, the face index -- holds a name."""
    backend, people, where, who = album
    face = next(f for f, p in who.items() if p == "obama")
    people.name_face(face, "Zoë Secretname")
    db = backend.faces.db
    public = [row for table in ("pics", "pics_by_image_id", "faces", "objects", "users",
                                "user_faces") for row in db.query(f"SELECT * FROM {table}")]
    assert "Secretname" not in repr(public)
    assert "Secretname" in repr(db.query("SELECT * FROM private"))
    for bucket in (backend.names.pics_bucket, backend.names.thumbs_bucket):
        for obj in backend.store.list(bucket):
            assert b"Secretname" not in backend.store.get(bucket, obj.key)


def test_one_name_is_one_person_even_named_at_once(album):
    """Eight threads (as two windows and six commands would) each name a face of a different
    photo with a new name at the same moment: one person gets all eight faces."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from finpics_desktop.pipeline.check import check

    backend, people, where, who = album
    faces = [f for f, p in who.items() if p == "George_W_Bush"][:8]
    start = Barrier(len(faces))

    def name(face_id: str):
        start.wait()
        return People(backend).name_face(face_id, "Dubya").person

    with ThreadPoolExecutor(len(faces)) as pool:
        assert set(pool.map(name, faces)) == {"Dubya"}
    [person] = people.people()
    assert {f.face_id for f in people.faces_of(person)} == set(faces)
    assert check(backend).found == []
