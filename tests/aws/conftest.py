"""The local AWS-compatible stack for the cloud tests: one per session, the finpics stack
deployed into it from packaging/cloudformation.yaml. Every call is real boto3 over HTTP."""

from __future__ import annotations

import itertools

import pytest

from finpics_desktop.backends.aws.backend import open_aws
from finpics_desktop.backends.aws.bundle import build_zip
from finpics_desktop.backends.aws.deploy import deploy
from finpics_desktop.backends.aws.session import Clients
from finpics_desktop.domain.names import Names
from finpics_desktop.localcloud import LocalCloud

_fresh = itertools.count(1)


@pytest.fixture(scope="session")
def cloud(tmp_path_factory, engine):
    with LocalCloud(tmp_path_factory.mktemp("localcloud"), engine=engine) as stack:
        yield stack


@pytest.fixture(scope="session")
def lambda_zip(tmp_path_factory):
    return build_zip(tmp_path_factory.mktemp("bundle") / "finpics-lambda.zip",
                     dependencies=False)


@pytest.fixture(scope="session")
def deployed(cloud, lambda_zip):
    """The finpics stack (default names) deployed into the local cloud."""
    lines: list[str] = []
    result = deploy(Clients(cloud.settings()), Names(), bundle=lambda_zip,
                    progress=lines.append, poll=0.0)
    result.progress = lines
    return result


@pytest.fixture
def clients(cloud):
    clients = Clients(cloud.settings())
    yield clients
    clients.close()


def fresh_names(prefix: str = "t") -> Names:
    n = next(_fresh)
    return Names(pics_bucket=f"{prefix}{n}-pics", thumbs_bucket=f"{prefix}{n}-thumbs",
                 collection=f"{prefix}{n}-faces", pics_table=f"{prefix}{n}_pics",
                 image_table=f"{prefix}{n}_pics_by_image_id",
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
    clients("rekognition").create_collection(CollectionId=names.collection)


@pytest.fixture
def aws_backend(cloud):
    """A fresh, empty set of cloud resources behind the AWS adapters."""
    names = fresh_names()
    clients = Clients(cloud.settings())
    create_resources(clients, names)
    backend = open_aws(names, cloud.settings(), clients=clients)
    yield backend
    backend.close()
