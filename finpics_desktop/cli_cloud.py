"""The cloud side of the CLI: AWS options shared by every command, and the sub-commands
``deploy``, ``reprocess``, ``local-cloud`` and ``aws-keys``."""

from __future__ import annotations

import argparse
import getpass
import json
import signal
import sys
import tempfile
import threading
from pathlib import Path

from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.domain.names import Names

LOCAL_CLOUD_PORT = 4599
CLOUD_WORKERS = 8  # photos sent at once to the cloud: network-bound, unlike local processing


def add_aws_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("finpics cloud (--backend aws)")
    group.add_argument("--profile", metavar="NAME",
                       help="AWS profile from ~/.aws/config, SSO included (default: $AWS_PROFILE "
                       "or the default chain)")
    group.add_argument("--region", metavar="REGION", help="AWS region (default: the profile's)")
    group.add_argument("--endpoint-url", metavar="URL",
                       help="send every AWS call to this endpoint (e.g. finpics-desktop "
                       "local-cloud); default $FINPICS_ENDPOINT_URL")
    group.add_argument("--keyring-account", metavar="NAME",
                       help="use the access keys stored with `aws-keys` under this name")
    group.add_argument("--name", action="append", default=[], metavar="KEY=VALUE",
                       help="override a contract name, e.g. pics_bucket=my-pics (keys: "
                       + ", ".join(Names().__dataclass_fields__) + ")")


def names_from(args) -> Names:
    overrides = {}
    for item in args.name:
        key, sep, value = item.partition("=")
        if not sep or not value:
            raise FinpicsError(f"--name {item!r}: expected KEY=VALUE")
        overrides[key.strip()] = value.strip()
    if args.region:
        overrides["region"] = args.region
    try:
        return Names().with_overrides(**overrides)
    except ValueError as e:
        raise FinpicsError(f"--name: {e}") from None


def backend_options(args) -> dict:
    return {"profile": args.profile, "region": args.region, "endpoint_url": args.endpoint_url,
            "keyring_account": args.keyring_account}


def cloud_workers(backend) -> int | None:
    """How many photos to send at once: more for the cloud (the default otherwise)."""
    return CLOUD_WORKERS if backend.process is None else None


def add_cloud_commands(sub) -> None:
    de = sub.add_parser("deploy", help="create or update the finpics stack on AWS (or the "
                        "endpoint given with --endpoint-url)")
    de.add_argument("--stack", default="finpics", help="CloudFormation stack name")
    de.add_argument("--template", type=Path, help="CloudFormation template "
                    "(default: the one shipped with finpics-desktop)")
    de.add_argument("--zip", type=Path, help="use this functions' zip instead of the shipped one")
    de.add_argument("--runtime", default="python3.12", help="Lambda runtime (python3.X)")
    de.add_argument("--architecture", default="x86_64", choices=("x86_64", "arm64"))
    de.add_argument("--json", action="store_true", help="print the outputs as JSON")

    rp = sub.add_parser("reprocess", help="process the originals that have no item yet")
    rp.add_argument("--picset", metavar="ID", help="only this picset")

    lc = sub.add_parser("local-cloud", help="run a local AWS-compatible finpics cloud and "
                        "print its endpoint URL")
    lc.add_argument("--host", default="127.0.0.1")
    lc.add_argument("--port", type=int, default=LOCAL_CLOUD_PORT)
    lc.add_argument("--no-deploy", action="store_true",
                    help="start empty instead of deploying the finpics stack into it")
    lc.add_argument("--enforce-iam", action="store_true",
                    help="check every call against the deployed IAM policies, as AWS does "
                    "(the printed admin keys may do everything)")

    ak = sub.add_parser("aws-keys", help="store an AWS access key pair in the OS keyring")
    ak.add_argument("--account", default="default", metavar="NAME",
                    help="keyring entry name (use with --keyring-account)")


def _clients(args):
    from finpics_desktop.backends.aws.session import AwsSettings, Clients

    return Clients(AwsSettings(profile=args.profile, region=args.region,
                               endpoint_url=args.endpoint_url,
                               keyring_account=args.keyring_account))


def _print_site(result, stream=None) -> None:
    stream = stream or sys.stdout
    print(f"stack {result.stack}: {result.status}", file=stream)
    print("public site configuration:", file=stream)
    for key, value in result.site.items():
        print(f"  {key:16} {value}", file=stream)


def cmd_deploy(args) -> int:
    from finpics_desktop.backends.aws.bundle import functions_zip
    from finpics_desktop.backends.aws.deploy import deploy

    clients = _clients(args)
    names = names_from(args)
    with tempfile.TemporaryDirectory(prefix="finpics-") as tmp:
        bundle = args.zip
        if bundle is None and args.endpoint_url:  # the local stack runs the handlers itself
            bundle = functions_zip(Path(tmp), args.runtime, args.architecture, code_only=True)
        result = deploy(clients, names, stack=args.stack, template=args.template, bundle=bundle,
                        runtime=args.runtime, architecture=args.architecture,
                        progress=lambda line: print(line, file=sys.stderr))
    if args.json:
        json.dump({"outputs": result.outputs, "site": result.site}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        _print_site(result)
    return 0


def cmd_reprocess(args) -> int:
    from finpics_desktop.backends.aws.deploy import reprocess

    report = reprocess(_clients(args), names_from(args), args.picset,
                       progress=lambda line: print(line, file=sys.stderr))
    for key, reason in report.skipped:
        print(f"skipped {key}: {reason}", file=sys.stderr)
    print(f"{len(report.invoked)} original(s) sent to processing, {report.present} already "
          f"processed, {len(report.skipped)} skipped", file=sys.stderr)
    return 0


def _local_cloud_class():
    """``LocalCloud``, or the one line saying how to install the extra it needs."""
    try:
        from finpics_desktop.localcloud import LocalCloud
    except ModuleNotFoundError as e:
        if e.name is None or e.name.startswith("finpics_desktop"):
            raise
        raise FinpicsError(f"the local cloud needs the localcloud extra ({e.name} is missing): "
                           "pip install 'finpics-desktop[localcloud]'") from None
    return LocalCloud


def cmd_local_cloud(args) -> int:
    from finpics_desktop.backends.aws.bundle import functions_zip
    from finpics_desktop.backends.aws.deploy import deploy
    from finpics_desktop.backends.aws.session import Clients

    cloud = _local_cloud_class()(host=args.host, port=args.port,
                                 region=args.region or "us-east-1")
    try:
        cloud.start()
    except OSError as e:
        raise FinpicsError(f"cannot listen on {args.host}:{args.port}: {e} (try --port)") from e
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        if args.enforce_iam:
            cloud.enforce_iam()
        if not args.no_deploy:
            with tempfile.TemporaryDirectory(prefix="finpics-") as tmp:
                bundle = functions_zip(Path(tmp), code_only=True)
                result = deploy(Clients(cloud.settings()), names_from(args), bundle=bundle,
                                progress=lambda line: print(line, file=sys.stderr))
            _print_site(result, sys.stderr)
        keys = cloud.credentials
        print(f"local finpics cloud on {cloud.url}", file=sys.stderr)
        print("use it with:\n  AWS_ACCESS_KEY_ID={} AWS_SECRET_ACCESS_KEY={} finpics-desktop "
              "--backend aws --endpoint-url {} picsets".format(
                  keys["access_key_id"], keys["secret_access_key"], cloud.url), file=sys.stderr)
        if args.enforce_iam:
            print("IAM is enforced: every call is checked against the deployed policies; the "
                  "keys above are an administrator's", file=sys.stderr)
        print("Ctrl-C stops it (its data is kept only while it runs)", file=sys.stderr)
        print(cloud.url, flush=True)
        stop.wait()
    finally:
        cloud.stop()
    return 0


def cmd_aws_keys(args) -> int:
    from finpics_desktop.backends.aws.session import store_keys_in_keyring

    key_id = input("AWS access key id: ").strip()
    secret = getpass.getpass("AWS secret access key: ").strip()
    if not key_id or not secret:
        raise FinpicsError("both the access key id and the secret are needed")
    backend = store_keys_in_keyring(key_id, secret, args.account)
    print(f"stored in the OS keyring ({backend}) as {args.account!r}", file=sys.stderr)
    if "fail" in backend.lower() or "plaintext" in backend.lower():
        print("warning: this keyring backend is not a secure store", file=sys.stderr)
    return 0


CLOUD_COMMANDS = {"deploy": cmd_deploy, "reprocess": cmd_reprocess,
                  "local-cloud": cmd_local_cloud, "aws-keys": cmd_aws_keys}
