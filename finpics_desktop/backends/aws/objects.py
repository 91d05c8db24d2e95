"""Object store port on S3: managed transfers (concurrent, multipart for large files), the
right Content-Type, the content hash in the object's metadata."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from finpics_desktop.backends.aws.errors import error_code, translate
from finpics_desktop.backends.aws.session import Clients
from finpics_desktop.domain.errors import NoSuchObject, NotFound
from finpics_desktop.ports import ObjectInfo

MB = 1024 * 1024
TRANSFER = TransferConfig(
    multipart_threshold=16 * MB,  # photos above this go up in 8 MB parts, 8 at a time
    multipart_chunksize=8 * MB,
    max_concurrency=8,
    use_threads=True,
)


def _extra(content_type: str, metadata: dict[str, str] | None) -> dict:
    return {"ContentType": content_type, "Metadata": dict(metadata or {})}


class S3ObjectStore:
    folds_case = False  # S3 keys differing in case are different objects

    def __init__(self, clients: Clients, transfer: TransferConfig = TRANSFER):
        self.clients = clients
        self.transfer = transfer

    @property
    def s3(self):
        return self.clients("s3")

    def get(self, bucket: str, key: str) -> bytes:
        return self.get_tagged(bucket, key)[0]

    def get_tagged(self, bucket: str, key: str) -> tuple[bytes, str]:
        try:
            got = self.s3.get_object(Bucket=bucket, Key=key)
            return got["Body"].read(), got["ETag"]
        except ClientError as e:
            if error_code(e) in ("NoSuchKey", "404"):
                raise NoSuchObject(f"no object {key!r} in bucket {bucket!r}") from None
            raise translate(e, f"reading {key} from bucket {bucket}", self.clients.profile) from e

    def put(self, bucket, key, data, content_type, metadata=None, *, if_absent=False,
            if_match=None) -> None:
        conditions = {"IfNoneMatch": "*"} if if_absent else {}
        if if_match is not None:
            conditions["IfMatch"] = if_match
        with self.clients.errors(f"writing {key} to bucket {bucket}"):
            if conditions:  # one PutObject (up to 5 GB): managed transfers take no condition
                self.s3.put_object(Bucket=bucket, Key=key, Body=data,
                                   **_extra(content_type, metadata), **conditions)
            elif len(data) > self.transfer.multipart_threshold:
                self.s3.upload_fileobj(io.BytesIO(data), bucket, key,
                                       ExtraArgs=_extra(content_type, metadata),
                                       Config=self.transfer)
            else:
                self.s3.put_object(Bucket=bucket, Key=key, Body=data,
                                   **_extra(content_type, metadata))

    def put_file(self, bucket, key, path: Path, content_type, metadata=None) -> None:
        with self.clients.errors(f"uploading {path} to bucket {bucket} as {key}"):
            self.s3.upload_file(str(path), bucket, key, ExtraArgs=_extra(content_type, metadata),
                                Config=self.transfer)

    def head(self, bucket: str, key: str) -> ObjectInfo | None:
        try:
            head = self.s3.head_object(Bucket=bucket, Key=key)
        except ClientError as e:
            if error_code(e) in ("404", "NoSuchKey", "NotFound"):
                return None
            raise translate(e, f"looking up {key} in bucket {bucket}", self.clients.profile) from e
        return ObjectInfo(key, head["ContentLength"], dict(head.get("Metadata") or {}),
                          head.get("ETag"))

    def content_type(self, bucket: str, key: str) -> str | None:
        try:
            return self.s3.head_object(Bucket=bucket, Key=key).get("ContentType")
        except ClientError as e:
            if error_code(e) in ("404", "NoSuchKey", "NotFound"):
                return None
            raise translate(e, f"looking up {key} in bucket {bucket}", self.clients.profile) from e

    def list(self, bucket: str, prefix: str = "") -> Iterator[ObjectInfo]:
        """Keys and sizes in key order (S3's listing carries no metadata: use :meth:`head`)."""
        with self.clients.errors(f"listing bucket {bucket}"):
            for page in self.s3.get_paginator("list_objects_v2").paginate(
                    Bucket=bucket, Prefix=prefix):
                for obj in page.get("Contents", []):
                    yield ObjectInfo(obj["Key"], obj["Size"])

    def copy(self, bucket, key, to_bucket, to_key, metadata=None, *, if_absent=False) -> None:
        extra = {}
        if metadata is not None:  # REPLACE replaces the content type too: the source's is kept
            content_type = self.content_type(bucket, key)
            if content_type is None:
                raise NotFound(f"no object {key!r} in bucket {bucket!r}")
            extra = {"MetadataDirective": "REPLACE", "Metadata": dict(metadata),
                     "ContentType": content_type}
        if if_absent:
            extra["IfNoneMatch"] = "*"
        try:
            self.s3.copy_object(Bucket=to_bucket, Key=to_key,
                                CopySource={"Bucket": bucket, "Key": key}, **extra)
        except ClientError as e:
            if error_code(e) in ("404", "NoSuchKey", "NotFound"):
                raise NotFound(f"no object {key!r} in bucket {bucket!r}") from None
            raise translate(e, f"copying {key} of bucket {bucket} to {to_key} of bucket "
                               f"{to_bucket}", self.clients.profile) from e

    def delete(self, bucket: str, key: str) -> None:
        with self.clients.errors(f"deleting {key} from bucket {bucket}"):
            self.s3.delete_object(Bucket=bucket, Key=key)
