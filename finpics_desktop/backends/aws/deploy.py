"""``finpics-desktop deploy`` and ``reprocess``: create or update the CloudFormation stack of
the shipped ``cloudformation.yaml`` (waiting with progress), create the Rekognition collection,
and process originals that have no item yet.

**Cancelling a deploy** (``stop`` set) undoes it rather than merely stopping to wait: a
CloudFormation change goes on without whoever started it, and a stack left
``UPDATE_IN_PROGRESS`` behind a closed dialog refuses the next deploy and leaves the curator
not knowing which version runs. So before the stack is touched, nothing is started (the code
zip already uploaded is content-addressed and harmless); during an update, CancelUpdateStack
rolls every resource back to the version that was running; during a first creation, the
half-made stack is deleted (it holds no photo yet). Either way the rollback's events are
followed to its end, and :class:`Cancelled` says what state the cloud is in. An update that
has already finished cannot be cancelled: the deploy then ends as done, saying so.
"""

from __future__ import annotations

import json
import logging
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote_plus

from botocore.exceptions import ClientError

from finpics_desktop.backends.aws.bundle import digest, functions_zip
from finpics_desktop.backends.aws.errors import aws_errors, error_code, translate
from finpics_desktop.backends.aws.faces import RekognitionFaceIndex
from finpics_desktop.backends.aws.session import Clients
from finpics_desktop.backends.aws.tables import DynamoTables
from finpics_desktop.domain.errors import (
    BackendError,
    Cancelled,
    FinpicsError,
    InvalidName,
    UnsupportedImage,
)
from finpics_desktop.domain.keys import PHOTOS_PREFIX, parse_key
from finpics_desktop.domain.names import Names
from finpics_desktop.domain.picsets import validate_picset_id
from finpics_desktop.shipped import resource

log = logging.getLogger(__name__)

DEFAULT_STACK = "finpics"
TEMPLATE = resource("cloudformation.yaml")
OK_STATUSES = {"CREATE_COMPLETE", "UPDATE_COMPLETE"}
Progress = Callable[[str], None]


@dataclass
class DeployResult:
    stack: str
    status: str
    outputs: dict[str, str]
    site: dict[str, str]
    events: list[str] = field(default_factory=list)


def template_text(template: Path | None = None) -> str:
    path = Path(template or TEMPLATE)
    if not path.is_file():
        raise FinpicsError(f"{path}: the CloudFormation template is missing")
    return path.read_text(encoding="utf-8")


def stack_parameters(names: Names, code_bucket: str, code_key: str, runtime: str,
                     architecture: str, threshold: float | None = None) -> list[dict]:
    values = {
        "PicsBucketName": names.pics_bucket, "ThumbsBucketName": names.thumbs_bucket,
        "PicsTableName": names.pics_table, "ImageTableName": names.image_table,
        "PrivateTableName": names.private_table,
        "CollectionId": names.collection, "SearchFunctionName": names.search_function,
        "ProcessFunctionName": names.process_function, "CodeBucket": code_bucket,
        "CodeKey": code_key, "Runtime": runtime, "Architecture": architecture,
    }
    if threshold is not None:
        values["SearchThreshold"] = f"{threshold:g}"
    return [{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()]


def site_config(outputs: dict[str, str], region: str, endpoint_url: str | None = None) -> dict:
    """What the public site's configuration needs."""

    def bucket_url(bucket: str) -> str:
        if endpoint_url:
            return f"{endpoint_url.rstrip('/')}/{bucket}/"
        return f"https://{bucket}.s3.{region}.amazonaws.com/"

    return {
        "region": region,
        "identityPoolId": outputs.get("IdentityPoolId", ""),
        "picsBucketUrl": bucket_url(outputs.get("PicsBucket", "")),
        "thumbsBucketUrl": bucket_url(outputs.get("ThumbsBucket", "")),
        "picsTable": outputs.get("PicsTable", ""),
        "searchFunction": outputs.get("SearchFunction", ""),
        **({"endpoint": endpoint_url} if endpoint_url else {}),
    }


def _code_bucket(clients: Clients, stack: str) -> str:
    with aws_errors("finding the AWS account"):
        account = clients("sts").get_caller_identity()["Account"]
    bucket = f"{stack}-code-{account}-{clients.region}".lower()[:63]
    s3 = clients("s3")
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError as e:
        if error_code(e) not in ("404", "NoSuchBucket", "NotFound"):
            raise translate(e, f"checking the code bucket {bucket}") from e
        with aws_errors(f"creating the code bucket {bucket}"):
            extra = ({} if clients.region == "us-east-1" else
                     {"CreateBucketConfiguration": {"LocationConstraint": clients.region}})
            s3.create_bucket(Bucket=bucket, **extra)
    return bucket


def _stack(cf, stack: str) -> dict | None:
    try:
        return cf.describe_stacks(StackName=stack)["Stacks"][0]
    except ClientError as e:
        if "does not exist" in str(e):
            return None
        raise translate(e, f"looking up stack {stack}") from e


class _Watch:
    """Follows a stack's events to the end of its operation, printing each event once."""

    def __init__(self, cf, stack: str, progress: Progress, poll: float,
                 sleep: Callable[[float], None], stop: threading.Event | None):
        self.cf, self.stack, self.progress = cf, stack, progress
        self.poll, self.sleep, self.stop = poll, sleep, stop
        self.seen: set[str] = set()
        self.lines: list[str] = []

    def status(self) -> str:
        with aws_errors(f"waiting for stack {self.stack}"):
            events = self.cf.describe_stack_events(StackName=self.stack)["StackEvents"]
            status = self.cf.describe_stacks(StackName=self.stack)["Stacks"][0]["StackStatus"]
        for event in reversed(events):  # oldest first
            if event["EventId"] in self.seen:
                continue
            self.seen.add(event["EventId"])
            line = (f"{event.get('ResourceStatus', ''):24} {event.get('LogicalResourceId', '')}"
                    + (f": {event['ResourceStatusReason']}"
                       if event.get("ResourceStatusReason") else ""))
            self.lines.append(line)
            self.progress(line)
        return status

    def until_done(self, on_stop: Callable[[str], None] | None = None) -> str:
        """The stack's final status; ``on_stop(status)`` once when ``stop`` is set while the
        stack is still in progress."""
        stopped = False
        while True:
            status = self.status()
            if not status.endswith("_IN_PROGRESS"):
                return status
            if on_stop is not None and not stopped and self.stop is not None and (
                    self.stop.is_set()):
                stopped = True
                on_stop(status)
                continue
            if self.stop is not None and not stopped:
                self.stop.wait(self.poll)
            else:
                self.sleep(self.poll)

    def seen_before(self) -> None:
        """The events so far belong to earlier operations: not shown again."""
        with aws_errors(f"reading the events of stack {self.stack}"):
            events = self.cf.describe_stack_events(StackName=self.stack)["StackEvents"]
        self.seen.update(e["EventId"] for e in events)


def _cancel_change(cf, stack: str, status: str, progress: Progress) -> None:
    """Undo the stack operation under way (see the module's docstring)."""
    if status == "UPDATE_IN_PROGRESS":
        progress(f"cancelling: stack {stack} is rolled back to the version that was running")
        try:
            cf.cancel_update_stack(StackName=stack)
        except ClientError as e:  # it finished meanwhile: nothing to roll back
            progress(f"the update could not be cancelled: {translate(e, 'cancelling')}")
    elif status == "CREATE_IN_PROGRESS":
        progress(f"cancelling: the half-made stack {stack} is deleted")
        with aws_errors(f"deleting stack {stack}"):
            cf.delete_stack(StackName=stack)
    else:  # a rollback or clean-up under way: only waiting for it makes sense
        progress(f"stack {stack} is {status}: waiting for it to end")


def _cancelled(stack: str, status: str) -> Cancelled:
    if status == "UPDATE_ROLLBACK_COMPLETE":
        return Cancelled(f"cancelled: stack {stack} was rolled back, the cloud runs the "
                         "version it ran before")
    if status in ("DELETE_COMPLETE", "gone"):
        return Cancelled(f"cancelled: the stack {stack} being created was deleted; deploy "
                         "again to create it")
    return Cancelled(f"cancelled: stack {stack} ended in {status}")


def deploy(
    clients: Clients,
    names: Names,
    *,
    stack: str = DEFAULT_STACK,
    template: Path | None = None,
    bundle: Path | None = None,
    runtime: str = "python3.12",
    architecture: str = "x86_64",
    threshold: float | None = None,
    progress: Progress = log.info,
    poll: float = 5.0,
    sleep: Callable[[float], None] = time.sleep,
    stop: threading.Event | None = None,
) -> DeployResult:
    """Creates or updates the stack and the collection; returns the outputs and the public
    site's configuration. Without ``bundle`` the shipped zip is used (or one is built, fetching
    Pillow's wheels). ``stop`` cancels it (see the module's docstring: :class:`Cancelled`)."""

    def check_stop() -> None:
        if stop is not None and stop.is_set():
            raise Cancelled(f"cancelled before stack {stack} was changed: the cloud is as it "
                            "was")

    body = template_text(template)
    with tempfile.TemporaryDirectory(prefix="finpics-deploy-") as tmp:
        if bundle is None:
            bundle = functions_zip(Path(tmp), runtime, architecture, progress=progress)
        check_stop()
        code_bucket = _code_bucket(clients, stack)
        code_key = f"lambda/finpics-{digest(bundle)[:20]}.zip"
        progress(f"uploading {bundle.name} to s3://{code_bucket}/{code_key}")
        with aws_errors(f"uploading the functions' code to bucket {code_bucket}"):
            clients("s3").upload_file(str(bundle), code_bucket, code_key)
    check_stop()
    cf = clients("cloudformation")
    watch = _Watch(cf, stack, progress, poll, sleep, stop)
    params = stack_parameters(names, code_bucket, code_key, runtime, architecture, threshold)
    existing = _stack(cf, stack)
    if existing is not None and existing["StackStatus"] == "ROLLBACK_COMPLETE":
        progress(f"stack {stack} failed to create before: deleting it first")
        with aws_errors(f"deleting stack {stack}"):
            cf.delete_stack(StackName=stack)
        _wait_deleted(cf, stack, poll, sleep)
        existing = None
    check_stop()
    if existing is not None:
        watch.seen_before()
    args = {"StackName": stack, "TemplateBody": body, "Parameters": params,
            "Capabilities": ["CAPABILITY_IAM"]}
    try:
        if existing is None:
            progress(f"creating stack {stack} in {clients.region} ...")
            cf.create_stack(**args)
        else:
            progress(f"updating stack {stack} in {clients.region} ...")
            cf.update_stack(**args)
    except ClientError as e:
        if "No updates are to be performed" not in str(e):
            raise translate(e, f"deploying stack {stack}") from e
        progress(f"stack {stack} is up to date")
    cancelling: list[str] = []

    def on_stop(status: str) -> None:
        cancelling.append(status)
        _cancel_change(cf, stack, status, progress)

    try:
        status = watch.until_done(on_stop)
    except BackendError:
        if cancelling and _stack(cf, stack) is None:  # deleted: describe_stacks says so
            raise _cancelled(stack, "gone") from None
        raise
    lines = watch.lines
    if cancelling and status not in OK_STATUSES:
        raise _cancelled(stack, status)
    if stop is not None and stop.is_set() and not cancelling:
        progress(f"stack {stack} had finished: too late to cancel")
    if status not in OK_STATUSES:
        reasons = [line for line in lines if "FAILED" in line]
        raise BackendError(f"stack {stack} ended in {status}: " + "; ".join(reasons[-5:]))
    outputs = {o["OutputKey"]: o["OutputValue"]
               for o in cf.describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])}
    RekognitionFaceIndex(clients, names.collection).ensure_collection()
    progress(f"Rekognition collection {names.collection} is ready")
    site = site_config(outputs, clients.region, clients.settings.endpoint_url)
    return DeployResult(stack, status, outputs, site, lines)


def _wait_deleted(cf, stack: str, poll: float, sleep: Callable[[float], None]) -> None:
    while (found := _stack(cf, stack)) is not None and found["StackStatus"] != "DELETE_COMPLETE":
        sleep(poll)


def s3_event(bucket: str, key: str) -> dict:
    """An S3 ObjectCreated event of one object, its key encoded as S3 encodes it."""
    return {"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
        "s3": {"bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
               "object": {"key": quote_plus(key, safe="/")}},
    }]}


@dataclass
class ReprocessReport:
    invoked: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    present: int = 0


def reprocess(clients: Clients, names: Names, picset: str | None = None,
              progress: Progress = log.info) -> ReprocessReport:
    """Sends every original without a photo item (in one picset, or all) to the processing
    function, asynchronously, as S3 would (``process-existing-images.js``)."""
    prefix = PHOTOS_PREFIX + (validate_picset_id(picset) + "/" if picset else "")
    tables = DynamoTables(clients, names)
    report = ReprocessReport()
    known: dict[str, set[str]] = {}
    paginator = clients("s3").get_paginator("list_objects_v2")
    with aws_errors(f"listing bucket {names.pics_bucket}"):
        pages = list(paginator.paginate(Bucket=names.pics_bucket, Prefix=prefix))
    for page in pages:
        for obj in page.get("Contents", []):
            key = obj["Key"]
            try:
                photo = parse_key(key)
            except (InvalidName, UnsupportedImage) as e:
                report.skipped.append((key, str(e)))
                continue
            if photo.picset not in known:
                known[photo.picset] = {i["sortkey"] for i in tables.query_pics(photo.picset)}
            if photo.name in known[photo.picset]:
                report.present += 1
                continue
            with aws_errors(f"invoking {names.process_function} for {key}"):
                clients("lambda").invoke(FunctionName=names.process_function,
                                         InvocationType="Event",
                                         Payload=json.dumps(s3_event(names.pics_bucket, key)))
            report.invoked.append(key)
            progress(f"processing {key}")
    return report
