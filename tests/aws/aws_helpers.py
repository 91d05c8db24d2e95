"""Helpers of the cloud tests: fresh resource names, resources made directly."""

from __future__ import annotations

import itertools

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
