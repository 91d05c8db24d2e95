"""Merging people under races and kills, with real processes: ``merge A B`` and ``merge B A``
started together, many times, on the library and on the cloud (the CLI with ``--backend aws``
against the local cloud in its own process), never lose a name -- one of them merges, the
other is refused in words, nothing half-done; and a merge killed (SIGKILL) at each of its
writes, run again, finishes it, the person's user vector included."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from gate_proxy import GateProxy
from labelled_album import photo_faces, publish_labelled

from finpics_desktop.backends.aws.backend import open_aws
from finpics_desktop.backends.aws.session import Clients
from finpics_desktop.backends.local.library import open_library
from finpics_desktop.domain.keys import photo_key
from finpics_desktop.pipeline.check import check
from finpics_desktop.pipeline.functions.process import process_new_image
from finpics_desktop.pipeline.people.naming import People
from finpics_desktop.ports import HASH_METADATA
from tests.aws.aws_helpers import create_resources, fresh_names

REPO = Path(__file__).resolve().parents[2]
A, B = "Dubya", "George Bush"
RACE_SECONDS = 40.0  # each race test stops starting new runs after this long
KILLS = 6  # kill points of a merge, spread over its writes
NAME_OPTIONS = ("pics_bucket", "thumbs_bucket", "pics_table", "image_table", "private_table",
                "collection", "search_function")


class Album:
    """An album of faces/ whose faces are named A (the first half) and B, and the command
    line that reaches it."""

    def __init__(self, backend, base: list[str], env: dict[str, str]):
        self.backend, self.base, self.env = backend, base, env
        faces = sorted(r["Face"]["FaceId"] for _, records in photo_faces(backend)
                       for r in records)
        self.halves = {A: faces[:len(faces) // 2], B: faces[len(faces) // 2:]}
        self.split()

    def command(self, *args: str, via: str | None = None) -> list[str]:
        base = list(self.base)
        if via is not None:
            base[base.index("--endpoint-url") + 1] = via
        return [sys.executable, "-m", "finpics_desktop", *base, *args]

    def run(self, *args: str, via: str | None = None) -> subprocess.Popen:
        return subprocess.Popen(self.command(*args, via=via), cwd=REPO, env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def split(self) -> None:
        """Name each half again for its person (whoever was merged into whom)."""
        people = People(self.backend)
        named = people.named()
        for name, faces in self.halves.items():
            for face in faces:
                person = named.get(face)
                current = people._person(person.person) if person else None
                if current is None or current.name != name:
                    people.name_face(face, name, same_photo=True)

    def assert_whole(self, survivor: str | None = None) -> str:
        """One of A and B holds every face, the other is gone, and check finds nothing."""
        people = People(self.backend)
        live = [p.name for p in people.people()]
        assert len(live) == 1 and live[0] in (A, B), live
        assert survivor is None or live[0] == survivor
        held = people.find(live[0]).id
        named = people.named()
        lost = [f for f in self.halves[A] + self.halves[B]
                if f not in named or named[f].person != held]
        assert lost == [], f"{len(lost)} name(s) lost"
        report = check(self.backend)
        assert report.found == [], [p.line() for p in report.found]
        return live[0]


@pytest.fixture
def library_album(tmp_path, engine, photos_dir, labels):
    folder = tmp_path / "library"
    backend = open_library(folder, engine=engine)
    publish_labelled(backend, photos_dir, labels, tops=("faces",))
    yield Album(backend, ["--library", str(folder)], {**os.environ, "PYTHONUNBUFFERED": "1"})
    backend.close()


@pytest.fixture(scope="module")
def cloud_album(remote_cloud, photos_dir):
    """faces/ on fresh resources of the local cloud (its own process), processed as its
    function would; the CLI reaches it with --backend aws and --name overrides."""
    names = fresh_names("merge")
    clients = Clients(remote_cloud.settings())
    create_resources(clients, names)
    backend = open_aws(names, remote_cloud.settings(), clients=clients)
    backend.faces.ensure_collection()
    folders = sorted(p for p in (photos_dir / "faces").iterdir() if p.is_dir())
    for number, folder in enumerate(folders, start=101):  # ids of one width, as an album has
        for path in sorted(folder.iterdir()):
            key = photo_key(f"{number}_{folder.name}", path.name)
            backend.store.put(names.pics_bucket, key.key, path.read_bytes(), key.content_type,
                              {HASH_METADATA: "0" * 64})
            process_new_image(backend.store, backend.tables, backend.faces, names,
                              names.pics_bucket, key.key)
    base = ["--backend", "aws", "--endpoint-url", remote_cloud.url] + [
        a for n in NAME_OPTIONS for a in ("--name", f"{n}={getattr(names, n)}")]
    yield Album(backend, base, remote_cloud.env())
    backend.close()


def _finished(proc: subprocess.Popen) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


def _opposing_merges(album: Album, runs: int) -> None:
    deadline, done, refusals = time.monotonic() + RACE_SECONDS, 0, []
    while done < runs and time.monotonic() < deadline:
        album.split()
        procs = {(a, b): album.run("merge", a, b) for a, b in ((A, B), (B, A))}
        results = {pair: _finished(p) for pair, p in procs.items()}
        done += 1
        codes = sorted(code for code, _, _ in results.values())
        losers = [err.strip() for code, _, err in results.values() if code != 0]
        assert codes[0] == 0 and codes[1] != 0, (done, results)
        [loser] = losers
        assert (f"Could not merge {B} into {A}: {A} was merged into {B} meanwhile; nothing "
                "changed" in loser or f"Could not merge {A} into {B}: {B} was merged into {A} "
                "meanwhile; nothing changed" in loser or "nobody is named" in loser), loser
        assert "Traceback" not in loser and "collection" not in loser, loser
        refusals.append(loser)
        winner = album.assert_whole()
        assert any(f"merged into {winner}" in out for code, out, _ in results.values()
                   if code == 0)
    print(f"{done} runs; refusals: {sorted(set(r[:90] for r in refusals))}")
    assert done >= 5


def test_opposing_merges_at_once_on_the_library_never_lose_a_name(library_album):
    _opposing_merges(library_album, runs=60)


def test_opposing_merges_at_once_on_the_cloud_never_lose_a_name(cloud_album):
    _opposing_merges(cloud_album, runs=12)


def test_a_merge_killed_at_each_of_its_writes_is_finished_when_run_again(cloud_album):
    """SIGKILL while the n-th write of ``merge A B`` is on its way (held by a proxy, never
    delivered), for n spread over all its writes; then the same command again, directly: it
    says the merge is done, and it is -- every face B's, A gone, B's user vector whole."""
    album = cloud_album
    album.split()
    endpoint = album.base[album.base.index("--endpoint-url") + 1]
    with GateProxy(endpoint) as gate:
        proc = album.run("merge", A, B, via=gate.url)
        assert _finished(proc)[0] == 0
        writes = list(gate.writes)
    album.assert_whole(B)
    points = sorted({round(1 + n * (len(writes) - 1) / (KILLS - 1)) for n in range(KILLS)}
                    | {writes.index("AssociateFaces") + 1})  # (where the vector was left short)
    for hold_at in points:
        album.split()
        with GateProxy(endpoint, hold_at) as gate:
            proc = album.run("merge", A, B, via=gate.url)
            deadline = time.monotonic() + 120
            while not gate.held.wait(0.05) and proc.poll() is None:
                assert time.monotonic() < deadline
            assert gate.held.is_set(), (hold_at, proc.communicate())  # it got that far
            proc.kill()
            proc.communicate(timeout=60)
        code, out, err = _finished(album.run("merge", A, B))
        assert code == 0, (hold_at, writes[hold_at - 1], err)
        album.assert_whole(B)
        assert f"merged into {B}: {len(album.halves[A])} face(s) moved" in out, (
            hold_at, writes[hold_at - 1], out, err)
