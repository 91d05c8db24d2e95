"""A lifetime's album on a laptop (issue 25, the local library): a script run by hand, not
collected by pytest.

    .venv/bin/python tests/benchmarks/bench_scale.py [--photos 10000 100000]
        [--search-faces 100000 1000000] [--keep DIR]

**How the library is built.** The real engine indexes the real photos (``faces/`` + ``lfw10/``
of ``../shared/photos``, :func:`bench_people_scale.real_album`). Each synthetic person is one of
the real labelled people turned by a random rotation of the vector space that keeps the vectors'
common direction (a *family*: every cosine within it is the engine's, two families are
strangers); each of their faces is one of that real person's vectors, perturbed (cosine ~0.9 to
it) and turned the same way; unlabelled faces become strangers the same way. Photos are the real
photos' items (group photos stay group photos, boxes and all) with new ids, 100 to a picset;
each photo's original and thumbnail are files (hard links of a copy of one real photo). The faces
and vectors are written by the library's own writer (``LocalFaceIndex.add_vectors``); items, named
faces' records, people and user vectors as the rows ``SqliteTables``, ``SqlitePrivateStore`` and
the index write, one transaction a table. About half of each person's faces are named.

**What is measured** at each size (10x apart), each in a process of its own where it says so,
with the growth between the sizes and a baseline measured in the same run (the machine is
shared and noisy): reading every vector from SQLite bare (``SELECT vector`` + ``frombuffer``).

- ``people`` (the People list, ``app.people.list_people``): a fresh process (the face index is
  opened by it), then again in the same process;
- naming a group of 40 unnamed faces (``app.people.name_faces``), confirming 40 and rejecting 40
  (``app.people.confirm`` / ``reject``): per face, the index loaded before as the window has it;
- ``check`` (``pipeline.check.check``): a fresh process, its time and peak RSS;
- search (``search_faces`` of the index, 200 random faces): p50/p95, and for a faces-only
  library of ``--search-faces`` faces: loading (from SQLite, then from the copy beside it) and
  the process's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "tests" / "benchmarks"))

from bench_people_scale import PHOTOS, labels, real_album, rotation, write_named  # noqa: E402

from finpics_desktop.backends.local.engine import FaceEngine  # noqa: E402
from finpics_desktop.backends.local.library import DB_NAME, open_library  # noqa: E402
from finpics_desktop.domain.picsets import PICSET_ROOT  # noqa: E402
from finpics_desktop.ports import HASH_METADATA  # noqa: E402

PER_PICSET = 100
NOISE = 0.45  # a perturbed face's cosine to its real one: ~1 / sqrt(1 + NOISE**2) = 0.91


def perturbed(rng, turn: np.ndarray, vector: np.ndarray) -> np.ndarray:
    v = vector + NOISE * rng.normal(size=len(vector)) / np.sqrt(len(vector))
    v = turn @ (v / np.linalg.norm(v))
    return (v / np.linalg.norm(v)).astype(np.float32)


def the_real_album(work: Path):
    shutil.rmtree(work / "real", ignore_errors=True)  # (published afresh each run)
    return real_album(work / "real", FaceEngine())


def build(target: Path, real, photos_wanted: int, people_wanted: int, seed: int = 7) -> dict:
    photos, vectors, who = real
    rng = np.random.default_rng(seed)
    vectors = {f: v / np.linalg.norm(v) for f, v in vectors.items()}
    mean = np.stack(list(vectors.values())).mean(axis=0)
    persons = sorted({p for p in who.values() if p})
    families = -(-people_wanted // len(persons))
    turns = [rotation(rng, mean, None) for _ in range(families)]
    engine = FaceEngine()
    big = open_library(target, engine=engine)
    db = big.faces.db
    source = next(p for p in sorted((PHOTOS / "faces").rglob("*.jpg")))
    digest = __import__("hashlib").sha256(source.read_bytes()).hexdigest()
    pics, images, objects, faces, named = [], [], [], [], {}
    for n in range(photos_wanted):
        picset = f"{n // PER_PICSET + 1:04d}_picset_{n // PER_PICSET + 1}"
        template_picset, item = photos[n % len(photos)]
        family = int(rng.integers(families))
        image_id, name = str(uuid.uuid4()), f"photo_{n:06d}.jpg"
        records = []
        for record in item["data"]["FaceRecords"]:
            old = record["Face"]["FaceId"]
            face = {**record["Face"], "FaceId": str(uuid.uuid4()), "ImageId": image_id,
                    "ExternalImageId": f"{picset}_{name}"}
            records.append({**record, "Face": face})
            faces.append((face, perturbed(rng, turns[family], vectors[old])))
            person = who.get(old)
            number = family * len(persons) + persons.index(person) if person else None
            if number is not None and number < people_wanted and rng.random() < 0.5:
                named.setdefault(f"{person.replace('_', ' ').title()} {family + 1}",
                                 []).append((face["FaceId"], image_id, f"{picset}/{name}"))
        data = {**item["data"], "FaceRecords": records}
        pics.append({**item, "primarykey": picset, "sortkey": name, "data": data})
        if records:
            images.append({"image_id": image_id, "image_path": f"{picset}/{name}",
                           "data": data})
        objects.append((picset, name))
    picsets = sorted({p["primarykey"] for p in pics})
    with db.transaction() as tx:  # the rows SqliteTables writes
        tx.executemany("INSERT OR REPLACE INTO pics VALUES (?, ?, ?)",
                       [(PICSET_ROOT, p, json.dumps({"primarykey": PICSET_ROOT, "sortkey": p,
                                                     "pic": f"photo_{int(p[:4]) * 100 - 100:06d}"
                                                     ".jpg"})) for p in picsets]
                       + [(i["primarykey"], i["sortkey"], json.dumps(i)) for i in pics])
        tx.executemany("INSERT OR REPLACE INTO pics_by_image_id VALUES (?, ?)",
                       [(i["image_id"], json.dumps(i)) for i in images])
    names = big.names
    meta = json.dumps({HASH_METADATA: digest})
    rows = []
    for bucket in (names.pics_bucket, names.thumbs_bucket):
        for n, (picset, name) in enumerate(objects):
            if n % 30_000 == 0:  # (a file has at most ~65,000 links)
                path = target / f"source-{bucket}-{n}.jpg"
                shutil.copyfile(source, path)
            key = f"photos/{picset}/{name}"
            file = big.store.path(bucket, key)
            file.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, file)
            rows.append((bucket, key, path.stat().st_size, "image/jpeg", meta))
    with db.transaction() as tx:
        tx.executemany("INSERT OR REPLACE INTO objects VALUES (?, ?, ?, ?, ?)", rows)
    for start in range(0, len(faces), 20_000):  # the index's own writer
        big.faces.add_vectors(faces[start:start + 20_000], engine.model_version)
    write_named(big, named)
    big.close()
    return {"photos": len(pics), "picsets": len(picsets), "faces": len(faces),
            "people": len(named), "named": sum(len(f) for f in named.values())}


def build_faces_only(target: Path, real, wanted: int, seed: int = 11) -> None:
    """A library of ``wanted`` faces only (strangers of many families): for search and loading."""
    _, vectors, _ = real
    rng = np.random.default_rng(seed)
    vectors = np.stack([v / np.linalg.norm(v) for v in vectors.values()])
    mean = vectors.mean(axis=0)
    big = open_library(target, engine=FaceEngine())
    per_family = len(vectors) * 8
    for start in range(0, wanted, per_family):
        turn = rotation(rng, mean, None)
        count = min(per_family, wanted - start)
        chosen = vectors[np.arange(count) % len(vectors)]
        noisy = chosen + NOISE * rng.normal(size=chosen.shape) / np.sqrt(chosen.shape[1])
        noisy = (noisy / np.linalg.norm(noisy, axis=1, keepdims=True)) @ turn.T
        image_id = str(uuid.uuid4())
        big.faces.add_vectors([({"FaceId": str(uuid.uuid4()), "ImageId": image_id,
                                 "ExternalImageId": f"x_{start}.jpg", "Confidence": 99.9,
                                 "BoundingBox": {"Width": 0.2, "Height": 0.3, "Left": 0.4,
                                                 "Top": 0.1}}, v.astype(np.float32))
                               for v in noisy], FaceEngine().model_version)
    big.close()


# -- measured in a process of its own ------------------------------------------------------------
def peak_mb() -> float:
    """This process's peak resident memory (VmHWM: not what its parent had before exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(what: str, folder: Path) -> dict:
    start = time.perf_counter()
    backend = open_library(folder, engine=FaceEngine())
    if what == "people":
        from finpics_desktop.app import people as app_people

        first = time.perf_counter()
        listed = app_people.list_people(backend)
        took = time.perf_counter() - first
        again = time.perf_counter()
        app_people.list_people(backend)
        return {"first": took, "again": time.perf_counter() - again, "people": len(listed)}
    if what == "check":
        from finpics_desktop.pipeline.check import check

        report = check(backend)
        return {"seconds": time.perf_counter() - start, "peak_mb": peak_mb(),
                "problems": len(report.found)}
    if what == "search":
        loading = time.perf_counter()
        backend.faces.prepare()
        loaded = time.perf_counter() - loading
        snap = backend.faces._matrix()
        group = next(iter(snap.groups.values()))
        rng = np.random.default_rng(3)
        took = []
        for row in rng.integers(len(group), size=200).tolist():
            face_id = group.id_list([row])[0]
            t = time.perf_counter()
            backend.faces.search_faces(face_id, 80.0, 100)
            took.append(time.perf_counter() - t)
        vectors = group.vectors
        bare = []
        for row in rng.integers(len(group), size=50).tolist():
            t = time.perf_counter()
            np.flatnonzero(vectors @ vectors[row] >= 0.42)
            bare.append(time.perf_counter() - t)
        return {"load": loaded, "peak_mb": peak_mb(), "faces": len(snap.faces),
                "p50": float(np.percentile(took, 50)), "p95": float(np.percentile(took, 95)),
                "bare_p50": float(np.percentile(bare, 50))}
    raise ValueError(what)


def in_child(what: str, folder: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", what, str(folder)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def baseline(folder: Path) -> float:
    backend = open_library(folder, engine=FaceEngine())
    start = time.perf_counter()
    rows = backend.faces.db.query("SELECT vector FROM faces")
    np.frombuffer(b"".join(r[0] for r in rows), np.float32).reshape(len(rows), -1)
    took = time.perf_counter() - start
    backend.close()
    return took


def naming(folder: Path, group: int = 40) -> dict:
    """Per face: naming ``group`` unnamed faces as one new person, confirming ``group`` for
    the person with most faces, rejecting ``group`` for them (the index loaded before)."""
    from finpics_desktop.app import people as app_people
    from finpics_desktop.pipeline.people.naming import People

    backend = open_library(folder, engine=FaceEngine())
    backend.faces.prepare()
    people = People(backend)
    named = people.named()
    unnamed = [f.face_id for f in backend.records.indexed_faces() if f.face_id not in named]
    rng = np.random.default_rng(5)
    chosen = [unnamed[i] for i in rng.choice(len(unnamed), size=3 * group, replace=False)]
    someone = app_people.list_people(backend)[0].person.name
    took = {}
    for what, job in [
            ("name", lambda ids: app_people.name_faces(backend, ids, "Someone New",
                                                       same_photo=True)),
            ("confirm", lambda ids: app_people.confirm(backend, someone, ids, same_photo=True)),
            ("reject", lambda ids: app_people.reject(backend, someone, ids))]:
        ids = chosen[:group]
        chosen = chosen[group:]
        start = time.perf_counter()
        outcomes = job(ids)
        took[what] = (time.perf_counter() - start) / group
        took[what + "_errors"] = sum(1 for o in outcomes if o.error)
    backend.close()
    return took


def growth(small: float, big: float) -> str:
    return f"x{big / small:.1f}" if small > 0 else "-"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, nargs=2, default=[10_000, 100_000])
    parser.add_argument("--people", type=int, nargs=2, default=[50, 500])
    parser.add_argument("--search-faces", type=int, nargs=2, default=[100_000, 1_000_000])
    parser.add_argument("--keep", type=Path, help="build the libraries here (and keep them)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]))))
        return
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    real = None
    rows = []
    try:
        for photos, people in zip(args.photos, args.people, strict=True):
            folder = work / f"album-{photos}"
            if not (folder / DB_NAME).exists():
                real = real or the_real_album(work)
                print(f"built {build(folder, real, photos, people)}", flush=True)
            bare = baseline(folder)
            listed = in_child("people", folder)
            checked = in_child("check", folder)
            searched = in_child("search", folder)
            named = naming(folder)
            rows.append((photos, bare, listed, checked, searched, named))
            print(photos, json.dumps({"baseline": bare, "people": listed, "check": checked,
                                      "search": searched, "naming": named}), flush=True)
        loads = []
        for faces in args.search_faces:
            folder = work / f"faces-{faces}"
            if not (folder / DB_NAME).exists():
                real = real or the_real_album(work)
                build_faces_only(folder, real, faces)
            for sidecar in folder.glob(f"{DB_NAME}.faces-*.npz"):
                sidecar.unlink()
            first = in_child("search", folder)  # from SQLite (and the copy written)
            second = in_child("search", folder)  # from the copy
            loads.append((faces, baseline(folder), first, second))
            print(faces, json.dumps({"sqlite": first, "copy": second}), flush=True)
        report(rows, loads)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


def report(rows, loads) -> None:
    (p1, b1, l1, c1, s1, n1), (p2, b2, l2, c2, s2, n2) = rows
    print(f"\n| measure | {p1:,} photos | {p2:,} photos | growth |\n| --- | --- | --- | --- |")
    print(f"| baseline: every vector read bare | {b1 * 1000:.0f} ms | {b2 * 1000:.0f} ms | "
          f"{growth(b1, b2)} |")
    print(f"| faces / people | {s1['faces']:,} / {l1['people']} | {s2['faces']:,} / "
          f"{l2['people']} | |")
    for key, label in (("first", "`people`, a fresh process"), ("again", "`people` again")):
        print(f"| {label} | {l1[key] * 1000:.0f} ms | {l2[key] * 1000:.0f} ms | "
              f"{growth(l1[key], l2[key])} |")
    for key in ("name", "confirm", "reject"):
        print(f"| {key} a face (groups of 40) | {n1[key] * 1000:.0f} ms | {n2[key] * 1000:.0f} "
              f"ms | {growth(n1[key], n2[key])} |")
    print(f"| `check` | {c1['seconds']:.1f} s, {c1['peak_mb']:.0f} MB | {c2['seconds']:.1f} s, "
          f"{c2['peak_mb']:.0f} MB | {growth(c1['seconds'], c2['seconds'])} |")
    print(f"| search p95 | {s1['p95'] * 1000:.1f} ms | {s2['p95'] * 1000:.1f} ms | "
          f"{growth(s1['p95'], s2['p95'])} |")
    (f1, bb1, q1, r1), (f2, bb2, q2, r2) = loads
    print(f"\n| faces only | {f1:,} faces | {f2:,} faces | growth |\n| --- | --- | --- | --- |")
    print(f"| baseline: every vector read bare | {bb1:.2f} s | {bb2:.2f} s | "
          f"{growth(bb1, bb2)} |")
    for label, a, b in (("load from SQLite", q1, q2), ("load from the copy", r1, r2)):
        print(f"| {label} | {a['load']:.2f} s, peak {a['peak_mb']:.0f} MB | {b['load']:.2f} s, "
              f"peak {b['peak_mb']:.0f} MB | {growth(a['load'], b['load'])} |")
    print(f"| search p50 / p95 | {r1['p50'] * 1000:.1f} / {r1['p95'] * 1000:.1f} ms | "
          f"{r2['p50'] * 1000:.1f} / {r2['p95'] * 1000:.1f} ms | {growth(r1['p95'], r2['p95'])} |")
    print(f"| bare matrix-vector product p50 | {r1['bare_p50'] * 1000:.1f} ms | "
          f"{r2['bare_p50'] * 1000:.1f} ms | {growth(r1['bare_p50'], r2['bare_p50'])} |")


if __name__ == "__main__":
    labels()  # (the real photos are there)
    main()
