"""Helpers of the cloud tests: fresh resource names, resources made directly."""

from __future__ import annotations

import itertools

from finpics_desktop import cli
from finpics_desktop.backends.aws.backend import open_aws
from finpics_desktop.backends.aws.deploy import deploy
from finpics_desktop.backends.aws.session import Clients
from finpics_desktop.domain.names import Names

_fresh = itertools.count(1)


def fresh_names(prefix: str = "t") -> Names:
    n = next(_fresh)
    return Names(pics_bucket=f"{prefix}{n}-pics", thumbs_bucket=f"{prefix}{n}-thumbs",
                 collection=f"{prefix}{n}-faces", pics_table=f"{prefix}{n}_pics",
                 image_table=f"{prefix}{n}_pics_by_image_id",
                 private_table=f"{prefix}{n}_private",
                 search_function=f"{prefix}{n}-search", process_function=f"{prefix}{n}-s3")


def create_resources(clients: Clients, names: Names) -> None:
    """Buckets, tables and collection of ``names``, made directly (not by the template)."""
    s3, db = clients("s3"), clients("dynamodb")
    for bucket in (names.pics_bucket, names.thumbs_bucket):
        s3.create_bucket(Bucket=bucket)
    db.create_table(
        TableName=names.pics_table, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "primarykey", "AttributeType": "S"},
                              {"AttributeName": "sortkey", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "primarykey", "KeyType": "HASH"},
                   {"AttributeName": "sortkey", "KeyType": "RANGE"}])
    db.create_table(
        TableName=names.image_table, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "image_id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "image_id", "KeyType": "HASH"}])
    db.create_table(
        TableName=names.private_table, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                   {"AttributeName": "sk", "KeyType": "RANGE"}])
    clients("rekognition").create_collection(CollectionId=names.collection)


def admin_keys(cloud, monkeypatch, *cleared: str) -> None:
    """The local ``cloud``'s admin keys in the environment, as a curator's shell would have them:
    no profile or session token of the machine's own (nor any of ``cleared``) in the way."""
    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", *cleared):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", cloud.credentials["access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", cloud.credentials["secret_access_key"])


def cli_on(cloud, stack, monkeypatch, capsys, *args) -> tuple[int, str, str]:
    """The command line run on ``stack`` of the local ``cloud`` (its names given, the cloud's
    admin keys in the environment): (exit code, stdout, stderr)."""
    admin_keys(cloud, monkeypatch)
    n = stack.names
    names = [f"--name={k}={getattr(n, k)}" for k in (
        "pics_bucket", "thumbs_bucket", "pics_table", "image_table", "private_table",
        "collection", "search_function", "process_function")]
    code = cli.main(["--endpoint-url", cloud.url, *names, *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def deployed_own(cloud, lambda_zip):
    """A finpics stack of its own (fresh names) deployed into the local cloud, its backend
    yielded and closed after."""
    names = fresh_names("own")
    deploy(Clients(cloud.settings()), names, stack=f"own{names.pics_bucket[3:-5]}",
           bundle=lambda_zip, progress=lambda line: None, poll=0.0)
    backend = open_aws(names, cloud.settings())
    yield backend
    backend.close()
