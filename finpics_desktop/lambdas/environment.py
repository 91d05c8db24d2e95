"""The AWS adapters a handler works with, built from its environment variables.

``FINPICS_PICS_BUCKET``, ``FINPICS_THUMBS_BUCKET``, ``FINPICS_COLLECTION``,
``FINPICS_PICS_TABLE``, ``FINPICS_IMAGE_TABLE``, ``FINPICS_SEARCH_FUNCTION`` (contract defaults
when unset), ``FINPICS_THRESHOLD`` (search), ``AWS_REGION`` (set by Lambda),
``FINPICS_ENDPOINT_URL`` (only on the local stack) and the usual credentials.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass

from finpics_desktop.backends.aws.faces import RekognitionFaceIndex
from finpics_desktop.backends.aws.objects import S3ObjectStore
from finpics_desktop.backends.aws.session import AwsSettings, Clients
from finpics_desktop.backends.aws.tables import DynamoTables
from finpics_desktop.domain.names import Names

NAME_VARIABLES = {
    "pics_bucket": "FINPICS_PICS_BUCKET",
    "thumbs_bucket": "FINPICS_THUMBS_BUCKET",
    "collection": "FINPICS_COLLECTION",
    "pics_table": "FINPICS_PICS_TABLE",
    "image_table": "FINPICS_IMAGE_TABLE",
    "search_function": "FINPICS_SEARCH_FUNCTION",
    "process_function": "FINPICS_PROCESS_FUNCTION",
}
KEY_VARIABLES = ("AWS_REGION", "AWS_DEFAULT_REGION", "FINPICS_ENDPOINT_URL",
                 "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                 "FINPICS_THRESHOLD", *NAME_VARIABLES.values())


@dataclass
class Adapters:
    names: Names
    store: S3ObjectStore
    tables: DynamoTables
    faces: RekognitionFaceIndex
    threshold: float | None  # FINPICS_THRESHOLD: the sure cut (unset: the engine's, see bands)


_cache: dict[tuple, Adapters] = {}
_lock = threading.Lock()


def adapters(env: Mapping[str, str]) -> Adapters:
    """The adapters for this environment, reused across invocations of a warm function."""
    key = tuple(env.get(v) for v in KEY_VARIABLES)
    with _lock:
        found = _cache.get(key)
        if found is None:
            region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"
            names = Names().with_overrides(
                region=region, **{n: env.get(v) for n, v in NAME_VARIABLES.items()})
            clients = Clients(AwsSettings(
                region=region,
                endpoint_url=env.get("FINPICS_ENDPOINT_URL") or None,
                access_key_id=env.get("AWS_ACCESS_KEY_ID"),
                secret_access_key=env.get("AWS_SECRET_ACCESS_KEY"),
                session_token=env.get("AWS_SESSION_TOKEN"),
                # each invocation makes a call or two; many run at once, each in a container
                # of its own, where a pace could not hold the account's rate anyway: botocore's
                # retries meet a refusal
                rekognition_tps=0,
            ))
            found = Adapters(
                names=names,
                store=S3ObjectStore(clients),
                tables=DynamoTables(clients, names),
                faces=RekognitionFaceIndex(clients, names.collection),
                threshold=(float(env["FINPICS_THRESHOLD"]) if env.get("FINPICS_THRESHOLD")
                           else None),
            )
            _cache[key] = found
        return found
