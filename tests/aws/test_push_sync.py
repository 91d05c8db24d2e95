"""One album in two places (issue 24, item 1): a library picset and its cloud copy are linked by
a stable identity, so a push after a rename, an order, a new featured photo and a deleted photo
in the library renames the cloud's picset and its photos (their faces kept, nothing uploaded
again) -- one picset, no orphan (``check`` clean), shown so by the public site's own calls. What
changed on the cloud since the last push is listed and nothing is sent until the curator
chooses to keep it or overwrite it."""

from __future__ import annotations

import json
import urllib.request

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config

from finpics_desktop import cli
from finpics_desktop.backends.aws.backend import open_aws
from finpics_desktop.backends.aws.deploy import deploy
from finpics_desktop.backends.aws.session import Clients
from finpics_desktop.backends.local.library import open_library
from finpics_desktop.domain.photo_order import base_name
from finpics_desktop.pipeline.check import check
from finpics_desktop.pipeline.curation import (
    Curation,
    delete,
    list_trash,
    order_photos,
    rename_picset,
    set_cover,
)
from finpics_desktop.pipeline.curation.identity import identity_of
from finpics_desktop.pipeline.publish.upload import Publisher
from tests.aws.aws_helpers import fresh_names

PHOTOS = ("faces/obama/obama1.jpg", "faces/obama/obama2.jpg", "faces/biden/biden.jpg",
          "faces/groups/two_people.jpg")


@pytest.fixture(scope="module")
def stack(cloud, lambda_zip):
    """A finpics stack of its own with its site config (the public site's identity pool)."""
    names = fresh_names("sync")
    result = deploy(Clients(cloud.settings()), names, stack=f"sync{names.pics_bucket[4:-5]}",
                    bundle=lambda_zip, progress=lambda line: None, poll=0.0)
    backend = open_aws(names, cloud.settings())
    yield backend, result.site
    backend.close()


@pytest.fixture
def env(cloud, stack, monkeypatch):
    """``finpics-desktop --library DIR <overrides> ...`` args reaching the stack."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", cloud.credentials["access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", cloud.credentials["secret_access_key"])
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    names = stack[0].names
    return ["--endpoint-url", cloud.url, *[
        a for n in ("pics_bucket", "thumbs_bucket", "pics_table", "image_table",
                    "private_table", "collection", "search_function")
        for a in ("--name", f"{n}={getattr(names, n)}")]]


def _push(env, root, picset, capsys, *extra):
    code = cli.main(["--library", str(root), *env, "push", picset, *extra])
    captured = capsys.readouterr()
    return code, captured.err.splitlines(), captured.out


def _staged(tmp_path, photos_dir, engine, picset):
    folder = tmp_path / "trip"
    folder.mkdir()
    for rel in PHOTOS:
        (folder / rel.rsplit("/", 1)[1]).write_bytes((photos_dir / rel).read_bytes())
    root = tmp_path / "library"
    library = open_library(root, engine=engine)
    assert Publisher.for_backend(library).publish(sorted(folder.iterdir()), picset).ok
    library.close()
    return root


def _faces(backend, picset) -> dict[str, list[str]]:
    """Each photo's FaceIds, by the photo's name without its order prefix."""
    return {base_name(i["sortkey"]): sorted(r["Face"]["FaceId"]
                                            for r in i["data"]["FaceRecords"])
            for i in backend.tables.query_pics(picset)}


def _site(cloud, pool_id: str) -> dict:
    """Clients built the way the public site builds them (see test_public_site)."""
    unsigned = Config(signature_version=UNSIGNED, region_name=cloud.region)
    cognito = boto3.client("cognito-identity", endpoint_url=cloud.url, config=unsigned)
    identity = cognito.get_id(IdentityPoolId=pool_id)["IdentityId"]
    creds = cognito.get_credentials_for_identity(IdentityId=identity)["Credentials"]
    session = boto3.Session(aws_access_key_id=creds["AccessKeyId"],
                            aws_secret_access_key=creds["SecretKey"],
                            aws_session_token=creds["SessionToken"], region_name=cloud.region)
    return {s: session.client(s, endpoint_url=cloud.url,
                              config=Config(retries={"max_attempts": 1},
                                            s3={"addressing_style": "path"}))
            for s in ("dynamodb",)}


def test_renamed_reordered_recovered_and_a_photo_deleted_in_the_library_is_one_picset_on_the_cloud(
        cloud, stack, env, tmp_path, photos_dir, engine, capsys):
    backend, site_config = stack
    root = _staged(tmp_path, photos_dir, engine, "001_trip")
    code, lines, _ = _push(env, root, "001_trip", capsys)
    assert code == 0, lines
    cloud.wait_idle()
    faces_before = _faces(backend, "001_trip")
    assert len(faces_before) == 4

    library = open_library(root, engine=engine)  # the curator works offline, in the library
    c = Curation(library)
    rename_picset(c, "001_trip", "001_Lisbon_2019")
    order_photos(c, "001_Lisbon_2019", first=["two_people.jpg", "biden.jpg"])
    names = library.records.photo_names("001_Lisbon_2019")
    by_base = {base_name(n): n for n in names}
    set_cover(c, "001_Lisbon_2019", by_base["biden.jpg"])
    delete(c, [f"001_Lisbon_2019/{by_base['obama2.jpg']}"])
    wanted = sorted(library.records.photo_names("001_Lisbon_2019"))
    cover = library.records.picset("001_Lisbon_2019").cover
    uid = identity_of(library.private, "001_Lisbon_2019")
    library.close()
    assert uid is not None and identity_of(backend.private, "001_trip") == uid

    code, lines, out = _push(env, root, "001_Lisbon_2019", capsys, "--dry-run", "--json")
    assert code == 0, lines
    plan = json.loads(out)
    assert (plan["cloud_picset"], plan["renamed_to"]) == ("001_trip", "001_Lisbon_2019")
    assert (plan["new"], plan["changed"], plan["deleted"]) == ([], [], ["obama2.jpg"])
    assert sorted(b for _, b in plan["photos_renamed"]) == sorted(
        n for n in wanted if n != base_name(n))
    assert plan["new_picset"] is False and plan["cloud_changes"] == []
    shown = "\n".join(lines)  # the preview names the renames and the deletes
    assert "renamed: 001_trip -> 001_Lisbon_2019 (the title \u201cLisbon 2019\u201d)" in shown
    assert "deleted (to the cloud's trash): 1: obama2.jpg" in shown
    assert "photos renamed (their order): " in shown and "two_people.jpg -> " in shown

    code, lines, _ = _push(env, root, "001_Lisbon_2019", capsys)
    assert code == 0, lines
    assert not any(line.startswith("[") for line in lines), lines  # nothing uploaded again
    cloud.wait_idle()
    assert cloud.event_errors == []
    listed = [i["sortkey"] for i in backend.tables.query_pics("/")]
    assert listed == ["001_Lisbon_2019"]  # one picset: the old one is gone, not left public
    assert sorted(backend.records.photo_names("001_Lisbon_2019")) == wanted
    assert backend.records.picset("001_Lisbon_2019").cover == cover
    faces_after = _faces(backend, "001_Lisbon_2019")
    assert faces_after == {k: v for k, v in faces_before.items() if k != "obama2.jpg"}
    assert [e.what for e in list_trash(Curation(backend))] == ["001_Lisbon_2019/obama2.jpg"]
    assert check(backend).found == []  # no orphan object, item or face
    assert identity_of(backend.private, "001_Lisbon_2019") == uid

    with cloud.iam_enforced():  # the public site's own calls, with its own rights
        db = _site(cloud, site_config["identityPoolId"])["dynamodb"]
        got = db.query(TableName=backend.names.pics_table,
                       KeyConditionExpression="primarykey = :k",
                       ExpressionAttributeValues={":k": {"S": "/"}}, ScanIndexForward=False)
        assert [(i["sortkey"]["S"], i["pic"]["S"]) for i in got["Items"]] == [
            ("001_Lisbon_2019", cover)]
        photos = db.query(TableName=backend.names.pics_table,
                          KeyConditionExpression="primarykey = :k",
                          ExpressionAttributeValues={":k": {"S": "001_Lisbon_2019"}})
        shown = [i["sortkey"]["S"] for i in photos["Items"]]
        assert [base_name(n) for n in shown] == ["two_people.jpg", "biden.jpg", "obama1.jpg"]
        for name in shown:
            url = f"{cloud.url}/{backend.names.pics_bucket}/photos/001_Lisbon_2019/{name}"
            with urllib.request.urlopen(url) as response:
                assert response.status == 200
    code, lines, _ = _push(env, root, "001_Lisbon_2019", capsys)
    assert code == 0 and lines == [
        "push 001_Lisbon_2019 to the cloud: the cloud has it as it is (3 photos)"], lines


def test_what_changed_on_the_cloud_since_the_last_push_is_shown_and_never_overwritten_silently(
        cloud, stack, env, tmp_path, photos_dir, engine, capsys):
    backend = stack[0]
    root = _staged(tmp_path, photos_dir, engine, "002_home")
    assert _push(env, root, "002_home", capsys)[0] == 0
    cloud.wait_idle()
    on_cloud = Curation(backend)  # another laptop, or the CLI on the cloud
    delete(on_cloud, ["002_home/obama1.jpg"])
    set_cover(on_cloud, "002_home", "two_people.jpg")
    rename_picset(on_cloud, "002_home", "002_At_home")
    library = open_library(root, engine=engine)
    delete(Curation(library), ["002_home/biden.jpg"])
    library.close()

    code, lines, out = _push(env, root, "002_home", capsys, "--json")
    assert code == 1, lines  # refused until the curator chooses: nothing sent
    plan = json.loads(out)
    assert plan["deleted"] == ["biden.jpg"] and plan["choice"] is None
    assert sorted(plan["cloud_changes"]) == sorted([
        "deleted on the cloud: obama1.jpg", "featured photo changed on the cloud: "
        "two_people.jpg",
        "renamed on the cloud: \u201chome\u201d (002_home) -> \u201cAt home\u201d (002_At_home)"])
    assert "--keep-cloud-changes" in lines[-1] and "--overwrite-cloud" in lines[-1]
    assert len(backend.records.photo_names("002_At_home")) == 3  # untouched

    code, lines, out = _push(env, root, "002_home", capsys, "--keep-cloud-changes", "--json")
    assert code == 0, lines
    cloud.wait_idle()
    assert sorted(backend.records.photo_names("002_At_home")) == ["obama2.jpg",
                                                                   "two_people.jpg"]
    assert backend.records.picset("002_At_home").cover == "two_people.jpg"  # the cloud's
    assert backend.records.picset("002_home") is None  # kept as the cloud's title: one picset
    code, lines, _ = _push(env, root, "002_home", capsys)  # kept: no longer a difference
    assert code == 0 and "nothing to send" not in lines[0] and "as it is" in lines[0], lines

    code, lines, _ = _push(env, root, "002_home", capsys, "--overwrite-cloud")
    assert code == 0, lines
    assert "  changed on the cloud since the last push (brought back to the library's (what the " \
        "cloud deleted goes to its trash)):" in lines
    cloud.wait_idle()
    assert [i["sortkey"] for i in backend.tables.query_pics("/")
            if i["sortkey"].startswith("002")] == ["002_home"]
    assert sorted(backend.records.photo_names("002_home")) == ["obama1.jpg", "obama2.jpg",
                                                               "two_people.jpg"]
    library = open_library(root, engine=engine)
    assert backend.records.picset("002_home").cover == library.records.picset("002_home").cover
    library.close()
    assert check(backend).found == []


def test_a_picset_linked_by_record_link_pushes_into_its_cloud_copy(
        cloud, stack, env, tmp_path, photos_dir, engine, capsys):
    """What ``pull`` does once the cloud's picset is in the library: ``record_link``. The next
    push finds nothing to send; a rename in the library then renames the cloud's copy."""
    from finpics_desktop.pipeline.publish.links import record_link

    backend = stack[0]
    root = _staged(tmp_path, photos_dir, engine, "003_pulled")
    folder = tmp_path / "trip"  # the same photos, put on the cloud by another tool
    assert Publisher.for_backend(backend).publish(sorted(folder.iterdir()), "003_pulled").ok
    cloud.wait_idle()
    library = open_library(root, engine=engine)
    link = record_link(library, backend, "003_pulled")
    assert len(link.pairs) == 4 and identity_of(backend.private, "003_pulled") == link.uid
    rename_picset(Curation(library), "003_pulled", "003_Pulled_here")
    library.close()
    code, lines, out = _push(env, root, "003_Pulled_here", capsys, "--json")
    assert code == 0, lines
    plan = json.loads(out)
    assert (plan["renamed_to"], plan["new"], plan["deleted"]) == ("003_Pulled_here", [], [])
    assert backend.records.picset("003_pulled") is None
    assert len(backend.records.photo_names("003_Pulled_here")) == 4
