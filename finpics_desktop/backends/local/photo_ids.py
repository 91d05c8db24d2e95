"""Which photo item lists each ImageId, and each image item's path: two small tables SQLite
keeps itself (triggers on ``pics`` and ``pics_by_image_id``, so every writer's rows are seen,
in the writer's own transaction), so that where thousands of faces are in the album is one join
on keys -- no item's JSON is parsed to answer it (``people`` at 50,000 named faces).

A library made before these tables gets them filled once from the items when it is next opened
where it can be written; a read-only one without them is read the slow way (the callers get
None)."""

# ruff: noqa: S608 - the statements are made of this module's constants only, no value
from __future__ import annotations

from finpics_desktop.backends.local import kept_tables

_FACE_IMAGE_IDS = (  # the ImageIds a photo item lists (its faces'), valid JSON only
    "SELECT DISTINCT json_extract(f.value, '$.Face.ImageId'), {row}.primarykey, {row}.sortkey "
    "FROM json_each(CASE WHEN json_valid({row}.item) THEN {row}.item ELSE '{{}}' END, "
    "'$.data.FaceRecords') AS f WHERE f.type = 'object' "
    "AND json_extract(f.value, '$.Face.ImageId') IS NOT NULL")
FACE = "face"  # the private store's records of named faces (pipeline/people/records.py)
_NAMED = ("SELECT {row}.sk, json_extract(d, '$.person'), json_extract(d, '$.similarity'), "
          "json_extract(d, '$.at') FROM (SELECT CASE WHEN json_valid({row}.doc) THEN {row}.doc "
          "ELSE '{{}}' END AS d)")
_IMAGE_PATH = ("CASE WHEN json_valid({row}.item) THEN json_extract({row}.item, '$.image_path') "
               "END")

STATEMENTS = [
    "CREATE TABLE IF NOT EXISTS pics_image_ids (image_id TEXT NOT NULL, primarykey TEXT NOT "
    "NULL, sortkey TEXT NOT NULL, PRIMARY KEY (image_id, primarykey, sortkey)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS pics_image_ids_by_photo ON pics_image_ids (primarykey, sortkey)",
    "CREATE INDEX IF NOT EXISTS faces_image_ids ON faces (face_id, collection, image_id)",
    "CREATE TABLE IF NOT EXISTS image_paths (image_id TEXT PRIMARY KEY, image_path TEXT) "
    "WITHOUT ROWID",
    # (INSERT OR REPLACE deletes the row it replaces without a DELETE trigger: an insert first
    # forgets what the key listed before)
    "CREATE TRIGGER IF NOT EXISTS pics_image_ids_insert AFTER INSERT ON pics BEGIN "
    "DELETE FROM pics_image_ids WHERE primarykey = NEW.primarykey AND sortkey = NEW.sortkey; "
    f"INSERT OR IGNORE INTO pics_image_ids {_FACE_IMAGE_IDS.format(row='NEW')}; END",
    "CREATE TRIGGER IF NOT EXISTS pics_image_ids_update AFTER UPDATE ON pics BEGIN "
    "DELETE FROM pics_image_ids WHERE primarykey = OLD.primarykey AND sortkey = OLD.sortkey; "
    "DELETE FROM pics_image_ids WHERE primarykey = NEW.primarykey AND sortkey = NEW.sortkey; "
    f"INSERT OR IGNORE INTO pics_image_ids {_FACE_IMAGE_IDS.format(row='NEW')}; END",
    "CREATE TRIGGER IF NOT EXISTS pics_image_ids_delete AFTER DELETE ON pics BEGIN "
    "DELETE FROM pics_image_ids WHERE primarykey = OLD.primarykey AND sortkey = OLD.sortkey; "
    "END",
    "CREATE TRIGGER IF NOT EXISTS image_paths_insert AFTER INSERT ON pics_by_image_id BEGIN "
    "INSERT OR REPLACE INTO image_paths VALUES "
    f"(NEW.image_id, {_IMAGE_PATH.format(row='NEW')}); END",
    "CREATE TRIGGER IF NOT EXISTS image_paths_update AFTER UPDATE ON pics_by_image_id BEGIN "
    "DELETE FROM image_paths WHERE image_id = OLD.image_id; "
    "INSERT OR REPLACE INTO image_paths VALUES "
    f"(NEW.image_id, {_IMAGE_PATH.format(row='NEW')}); END",
    "CREATE TRIGGER IF NOT EXISTS image_paths_delete AFTER DELETE ON pics_by_image_id BEGIN "
    "DELETE FROM image_paths WHERE image_id = OLD.image_id; END",
    # the named faces' person, similarity and time (the private store's ``face`` records,
    # pipeline/people/records.py), so that listing people parses none of 50,000 documents
    "CREATE TABLE IF NOT EXISTS named_faces (face_id TEXT PRIMARY KEY, person TEXT, "
    "similarity REAL, at REAL) WITHOUT ROWID",
    "CREATE TRIGGER IF NOT EXISTS named_faces_insert AFTER INSERT ON private "
    f"WHEN NEW.pk = '{FACE}' BEGIN INSERT OR REPLACE INTO named_faces {_NAMED.format(row='NEW')}"
    "; END",
    "CREATE TRIGGER IF NOT EXISTS named_faces_update AFTER UPDATE ON private BEGIN "
    f"DELETE FROM named_faces WHERE OLD.pk = '{FACE}' AND face_id = OLD.sk; "
    f"INSERT OR REPLACE INTO named_faces {_NAMED.format(row='NEW')} "
    f"WHERE NEW.pk = '{FACE}'; END",
    "CREATE TRIGGER IF NOT EXISTS named_faces_delete AFTER DELETE ON private "
    f"WHEN OLD.pk = '{FACE}' BEGIN DELETE FROM named_faces WHERE face_id = OLD.sk; END",
]
NAMES = kept_tables.names(STATEMENTS)
FILL = [  # a library made before the tables: filled once from the items
    f"INSERT OR IGNORE INTO pics_image_ids {_FACE_IMAGE_IDS.format(row='p')} ".replace(
        "FROM json_each", "FROM pics AS p, json_each"),
    "INSERT OR REPLACE INTO image_paths SELECT i.image_id, "
    f"{_IMAGE_PATH.format(row='i')} FROM pics_by_image_id AS i",
    "INSERT OR REPLACE INTO named_faces SELECT sk, json_extract(d, '$.person'), "
    "json_extract(d, '$.similarity'), json_extract(d, '$.at') FROM (SELECT sk, CASE WHEN "
    f"json_valid(doc) THEN doc ELSE '{{}}' END AS d FROM private WHERE pk = '{FACE}')",
]


def create(db) -> None:
    """Inside the schema's transaction: the tables and triggers, filled if they are new."""
    kept_tables.create(db, "named_faces", STATEMENTS, FILL)


_LOCATED = (  # (CROSS JOIN: in this order, each by its key; the faces' ids and ImageIds are
    #           read from the covering index, not from the rows, which hold the vectors)
    "SELECT n.face_id, f.image_id, i.image_path, n.person, n.similarity, n.at "
    "FROM named_faces AS n "
    "CROSS JOIN faces AS f INDEXED BY faces_image_ids ON f.face_id = n.face_id "
    "AND f.collection = ? "
    "CROSS JOIN image_paths AS i ON i.image_id = f.image_id "
    "CROSS JOIN pics_image_ids AS p ON p.image_id = f.image_id "
    "AND p.primarykey = substr(i.image_path, 1, instr(i.image_path, '/') - 1) "
    "AND p.sortkey = substr(i.image_path, instr(i.image_path, '/') + 1) "
    "WHERE instr(i.image_path, '/') > 0 ORDER BY n.face_id")
TABLES = ("pics_image_ids", "image_paths", "faces_image_ids", "named_faces")


def named_located(db, collection: str) -> list[tuple] | None:
    """The named faces (the private store's ``face`` records) that are faces of ``collection``
    in a photo of the album -- indexed, their image item there with a path, the photo item at
    that path listing their ImageId: ``(FaceId, ImageId, photo path, person, similarity,
    at)``. None on a library without the tables (read-only, of an older version)."""
    return db.query(_LOCATED, (collection,)) if kept_tables.there(db, *TABLES) else None


def named_ids(db) -> set[str] | None:
    """The named faces' ids (the private store's ``face`` records' keys); None on a library
    without the table."""
    if not kept_tables.there(db, "named_faces"):
        return None
    # one row, split: tens of thousands of rows handed to Python one by one took twice as long
    # (a face id never holds the unit separator)
    [(joined,)] = db.query("SELECT group_concat(face_id, char(31)) FROM named_faces")
    return set(joined.split("\x1f")) if joined else set()
