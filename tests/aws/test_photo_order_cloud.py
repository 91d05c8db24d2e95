"""The order of a picset's photos on both backends: the library, and the finpics stack in the
local cloud over HTTP (the copies a rename puts in place trigger the processing function, which
must leave them alone). The site's query of the picset (by sortkey) gives the order asked; the
whole contract is consistent after each step, faces and the featured photo kept."""

from __future__ import annotations

import pytest

from finpics_desktop.domain.photo_order import base_name
from finpics_desktop.pipeline.curation import (
    Curation,
    Refused,
    order_photos,
    set_cover,
    undo,
)
from tests.aws.curation_helpers import (  # noqa: F401 (fixtures)
    BIDEN,
    OBAMA,
    album_fixture,
    ids_fixture,
    trashed_faces,
)

# their cameras' dates: obama2 2009-09-09; biden and obama3 the same second of 2010 (by name);
# obama1 and biden2 none (last, by name)
BY_DATE = ["1~obama2.jpg", "2~biden.jpg", "3~obama3.jpg", "4~biden2.jpg", "5~obama1.jpg"]


def _site_order(album, picset: str) -> list[str]:
    """What the site lists: the picset's items by sortkey (its Query)."""
    return [i["sortkey"] for i in album.backend.tables.query_pics(picset)]


def test_order_by_date_by_hand_by_name_and_undo_on_both_backends(album, ids):
    a, _, _ = ids
    album.publish(a, *OBAMA, *BIDEN)
    c = Curation(album.backend)
    set_cover(c, a, "obama3.jpg")
    before = album.photos(a)
    faces = {base_name(n): f for n, f in before.items()}

    done = order_photos(c, a, by="date")
    album.settle()  # the copies' S3 events came and went: processing left them alone
    assert _site_order(album, a) == BY_DATE
    assert {base_name(n): f for n, f in album.photos(a).items()} == faces
    assert album.entries()[a] == "3~obama3.jpg"
    found = {m.image_path for m in album.backend.search(faces["obama1.jpg"][0])
             if m.picset == a}
    assert found == {f"{a}/1~obama2.jpg", f"{a}/3~obama3.jpg"}
    album.assert_consistent(kept_faces=trashed_faces(album))

    by_hand = order_photos(c, a, first=["biden2.jpg", "obama1.jpg"])  # names as shown
    album.settle()
    assert _site_order(album, a) == ["1~biden2.jpg", "2~obama1.jpg", "3~obama2.jpg",
                                     "4~biden.jpg", "5~obama3.jpg"]
    album.assert_consistent(kept_faces=trashed_faces(album))
    undo(c, by_hand.undo)
    album.settle()
    assert _site_order(album, a) == BY_DATE and album.entries()[a] == "3~obama3.jpg"
    undo(c, done.undo)
    album.settle()
    assert album.photos(a) == before and album.entries()[a] == "obama3.jpg"
    album.assert_consistent(kept_faces=trashed_faces(album))

    order_photos(c, a, first=["obama3.jpg"])
    order_photos(c, a, by="name")  # every prefix goes: the names as published
    album.settle()
    assert album.photos(a) == before
    with pytest.raises(Refused, match="no photo 'nobody.jpg' in this picset"):
        order_photos(c, a, first=["nobody.jpg"])
    album.assert_consistent(kept_faces=trashed_faces(album))
