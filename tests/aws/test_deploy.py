"""The template, the functions' zip, deploying again, and reprocessing."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest
import yaml

from finpics_desktop import cli
from finpics_desktop.backends.aws.backend import open_aws
from finpics_desktop.backends.aws.deploy import OK_STATUSES, TEMPLATE, deploy, reprocess
from finpics_desktop.backends.aws.session import Clients
from finpics_desktop.domain.names import Names


@pytest.fixture(scope="module")
def template():
    return yaml.safe_load(TEMPLATE.read_text())


def _statements(resource) -> list[dict]:
    return [s for p in resource["Properties"]["Policies"]
            for s in p["PolicyDocument"]["Statement"]]


def test_template_passes_cfn_lint():
    from cfnlint.api import ManualArgs, lint

    found = lint(TEMPLATE.read_text(), config=ManualArgs(regions=["us-east-1", "eu-west-1"]))
    problems = [str(m) for m in found if m.rule.id[0] in "EW"]
    assert problems == []


def test_public_site_role_may_only_read_pics_and_invoke_search(template):
    resources = template["Resources"]
    statements = _statements(resources["PublicSiteRole"])
    assert all(s["Effect"] == "Allow" for s in statements)
    granted = {(a, str(s["Resource"])) for s in statements for a in
               ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert {a for a, _ in granted} == {"dynamodb:GetItem", "dynamodb:Query",
                                       "lambda:InvokeFunction"}
    assert all("${PicsTableName}" in r for a, r in granted if a.startswith("dynamodb"))
    assert all("SearchFunction" in r for a, r in granted if a.startswith("lambda"))
    trust = resources["PublicSiteRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]
    assert trust["Condition"]["ForAnyValue:StringLike"] == {
        "cognito-identity.amazonaws.com:amr": "unauthenticated"}
    assert resources["IdentityPool"]["Properties"]["AllowUnauthenticatedIdentities"] is True


def test_function_roles_name_their_resources(template):
    for role in ("ProcessRole", "SearchRole"):
        for statement in _statements(template["Resources"][role]):
            assert "*" not in str(statement["Action"])
            assert str(statement["Resource"]) != "*"
    search = {a for s in _statements(template["Resources"]["SearchRole"])
              for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert search == {"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
                      "dynamodb:BatchGetItem", "rekognition:SearchFaces",
                      "rekognition:ListFaces"}
    # DeleteFaces refuses a face associated with a user: processing may delete named faces
    process = {a for s in _statements(template["Resources"]["ProcessRole"])
               for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert {a for a in process if a.startswith("rekognition:")} == {
        "rekognition:IndexFaces", "rekognition:DeleteFaces", "rekognition:DisassociateFaces"}
    # S3 answers a missing key with 404 only to who may list the bucket: a late event for an
    # original moved or trashed since must read as "gone", not as "access denied"
    listing = [s for s in _statements(template["Resources"]["ProcessRole"])
               if s["Action"] == "s3:ListBucket"]
    assert [str(s["Resource"]) for s in listing] == [
        "{'Fn::Sub': 'arn:${AWS::Partition}:s3:::${PicsBucketName}'}"]


def test_buckets_are_public_read_and_originals_trigger_processing(template):
    resources = template["Resources"]
    for policy in ("PicsBucketPolicy", "ThumbsBucketPolicy"):
        (statement,) = resources[policy]["Properties"]["PolicyDocument"]["Statement"]
        assert (statement["Principal"], statement["Action"]) == ("*", "s3:GetObject")
    (trigger,) = resources["PicsBucket"]["Properties"]["NotificationConfiguration"][
        "LambdaConfigurations"]
    assert trigger["Event"] == "s3:ObjectCreated:*"
    assert trigger["Function"] == {"Fn::GetAtt": ["ProcessFunction", "Arn"]}
    assert "NotificationConfiguration" not in resources["ThumbsBucket"]["Properties"]


def test_zip_holds_only_what_the_handlers_import(lambda_zip, tmp_path):
    names = zipfile.ZipFile(lambda_zip).namelist()
    assert "finpics_desktop/lambdas/process.py" in names
    assert "finpics_desktop/backends/aws/tables.py" in names
    assert not [n for n in names if n.startswith(("finpics_desktop/ui", "finpics_desktop/local",
                                                  "finpics_desktop/backends/local"))]
    check = ("import sys; sys.path.insert(0, sys.argv[1]); "
             "import finpics_desktop.lambdas.process, finpics_desktop.lambdas.search; "
             "import finpics_desktop as f; assert f.__file__.startswith(sys.argv[1]), f.__file__; "
             "assert not {'numpy', 'dlib', 'cv2', 'PySide6', 'moto'} & set(sys.modules)")
    subprocess.run([sys.executable, "-I", "-c", check, str(lambda_zip)], check=True,
                   cwd=tmp_path)


def test_deploying_again_updates_in_place(cloud, deployed, lambda_zip):
    again = deploy(Clients(cloud.settings()), Names(), bundle=lambda_zip, progress=print,
                   poll=0.0)
    assert again.status in OK_STATUSES
    assert again.site == deployed.site


def test_reprocess_sends_only_originals_without_items(cloud, deployed, photos_dir, monkeypatch,
                                                      capsys):
    backend = open_aws(Names(), cloud.settings())
    data = (photos_dir / "faces/alex_lacamoire/img1.jpg").read_bytes()
    for name in ("a.jpg", "b.jpg"):
        backend.store.put("finpics-pics", f"photos/401_reprocess/{name}", data, "image/jpeg")
    backend.store.put("finpics-pics", "photos/401_reprocess/readme.txt", b"hi", "text/plain")
    cloud.wait_idle()
    backend.tables.delete_pics_item("401_reprocess", "b.jpg")

    report = reprocess(Clients(cloud.settings()), Names(), "401_reprocess")
    assert report.invoked == ["photos/401_reprocess/b.jpg"]
    assert report.present == 1
    assert [k for k, _ in report.skipped] == ["photos/401_reprocess/readme.txt"]
    cloud.wait_idle()
    assert backend.tables.get_pics_item("401_reprocess", "b.jpg")["data"]["FaceRecords"]

    # the item deleted by hand left b.jpg's first image item and face behind: check finds them
    backend.store.delete("finpics-pics", "photos/401_reprocess/readme.txt")
    args = ["--backend", "aws", "--endpoint-url", cloud.url]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", cloud.credentials["access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", cloud.credentials["secret_access_key"])
    assert cli.main([*args, "check"]) == 1
    assert "stray-image-item" in capsys.readouterr().err
    assert cli.main([*args, "check", "--repair"]) == 0
    assert cli.main([*args, "check"]) == 0
    backend.close()
