"""Deploying the finpics cloud: one decision for ``finpics-desktop deploy`` and the window's
*Deploy / Update the cloud* -- which functions' zip goes up (the shipped one; on a local
endpoint, which runs the handlers in-process, the code alone), the CloudFormation stack
created or updated with its events as progress, Cancel (see ``backends/aws/deploy.py``: an
update is rolled back, a creation deleted), and what the public site's configuration needs."""

from __future__ import annotations

import json
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from finpics_desktop.app.albums import cloud_clients
from finpics_desktop.app.options import CloudOptions

DEFAULT_STACK = "finpics"
# what the public site's configuration needs, in the order shown, with the labels shown
SITE_FIELDS = (
    ("identityPoolId", "Identity pool id"),
    ("region", "Region"),
    ("picsBucketUrl", "Originals bucket URL"),
    ("thumbsBucketUrl", "Thumbnails bucket URL"),
    ("picsTable", "Metadata table"),
    ("searchFunction", "Search function"),
    ("endpoint", "Endpoint (local cloud only)"),
)


@dataclass(frozen=True)
class DeployRequest:
    cloud: CloudOptions = field(default_factory=CloudOptions)
    stack: str = DEFAULT_STACK
    template: Path | None = None  # None: the shipped template
    bundle: Path | None = None  # the functions' zip; None: the shipped one
    runtime: str = "python3.12"
    architecture: str = "x86_64"


@dataclass(frozen=True)
class Deployed:
    stack: str
    status: str
    outputs: dict[str, str]
    site: dict[str, str]  # what the public site's configuration needs

    def site_rows(self) -> list[tuple[str, str]]:
        """(label, value) of the site's configuration, as the window shows it."""
        return [(label, self.site[key]) for key, label in SITE_FIELDS if self.site.get(key)]

    def site_text(self) -> str:
        """The site's configuration as a JSON object (what Copy puts on the clipboard)."""
        return json.dumps({k: self.site[k] for k, _ in SITE_FIELDS if self.site.get(k)},
                          indent=2)


def deploy_cloud(request: DeployRequest, progress: Callable[[str], None],
                 stop: threading.Event | None = None, poll: float = 5.0) -> Deployed:
    """Create or update the stack; ``progress`` gets each line (the stack's events among
    them); setting ``stop`` cancels it (:class:`~finpics_desktop.domain.errors.Cancelled`
    says in what state the cloud is). Raises FinpicsError with one line on failure."""
    from finpics_desktop.backends.aws.bundle import functions_zip
    from finpics_desktop.backends.aws.deploy import deploy

    clients = cloud_clients(request.cloud)
    try:
        with tempfile.TemporaryDirectory(prefix="finpics-") as tmp:
            bundle = request.bundle
            if bundle is None and clients.settings.endpoint_url:  # the local stack runs it
                bundle = functions_zip(Path(tmp), request.runtime, request.architecture,
                                       code_only=True)
            result = deploy(clients, request.cloud.resolved_names(), stack=request.stack,
                            template=request.template, bundle=bundle,
                            runtime=request.runtime, architecture=request.architecture,
                            progress=progress, poll=poll,
                            stop=stop)
    finally:
        clients.close()
    return Deployed(result.stack, result.status, result.outputs, result.site)
