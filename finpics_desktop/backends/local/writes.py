"""The library's count of writes: one number, kept in the database, that every write of what the
album holds moves on -- photos (``pics``, ``pics_by_image_id``), faces, people (``users``,
``user_faces``, the private store) -- whoever writes it (this process, another one, an older
version of the app: SQLite's triggers count, not the code). What is only *derived* from the
album and kept to save work (the similarity graph, the groups, the views listed: the private
store's partitions :data:`~finpics_desktop.pipeline.people.views_kept.DERIVED`) is not counted,
so keeping it does not make it stale.

A listing kept with the count it was made at is what the album shows while the count is the
same (:mod:`~finpics_desktop.pipeline.people.views_kept`): a new session opens it without
reading the album again.

A second count, :data:`PHOTO_TABLE`, moves on only with writes of the photos and the faces'
index (:data:`PHOTOS`), not of names: where each face is (its photo, box, sharpness), kept with
it (:mod:`~finpics_desktop.pipeline.people.locations_kept`), stays right across a naming."""

from __future__ import annotations

import sqlite3
from contextlib import suppress

from finpics_desktop.backends.local.db import Database
from finpics_desktop.domain.errors import StorageError
from finpics_desktop.pipeline.people.views_kept import DERIVED

TABLE = "album_writes"  # (written out in the statements)
PHOTO_TABLE = "album_photo_writes"
COUNTED = ("pics", "pics_by_image_id", "faces", "users", "user_faces", "private")
PHOTOS = ("pics", "pics_by_image_id", "faces")  # what where a face is is read from


def _triggers() -> list[tuple[str, str]]:
    derived = ", ".join(f"'{pk}'" for pk in DERIVED)
    found = []
    for counter, tables in ((TABLE, COUNTED), (PHOTO_TABLE, PHOTOS)):
        for table in tables:
            for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
                when = f" WHEN {row}.pk NOT IN ({derived})" if table == "private" else ""
                name = f"{counter}_{table}_{event.lower()}"
                bump = f"UPDATE {counter} SET n = n + 1"  # noqa: S608
                found.append((name, f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON "
                                    f"{table}{when} BEGIN {bump}; END"))
    return found


def install(db: Database) -> None:
    """The counts and their triggers, made once (opening a library that has them writes
    nothing; one that cannot be written now -- read-only, a full disk -- is left as it is: it
    has no count yet, and keeps no listing)."""
    triggers = _triggers()
    present = {name for (name,) in db.query(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")}
    if {TABLE, PHOTO_TABLE} <= present and all(name in present for name, _ in triggers):
        return
    with suppress(StorageError), db.transaction() as conn:
        for counter in (TABLE, PHOTO_TABLE):
            conn.execute(f"CREATE TABLE IF NOT EXISTS {counter} (n INTEGER NOT NULL)")
            if conn.execute(f"SELECT count(*) FROM {counter}").fetchone()[0] == 0:  # noqa: S608
                conn.execute(f"INSERT INTO {counter} VALUES (0)")  # noqa: S608
        for _, statement in triggers:
            conn.execute(statement)


def count(db: Database, counter: str = TABLE) -> int | None:
    """The count of writes now (``counter``: :data:`TABLE`, every write; :data:`PHOTO_TABLE`,
    those of photos and faces); None if the library has none (made read-only before it)."""
    try:
        rows = db.query(f"SELECT n FROM {counter}")  # noqa: S608
    except (StorageError, sqlite3.Error):
        return None
    return rows[0][0] if rows else None
