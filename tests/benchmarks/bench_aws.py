"""Cloud benchmarks (a script, run by hand; not collected by pytest).

    .venv/bin/python tests/benchmarks/bench_aws.py [--quick] [--aws PATH]

Prints ratios against baselines measured in the same run on the same files:
1. upload throughput of a folder of 12-megapixel JPEGs to the local S3 endpoint
   (``finpics-desktop local-cloud`` in its own process), the app's publishing path and the raw
   S3 adapter, against ``aws s3 cp --recursive`` of the AWS CLI from PyPI (goal >= 1.2x);
   the AWS CLI is looked up as --aws, $FINPICS_AWS_CLI, ``aws`` on PATH, or installed with pip
   into ~/.cache/finpics-bench/awscli;
2. AWS calls per search, counted on the wire by the local stack (goal: 1 Invoke; inside it
   1 SearchFaces and ceil(photos/100) BatchGetItem).
"""

from __future__ import annotations

import argparse
import io
import math
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[2]
PHOTOS = REPO.parent / "shared" / "photos"
sys.path.insert(0, str(REPO))

from finpics_desktop.backends.aws.backend import UPLOAD_WORKERS, open_aws  # noqa: E402
from finpics_desktop.backends.aws.bundle import build_zip  # noqa: E402
from finpics_desktop.backends.aws.deploy import deploy  # noqa: E402
from finpics_desktop.backends.aws.session import AwsSettings, Clients  # noqa: E402
from finpics_desktop.domain.names import Names  # noqa: E402
from finpics_desktop.pipeline.publish.upload import Publisher  # noqa: E402

KEYS = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1"}


def make_photos(folder: Path, count: int) -> list[Path]:
    sources = sorted(p for p in (PHOTOS / "faces").rglob("*.jp*g"))
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    made = []
    for n in range(count):
        with Image.open(sources[n % len(sources)]) as im:
            big = im.convert("RGB").resize((4000, 3000), Image.BICUBIC)
        # camera-like texture (an upscaled web photo is too smooth: 1 MB instead of 4-6 MB),
        # and every file distinct (the app skips copies)
        grain = rng.normal(0, 5, (3000, 4000, 3))
        big = Image.fromarray(np.clip(np.asarray(big) + grain, 0, 255).astype(np.uint8))
        big.putpixel((n, 0), (255, n % 256, 0))
        out = io.BytesIO()
        big.save(out, "JPEG", quality=92)
        path = folder / f"photo_{n:03d}.jpg"
        path.write_bytes(out.getvalue())
        made.append(path)
    return made


def find_aws_cli(given: str | None) -> str:
    for candidate in (given, os.environ.get("FINPICS_AWS_CLI"), shutil.which("aws")):
        if candidate and Path(candidate).exists():
            return candidate
    venv = Path.home() / ".cache" / "finpics-bench" / "awscli"
    if not (venv / "bin" / "aws").exists():
        print("installing the AWS CLI from PyPI into", venv, file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "awscli"], check=True)
    return str(venv / "bin" / "aws")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_local_cloud() -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "finpics_desktop", "local-cloud", "--no-deploy", "--port",
         str(port)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=REPO)
    url = proc.stdout.readline().strip()  # printed once it listens
    if not url.startswith("http"):
        proc.kill()
        raise SystemExit("the local cloud did not start")
    return proc, url


def bench_upload(quick: bool, aws_cli: str) -> None:
    count = 12 if quick else 40
    rounds = 2 if quick else 3
    with tempfile.TemporaryDirectory(prefix="finpics-bench-") as tmp:
        files = make_photos(Path(tmp) / "photos", count)
        size = sum(p.stat().st_size for p in files)
        print(f"1. upload of {count} 12-megapixel JPEGs, {size / 1e6:.0f} MB, to the local S3 "
              f"endpoint ({rounds} rounds, best)")
        proc, url = start_local_cloud()
        try:
            settings = AwsSettings(region="us-east-1", endpoint_url=url,
                                   access_key_id="bench", secret_access_key="bench")
            clients = Clients(settings)
            env = {**os.environ, **KEYS}
            times: dict[str, list[float]] = {"app": [], "adapter": [], "aws cli": []}
            for r in range(rounds):
                for label in times:
                    bucket = f"bench-{r}-{label.replace(' ', '')}-{uuid.uuid4().hex[:6]}"
                    clients("s3").create_bucket(Bucket=bucket)
                    names = Names(pics_bucket=bucket)
                    start = time.perf_counter()
                    if label == "aws cli":
                        subprocess.run([aws_cli, "s3", "cp", "--recursive", "--only-show-errors",
                                        "--endpoint-url", url, str(files[0].parent),
                                        f"s3://{bucket}/photos/001_bench/"], env=env, check=True)
                    elif label == "app":
                        backend = open_aws(names, settings)
                        report = Publisher(backend.store, backend.tables, backend.faces, names,
                                           None, workers=UPLOAD_WORKERS).publish(
                                               [files[0].parent], "001_bench", lambda *a: None)
                        assert report.ok, report.summary()
                        backend.close()
                    else:
                        backend = open_aws(names, settings)
                        with ThreadPoolExecutor(16) as pool:
                            list(pool.map(lambda p, b=backend, k=bucket: b.store.put_file(
                                k, f"photos/001_bench/{p.name}", p, "image/jpeg"), files))
                        backend.close()
                    times[label].append(time.perf_counter() - start)
                    listed = clients("s3").list_objects_v2(Bucket=bucket)["KeyCount"]
                    assert listed == count, (label, listed)
            base = min(times["aws cli"])
            for label, values in times.items():
                best = min(values)
                print(f"   {label:8} best {best:6.2f} s  median {statistics.median(values):6.2f} s"
                      f"  {size / best / 1e6:6.1f} MB/s  {base / best:4.2f}x the AWS CLI")
        finally:
            proc.terminate()
            proc.wait()


def bench_search_calls() -> None:
    from finpics_desktop.localcloud import LocalCloud

    print("2. AWS calls per search (counted on the wire by the local stack)")
    with tempfile.TemporaryDirectory() as tmp, LocalCloud() as cloud:
        bundle = build_zip(Path(tmp) / "code.zip", dependencies=False)
        deploy(Clients(cloud.settings()), Names(), bundle=bundle, progress=lambda line: None,
               poll=0.0)
        backend = open_aws(Names(), cloud.settings())
        photos = sorted((PHOTOS / "faces" / "obama").glob("*.jpg"))
        for photo in photos:
            backend.store.put("finpics-pics", f"photos/001_obama/{photo.name}",
                              photo.read_bytes(), "image/jpeg")
        cloud.wait_idle()
        face = backend.tables.get_pics_item("001_obama", photos[0].name)[
            "data"]["FaceRecords"][0]["Face"]["FaceId"]
        cloud.reset_calls()
        found = len(backend.search(face))
        calls = dict(cloud.calls)
        print(f"   {found} photos found; calls: " + ", ".join(
            f"{service}:{op} x{n}" for (service, op), n in sorted(calls.items())))
        print(f"   goal: lambda:Invoke x1, rekognition:SearchFaces x1, dynamodb:BatchGetItem "
              f"x{math.ceil(found / 100)}")
        backend.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--aws", help="the AWS CLI executable")
    args = parser.parse_args()
    bench_upload(args.quick, find_aws_cli(args.aws))
    bench_search_calls()


if __name__ == "__main__":
    main()
