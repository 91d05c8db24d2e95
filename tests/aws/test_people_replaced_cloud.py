"""On the cloud, a photo replaced with --on-conflict replace keeps its people too: its old
faces wait in the private store until the processing function (run here as the S3 trigger
runs it) has indexed the new original; the next people action carries the names."""

from __future__ import annotations

import io

from PIL import Image

from finpics_desktop.app.people import list_people
from finpics_desktop.pipeline.functions.process import process_new_image
from finpics_desktop.pipeline.people.naming import People
from finpics_desktop.pipeline.people.records import PENDING
from finpics_desktop.pipeline.publish.upload import DONE, Publisher


def _process(backend, key: str) -> dict:
    """What the S3 trigger does, through the AWS adapters."""
    return process_new_image(backend.store, backend.tables, backend.faces, backend.names,
                             backend.names.pics_bucket, key)


def _faces(backend, name: str) -> list[dict]:
    return [r["Face"] for r in backend.tables.get_pics_item("001_obama", name)["data"][
        "FaceRecords"]]


def test_a_replaced_photo_keeps_its_name_once_the_cloud_processed_it(aws_backend, copy_photos,
                                                                     photos_dir, tmp_path):
    backend = aws_backend
    folder = copy_photos("faces/obama/obama.jpg", "faces/obama/obama2.jpg", folder="obama")
    assert Publisher.for_backend(backend).publish([folder], "001_obama").ok
    for name in ("obama.jpg", "obama2.jpg"):
        _process(backend, f"photos/001_obama/{name}")
    people = People(backend)
    for name in ("obama.jpg", "obama2.jpg"):
        people.name_face(_faces(backend, name)[0]["FaceId"], "Barack Obama")
    [old] = _faces(backend, "obama.jpg")

    edited = tmp_path / "edited"
    edited.mkdir()
    with Image.open(photos_dir / "faces/obama/obama.jpg") as im:  # re-framed: boxes move
        out = io.BytesIO()
        im.crop((im.width // 3, 0, im.width, im.height * 3 // 4)).save(out, "JPEG", quality=92)
    (edited / "obama.jpg").write_bytes(out.getvalue())
    report = Publisher.for_backend(backend, on_conflict="replace").publish([edited], "001_obama")
    assert [r.status for r in report.results] == [DONE]
    assert [d.sk for d in backend.private.query(PENDING)] == ["photos/001_obama/obama.jpg"]
    list_people(backend)  # not processed yet: the old faces keep waiting
    assert [d.sk for d in backend.private.query(PENDING)] == ["photos/001_obama/obama.jpg"]

    _process(backend, "photos/001_obama/obama.jpg")  # the S3 event reaches the function
    [summary] = list_people(backend)
    [new] = _faces(backend, "obama.jpg")
    named = People(backend).named()
    assert new["FaceId"] != old["FaceId"] and named[new["FaceId"]].person == summary.person.id
    assert old["FaceId"] not in named and backend.private.query(PENDING) == []
    assert (summary.person.name, summary.faces) == ("Barack Obama", 2)
