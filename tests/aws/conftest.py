"""The local AWS-compatible stack for the cloud tests: one per session, the finpics stack
deployed into it from packaging/cloudformation.yaml. Every call is real boto3 over HTTP."""

from __future__ import annotations

import pytest

from finpics_desktop.backends.aws.backend import open_aws
from finpics_desktop.backends.aws.bundle import build_zip
from finpics_desktop.backends.aws.deploy import deploy
from finpics_desktop.backends.aws.session import Clients
from finpics_desktop.domain.names import Names
from finpics_desktop.localcloud import LocalCloud
from tests.aws.aws_helpers import create_resources, deployed_own, fresh_names


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


@pytest.fixture
def aws_backend(cloud):
    """A fresh, empty set of cloud resources behind the AWS adapters."""
    names = fresh_names()
    clients = Clients(cloud.settings())
    create_resources(clients, names)
    backend = open_aws(names, cloud.settings(), clients=clients)
    yield backend
    backend.close()


@pytest.fixture(scope="module")
def own_stack(cloud, lambda_zip):
    """A finpics stack of its own, for the tests of a module that need an album no other
    module writes to."""
    yield from deployed_own(cloud, lambda_zip)
