"""Rekognition at the account's rate (a script, run by hand; not collected by pytest).

    .venv/bin/python tests/benchmarks/bench_cloud_rate.py [--sizes 150 600] [--tps 5]

On ``finpics-desktop local-cloud --rekognition-tps 5`` in its own process (the local cloud
refuses each Rekognition operation's calls over 5 a second, as AWS does), with the app's cloud
adapter keeping to the same rate:

1. clustering's first pass (one ``SearchFaces`` an unnamed face, several in flight, paced at
   the rate) at two album sizes: the time, the rate achieved, the calls refused, and the time
   10,000 faces take at that rate (goal <= 35 min); the second opening with the searches kept
   by the caller (no call); Cancel: the time from Cancel to the search stopping;
2. naming 40 faces as a group against naming 40 faces one at a time (the same run's
   baseline): Rekognition calls a face and seconds a face;
3. ``suggest`` for that person: its SearchUsers, all at once at the rate.

The album is built through the app's own code: group photos (16 faces of ``faces/`` pasted
onto a background, ``tests/groupshot.py``) put in the album's bucket and processed by the
processing function's code (``process_new_image``: IndexFaces, the items), as the S3 trigger
does; every face unnamed.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PHOTOS = REPO.parent / "shared" / "photos"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from groupshot import group_photo  # noqa: E402

from finpics_desktop.app import people as app_people  # noqa: E402
from finpics_desktop.backends.aws.backend import open_aws  # noqa: E402
from finpics_desktop.backends.aws.session import AwsSettings, Clients  # noqa: E402
from finpics_desktop.backends.local.engine import FaceEngine  # noqa: E402
from finpics_desktop.domain.errors import Cancelled  # noqa: E402
from finpics_desktop.domain.keys import photo_key  # noqa: E402
from finpics_desktop.domain.names import Names  # noqa: E402
from finpics_desktop.pipeline.functions.process import process_new_image  # noqa: E402
from finpics_desktop.pipeline.people.clusters import SEARCH_CHUNK, Searching  # noqa: E402
from finpics_desktop.ports import HASH_METADATA  # noqa: E402
from tests.aws.aws_helpers import create_resources  # noqa: E402
from tests.cloud_process import local_cloud_process  # noqa: E402

FACES_A_PHOTO = 16
GOAL_10K_MIN = 35.0


class CallCounter:
    """Rekognition calls the client makes (``calls``, once each) and their HTTP attempts
    (``attempts``: a refused call is tried again by botocore), by operation."""

    def __init__(self, client):
        self.calls: Counter[str] = Counter()
        self.attempts: Counter[str] = Counter()
        self._lock = threading.Lock()
        client.meta.events.register("before-call.rekognition", self._call)
        client.meta.events.register("before-send.rekognition", self._attempt)

    def _call(self, event_name: str = "", **_):
        with self._lock:
            self.calls[event_name.rsplit(".", 1)[-1]] += 1

    def _attempt(self, event_name: str = "", **_):
        with self._lock:
            self.attempts[event_name.rsplit(".", 1)[-1]] += 1

    def snapshot(self) -> tuple[Counter, Counter]:
        with self._lock:
            return Counter(self.calls), Counter(self.attempts)


def _portraits() -> list[Path]:
    return sorted(p for p in (PHOTOS / "faces").rglob("*.jp*g") if "groups" not in p.parts)


def add_photos(backend, engine, count: int, start: int) -> int:
    """``count`` group photos of :data:`FACES_A_PHOTO` faces, put and processed: faces found."""
    portraits = itertools.cycle(_portraits())
    background = PHOTOS / "orientation" / "Landscape_1.jpg"
    picset = "100_bench"

    def one(n: int) -> int:
        people = [(next(portraits), 110, (120 + 280 * (k % 4), 100 + 300 * (k // 4)))
                  for k in range(FACES_A_PHOTO)]
        data, _ = group_photo(engine, background, people, size=(1200, 1300))
        key = photo_key(picset, f"group{n:05d}.jpg")
        backend.store.put(backend.names.pics_bucket, key.key, data, key.content_type,
                          {HASH_METADATA: hashlib.sha256(data).hexdigest()})
        item = process_new_image(backend.store, backend.tables, backend.faces, backend.names,
                                 backend.names.pics_bucket, key.key)
        return len(item["data"]["FaceRecords"]) if item else 0

    with ThreadPoolExecutor(4) as pool:
        return sum(pool.map(one, range(start, start + count)))


def first_pass(backend, counter: CallCounter) -> dict:
    calls0, attempts0 = counter.snapshot()
    lines = []
    searching = Searching(progress=lambda done, total: lines.append((time.monotonic(), done)))
    started = time.monotonic()
    groups, where = app_people.located_groups(backend, searching)
    took = time.monotonic() - started
    calls, attempts = counter.snapshot()
    searches = calls["SearchFaces"] - calls0["SearchFaces"]
    refused = (attempts["SearchFaces"] - attempts0["SearchFaces"]) - searches
    searched = [t for t, _ in lines]
    rate = ((lines[-1][1] - lines[0][1]) / (searched[-1] - searched[0])
            if len(lines) > 1 and searched[-1] > searched[0] else searches / took)
    again = time.monotonic()
    calls1, _ = counter.snapshot()
    app_people.located_groups(backend)
    second = time.monotonic() - again
    calls2, _ = counter.snapshot()
    return {"faces": len(where), "groups": len(groups), "seconds": took, "searches": searches,
            "rate": rate, "refused": refused, "failed": len(searching.failed),
            "progress_reports": len(lines), "second_seconds": second,
            "second_searches": calls2["SearchFaces"] - calls1["SearchFaces"],
            "clusters": groups}


def cancel_latency(backend, after: float) -> tuple[float, int]:
    """Start a first pass and press Cancel ``after`` seconds after its first progress report
    (from another thread, as the window's button does; mid-chunk): seconds from Cancel to the
    search stopping, and faces searched by then."""
    cancel = threading.Event()
    state = {"done": 0}

    def press() -> None:
        state["at"] = time.monotonic()
        cancel.set()

    timer = threading.Timer(after, press)

    def progress(done: int, total: int) -> None:
        state["done"] = done
        if not timer.is_alive() and not cancel.is_set():
            timer.start()

    try:
        app_people.located_groups(backend, Searching(progress, cancel))
    except Cancelled:
        return time.monotonic() - state["at"], state["done"]
    finally:
        timer.cancel()
    return float("nan"), -1


def naming(backend, counter: CallCounter, group: list[str], single: list[str]) -> dict:
    found = {}
    for how, chosen in (("group", group), ("one at a time", single)):
        calls0, _ = counter.snapshot()
        started = time.monotonic()
        name = f"Bench {how} {uuid.uuid4().hex[:6]}"
        if how == "group":
            outcomes = app_people.name_faces(backend, chosen, name, same_photo=True)
        else:
            outcomes = [app_people.name_face(backend, f, name, same_photo=True) for f in chosen]
        took = time.monotonic() - started
        calls, _ = counter.snapshot()
        spent = calls - calls0
        found[how] = {"faces": len(chosen), "named": sum(o.error is None for o in outcomes),
                      "calls": sum(spent.values()), "by_op": dict(spent), "seconds": took,
                      "name": name}
    calls0, _ = counter.snapshot()
    started = time.monotonic()
    proposals = app_people.suggest(backend, found["group"]["name"])
    took = time.monotonic() - started
    calls, _ = counter.snapshot()
    found["suggest"] = {"seconds": took, "by_op": dict(calls - calls0),
                        "proposed": len(proposals.all), "failed": len(proposals.failed)}
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[150, 600],
                        help="unnamed faces of the two albums measured")
    parser.add_argument("--tps", type=float, default=5.0)
    parser.add_argument("--name-faces", type=int, default=80,
                        help="faces named: half as a group, half one at a time")
    args = parser.parse_args()
    command = [sys.executable, "-m", "finpics_desktop", "local-cloud", "--port", "0",
               "--no-deploy", "--rekognition-tps", f"{args.tps:g}"]
    engine = FaceEngine()
    with local_cloud_process(command, cwd=REPO) as remote:
        settings = AwsSettings(region="us-east-1", endpoint_url=remote.url,
                               access_key_id=remote.access_key_id,
                               secret_access_key=remote.secret_access_key,
                               rekognition_tps=args.tps)
        prefix = f"rate{uuid.uuid4().hex[:6]}"
        names = Names().with_overrides(**{k: f"{prefix}-{k.replace('_', '-')}" for k in (
            "pics_bucket", "thumbs_bucket", "pics_table", "image_table", "private_table",
            "collection")})
        clients = Clients(settings)
        create_resources(clients, names)
        backend = open_aws(names, settings, clients=clients)
        counter = CallCounter(clients("rekognition"))
        print(f"local cloud {remote.url}, Rekognition limited to {args.tps:g} calls/s per "
              "operation; the adapter keeps to the same rate")
        results, photos, faces = [], 0, 0
        for size in args.sizes:
            built = time.monotonic()
            count = max(1, -(-(size - faces) // FACES_A_PHOTO))
            faces += add_photos(backend, engine, count, photos)
            photos += count
            print(f"\nalbum: {photos} group photos, {faces} faces (built in "
                  f"{time.monotonic() - built:.0f} s through process_new_image)")
            result = first_pass(backend, counter)
            results.append(result)
            ten_k = 10_000 / result["rate"] / 60
            print(f"  first pass: {result['faces']} unnamed faces in {result['seconds']:.1f} s, "
                  f"{result['searches']} SearchFaces, {result['rate']:.2f} searches/s "
                  f"({result['refused']} refused by the server, {result['failed']} failed, "
                  f"{result['progress_reports']} progress reports); 10,000 faces at this rate:"
                  f" {ten_k:.1f} min (goal <= {GOAL_10K_MIN:.0f})")
            print(f"  second opening (searches kept by the caller): "
                  f"{result['second_seconds']:.2f} s, {result['second_searches']} SearchFaces")
        small, large = results
        print(f"\ngrowth {small['faces']} -> {large['faces']} faces: time x"
              f"{large['seconds'] / small['seconds']:.2f} for faces x"
              f"{large['faces'] / small['faces']:.2f}")
        latency, done = cancel_latency(backend, 2.0)
        print(f"Cancel (pressed 2 s after the first progress report): stopped {latency:.1f} s "
              "later "
              f"({done} faces searched; Cancel is seen between chunks of {SEARCH_CHUNK})")
        unnamed = sorted(f for c in large["clusters"] for f in c.faces)
        half = args.name_faces // 2
        named = naming(backend, counter, unnamed[:half], unnamed[half:2 * half])
        for how in ("group", "one at a time"):
            n = named[how]
            print(f"naming {n['faces']} faces {how}: {n['calls'] / n['faces']:.2f} Rekognition "
                  f"calls a face, {1000 * n['seconds'] / n['faces']:.0f} ms a face "
                  f"({n['named']} named; {n['by_op']})")
        s = named["suggest"]
        print(f"suggest: {s['seconds']:.1f} s, {s['by_op']} ({s['proposed']} proposed, "
              f"{s['failed']} failed)")
        backend.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
