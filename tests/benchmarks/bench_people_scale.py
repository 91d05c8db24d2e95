"""People at album scale (a script, run by hand; not collected by pytest).

    .venv/bin/python tests/benchmarks/bench_people_scale.py [--faces 20000] [--keep DIR]

Opens the three people places of the window -- *People*, a person's page (the person with the
most named faces), *Unnamed faces* -- through the app-layer code the window lists them with
(``app/window/people_places.py``) on a library of ~20,000 faces: first with nothing kept (the
quickest of ``--runs``), then again with nothing changed, then after one face was named and
reported as the window reports it. Printed beside, as the baseline measured in the same run (the
machines are shared and noisy): reading every face's vector from SQLite and one thresholded
similarity matrix of all the faces (the bare work any grouping of the faces needs). The same
script runs on a checkout from before the listings were kept (it then lists afresh each time).

**The faces** are the real engine's vectors of the real photos (``faces/`` + ``lfw10/`` of
``../shared/photos``, published with the real engine), multiplied by a synthesis that keeps
every similarity the engine measured:

- a *family* of people is the real album turned by a random rotation of the vector space that
  keeps the vectors' common direction (their mean) in place: every cosine within a family is
  exactly the engine's, and two families' people are strangers to each other (about as alike as
  the real strangers: the common direction is shared, the rest is turned at random);
- each family has *years*: the same family turned again by a small random rotation whose size
  is chosen so that a face and its own copy of another year are about as alike as two real
  photos of one person (the script prints the cosines measured: the real same-person pairs
  beside the synthetic ones), so one person's faces from several years search as one person.

Photos, boxes and faces per photo are those of the real photos (group photos stay group
photos). The labelled faces of the first half of the families are named (the real people's
names with the family's number) as naming them one by one would leave them: named-face
records, a person each, the faces associated with the person's user vector.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
PHOTOS = REPO.parent / "shared" / "photos"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from labelled_album import publish_labelled  # noqa: E402

from finpics_desktop.app.changes import Changes  # noqa: E402
from finpics_desktop.app.window import people_places  # noqa: E402

try:  # the listings kept between openings (absent before them: the same script measures both)
    from finpics_desktop.app import people_views  # noqa: E402
except ImportError:
    people_views = None
from finpics_desktop.backends.local.engine import FaceEngine  # noqa: E402
from finpics_desktop.backends.local.library import DB_NAME, open_library  # noqa: E402
from finpics_desktop.domain.people import name_key, named_face_doc, new_person_id  # noqa: E402
from finpics_desktop.domain.picsets import PICSET_ROOT  # noqa: E402
from finpics_desktop.pipeline.people.records import FACE, NAME, PERSON  # noqa: E402

YEARS = 4  # the same family's people, a little older each "year"
SAME_PERSON_COSINE = 0.7  # a face and its copy of another year: as two photos of one person


def labels() -> dict[str, list[str]]:
    groups = json.loads((PHOTOS / "labels.json").read_text())
    return {p.relative_to(PHOTOS).as_posix(): groups.get(p.relative_to(PHOTOS).as_posix(),
                                                         [p.parent.name])
            for p in sorted((PHOTOS / "faces").rglob("*"))
            if p.suffix.lower() in (".jpg", ".jpeg", ".png")}


def rotation(rng, mean: np.ndarray, angle: float | None) -> np.ndarray:
    """An orthogonal matrix keeping ``mean``'s direction: a random one (``angle`` None), or a
    small one turning each plane of a random basis of the rest by about ``angle``."""
    d = len(mean)
    m = mean / np.linalg.norm(mean)
    basis, _ = np.linalg.qr(np.column_stack([m, rng.normal(size=(d, d - 1))]))
    rest = basis[:, 1:]
    if angle is None:
        turn, _ = np.linalg.qr(rng.normal(size=(d - 1, d - 1)))
    else:
        turn = np.eye(d - 1)
        for k in range(0, d - 2, 2):
            a = rng.normal(angle, angle / 4)
            turn[k:k + 2, k:k + 2] = [[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]]
    return np.outer(m, m) + rest @ turn @ rest.T


def write_named(big, named: dict[str, list[tuple[str, str, str]]]) -> None:
    """``named`` (person -> their faces: (FaceId, ImageId, photo path)) written into library
    ``big`` as naming them one by one leaves them: the rows SqlitePrivateStore and the index
    write -- a person each, named-face records, the faces associated with the person's user
    vector (its first 100)."""
    now = time.time()
    with big.faces.db.transaction() as db:
        for person, faces in named.items():
            person_id = new_person_id()
            docs = [(PERSON, person_id, {"name": person, "hidden": False}),
                    (NAME, name_key(person), {"person": person_id})]
            docs += [(FACE, f, named_face_doc(person_id, i, p, 90.0, now + n))
                     for n, (f, i, p) in enumerate(faces)]
            db.executemany("INSERT OR REPLACE INTO private VALUES (?, ?, ?, 1)",
                           [(pk, sk, json.dumps(doc)) for pk, sk, doc in docs])
            db.execute("INSERT OR IGNORE INTO users VALUES (?, ?)",
                       (big.faces.collection, person_id))
            db.executemany("INSERT OR IGNORE INTO user_faces VALUES (?, ?, ?)",
                           [(f, big.faces.collection, person_id) for f, _, _ in faces[:100]])
        big.faces._bump(db)


def real_album(folder: Path, engine: FaceEngine):
    """faces/ + lfw10/ published with the real engine: the photos' items, each face's vector
    and the person it is labelled (None: nobody)."""
    backend = open_library(folder, engine=engine)
    _, who = publish_labelled(backend, PHOTOS, labels())
    photos = [(e["sortkey"], i) for e in backend.tables.query_pics(PICSET_ROOT)
              for i in backend.tables.query_pics(e["sortkey"])]
    group = next(iter(backend.faces._matrix().groups.values()))
    vectors = dict(zip(group.ids, group.vectors, strict=True))
    backend.close()
    return photos, vectors, who


def synthesise(target: Path, engine: FaceEngine, photos, vectors, who, faces_wanted: int,
               seed: int = 5):
    """The big library: families x years of the real album (module docstring). The names
    given: name -> its faces."""
    rng = np.random.default_rng(seed)
    vectors = {f: v / np.linalg.norm(v) for f, v in vectors.items()}
    real = np.stack(list(vectors.values()))
    mean = real.mean(axis=0)
    per_copy = len(vectors)
    families = max(1, round(faces_wanted / (per_copy * YEARS)))
    # the small rotation's angle for the wanted same-person cosine (turning by a in every plane
    # of the rest moves a unit vector's rest by cos(a); the common direction stays)
    along = float(np.mean((real @ (mean / np.linalg.norm(mean))) ** 2))
    angle = float(np.arccos(np.clip((SAME_PERSON_COSINE - along) / (1 - along), -1, 1)))
    big = open_library(target, engine=engine)
    named: dict[str, list[str]] = {}
    rows, items, pics, picsets = [], [], [], []
    check_pairs = []
    for family in range(families):
        turned = rotation(rng, mean, None)
        first_year = {}
        for year in range(YEARS):
            q = turned @ rotation(rng, mean, angle) if year else turned
            picset = f"{family * YEARS + year + 1:03d}_family_{family + 1}_year_{year + 1}"
            picsets.append(picset)
            for source_picset, item in photos:
                image_id = str(uuid.uuid4())
                name = f"{source_picset.split('_', 1)[1]}_{item['sortkey']}"
                records = []
                for record in item["data"]["FaceRecords"]:
                    old = record["Face"]["FaceId"]
                    face = {**record["Face"], "FaceId": str(uuid.uuid4()), "ImageId": image_id}
                    records.append({**record, "Face": face})
                    vector = (q @ vectors[old]).astype(np.float32)
                    rows.append((face, vector))
                    if year == 0:
                        first_year[old] = vector
                    elif year == 1:
                        check_pairs.append((first_year[old], vector, who.get(old)))
                    person = who.get(old)
                    if person and family < (families + 1) // 2:
                        named.setdefault(f"{person.replace('_', ' ').title()} {family + 1}",
                                         []).append((face["FaceId"], image_id,
                                                     f"{picset}/{name}"))
                data = {**item["data"], "FaceRecords": records}
                pics.append({**item, "primarykey": picset, "sortkey": name, "data": data})
                items.append({"image_id": image_id, "image_path": f"{picset}/{name}",
                              "data": data})
    with big.faces.db.transaction() as db:
        db.executemany("INSERT OR REPLACE INTO pics VALUES (?, ?, ?)",
                       [(PICSET_ROOT, p, json.dumps({"primarykey": PICSET_ROOT, "sortkey": p}))
                        for p in picsets]
                       + [(i["primarykey"], i["sortkey"], json.dumps(i)) for i in pics])
        db.executemany("INSERT OR REPLACE INTO pics_by_image_id VALUES (?, ?)",
                       [(i["image_id"], json.dumps(i)) for i in items])
    big.faces.add_vectors(rows, engine.model_version)
    write_named(big, named)
    same = [float(a @ b / np.linalg.norm(a) / np.linalg.norm(b)) for a, b, p in check_pairs]
    print(f"built {len(rows)} faces in {len(pics)} photos: {families} families x {YEARS} years "
          f"of the real album ({per_copy} faces); {sum(len(f) for f in named.values())} named "
          f"faces of {len(named)} people")
    real_same = _same_person_cosines(vectors, who)
    print(f"   a face and its copy a year on: cosine {np.percentile(same, 5):.2f}-"
          f"{np.percentile(same, 95):.2f} (5-95th percentile, median {np.median(same):.2f}); "
          f"real same-person pairs {np.percentile(real_same, 5):.2f}-"
          f"{np.percentile(real_same, 95):.2f} (median {np.median(real_same):.2f})")
    return big, named


def _same_person_cosines(vectors, who) -> np.ndarray:
    by = {}
    for face, person in who.items():
        if person:
            by.setdefault(person, []).append(vectors[face] / np.linalg.norm(vectors[face]))
    found = []
    for faces in by.values():
        m = np.stack(faces)
        c = m @ m.T
        found += c[np.triu_indices(len(faces), 1)].tolist()
    return np.array(found)


def timed(job, runs: int = 1, before=lambda: None) -> tuple[float, object]:
    """The quickest of ``runs`` runs of ``job`` (``before`` each, untimed), and its result."""
    took, result = [], None
    for _ in range(runs):
        before()
        start = time.perf_counter()
        result = job()
        took.append(time.perf_counter() - start)
    return min(took), result


def baseline(big) -> float:
    """Reading every vector, and one thresholded similarity matrix of them all."""
    start = time.perf_counter()
    rows = big.faces.db.query("SELECT vector FROM faces")
    vectors = np.frombuffer(b"".join(r[0] for r in rows), np.float32).reshape(len(rows), -1)
    vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    for block in range(0, len(vectors), 1024):
        np.flatnonzero(vectors[block:block + 1024] @ vectors.T >= 0.2625)
    return time.perf_counter() - start


def opening(big, person: str, runs: int = 1, afresh: bool = False,
            again: bool = False) -> dict[str, float]:
    """Each place opened ``runs`` times (``afresh``: as a new session finds it -- the album
    opened again, its vectors loaded untimed as the window does when it opens, nothing kept in
    memory; ``again``: each opened once before, untimed), the quickest."""
    session = [big]

    def new_session():
        if afresh:
            if session[0] is not big:
                session[0].close()
            session[0] = open_library(big.home.folder, engine=big.faces.engine)
            session[0].faces.prepare()

    took = {}
    for what, job in [("People list", lambda: people_places.people_entries(session[0])),
                      (f"person's page ({person})",
                       lambda: people_places.person_entries(session[0], person)),
                      ("Unnamed faces", lambda: people_places.unnamed_entries(session[0]))]:
        took[what], entries = timed(job, runs, lambda: new_session() or (again and job()))
        took[what + " entries"] = len(entries)
    if session[0] is not big:
        session[0].close()
    return took


def from_nothing_kept(big) -> tuple[float, float, int]:
    """*Unnamed faces* grouped with nothing kept, in memory or in the library (no similarity
    graph, no groups: every unnamed face searched): seconds, the process's peak RSS after it
    (MB), entries."""
    import resource

    from finpics_desktop.pipeline.people import graph, groups_kept

    kept = [graph.GRAPH, groups_kept.GROUPS]
    try:  # the listings kept with the album's count of writes (absent before them)
        from finpics_desktop.pipeline.people import views_kept
        kept.append(views_kept.VIEWS)
    except ImportError:
        pass
    for pk in kept:
        for doc in big.private.query(pk):
            big.private.delete(pk, doc.sk)
    if people_views is not None:
        people_views.forget(big)
    big.faces.prepare()  # the vectors loaded, as the window does when it opens the album
    start = time.perf_counter()
    entries = people_places.unnamed_entries(big)
    took = time.perf_counter() - start
    return took, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, len(entries)


def name_one(big, person: str) -> None:
    """An unnamed face named, reported as the window reports it."""
    from finpics_desktop.app import people as app_people

    spot = people_places.unnamed_entries(big)[0]
    app_people.name_face(big, spot.face_id, person, same_photo=True)
    if hasattr(people_views, "changed"):
        people_views.changed(Changes.of(big.identity, faces=[spot.face_id], people=[person]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--faces", type=int, default=20_000)
    parser.add_argument("--keep", type=Path, help="build the library here (and keep it)")
    parser.add_argument("--runs", type=int, default=3, help="first openings, the quickest")
    parser.add_argument("--build-only", action="store_true", help="with --keep: build only")
    parser.add_argument("--profile", action="store_true", help="cProfile each opening")
    args = parser.parse_args()
    engine = FaceEngine()
    tmp = Path(tempfile.mkdtemp(prefix="bench-people-scale-"))
    try:
        if args.keep is not None and (args.keep / DB_NAME).exists():
            big = open_library(args.keep, engine=engine)  # built by an earlier run
            docs = big.private.query(PERSON)
            count = Counter(d.doc["person"] for d in big.private.query(FACE))
            named = {d.doc["name"]: [None] * count[d.sk] for d in docs}
        else:
            photos, vectors, who = real_album(tmp / "real", engine)
            big, named = synthesise(args.keep or tmp / "big", engine, photos, vectors, who,
                                    args.faces)
        person = max(named, key=lambda p: (len(named[p]), p))
        if args.build_only:
            return
        bare = baseline(big)
        print(f"baseline: every vector read + the thresholded similarity matrix: "
              f"{bare * 1000:.0f} ms")
        try:
            took, peak, count = from_nothing_kept(big)
            print(f"grouping from nothing kept (no graph, no groups in the library): "
                  f"Unnamed faces {took * 1000:7.0f} ms  {took / bare:5.2f}x the baseline  "
                  f"({count} entries); peak RSS {peak:.0f} MB")
        except ImportError:  # before the graph was kept: every first opening is this
            pass
        rounds = [(f"first opening (nothing kept in memory: a new session; the quickest of "
                   f"{args.runs})",
                   dict(runs=args.runs, afresh=True)),
                  ("second opening, nothing changed", dict(again=True)),
                  ("after a face was named (reported as the window does)", {})]
        for label, how in rounds:
            if label.startswith("after"):
                name_one(big, person)
            if args.profile:
                import cProfile
                import pstats
                profile = cProfile.Profile()
                profile.enable()
            took = opening(big, person, **how)
            if args.profile:
                profile.disable()
                pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
            print(f"{label}:")
            for what, seconds in took.items():
                if what.endswith(" entries"):
                    continue
                print(f"   {what:40s} {seconds * 1000:7.0f} ms  {seconds / bare:5.2f}x the "
                      f"baseline  ({took[what + ' entries']} entries)")
        counts = Counter(len(f) for f in named.values())
        print(f"   named faces per person: {dict(sorted(counts.items()))}")
        big.close()
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
