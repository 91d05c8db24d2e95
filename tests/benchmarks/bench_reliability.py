"""Reliability benchmarks (a script, run by hand; not collected by pytest).

    .venv/bin/python tests/benchmarks/bench_reliability.py [--photos 200]

Ratios measured in one run on the same generated photos (the machines are shared and noisy):
1. publishing with the upload journal vs without it (the journal's cost; goal <= 1.10);
2. re-publishing the same folder (everything already there, content hashes compared) vs the
   first publish (what dropping a folder twice costs; goal <= 0.25);
3. resuming an interrupted job (half of it done) vs publishing it whole (goal <= 0.65);
4. a job through ports failing 30 % of their calls (retried with backoff and jitter, tiny
   delays) vs the same job without faults.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(REPO / "tests" / "reliability")]

from reliability_helpers import make_job  # noqa: E402
from test_retry_faults import Faulty  # noqa: E402

from finpics_desktop.backends.local.engine import FaceEngine  # noqa: E402
from finpics_desktop.backends.local.library import open_library  # noqa: E402
from finpics_desktop.pipeline.functions.process import process_new_image  # noqa: E402
from finpics_desktop.pipeline.publish.journal import Journal, target_of  # noqa: E402
from finpics_desktop.pipeline.publish.upload import Publisher  # noqa: E402
from finpics_desktop.pipeline.retry import RetryPolicy, with_retries  # noqa: E402


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=200)
    args = parser.parse_args()
    engine = FaceEngine()
    with tempfile.TemporaryDirectory(prefix="finpics-bench-") as tmp:
        tmp = Path(tmp)
        src = tmp / "src"
        make_job(src, args.photos, with_face_every=4)

        def publish(name, journal=False, **kw):
            lib = open_library(tmp / name, engine=engine)
            j = Journal(tmp / f"{name}.journal") if journal else None
            try:
                return timed(lambda: Publisher.for_backend(lib, j, **kw).publish(
                    [src], "001_bench")), lib, j
            finally:
                if j:
                    j.close()

        publish("warm-up")  # model sets for every worker thread, files in the page cache
        plain, lib, _ = publish("plain")
        journaled, lib2, _ = publish("journaled", journal=True)
        again = timed(lambda: Publisher.for_backend(lib2).publish([src], "001_bench"))
        print(f"{args.photos} photos: publish {plain:.2f} s without journal, "
              f"{journaled:.2f} s with it: ratio {journaled / plain:.2f} (goal <= 1.10)")
        print(f"publishing the same folder again: {again:.2f} s, "
              f"ratio to the first publish {again / journaled:.2f} (goal <= 0.25)")

        # resume: cancel halfway, then resume the job
        lib3 = open_library(tmp / "resumed", engine=engine)
        journal = Journal(tmp / "resumed.journal")
        publisher = Publisher.for_backend(lib3, journal)
        half = args.photos // 2

        def stop(result, finished, total):
            if finished >= half:
                publisher.cancel()

        publisher.publish([src], "001_bench", stop)
        (job,) = journal.unfinished_jobs()
        resumed = timed(lambda: Publisher.for_backend(lib3, journal).resume(job.id))
        print(f"resuming a job interrupted at half: {resumed:.2f} s, "
              f"ratio to a whole publish {resumed / journaled:.2f} (goal <= 0.65)")
        journal.close()

        # 30 % faults
        lib4 = open_library(tmp / "faulty", engine=engine)
        stats, lock, rng = {}, threading.Lock(), random.Random(1)
        faulty = {n: Faulty(getattr(lib4, n), 0.3, rng, stats, lock)
                  for n in ("store", "tables", "faces")}
        policy = RetryPolicy(attempts=12, base=0.001, cap=0.01)
        process = partial(process_new_image, *(with_retries(faulty[n], policy)
                                               for n in ("store", "tables", "faces")),
                          lib4.names)
        faults = timed(lambda: Publisher(
            faulty["store"], faulty["tables"], faulty["faces"], lib4.names, process,
            target=target_of(lib4), retry=policy).publish([src], "001_bench"))
        failed = sum(v for k, v in stats.items() if k and ":" not in k)
        calls = sum(v for k, v in stats.items() if k is None or ":" not in k)
        print(f"with {failed} of {calls} port calls failing ({failed / calls:.0%}): "
              f"{faults:.2f} s, ratio to no faults {faults / plain:.2f}")
        for b in (lib, lib2, lib3, lib4):
            b.close()


if __name__ == "__main__":
    main()
