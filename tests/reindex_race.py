"""Real ``finpics-desktop`` processes against one album (a library's folder, or the local cloud
over HTTP): ``name`` commands started while ``reindex --all`` runs, at points spread over its
progress, and a ``reindex --all`` killed with SIGKILL after some photos then run again.

What every test using this asserts: a name the command acknowledged (exit 0, ``named ...``) is
on a face of the right person in that photo afterwards; a name command that could not name
says why in one line (no traceback); ``check`` finds nothing."""

from __future__ import annotations

import io
import os
import random
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from finpics_desktop.domain import items
from finpics_desktop.domain.picsets import PICSET_ROOT
from finpics_desktop.pipeline.check import check
from finpics_desktop.pipeline.people.naming import People

REPO = Path(__file__).resolve().parents[1]
# one face each, three people
PHOTOS = ["faces/obama/obama.jpg", "faces/obama/obama1.jpg", "faces/obama/obama2.jpg",
          "faces/obama/obama_small.jpg", "faces/biden/biden.jpg", "faces/biden/biden2.jpg",
          "faces/kit_harington/john1.jpeg", "faces/kit_harington/john2.jpeg",
          "faces/rose_leslie/img1.jpg", "faces/rose_leslie/img2.jpg"]
PICSETS = ("001_race", "002_race")  # PHOTOS in each: a re-index long enough to name during it
TIMEOUT = 120  # seconds any one command may take (it takes a few)


def person_of(rel: str) -> str:
    return rel.split("/")[1].replace("_", " ").title()


def publish_twice(backend, folder: Path, picsets: tuple[str, ...] = PICSETS) -> dict[str, str]:
    """The photos of ``folder`` (PHOTOS) published in each of ``picsets``: photo -> its
    person."""
    from finpics_desktop.pipeline.publish.upload import Publisher

    for picset in picsets:
        report = Publisher.for_backend(backend).publish([folder], picset)
        assert report.ok, report.summary()
    return {f"{picset}/{rel.rsplit('/', 1)[1]}": person_of(rel)
            for picset in picsets for rel in PHOTOS}


def padded(data: bytes) -> bytes:
    """The photo on a canvas half as large again, the photo at its bottom right: every box
    moves and shrinks, so that re-indexing it gives its face a new FaceId on the library too."""
    with Image.open(io.BytesIO(data)) as im:
        im = im.convert("RGB")
        canvas = Image.new("RGB", (im.width * 3 // 2, im.height * 3 // 2), (128, 128, 128))
        canvas.paste(im, (im.width // 2, im.height // 2))
    out = io.BytesIO()
    canvas.save(out, "JPEG", quality=92)
    return out.getvalue()


def photo_faces(backend) -> dict[str, list[str]]:
    """image path -> the FaceIds its item lists now."""
    return {f"{p['sortkey']}/{i['sortkey']}": items.face_ids(i["data"])
            for p in backend.tables.query_pics(PICSET_ROOT)
            for i in backend.tables.query_pics(p["sortkey"])}


def named_in(backend, photo: str) -> dict[str, str]:
    """FaceId -> the name of its person, for the faces of ``photo`` now."""
    people = People(backend)
    names = {p.id: p.name for p in people.people()}
    named = people.named()
    return {f: names.get(named[f].person, "?") for f in photo_faces(backend)[photo]
            if f in named}


@dataclass
class Naming:
    face: str
    photo: str
    person: str
    after_lines: int  # started once the reindex had printed that many lines
    code: int | None = None
    out: str = ""
    err: str = ""

    @property
    def acknowledged(self) -> bool:
        return self.code == 0


def command(base: list[str], *args: str, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "finpics_desktop", *base, *args], cwd=REPO,
                            text=True, **popen)


def plan(faces: dict[str, list[str]], person: dict[str, str], tag: str, count: int,
         rng: random.Random) -> list[Naming]:
    """A ``name`` for the face of ``count`` photos (``faces``: photo -> its FaceIds; ``person``:
    photo -> who), each started a little before ``reindex --all`` reaches its photo (it goes
    through them in order, two at a time, faster than a command starts), so that some land
    before, some while and some after their photo is re-indexed."""
    order = sorted(faces)
    chosen = sorted(rng.sample(range(len(order)), count))
    return [Naming(faces[order[n]][0], order[n], f"{person[order[n]]} {tag}",
                   max(0, n - rng.randrange(2, 12))) for n in chosen]


def race_round(base: list[str], env: dict, namings: list[Naming],
               total: int) -> tuple[list[Naming], int, list[str]]:
    """``reindex --all`` (of ``total`` photos), and each ``name FACE PERSON`` of ``namings``
    started once the reindex has printed that many progress lines (0: with it). The namings
    (done), the reindex's exit code and its lines."""
    reindex = command(base, "reindex", "--all", env=env, stdout=subprocess.DEVNULL,
                      stderr=subprocess.PIPE)
    running: dict[int, subprocess.Popen] = {}
    lines: list[str] = []

    def start_due(done: int) -> None:
        for n, naming in enumerate(namings):
            if n not in running and naming.after_lines <= done:
                running[n] = command(base, "name", naming.face, naming.person, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    try:
        start_due(0)
        for line in reindex.stderr:
            lines.append(line.rstrip("\n"))
            start_due(len(lines))
        start_due(total + 1)
        code = reindex.wait(timeout=TIMEOUT)
        for n, proc in running.items():
            namings[n].out, namings[n].err = proc.communicate(timeout=TIMEOUT)
            namings[n].code = proc.returncode
    finally:
        for proc in [reindex, *running.values()]:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        reindex.stderr.close()
    return namings, code, lines


def assert_names_kept(backend, namings: list[Naming]) -> None:
    """Each acknowledged name is on a face of its photo, of that person; a refused one said
    why in a sentence."""
    for naming in namings:
        if naming.acknowledged:
            assert "named" in naming.out, naming
            assert naming.person in named_in(backend, naming.photo).values(), (
                f"{naming.photo}: {naming.person!r} acknowledged (started after "
                f"{naming.after_lines} line(s) of the reindex) but lost; the photo's names "
                f"now: {named_in(backend, naming.photo)}")
        else:
            assert naming.code in (1, 3), naming
            assert "Traceback" not in naming.err and naming.err.startswith(
                "finpics-desktop: "), naming


def assert_clean(backend) -> None:
    found = check(backend).found
    assert found == [], [(p.kind, p.subject, p.detail) for p in found]


def run_killed(base: list[str], env: dict, kill_after: int) -> tuple[int, list[str]]:
    """``reindex --all`` killed (SIGKILL) once it printed ``kill_after`` progress lines (over
    every photo: ``--restart``, whatever a run killed before did)."""
    proc = command(base, "reindex", "--all", "--restart", env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)
    lines: list[str] = []
    try:
        for line in proc.stderr:
            lines.append(line.rstrip("\n"))
            if len(lines) >= kill_after:
                proc.send_signal(signal.SIGKILL)
                break
    finally:
        proc.stderr.close()
        code = proc.wait(timeout=TIMEOUT)
    return code, lines


def run(base: list[str], env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "finpics_desktop", *base, *args], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=TIMEOUT)


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "FINPICS_ENDPOINT"))}
    env.update(PYTHONUNBUFFERED="1", **extra)
    return env
