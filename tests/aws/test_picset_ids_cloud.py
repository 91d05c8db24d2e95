"""A picset whose id keeps letters of other scripts travels every path of the cloud: the S3
key, its URL-encoded ObjectCreated event decoded by the processing function, both tables,
Rekognition's ExternalImageId, the search function's image_path, and the public site's
``photos/<image_path>`` URL as a browser encodes it."""

from __future__ import annotations

import json
import shutil
import urllib.parse
import urllib.request

from finpics_desktop import cli
from finpics_desktop.backends.aws.backend import open_aws
from finpics_desktop.domain.names import Names
from finpics_desktop.domain.picsets import display_name
from tests.aws.aws_helpers import admin_keys

PICSET = "501_東京_москва"


def test_a_picset_in_other_scripts_travels_the_whole_path(cloud, deployed, photos_dir,
                                                          tmp_path, monkeypatch, capsys):
    admin_keys(cloud, monkeypatch)
    folder = tmp_path / "東京 Москва"
    folder.mkdir()
    person = photos_dir / "lfw10/Ariel_Sharon"  # in no other picset of the shared cloud
    for name in ("Ariel_Sharon_0001.jpg", "Ariel_Sharon_0002.jpg"):
        shutil.copy2(person / name, folder)
    aws = ["--backend", "aws", "--endpoint-url", cloud.url]
    assert cli.main([*aws, "upload", str(folder), "--picset", PICSET]) == 0
    cloud.wait_idle()
    assert cloud.event_errors == []

    backend = open_aws(Names(), cloud.settings())
    try:
        photos = backend.tables.query_pics(PICSET)
        assert [p["sortkey"] for p in photos] == ["Ariel_Sharon_0001.jpg", "Ariel_Sharon_0002.jpg"]
        assert backend.store.head("finpics-thumbs", f"photos/{PICSET}/{photos[0]['sortkey']}")
        assert PICSET in [i["sortkey"] for i in backend.tables.query_pics("/")]
        face = photos[0]["data"]["FaceRecords"][0]["Face"]
        assert face["ExternalImageId"].isascii()  # Rekognition's allowed characters
        assert [m.image_path for m in backend.search(face["FaceId"])] == [
            f"{PICSET}/Ariel_Sharon_0002.jpg"]
    finally:
        backend.close()
    capsys.readouterr()
    assert cli.main([*aws, "picsets"]) == 0
    assert "東京 москва" in capsys.readouterr().out  # the name the site shows

    # the site's image URL, percent-encoded as UTF-8 the way a browser sends it
    path = urllib.parse.quote(f"{PICSET}/Ariel_Sharon_0002.jpg")
    with urllib.request.urlopen(f"{cloud.url}/finpics-pics/photos/{path}") as response:
        assert response.read() == (person / "Ariel_Sharon_0002.jpg").read_bytes()


def test_a_title_with_punctuation_travels_the_whole_path(cloud, deployed, photos_dir,
                                                         tmp_path, monkeypatch, capsys):
    """A folder's name as written is the id's title: capitals, accents, ',', '–', '(', ')',
    "'" go through the S3 event (URL-encoded, decoded by the processing function), the tables
    and the search function, and the site shows the title exactly."""
    admin_keys(cloud, monkeypatch)
    title = "Praça do Comércio, Lisbon – Sintra's (best) day! 2019"
    folder = tmp_path / title
    folder.mkdir()
    person = photos_dir / "lfw10/Ariel_Sharon"
    for name in ("Ariel_Sharon_0001.jpg", "Ariel_Sharon_0002.jpg"):
        shutil.copy2(person / name, folder)
    aws = ["--backend", "aws", "--endpoint-url", cloud.url]
    capsys.readouterr()
    assert cli.main([*aws, "upload", str(folder)]) == 0
    cloud.wait_idle()
    assert cloud.event_errors == []
    assert cli.main([*aws, "picsets", "--json"]) == 0
    [picset] = [p["id"] for p in json.loads(capsys.readouterr().out) if p["title"] == title]
    assert display_name(picset) == title  # the site's reading

    backend = open_aws(Names(), cloud.settings())
    try:
        photos = backend.tables.query_pics(picset)
        assert [p["sortkey"] for p in photos] == ["Ariel_Sharon_0001.jpg", "Ariel_Sharon_0002.jpg"]
        assert backend.store.head("finpics-thumbs", f"photos/{picset}/{photos[0]['sortkey']}")
        face = photos[0]["data"]["FaceRecords"][0]["Face"]
        assert f"{picset}/Ariel_Sharon_0002.jpg" in [
            m.image_path for m in backend.search(face["FaceId"])]
    finally:
        backend.close()
