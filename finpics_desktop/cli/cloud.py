"""The cloud side of the CLI: AWS options shared by every command, and the sub-commands
``deploy``, ``reprocess``, ``local-cloud`` and ``aws-keys``."""

from __future__ import annotations

import argparse
import getpass
import json
import signal
import sys
import threading
from dataclasses import replace
from pathlib import Path

from finpics_desktop.app.albums import cloud_clients
from finpics_desktop.app.credentials import require_secure_keyring, save_access_keys
from finpics_desktop.app.deploy import DEFAULT_STACK, DeployRequest, deploy_cloud
from finpics_desktop.app.local_cloud import missing_extra_line
from finpics_desktop.app.options import NAME_KEYS, CloudOptions, Options
from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.pipeline.functions.search import resolve_threshold

LOCAL_CLOUD_PORT = 4599


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
    group.add_argument("--rekognition-tps", dest="rekognition_rate", type=float, metavar="N",
                       help="keep to N Rekognition calls a second per operation, the account's "
                       "limit (default: $FINPICS_REKOGNITION_TPS, else 5 on AWS and no limit "
                       "with --endpoint-url)")
    group.add_argument("--name", action="append", default=[], metavar="KEY=VALUE",
                       help="override a contract name, e.g. pics_bucket=my-pics (keys: "
                       + ", ".join(("region", *NAME_KEYS)) + ")")


def options_from(args) -> Options:
    """The one set of options of a run, for a command or the window (see ``app/options``)."""
    cloud = CloudOptions.parse_names(args.name, profile=args.profile, region=args.region,
                                     endpoint_url=args.endpoint_url,
                                     keyring_account=args.keyring_account)
    if getattr(args, "rekognition_rate", None) is not None:
        if args.rekognition_rate < 0:
            raise FinpicsError(f"--rekognition-tps {args.rekognition_rate:g}: a number of calls "
                               "a second, 0 for no limit")
        cloud = replace(cloud, rekognition_tps=args.rekognition_rate)
    # checked here, whatever the backend: the library and the cloud refuse the same values
    return Options(backend=args.backend, library=args.library,
                   threshold=resolve_threshold(args.threshold),
                   cloud=cloud, remove_location=not getattr(args, "keep_location", False))


def add_cloud_commands(sub) -> None:
    de = sub.add_parser("deploy", help="create or update the finpics stack on AWS (or the "
                        "endpoint given with --endpoint-url)")
    de.add_argument("--stack", default=DEFAULT_STACK, help="CloudFormation stack name")
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
    lc.add_argument("--rekognition-tps", type=float, metavar="N",
                    help="answer at most N calls a second of each Rekognition operation, as "
                    "AWS does (5 in most regions); the calls over it are refused as throttled "
                    "(default: no limit)")

    ak = sub.add_parser("aws-keys", help="store an AWS access key pair in the OS keyring")
    ak.add_argument("--account", default="default", metavar="NAME",
                    help="keyring entry name (use with --keyring-account)")


def _print_site(result, stream=None) -> None:
    stream = stream or sys.stdout
    print(f"stack {result.stack}: {result.status}", file=stream)
    print("public site configuration:", file=stream)
    for key, value in result.site.items():
        print(f"  {key:16} {value}", file=stream)


def cmd_deploy(args, options: Options) -> int:
    request = DeployRequest(options.cloud, stack=args.stack, template=args.template,
                            bundle=args.zip, runtime=args.runtime, architecture=args.architecture)
    result = deploy_cloud(request, progress=lambda line: print(line, file=sys.stderr))
    if args.json:
        json.dump({"outputs": result.outputs, "site": result.site}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        _print_site(result)
    return 0


def cmd_reprocess(args, options: Options) -> int:
    from finpics_desktop.backends.aws.deploy import reprocess

    report = reprocess(cloud_clients(options.cloud), options.cloud.resolved_names(), args.picset,
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
        raise FinpicsError(missing_extra_line(e.name)) from None
    return LocalCloud


def cmd_local_cloud(args, options: Options) -> int:
    cloud = _local_cloud_class()(host=args.host, port=args.port,
                                 region=args.region or "us-east-1",
                                 rekognition_tps=args.rekognition_tps)
    try:
        cloud.start()
    except OSError as e:
        raise FinpicsError(f"cannot listen on {args.host}:{args.port}: {e} (try --port)") from e
    stop = threading.Event()
    serving = threading.Event()

    def on_signal(*_args) -> None:  # before it serves (deploying): stop at once, cleaned up
        stop.set()
        if not serving.is_set():
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        if args.enforce_iam:
            cloud.enforce_iam()
        if not args.no_deploy:
            admin = (cloud.credentials["access_key_id"], cloud.credentials["secret_access_key"])
            local = replace(options.cloud, profile=None, keyring_account=None,
                            region=cloud.region, endpoint_url=cloud.url, access_keys=admin)
            result = deploy_cloud(DeployRequest(local),
                                  progress=lambda line: print(line, file=sys.stderr))
            _print_site(result, sys.stderr)
        keys = cloud.credentials
        print(f"local finpics cloud on {cloud.url}", file=sys.stderr)
        print("use it with:\n  AWS_ACCESS_KEY_ID={} AWS_SECRET_ACCESS_KEY={} finpics-desktop "
              "--backend aws --endpoint-url {} picsets".format(
                  keys["access_key_id"], keys["secret_access_key"], cloud.url), file=sys.stderr)
        if args.rekognition_tps:
            print(f"Rekognition answers at most {args.rekognition_tps:g} calls a second of each "
                  "operation (the others: ProvisionedThroughputExceededException)",
                  file=sys.stderr)
        if args.enforce_iam:
            print("IAM is enforced: every call is checked against the deployed policies; the "
                  "keys above are an administrator's", file=sys.stderr)
        print("Ctrl-C stops it (its data is kept only while it runs)", file=sys.stderr)
        serving.set()
        print(cloud.url, flush=True)
        stop.wait()
    finally:
        cloud.stop()
    return 0


def cmd_aws_keys(args, options: Options) -> int:
    """Into the OS keyring only, by the application's keyring policy: on an insecure keyring
    nothing is stored (and it is said before the secret is asked for)."""
    require_secure_keyring()
    key_id = input("AWS access key id: ").strip()
    secret = getpass.getpass("AWS secret access key: ").strip()
    save_access_keys(key_id, secret, args.account)
    print(f"stored in the OS keyring as {args.account!r}", file=sys.stderr)
    return 0


CLOUD_COMMANDS = {"deploy": cmd_deploy, "reprocess": cmd_reprocess,
                  "local-cloud": cmd_local_cloud, "aws-keys": cmd_aws_keys}
