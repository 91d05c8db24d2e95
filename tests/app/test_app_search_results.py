"""The search result is typed inside the app: :class:`PhotoMatch`. Only the Lambda handler,
the cloud's search adapter and ``search --json`` speak the wire payload, through
``domain/matches.py``; errors are exceptions, a 500 payload becomes one."""

from __future__ import annotations

import json

import pytest

from finpics_desktop import cli
from finpics_desktop.domain.errors import SearchFailed
from finpics_desktop.domain.matches import PhotoMatch, error_payload, from_payload, to_payload
from finpics_desktop.pipeline.functions.search import search_faces
from finpics_desktop.pipeline.publish.upload import Publisher

FACE = {"FaceId": "f-1", "ImageId": "i-1", "Confidence": 99.5,
        "BoundingBox": {"Width": 0.1, "Height": 0.2, "Left": 0.3, "Top": 0.4}}


def test_a_match_goes_to_the_wire_and_back():
    match = PhotoMatch.from_image_item(
        {"image_id": "i-1", "image_path": "001_a/b c.jpg",
         "data": {"FaceRecords": [{"Face": FACE, "FaceDetail": {"Smile": {}}}]}},
        91.25, "f-1")
    assert (match.picset, match.name, match.image_path) == ("001_a", "b c.jpg", "001_a/b c.jpg")
    assert [f.wire() for f in match.faces] == [{"Face": FACE}]  # the contract's four keys only
    payload = to_payload([match])
    assert payload["statusCode"] == 200
    assert list(payload["output"][0])[:3] == ["image_id", "image_path", "data"]
    assert from_payload(json.loads(json.dumps(payload))) == [match]


@pytest.mark.parametrize(("payload", "words"), [
    (error_payload("face f-9 is not in collection 'finpics'"), "not in collection"),
    ({"statusCode": 403}, "returned"),
    (["not", "a", "payload"], "returned"),
    ({"statusCode": 200, "output": [{"image_id": "x"}]}, "without"),
])
def test_anything_but_results_is_an_error(payload, words):
    with pytest.raises(SearchFailed, match=words):
        from_payload(payload)


def test_the_pipeline_gives_matches_and_errors(library, copy_photos):
    folder = copy_photos("faces/obama/obama.jpg", "faces/obama/obama2.jpg", folder="o")
    assert Publisher.for_backend(library).publish([folder], "001_o").ok
    face = library.tables.get_pics_item("001_o", "obama.jpg")["data"]["FaceRecords"][0][
        "Face"]["FaceId"]
    matches = search_faces(library.tables, library.faces, face)
    assert [type(m) for m in matches] == [PhotoMatch]
    assert library.search(face) == matches  # the library's search: the same, in-process
    assert from_payload(to_payload(matches)) == matches
    with pytest.raises(SearchFailed, match="faceid is missing"):
        search_faces(library.tables, library.faces, "")


def test_search_json_prints_the_payload_and_failures_are_one_line(library, copy_photos,
                                                                  capsys):
    folder = copy_photos("faces/obama/obama.jpg", "faces/obama/obama2.jpg", folder="o")
    assert Publisher.for_backend(library).publish([folder], "001_o").ok
    face = library.tables.get_pics_item("001_o", "obama.jpg")["data"]["FaceRecords"][0][
        "Face"]["FaceId"]
    lib = str(library.library.folder)
    library.close()
    assert cli.main(["--library", lib, "search", face, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["statusCode"] == 200
    assert [e["image_path"] for e in out["output"]] == ["001_o/obama2.jpg"]
    assert cli.main(["--library", lib, "search", face]) == 0
    assert capsys.readouterr().out.split() == [f"{out['output'][0]['similarity']:.1f}",
                                               "001_o/obama2.jpg"]
