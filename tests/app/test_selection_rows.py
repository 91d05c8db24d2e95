"""The Info panel's first rows name a face's or a person's photo as the curator knows it: the
picset's title, not its id."""

from finpics_desktop.app.entries import FACE, PERSON, Entry
from finpics_desktop.app.selection_info import first_rows


def test_a_face_and_a_person_name_their_photo_by_the_picsets_title():
    face = Entry(FACE, "", picset="004_Lisbon_2019", name="tram.jpg", person="Ada")
    assert first_rows(face) == [("Face in", "Lisbon 2019 / tram.jpg"), ("Proposed for", "Ada")]
    person = Entry(PERSON, "Ada", picset="004_Lisbon_2019", name="tram.jpg", person="Ada")
    assert first_rows(person) == [("Person", "Ada"), ("Shown by", "Lisbon 2019 / tram.jpg")]
