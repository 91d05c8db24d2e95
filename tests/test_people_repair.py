"""``check --repair`` never destroys a curator's decision: a name whose face or person is gone
is placed where it still can be -- the face of its photo most alike to the person, whom the
person was merged into, the person restored under the name still claimed for them -- and what
cannot be placed is kept and listed for the curator, who names or unnames the face. Only the
name of a photo gone from the album goes with it (tests/test_people_reindex.py)."""

from __future__ import annotations

from labelled_album import photo_faces

from finpics_desktop import cli
from finpics_desktop.domain.keys import photo_key
from finpics_desktop.domain.people import name_key
from finpics_desktop.pipeline.check import check
from finpics_desktop.pipeline.functions.process import process_new_image
from finpics_desktop.pipeline.people.merge import merge
from finpics_desktop.pipeline.people.naming import FACE, NAME, PERSON, People
from finpics_desktop.pipeline.publish.upload import Publisher


def _publish(backend, copy_photos, folder: str, picset: str) -> list[tuple[str, str]]:
    """The photos of faces/<folder> published: (image_path, its one FaceId) each."""
    report = Publisher.for_backend(backend).publish(
        [copy_photos(f"faces/{folder}", folder=folder)], picset)
    assert report.ok, report.summary()
    return [(path, records[0]["Face"]["FaceId"]) for path, records in photo_faces(backend)
            if path.startswith(picset + "/") and len(records) == 1]


def test_repair_places_or_lists_names_whose_face_or_person_is_gone(library, copy_photos,
                                                                   capsys):
    obama = _publish(library, copy_photos, "obama", "001_obama")
    biden = _publish(library, copy_photos, "biden", "002_biden")
    kit = _publish(library, copy_photos, "kit_harington", "003_kit")
    rose = _publish(library, copy_photos, "rose_leslie", "004_rose")
    people = People(library)
    for faces, name in ((obama, "Barack Obama"), (biden, "Joe Biden"), (rose, "Rose Leslie")):
        for _, face in faces:
            people.name_face(face, name)
    people.name_face(kit[0][1], "Kit")
    people.name_face(kit[1][1], "Jon Snow")
    jon = people.find("Jon Snow").id
    merge(people, "Jon Snow", "Kit")

    # a photo processed again (its faces re-indexed under new ids): the face is gone, not the
    # photo, nor Obama in it
    reprocessed, old_face = obama[len(obama) // 2]
    process_new_image(library.store, library.tables, library.faces, library.names,
                      library.names.pics_bucket, photo_key(*reprocessed.split("/")).key)
    [new_face] = [r["Face"]["FaceId"] for r in library.tables.get_pics_item(
        *reprocessed.split("/"))["data"]["FaceRecords"]]
    assert new_face != old_face
    # a face named Jon Snow while he was being merged into Kit
    library.private.put(FACE, kit[2][1], {"person": jon, "image_id": "", "similarity": 90.0,
                                          "at": 0.0})
    # Rose Leslie's record gone, her name still claimed (a crash between two deletes)
    rose_id = people.find("Rose Leslie").id
    library.private.delete(PERSON, rose_id)
    # Joe Biden gone with his name (what two opposing merges of an older version left): nobody
    # knows the name of his faces any more
    biden_id = people.find("Joe Biden").id
    library.private.delete(PERSON, biden_id)
    library.private.delete(NAME, name_key("Joe Biden"))

    found = check(library).found
    assert sorted(p.kind for p in found if p.kind.startswith("name-")) == sorted(
        ["name-of-missing-face"] + ["name-of-missing-person"] * (1 + len(rose) + len(biden))
        + ["name-claim-without-person"])

    code = cli.main(["--library", str(library.library.folder), "check", "--repair"])
    err = capsys.readouterr().err
    assert code == 1  # what could not be placed is listed
    named = people.named()
    assert named[new_face].person == people.find("Barack Obama").id  # carried to the new face
    assert old_face not in named
    [missing] = [p for p in found if p.kind == "name-of-missing-face"]
    assert f"named Barack Obama in {reprocessed}" in missing.detail
    assert named[kit[2][1]].person == people.find("Kit").id  # to whom Jon Snow became
    restored = people.find("Rose Leslie")
    assert restored.id == rose_id and all(named[f].person == rose_id for _, f in rose)
    assert {f["FaceId"] for f in library.faces.list_faces(user_id=rose_id)} == {
        f for _, f in rose}
    for _, face in biden:  # kept, and listed with what to do
        assert named[face].person == biden_id
        assert (f"face {face} was named for a person who is gone and whose name is not known "
                f"any more: its name is kept until you name the right face") in err
    assert f"finpics-desktop unname {biden[0][1]}" in err
    left = check(library).found
    assert sorted((p.kind, p.subject) for p in left) == sorted(
        ("name-of-missing-person", f) for _, f in biden)

    # the curator names one face again and takes the name from the other
    assert cli.main(["--library", str(library.library.folder), "name", biden[0][1],
                     "Joe Biden"]) == 0
    assert cli.main(["--library", str(library.library.folder), "unname", biden[1][1]]) == 0
    assert f"{biden[1][1]}: no longer named for a person who is gone" in capsys.readouterr().out
    report = check(library, repair=True)
    assert report.found == [] and report.ok
