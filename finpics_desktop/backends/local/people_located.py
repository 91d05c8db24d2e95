"""Each named face that is in a photo of the album, with its person and its photo: one table
SQLite keeps itself (``named_located``), so that *People* -- how many faces and photos each
person has, and the face shown for them -- is read from ~500 groups of an index, not from a
join of 50,000 named faces over the faces, the image items and the photos each time.

A row is what :func:`~.photo_ids.named_located` would list for the face: the named face
(``named_faces``, the private store's ``face`` record), its face in the index (``faces``: its
ImageId), that ImageId's image item with a path (``image_paths``), and the photo item at that
path listing the ImageId (``pics_image_ids``). Triggers on each of those four tables refresh the
rows they touch in the writer's own transaction -- whoever writes (this process, another one,
plain SQL): a naming refreshes its face; a face indexed, re-indexed or removed, its face; an
image item or a photo item written, the faces of its ImageIds. The tables they read are kept by
triggers too (:mod:`~.photo_ids`): SQLite runs the nested triggers in the same statement.

A library made before the table gets it filled once from those tables when it is next opened
where it can be written; a read-only one without it is listed the long way (callers get None).
"""

# ruff: noqa: S608 - the statements are made of this module's constants only, no value
from __future__ import annotations

from collections.abc import Sequence

from finpics_desktop.backends.local import kept_tables

TABLE = "named_located"
_SELECT = (  # the rows of the named faces chosen by {where} that are in a photo of the album
    "SELECT n.face_id, n.person, coalesce(n.similarity, 0.0), coalesce(n.at, 0.0), "
    "f.collection, f.image_id, i.image_path "
    "FROM {first} "
    "CROSS JOIN image_paths AS i ON i.image_id = f.image_id "
    "CROSS JOIN pics_image_ids AS p ON p.image_id = f.image_id "
    "AND p.primarykey = substr(i.image_path, 1, instr(i.image_path, '/') - 1) "
    "AND p.sortkey = substr(i.image_path, instr(i.image_path, '/') + 1) "
    "WHERE instr(i.image_path, '/') > 0 AND n.person IS NOT NULL AND n.person != '' {where}")
_BY_FACE = "named_faces AS n CROSS JOIN faces AS f ON f.face_id = n.face_id"
_BY_IMAGE = "faces AS f CROSS JOIN named_faces AS n ON n.face_id = f.face_id"


def _face(row: str) -> str:
    """A trigger's statements refreshing the face ``row``.face_id."""
    return (f"DELETE FROM {TABLE} WHERE face_id = {row}.face_id; "
            f"INSERT OR REPLACE INTO {TABLE} "
            + _SELECT.format(first=_BY_FACE, where=f"AND n.face_id = {row}.face_id") + "; ")


def _image(row: str) -> str:
    """A trigger's statements refreshing the named faces of the ImageId ``row``.image_id."""
    return (f"DELETE FROM {TABLE} WHERE image_id = {row}.image_id; "
            f"INSERT OR REPLACE INTO {TABLE} "
            + _SELECT.format(first=_BY_IMAGE, where=f"AND f.image_id = {row}.image_id") + "; ")


def _trigger(name: str, event: str, table: str, body: str, when: str = "") -> str:
    return (f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON {table}"
            f"{' WHEN ' + when if when else ''} BEGIN {body}END")


_NAMED = "EXISTS (SELECT 1 FROM named_faces WHERE face_id = {row}.face_id)"
STATEMENTS = [
    f"CREATE TABLE IF NOT EXISTS {TABLE} (face_id TEXT PRIMARY KEY, person TEXT NOT NULL, "
    "similarity REAL NOT NULL, at REAL NOT NULL, collection TEXT NOT NULL, "
    "image_id TEXT NOT NULL, photo TEXT NOT NULL) WITHOUT ROWID",
    # People: each person's rows by collection, their photos counted from the index alone,
    # their cover (the surest face, the earliest named of those) the first of its order
    f"CREATE INDEX IF NOT EXISTS {TABLE}_by_person ON {TABLE} (collection, person, photo)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_covers ON {TABLE} "
    "(collection, person, similarity DESC, at, face_id)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_by_image ON {TABLE} (image_id)",
    "CREATE INDEX IF NOT EXISTS faces_by_image_id ON faces (image_id)",
    "CREATE INDEX IF NOT EXISTS named_faces_by_person ON named_faces (person)",
    _trigger(f"{TABLE}_named_insert", "INSERT", "named_faces", _face("NEW")),
    _trigger(f"{TABLE}_named_update", "UPDATE", "named_faces",
             f"DELETE FROM {TABLE} WHERE face_id = OLD.face_id; " + _face("NEW")),
    _trigger(f"{TABLE}_named_delete", "DELETE", "named_faces",
             f"DELETE FROM {TABLE} WHERE face_id = OLD.face_id; "),
    # (a face nobody named costs one look-up: indexing 100,000 faces stays a bulk write)
    _trigger(f"{TABLE}_faces_insert", "INSERT", "faces", _face("NEW"),
             when=_NAMED.format(row="NEW")),
    _trigger(f"{TABLE}_faces_update", "UPDATE OF face_id, collection, image_id", "faces",
             f"DELETE FROM {TABLE} WHERE face_id = OLD.face_id; " + _face("NEW")),
    _trigger(f"{TABLE}_faces_delete", "DELETE", "faces",
             f"DELETE FROM {TABLE} WHERE face_id = OLD.face_id; "),
    *(_trigger(f"{TABLE}_{table}_{event.lower()}", event, table, _image(row))
      for table in ("image_paths", "pics_image_ids")
      for event, row in (("INSERT", "NEW"), ("DELETE", "OLD"))),
    _trigger(f"{TABLE}_image_paths_update", "UPDATE", "image_paths",
             _image("OLD") + _image("NEW")),
    _trigger(f"{TABLE}_pics_image_ids_update", "UPDATE", "pics_image_ids",
             _image("OLD") + _image("NEW")),
]
NAMES = kept_tables.names(STATEMENTS)
ALL = _SELECT.format(first=_BY_FACE, where="")  # every row, as the tables give it now
FILL = f"INSERT OR REPLACE INTO {TABLE} " + ALL


def create(db) -> None:
    """Inside the schema's transaction, after :func:`~.photo_ids.create` (the tables it reads):
    the table, its indexes and triggers, filled if it is new."""
    kept_tables.create(db, TABLE, STATEMENTS, [FILL])


_PEOPLE = (  # (the cover: the first row of the person's in the covers' order, by that index)
    f"SELECT g.person, g.faces, g.photos, c.face_id, c.image_id, c.photo FROM "
    f"(SELECT person, count(*) AS faces, count(DISTINCT photo) AS photos "
    f"FROM {TABLE} INDEXED BY {TABLE}_by_person WHERE collection = ?1 GROUP BY person) AS g "
    f"CROSS JOIN {TABLE} AS c ON c.face_id = (SELECT face_id FROM {TABLE} INDEXED BY "
    f"{TABLE}_covers WHERE collection = ?1 AND person = g.person "
    "ORDER BY similarity DESC, at, face_id LIMIT 1)")


def people(db, collection: str) -> list[tuple] | None:
    """Each person with a named face in a photo of the album (faces of ``collection``):
    ``(person, faces, photos, cover FaceId, its ImageId, its photo)``; None on a library
    without the table (read-only, of an older version)."""
    return db.query(_PEOPLE, (collection,)) if kept_tables.there(db, TABLE) else None


def photos_of(db, collection: str, person: str, photos: Sequence[str]) -> set[str] | None:
    """Those of ``photos`` (``<picset>/<file>``) where ``person`` has a named face."""
    if not kept_tables.there(db, TABLE):
        return None
    found: set[str] = set()
    wanted = list(dict.fromkeys(photos))
    for n in range(0, len(wanted), 500):
        chunk = wanted[n:n + 500]
        found.update(p for (p,) in db.query(
            f"SELECT DISTINCT photo FROM {TABLE} WHERE collection = ? AND person = ? AND "
            f"photo IN ({','.join('?' * len(chunk))})", (collection, person, *chunk)))
    return found
