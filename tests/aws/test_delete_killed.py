"""A ``delete`` SIGKILLed at each of its writes, in turn, on the library and on the local cloud
(the command line in a process of its own, killed just before its n-th write): meanwhile the
search (the cloud's search function too) and a person's page never show a photo that is not in
the album, and the next action of any kind -- the same delete, ``trash``, ``cover`` -- leaves the
trash whole: the photo is in the album and not in the trash, or in the trash and out of the
album, every image item gone with it, ``check`` clean."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from finpics_desktop.app import people
from finpics_desktop.pipeline.curation import Curation, list_trash, restore
from tests.aws.curation_helpers import (  # noqa: F401 (fixtures)
    OBAMA,
    album_fixture,
    ids_fixture,
    trashed_faces,
)

REPO = Path(__file__).resolve().parents[2]
NAME = "Barack Obama"


def _where(album) -> tuple[list[str], dict[str, str]]:
    """The command line's album options, and its environment."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    backend = album.backend
    if album.cloud is None:
        return ["--library", str(backend.library.folder)], env
    env.pop("AWS_PROFILE", None)
    env.update(AWS_ACCESS_KEY_ID=album.cloud.credentials["access_key_id"],
               AWS_SECRET_ACCESS_KEY=album.cloud.credentials["secret_access_key"])
    names = backend.names
    return ["--backend", "aws", "--endpoint-url", album.cloud.url, *(
        a for n in ("pics_bucket", "thumbs_bucket", "pics_table", "image_table",
                    "private_table", "collection", "search_function", "process_function")
        for a in ("--name", f"{n}={getattr(names, n)}"))], env


def _run(album, tmp_path, *command, kill_at: int = 0) -> tuple[int, str, str, int]:
    """The command (killed before its ``kill_at``-th write): exit code, stdout, stderr and how
    many writes it made (when it ran whole)."""
    options, env = _where(album)
    count = tmp_path / "writes"
    count.unlink(missing_ok=True)
    env.update(FINPICS_KILL_AT_WRITE=str(kill_at), FINPICS_WRITES_FILE=str(count))
    done = subprocess.run([sys.executable, "-m", "tests.kill_at_write", *options, *command],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    writes = int(count.read_text()) if count.exists() else 0
    return done.returncode, done.stdout, done.stderr, writes


def _shown(album, face: str) -> tuple[set[str], set[str]]:
    """What the search from ``face`` and the person's page show (``picset/file``)."""
    searched = {m.image_path for m in album.backend.search(face)}
    return searched, {m.image_path for m in people.person_photos(album.backend, NAME)}


def test_a_delete_killed_at_each_write_never_shows_a_photo_out_of_the_album(
        album, ids, tmp_path):
    a = ids[0]
    album.publish(a, *OBAMA)
    faces = album.photos(a)
    for name in ("obama1.jpg", "obama2.jpg"):
        people.name_face(album.backend, faces[name][0], NAME)
    gone, path = "obama2.jpg", f"{a}/obama2.jpg"
    seen_from = faces["obama3.jpg"][0]
    c = Curation(album.backend)

    def reset():
        for entry in list_trash(c):
            restore(c, entry.id)
        album.settle()
        assert album.photos(a) == faces

    code, _, err, writes = _run(album, tmp_path, "delete", path)
    assert code == 0 and writes > 6, err
    reset()
    nexts = [("delete", path), ("trash", "--json"), ("cover", a, "obama3.jpg")]
    for n in range(1, writes + 1):
        code, _, err, _ = _run(album, tmp_path, "delete", path, kill_at=n)
        assert code == -signal.SIGKILL, (n, err)
        in_album = album.backend.tables.get_pics_item(a, gone) is not None
        searched, person = _shown(album, seen_from)
        if not in_album:  # out of the album: nowhere to be seen, even half-deleted
            assert path not in searched and path not in person, (n, searched, person)
        command = nexts[n % len(nexts)]
        code, out, err, _ = _run(album, tmp_path, *command)
        assert code == 0, (n, command, err)
        in_album = album.backend.tables.get_pics_item(a, gone) is not None
        trash = list_trash(c)
        assert [e.what for e in trash] == ([] if in_album else [path]), (n, command, trash)
        if command[0] == "trash":  # what it printed is what the trash holds
            assert [e["what"] for e in json.loads(out)] == [e.what for e in trash]
        if command[0] == "delete":  # done now, or completed: never "there is no photo"
            assert not in_album, (n, err)
        album.assert_consistent(kept_faces=trashed_faces(album))
        searched, person = _shown(album, seen_from)
        expected = {f"{a}/obama1.jpg"} | ({path} if in_album else set())
        assert searched <= expected | {f"{a}/obama3.jpg"} and (path in searched) == in_album
        assert person == expected, (n, person)
        reset()
