"""Showing, on the live cloud, that the public web site's role is refused what the contract
keeps from it: the curator's private store, the trash, and every write.

The site's credentials are obtained the way the site obtains them -- an unauthenticated
identity of the stack's Cognito identity pool (found in the CloudFormation stack whose outputs
name this album's table ``pics``) -- and anonymous (unsigned) requests are what any visitor
of the buckets can send. Each probe is harmless: reads of the private table and of the trash,
and writes under a key nobody uses (``finpics-audit-probe``); a write that is wrongly accepted
is undone at once with the curator's own credentials, and reported.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from finpics_desktop.backends.aws.errors import error_code
from finpics_desktop.backends.aws.session import Clients
from finpics_desktop.domain.names import Names
from finpics_desktop.ports import AccessCheck

log = logging.getLogger(__name__)

PROBE = "finpics-audit-probe"
DENIED = {"AccessDenied", "AccessDeniedException", "403", "UnauthorizedOperation",
          "UnrecognizedClientException", "InvalidAccessKeyId", "NotAuthorizedException"}
TRASH_PREFIX = "trash/"  # (pipeline.curation.trash.TRASH_PREFIX: where the trash keeps objects)


def identity_pool(clients: Clients, names: Names) -> str | None:
    """The identity pool of the stack whose outputs name this album's table ``pics``."""
    cf = clients("cloudformation")
    for page in cf.get_paginator("describe_stacks").paginate():
        for stack in page.get("Stacks", []):
            outputs = {o["OutputKey"]: o.get("OutputValue") for o in stack.get("Outputs", [])}
            if outputs.get("PicsTable") == names.pics_table and outputs.get("IdentityPoolId"):
                return outputs["IdentityPoolId"]
    return None


def _site_session(clients: Clients, pool: str) -> boto3.Session:
    unsigned = Config(signature_version=UNSIGNED, region_name=clients.region)
    cognito = boto3.client("cognito-identity", endpoint_url=clients.settings.endpoint_url,
                           config=unsigned)
    try:
        identity = cognito.get_id(IdentityPoolId=pool)["IdentityId"]
        creds = cognito.get_credentials_for_identity(IdentityId=identity)["Credentials"]
    finally:
        cognito.close()
    return boto3.Session(aws_access_key_id=creds["AccessKeyId"],
                         aws_secret_access_key=creds["SecretKey"],
                         aws_session_token=creds["SessionToken"], region_name=clients.region)


def _refused(call: Callable[[], object]) -> tuple[bool, str]:
    """(True, code) when the call is refused for lack of rights; (False, "") when it is done.
    Any other failure is raised (the probe proves nothing)."""
    try:
        call()
    except ClientError as e:
        code = error_code(e)
        if code in DENIED:
            return True, code
        if code in ("NoSuchKey", "404"):  # it was let look: only the key was missing
            return False, f"let look for it ({code})"
        raise
    return False, ""


class SiteAccess:
    """The probes of one album (``Backend.public_access``)."""

    def __init__(self, clients: Clients, names: Names):
        self.clients = clients
        self.names = names

    def __call__(self) -> list[AccessCheck]:
        try:
            pool = identity_pool(self.clients, self.names)
        except (ClientError, BotoCoreError) as e:
            pool, why = None, f"the stacks could not be read ({e})"
        else:
            why = (f"no finpics stack in {self.clients.region} names table "
                   f"{self.names.pics_table} (deploy it with `finpics-desktop deploy`)")
        config = Config(region_name=self.clients.region, retries={"max_attempts": 2},
                        s3={"addressing_style": "path"} if self.clients.settings.endpoint_url
                        else None)
        anonymous = boto3.client("s3", endpoint_url=self.clients.settings.endpoint_url,
                                 config=config.merge(Config(signature_version=UNSIGNED)))
        checks = self._buckets("anyone (unsigned)", anonymous)
        anonymous.close()
        if pool is None:
            return [AccessCheck("the public site's role", None, why), *checks]
        site = _site_session(self.clients, pool)
        db = site.client("dynamodb", endpoint_url=self.clients.settings.endpoint_url,
                         config=config)
        s3 = site.client("s3", endpoint_url=self.clients.settings.endpoint_url, config=config)
        try:
            return [*self._tables("the public site's role", db),
                    *self._buckets("the public site's role", s3), *checks]
        finally:
            db.close()
            s3.close()

    def _check(self, who: str, what: str, call: Callable[[], object],
               undo: Callable[[], object] | None = None) -> AccessCheck:
        try:
            refused, code = _refused(call)
        except (ClientError, BotoCoreError) as e:
            return AccessCheck(f"{who}: {what}", None, f"the cloud answered {e}")
        if not refused and undo is not None:
            undo()
        return AccessCheck(f"{who}: {what}", refused, code or "allowed")

    def _tables(self, who: str, db) -> list[AccessCheck]:
        n, admin = self.names, self.clients("dynamodb")
        probe = {"primarykey": {"S": PROBE}, "sortkey": {"S": uuid.uuid4().hex}}
        private_key = {"pk": {"S": "person"}, "sk": {"S": PROBE}}
        return [
            self._check(who, f"read the curator's private store (table {n.private_table})",
                        lambda: db.get_item(TableName=n.private_table, Key=private_key)),
            self._check(who, f"list the curator's private store (table {n.private_table})",
                        lambda: db.query(TableName=n.private_table,
                                         KeyConditionExpression="pk = :p",
                                         ExpressionAttributeValues={":p": {"S": "person"}})),
            self._check(who, f"write table {n.pics_table}",
                        lambda: db.put_item(TableName=n.pics_table, Item=probe),
                        lambda: admin.delete_item(TableName=n.pics_table, Key=probe)),
            self._check(who, f"write table {n.image_table}",
                        lambda: db.put_item(TableName=n.image_table,
                                            Item={"image_id": {"S": PROBE}}),
                        lambda: admin.delete_item(TableName=n.image_table,
                                                  Key={"image_id": {"S": PROBE}})),
        ]

    def _buckets(self, who: str, s3) -> list[AccessCheck]:
        admin = self.clients("s3")
        checks = []
        for bucket in (self.names.pics_bucket, self.names.thumbs_bucket):
            trashed = next(iter(admin.list_objects_v2(
                Bucket=bucket, Prefix=TRASH_PREFIX, MaxKeys=1).get("Contents", [])), None)
            key = trashed["Key"] if trashed else f"{TRASH_PREFIX}{PROBE}"
            checks.append(self._check(who, f"read the trash of bucket {bucket}",
                                      lambda b=bucket, k=key: s3.get_object(Bucket=b, Key=k)))
            probe = f"photos/{PROBE}/{uuid.uuid4().hex}.txt"
            checks.append(self._check(
                who, f"write bucket {bucket}",
                lambda b=bucket, k=probe: s3.put_object(Bucket=b, Key=k, Body=b"probe"),
                lambda b=bucket, k=probe: admin.delete_object(Bucket=b, Key=k)))
        return checks
