"""Each photo item's faces (FaceId, ImageId, in the item's order), kept by SQLite beside the
items (``photo_faces``: triggers on ``pics``, so every writer's rows are seen, in the writer's
own transaction): ``check`` compares 100,000 photos' faces with the index without SQLite
parsing 100,000 items' JSON (:meth:`SqliteTables.photo_face_ids`).

Only what the item holds is kept: a face record that is not an object, or has no FaceId, is
left out (as the reading of the items leaves it out); an item that is not valid JSON lists no
face. A library made before the table gets it filled once from the items when it is next
opened where it can be written; a read-only one without it is read the slow way."""

# ruff: noqa: S608 - the statements are made of this module's constants only, no value
from __future__ import annotations

from finpics_desktop.backends.local import kept_tables

_FACES = (  # the faces an item lists, as rows of photo_faces
    "SELECT {row}.primarykey, {row}.sortkey, f.key, json_extract(f.value, '$.Face.FaceId'), "
    "json_extract(f.value, '$.Face.ImageId') "
    "FROM json_each(CASE WHEN json_valid({row}.item) THEN {row}.item ELSE '{{}}' END, "
    "'$.data.FaceRecords') AS f WHERE f.type = 'object' "
    "AND json_extract(f.value, '$.Face.FaceId') IS NOT NULL")
TABLE = "photo_faces"

STATEMENTS = [
    f"CREATE TABLE IF NOT EXISTS {TABLE} (primarykey TEXT NOT NULL, sortkey TEXT NOT NULL, "
    "n NOT NULL, face_id TEXT NOT NULL, image_id TEXT, PRIMARY KEY (primarykey, sortkey, n)) "
    "WITHOUT ROWID",
    # (INSERT OR REPLACE deletes the row it replaces without a DELETE trigger: an insert first
    # forgets what the key listed before)
    "CREATE TRIGGER IF NOT EXISTS photo_faces_insert AFTER INSERT ON pics BEGIN "
    f"DELETE FROM {TABLE} WHERE primarykey = NEW.primarykey AND sortkey = NEW.sortkey; "
    f"INSERT OR REPLACE INTO {TABLE} {_FACES.format(row='NEW')}; END",
    "CREATE TRIGGER IF NOT EXISTS photo_faces_update AFTER UPDATE ON pics BEGIN "
    f"DELETE FROM {TABLE} WHERE primarykey = OLD.primarykey AND sortkey = OLD.sortkey; "
    f"DELETE FROM {TABLE} WHERE primarykey = NEW.primarykey AND sortkey = NEW.sortkey; "
    f"INSERT OR REPLACE INTO {TABLE} {_FACES.format(row='NEW')}; END",
    "CREATE TRIGGER IF NOT EXISTS photo_faces_delete AFTER DELETE ON pics BEGIN "
    f"DELETE FROM {TABLE} WHERE primarykey = OLD.primarykey AND sortkey = OLD.sortkey; END",
]
NAMES = kept_tables.names(STATEMENTS)
_FILL = (f"INSERT OR REPLACE INTO {TABLE} {_FACES.format(row='p')}"
         .replace("FROM json_each", "FROM pics AS p, json_each"))

PHOTO_FACE_IDS = (  # a picset's photos by name, each with its faces (none: one row of NULLs)
    f"SELECT p.sortkey, f.face_id, f.image_id FROM pics AS p LEFT JOIN {TABLE} AS f "
    "ON f.primarykey = p.primarykey AND f.sortkey = p.sortkey WHERE p.primarykey = ? "
    "ORDER BY p.sortkey, f.n")


def create(db) -> None:
    """Inside the schema's transaction: the table and its triggers, filled if it is new."""
    kept_tables.create(db, TABLE, STATEMENTS, [_FILL])


def kept(db) -> bool:
    """Whether the library keeps the table (not a read-only one of an older version)."""
    return kept_tables.there(db, TABLE)
