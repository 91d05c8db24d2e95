"""The cloud commands of the CLI: deploy, reprocess, local-cloud."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from finpics_desktop import cli
from tests.aws.aws_helpers import admin_keys
from tests.cloud_process import local_cloud_process

REPO = Path(__file__).resolve().parents[2]


def _env_for(cloud, monkeypatch) -> list[str]:
    admin_keys(cloud, monkeypatch)
    return ["--backend", "aws", "--endpoint-url", cloud.url]


def test_deploy_command_prints_the_site_config(cloud, deployed, monkeypatch, capsys):
    args = _env_for(cloud, monkeypatch)
    assert cli.main([*args, "deploy", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["site"]["identityPoolId"] == deployed.site["identityPoolId"]
    assert out["outputs"]["SearchFunction"] == "finpics-dev-search"
    assert cli.main([*args, "deploy"]) == 0
    captured = capsys.readouterr()
    assert "identityPoolId" in captured.out and "stack finpics" in captured.out
    assert "Rekognition collection finpics is ready" in captured.err


def test_reprocess_command_reports(cloud, deployed, monkeypatch, capsys):
    args = _env_for(cloud, monkeypatch)
    assert cli.main([*args, "reprocess", "--picset", "499_nothing_here"]) == 0
    assert "0 original(s) sent to processing" in capsys.readouterr().err
    assert cli.main([*args, "reprocess", "--picset", "../x"]) == 2  # a usage error


def test_names_are_configurable_on_the_command_line(cloud, deployed, monkeypatch, capsys):
    args = _env_for(cloud, monkeypatch)
    assert cli.main([*args, "--name", "pics_table=not_there", "picsets"]) == 1
    assert "table not_there" in capsys.readouterr().err
    assert cli.main([*args, "--name", "colour=blue", "picsets"]) == 2  # a usage error
    assert "unknown resource name(s): colour" in capsys.readouterr().err


def test_local_cloud_command_prints_its_url_and_stops_on_ctrl_c(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    proc = subprocess.Popen([sys.executable, "-m", "finpics_desktop", "local-cloud", "--port",
                             "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=tmp_path, env=env)
    try:
        url = proc.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url), url
        keys = {"AWS_ACCESS_KEY_ID": "any", "AWS_SECRET_ACCESS_KEY": "any"}
        listed = subprocess.run(
            [sys.executable, "-m", "finpics_desktop", "--backend", "aws", "--endpoint-url", url,
             "picsets", "--json"], capture_output=True, text=True, env={**env, **keys},
            cwd=tmp_path, check=True)
        assert json.loads(listed.stdout) == []  # the stack is deployed: the tables exist
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "identityPoolId" in err and f"--endpoint-url {url}" in err


def test_local_cloud_enforcing_iam_checks_every_call_against_the_deployed_policies(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    command = [sys.executable, "-m", "finpics_desktop", "local-cloud", "--port", "0",
               "--enforce-iam"]
    with local_cloud_process(command, cwd=tmp_path, env=env) as cloud:
        log = "\n".join(cloud.log)
        pool = re.search(r"identityPoolId +(\S+)", log)[1]

        def cli_with(key_id, secret):
            return subprocess.run(
                [sys.executable, "-m", "finpics_desktop", "--backend", "aws", "--endpoint-url",
                 cloud.url, "picsets", "--json"], capture_output=True, text=True, cwd=tmp_path,
                env={**env, "AWS_ACCESS_KEY_ID": key_id, "AWS_SECRET_ACCESS_KEY": secret})

        admin = cli_with(cloud.access_key_id, cloud.secret_access_key)  # the printed keys
        nobody = cli_with("AKIANOTAKEY000000000", "not-a-secret")
        # the public site: the identity pool's unauthenticated role, as the deployed policy says
        unsigned = Config(signature_version=UNSIGNED, region_name="us-east-1")
        cognito = boto3.client("cognito-identity", endpoint_url=cloud.url, config=unsigned)
        identity = cognito.get_id(IdentityPoolId=pool)["IdentityId"]
        creds = cognito.get_credentials_for_identity(IdentityId=identity)["Credentials"]
        site = boto3.Session(aws_access_key_id=creds["AccessKeyId"],
                             aws_secret_access_key=creds["SecretKey"],
                             aws_session_token=creds["SessionToken"], region_name="us-east-1")
        db = site.client("dynamodb", endpoint_url=cloud.url,
                         config=Config(retries={"max_attempts": 1}))
        listed = db.query(TableName="pics", KeyConditionExpression="primarykey = :k",
                          ExpressionAttributeValues={":k": {"S": "/"}})
        with pytest.raises(ClientError) as refused:
            db.put_item(TableName="pics", Item={"primarykey": {"S": "/"},
                                                "sortkey": {"S": "999_hacked"}})
        db.close()
        cognito.close()
    assert "IAM is enforced" in log
    assert admin.returncode == 0, admin.stderr
    assert json.loads(admin.stdout) == []
    assert nobody.returncode == 1
    assert "AWS does not accept these credentials" in nobody.stderr
    assert listed["Items"] == []
    assert refused.value.response["Error"]["Code"] == "AccessDeniedException"
