"""Opens the finpics cloud (or an AWS-compatible endpoint) as a Backend."""

from __future__ import annotations

from finpics_desktop.backends.aws.errors import aws_errors
from finpics_desktop.backends.aws.faces import LambdaSearch, RekognitionFaceIndex
from finpics_desktop.backends.aws.objects import S3ObjectStore
from finpics_desktop.backends.aws.private import DynamoPrivateStore
from finpics_desktop.backends.aws.session import AwsSettings, Clients
from finpics_desktop.backends.aws.site_access import SiteAccess
from finpics_desktop.backends.aws.tables import DynamoTables
from finpics_desktop.domain.names import Names
from finpics_desktop.ports import Backend, CloudHome

UPLOAD_WORKERS = 8  # photos sent at once to the cloud: network-bound, unlike local processing


def open_aws(
    names: Names | None = None,
    settings: AwsSettings | None = None,
    *,
    clients: Clients | None = None,
    check: bool = False,
) -> Backend:
    """The cloud as a backend. ``process`` is None: S3 triggers the processing function.
    With ``check``, the tables are described first so that a missing stack, wrong region or
    missing credentials is reported now rather than at the first upload."""
    settings = settings or AwsSettings()
    clients = clients or Clients(settings)
    names = (names or Names()).with_overrides(region=clients.region)
    if check:
        with aws_errors(f"opening table {names.pics_table} in {clients.region}",
                        settings.profile):
            clients("dynamodb").describe_table(TableName=names.pics_table)
    return Backend(
        kind="aws",
        names=names,
        store=S3ObjectStore(clients),
        tables=DynamoTables(clients, names),
        faces=RekognitionFaceIndex(clients, names.collection),
        search=LambdaSearch(clients, names.search_function),
        private=DynamoPrivateStore(clients, names.private_table),
        process=None,
        close=clients.close,
        home=CloudHome(clients.region, settings.profile, settings.endpoint_url),
        upload_workers=UPLOAD_WORKERS,
        public=True,  # the public web site reads its buckets
        public_access=SiteAccess(clients, names),
    )
