"""The local face index in memory (issue 25): the vectors as stored, not reloaded for the index's
own writes of users (naming, confirming, rejecting), another process's writes seen, and the copy
of the matrices beside the database used only while the database says it is current."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import numpy as np
import pytest

from finpics_desktop.backends.local import face_sidecar
from finpics_desktop.backends.local.engine import MODEL_VERSION
from finpics_desktop.backends.local.library import open_library

REPO = Path(__file__).resolve().parents[1]


def _faces(count: int, people: int = 5, seed: int = 1) -> list[tuple[dict, np.ndarray]]:
    """``count`` faces of ``people`` people (a unit vector each, faces close to it)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(people, 128))
    rows = []
    for n in range(count):
        v = centres[n % people] + 0.3 * rng.normal(size=128)
        face = {"FaceId": str(uuid.uuid4()), "ImageId": str(uuid.uuid4()),
                "ExternalImageId": f"p_{n}.jpg", "Confidence": 99.0,
                "BoundingBox": {"Width": 0.1, "Height": 0.1, "Left": 0.1, "Top": 0.1}}
        rows.append((face, (v / np.linalg.norm(v)).astype(np.float32)))
    return rows


@pytest.fixture
def filled(tmp_path, engine):
    backend = open_library(tmp_path / "lib", engine=engine)
    rows = _faces(60)
    backend.faces.add_vectors(rows, MODEL_VERSION)
    yield backend, [f["FaceId"] for f, _ in rows]
    backend.close()


def _vector_reads(backend) -> list[str]:
    """The statements of this thread's connection that read the faces' vectors, from now on."""
    seen: list[str] = []
    backend.faces.db.query("SELECT 1")  # (this thread's connection is made)
    backend.faces.db._local.conn.set_trace_callback(
        lambda sql: seen.append(sql) if "vector" in sql and "SELECT" in sql.upper() else None)
    return seen


def test_naming_confirming_rejecting_update_the_index_in_place(filled):
    """The index's own writes of users change its snapshot in place: no vector is read again,
    and every answer is the database's."""
    backend, ids = filled
    index = backend.faces
    index.prepare()
    stamp = index.faces_stamp()
    reads = _vector_reads(backend)
    assert index.create_user("anna")
    done, _ = index.associate_faces("anna", ids[0:15:5], 0.0)  # faces of one person
    assert done == ids[0:15:5]
    assert {f["FaceId"] for f in index.list_faces(user_id="anna")} == set(ids[0:15:5])
    assert index.search_users(face_id=ids[15])[0]["User"]["UserId"] == "anna"
    assert index.disassociate_faces("anna", [ids[0]])[0] == [ids[0]]
    assert {f["FaceId"] for f in index.list_faces(user_id="anna")} == {ids[5], ids[10]}
    assert next(index.list_faces(face_ids=[ids[0]])).get("UserId") is None
    assert index.create_user("bob") and index.associate_faces("bob", [ids[1]], 0.0)[0]
    assert index.delete_user("bob")
    assert {u["UserId"] for u in index.list_users()} == {"anna"}
    assert reads == [], "a write of users reloaded the vectors"
    assert index.faces_stamp() == stamp  # the faces are as they were
    # what a fresh index reads from the database is what the updated one answers
    fresh = open_library(backend.home.folder, engine=index.engine).faces
    for face_id in ids[:20]:
        assert (next(fresh.list_faces(face_ids=[face_id])) ==
                next(index.list_faces(face_ids=[face_id])))
    assert fresh.search_users(face_id=ids[15]) == index.search_users(face_id=ids[15])
    fresh.db.close()


_OTHER = """
import sys
import numpy as np
from pathlib import Path
from finpics_desktop.backends.local.library import open_library
backend = open_library(Path(sys.argv[1]))
index, what = backend.faces, sys.argv[2]
if what == "associate":
    index.create_user("carl")
    index.associate_faces("carl", sys.argv[3:], 0.0)
elif what == "delete":
    index.delete_faces(sys.argv[3:])
backend.close()
"""


def _other_process(root: Path, *args: str) -> None:
    subprocess.run([sys.executable, "-c", _OTHER, str(root), *args], check=True, cwd=REPO,
                   timeout=120)


def test_another_process_writes_are_seen(filled):
    """A second process names faces and removes one: this process's index (loaded, and changed
    in place by its own writes meanwhile) answers as the database does."""
    backend, ids = filled
    index = backend.faces
    index.prepare()
    index.create_user("anna")
    index.associate_faces("anna", [ids[0]], 0.0)
    stamp = index.faces_stamp()
    _other_process(backend.home.folder, "associate", ids[1], ids[6])
    assert {f["FaceId"] for f in index.list_faces(user_id="carl")} == {ids[1], ids[6]}
    assert index.search_users(face_id=ids[11])[0]["User"]["UserId"] == "carl"
    assert index.faces_stamp() == stamp  # users only: the faces were kept
    index.associate_faces("anna", [ids[5]], 0.0)  # in place again, on the reloaded users
    assert {f["FaceId"] for f in index.list_faces(user_id="anna")} == {ids[0], ids[5]}
    _other_process(backend.home.folder, "delete", ids[2])
    assert next(index.list_faces(face_ids=[ids[2]]), None) is None
    assert all(m["Face"]["FaceId"] != ids[2] for m in index.search_faces(ids[7], 0.0, 100))
    assert index.faces_stamp() != stamp


def _copy_written(path: Path, deadline: float = 60.0) -> None:
    """Wait until ``path`` is there and no copy is being written (a thread of its own)."""
    end = time.monotonic() + deadline
    while not path.exists() or any(t.name == "face-index-copy" for t in threading.enumerate()):
        assert time.monotonic() < end, f"{path} was not written"
        time.sleep(0.02)


def test_the_copy_beside_the_database_is_used_only_while_current(filled, monkeypatch):
    backend, ids = filled
    monkeypatch.setattr(face_sidecar, "FROM", 0)
    root = backend.home.folder
    backend.faces.prepare()  # from the database: the copy is written
    copy = face_sidecar.path_of(backend.faces.db, backend.faces.collection)
    _copy_written(copy)
    expected = backend.faces.search_faces(ids[3], 0.0, 100)

    def opened():
        return open_library(root, engine=backend.faces.engine)

    fresh = opened()
    reads = _vector_reads(fresh)
    assert fresh.faces.search_faces(ids[3], 0.0, 100) == expected
    assert reads == [], "the copy was not used"
    fresh.close()
    # a face removed (the database changed after the copy was made): the copy is not used
    backend.faces.delete_faces([ids[4]])
    fresh = opened()
    reads = _vector_reads(fresh)
    assert ids[4] not in {m["Face"]["FaceId"] for m in fresh.faces.search_faces(ids[9], 0.0, 100)}
    assert reads, "a stale copy was used"
    fresh.close()
    _copy_written(copy)  # (made again from the database)
    expected = backend.faces.search_faces(ids[3], 0.0, 100)
    _copy_written(copy)
    vectors = list(copy.parent.glob(f"{copy.stem}-*.npy"))
    assert len(vectors) == 1  # the earlier copy's vectors are gone
    # a damaged copy, then damaged vectors: the database is read instead
    for damaged in (copy, vectors[0]):
        damaged.write_bytes(damaged.read_bytes()[: damaged.stat().st_size // 2])
        fresh = opened()
        reads = _vector_reads(fresh)
        assert fresh.faces.search_faces(ids[3], 0.0, 100) == expected
        assert reads, "a damaged copy was used"
        fresh.close()
        _copy_written(copy)
