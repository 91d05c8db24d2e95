"""Tables port on SQLite: the contract's items stored as the same JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator

from finpics_desktop.backends.local import photo_faces
from finpics_desktop.backends.local.db import Database
from finpics_desktop.domain.items import Item, picset_item, run_mark
from finpics_desktop.domain.picsets import PICSET_ROOT

BATCH_LIMIT = 100
_PHOTO_IMAGE_IDS = (  # the ImageIds of the faces of the photos at the keys (VALUES %s)
    "SELECT p.primarykey, p.sortkey, json_extract(f.value, '$.Face.ImageId') "
    "FROM (VALUES %s) AS k JOIN pics AS p ON p.primarykey = k.column1 AND p.sortkey = k.column2, "
    "json_each(p.item, '$.data.FaceRecords') AS f")
_IMAGE_FACES = (  # the path of the image items at the ImageIds (IN %s), and their faces
    "SELECT i.image_id, json_extract(i.item, '$.image_path'), "
    "json_extract(f.value, '$.Face.FaceId'), "
    "json_extract(f.value, '$.Face.BoundingBox.Left'), "
    "json_extract(f.value, '$.Face.BoundingBox.Top'), "
    "json_extract(f.value, '$.Face.BoundingBox.Width'), "
    "json_extract(f.value, '$.Face.BoundingBox.Height'), "
    "json_extract(f.value, '$.FaceDetail.Quality.Sharpness') "
    "FROM pics_by_image_id AS i LEFT JOIN json_each(i.item, '$.data.FaceRecords') AS f "
    "WHERE i.image_id IN (%s) ORDER BY i.image_id, f.key")

_PHOTO_FACE_IDS = (  # the faces' (FaceId, ImageId) of a picset's photos, by name
    "SELECT p.sortkey, json_extract(f.value, '$.Face.FaceId'), "
    "json_extract(f.value, '$.Face.ImageId') FROM pics AS p "
    "LEFT JOIN json_each(p.item, '$.data.FaceRecords') AS f WHERE p.primarykey = ? "
    "ORDER BY p.sortkey, f.key")


class SqliteTables:
    def __init__(self, db: Database):
        self.db = db
        self._kept: bool | None = None  # whether photo_faces is there (asked once)

    def get_pics_item(self, primarykey: str, sortkey: str) -> Item | None:
        rows = self.db.query(
            "SELECT item FROM pics WHERE primarykey = ? AND sortkey = ?", (primarykey, sortkey))
        return json.loads(rows[0][0]) if rows else None

    def query_pics(self, primarykey: str, descending: bool = False) -> list[Item]:
        order = "DESC" if descending else "ASC"
        rows = self.db.query(
            f"SELECT item FROM pics WHERE primarykey = ? ORDER BY sortkey {order}",  # noqa: S608
            (primarykey,))
        return [json.loads(r[0]) for r in rows]

    def count_pics(self, primarykey: str) -> int:
        rows = self.db.query("SELECT COUNT(*) FROM pics WHERE primarykey = ?", (primarykey,))
        return rows[0][0]

    def put_pics_item(self, item: Item) -> None:
        with self.db.transaction() as db:
            db.execute("INSERT OR REPLACE INTO pics VALUES (?, ?, ?)",
                       (item["primarykey"], item["sortkey"], json.dumps(item)))

    def put_pics_item_if_unchanged(self, item: Item, previous: Item | None) -> bool:
        with self.db.transaction() as db:
            row = db.execute("SELECT item FROM pics WHERE primarykey = ? AND sortkey = ?",
                             (item["primarykey"], item["sortkey"])).fetchone()
            if run_mark(json.loads(row[0]) if row else None) != run_mark(previous):
                return False
            db.execute("INSERT OR REPLACE INTO pics VALUES (?, ?, ?)",
                       (item["primarykey"], item["sortkey"], json.dumps(item)))
            return True

    def set_picset_cover_if_absent(self, picset: str, pic: str) -> bool:
        with self.db.transaction() as db:
            row = db.execute("SELECT item FROM pics WHERE primarykey = ? AND sortkey = ?",
                             (PICSET_ROOT, picset)).fetchone()
            item = json.loads(row[0]) if row else picset_item(picset)
            if "pic" in item:
                return False
            item["pic"] = pic
            db.execute("INSERT OR REPLACE INTO pics VALUES (?, ?, ?)",
                       (PICSET_ROOT, picset, json.dumps(item)))
            return True

    def set_picset_cover(self, picset: str, pic: str | None) -> None:
        with self.db.transaction() as db:
            row = db.execute("SELECT item FROM pics WHERE primarykey = ? AND sortkey = ?",
                             (PICSET_ROOT, picset)).fetchone()
            item = json.loads(row[0]) if row else picset_item(picset)
            item.pop("pic", None)
            if pic is not None:
                item["pic"] = pic
            db.execute("INSERT OR REPLACE INTO pics VALUES (?, ?, ?)",
                       (PICSET_ROOT, picset, json.dumps(item)))

    def delete_pics_item(self, primarykey: str, sortkey: str) -> None:
        with self.db.transaction() as db:
            db.execute("DELETE FROM pics WHERE primarykey = ? AND sortkey = ?",
                       (primarykey, sortkey))

    def replace_picset_cover(self, picset: str, pic: str, expected: str | None) -> bool:
        with self.db.transaction() as db:
            if not _row(db, picset, pic):
                return False
            row = _row(db, PICSET_ROOT, picset)
            item = json.loads(row[0]) if row else picset_item(picset)
            if item.get("pic") != expected:
                return False
            item["pic"] = pic
            db.execute("INSERT OR REPLACE INTO pics VALUES (?, ?, ?)",
                       (PICSET_ROOT, picset, json.dumps(item)))
            return True

    def delete_photo_unless_cover(self, picset: str, name: str) -> bool:
        with self.db.transaction() as db:
            row = _row(db, PICSET_ROOT, picset)
            if row and json.loads(row[0]).get("pic") == name:
                return False
            db.execute("DELETE FROM pics WHERE primarykey = ? AND sortkey = ?", (picset, name))
            return True

    def delete_picset_entry_if(self, picset: str, pic: str | None) -> bool:
        with self.db.transaction() as db:
            row = _row(db, PICSET_ROOT, picset)
            if row and json.loads(row[0]).get("pic") != pic:
                return False
            db.execute("DELETE FROM pics WHERE primarykey = ? AND sortkey = ?",
                       (PICSET_ROOT, picset))
            return True

    def put_image_item(self, item: Item) -> None:
        with self.db.transaction() as db:
            db.execute("INSERT OR REPLACE INTO pics_by_image_id VALUES (?, ?)",
                       (item["image_id"], json.dumps(item)))

    def get_image_item(self, image_id: str) -> Item | None:
        rows = self.db.query("SELECT item FROM pics_by_image_id WHERE image_id = ?", (image_id,))
        return json.loads(rows[0][0]) if rows else None

    def batch_get_pics_items(self, keys: list[tuple[str, str]]
                             ) -> tuple[list[Item], list[tuple[str, str]]]:
        if len(keys) > BATCH_LIMIT:
            raise ValueError(f"at most {BATCH_LIMIT} keys per batch, got {len(keys)}")
        if not keys:
            return [], []
        wanted = list(dict.fromkeys(keys))  # one query for the batch, as one BatchGetItem
        marks = ",".join("(?, ?)" for _ in wanted)
        rows = self.db.query(  # a join, so that each key is looked up in the primary key
            f"SELECT p.item FROM (VALUES {marks}) AS k JOIN pics AS p "  # noqa: S608
            "ON p.primarykey = k.column1 AND p.sortkey = k.column2",
            tuple(v for key in wanted for v in key))
        return [json.loads(r[0]) for r in rows], []

    def batch_photo_image_ids(self, keys: list[tuple[str, str]]
                              ) -> dict[tuple[str, str], set[str]]:
        """The ImageIds of the faces of these photos of ``pics``, by (picset, name), read by
        SQLite from the stored JSON (the rest of each item is not parsed); any number of keys.
        A photo not there, or with no face, is left out."""
        found: dict[tuple[str, str], set[str]] = {}
        wanted = list(dict.fromkeys(keys))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            marks = ",".join("(?, ?)" for _ in chunk)
            query = (_PHOTO_IMAGE_IDS % marks)  # (the marks only: no value in the text)
            for picset, name, image_id in self.db.query(
                    query, tuple(v for key in chunk for v in key)):
                found.setdefault((picset, name), set()).add(image_id or "")
        return found

    def image_faces(self, image_ids: list[str]) -> dict[str, tuple[str, list[tuple]]]:
        """The image items of ``image_ids`` read by SQLite: each one's ``image_path`` and its
        faces (FaceId, box's Left, Top, Width, Height, sharpness), in the item's order; for
        thousands of photos at once (``pipeline/functions/album_faces.py``)."""
        found: dict[str, tuple[str, list[tuple]]] = {}
        wanted = list(dict.fromkeys(image_ids))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            query = _IMAGE_FACES % ",".join("?" * len(chunk))  # (the marks only)
            for image_id, path, *face in self.db.query(query, tuple(chunk)):
                faces = found.setdefault(image_id, (str(path or ""), []))[1]
                if face[0] is not None:
                    faces.append(tuple(face))
        return found

    def batch_get_image_items(self, image_ids: list[str]) -> tuple[list[Item], list[str]]:
        if len(image_ids) > BATCH_LIMIT:
            raise ValueError(f"at most {BATCH_LIMIT} keys per batch, got {len(image_ids)}")
        if not image_ids:
            return [], []
        marks = ",".join("?" * len(image_ids))
        rows = self.db.query(
            f"SELECT item FROM pics_by_image_id WHERE image_id IN ({marks})",  # noqa: S608
            tuple(image_ids))
        return [json.loads(r[0]) for r in rows], []

    def delete_image_item(self, image_id: str) -> None:
        with self.db.transaction() as db:
            db.execute("DELETE FROM pics_by_image_id WHERE image_id = ?", (image_id,))

    def photo_face_ids(self, picset: str) -> list[tuple[str, list[tuple[str, str]]]]:
        """The picset's photos by name, each with its faces' (FaceId, ImageId): from the faces
        SQLite keeps beside the items (:mod:`photo_faces`), or read by SQLite from the stored
        JSON where a read-only library of an older version has none (the rest of each item is
        not parsed)."""
        found: dict[str, list[tuple[str, str]]] = {}
        query = photo_faces.PHOTO_FACE_IDS if self._faces_kept() else _PHOTO_FACE_IDS
        for name, face_id, image_id in self.db.query(query, (picset,)):
            faces = found.setdefault(name, [])
            if face_id is not None:
                faces.append((face_id, image_id or ""))
        return list(found.items())

    def _faces_kept(self) -> bool:
        if self._kept is None:
            self._kept = photo_faces.kept(self.db)
        return self._kept

    def image_paths_of(self, image_ids: list[str]) -> dict[str, str]:
        """The ``image_path`` of each of these image items (those there), the rest of each item
        not parsed; any number of ids."""
        found: dict[str, str] = {}
        wanted = list(dict.fromkeys(image_ids))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(self.db.query(
                "SELECT image_id, json_extract(item, '$.image_path') FROM "  # noqa: S608
                f"pics_by_image_id WHERE image_id IN ({marks})", tuple(chunk)))
        return found

    def scan_image_paths(self) -> Iterator[tuple[str, str]]:
        """Every image item's (ImageId, image_path), the rest of each item not parsed: from the
        paths SQLite keeps beside the items (:mod:`photo_ids`), or from the items where a
        read-only library of an older version has none."""
        if self.db.query("SELECT 1 FROM sqlite_master WHERE name = 'image_paths'"):
            yield from self.db.query("SELECT image_id, image_path FROM image_paths "
                                     "ORDER BY image_id")
            return
        yield from self.db.query("SELECT image_id, json_extract(item, '$.image_path') FROM "
                                 "pics_by_image_id ORDER BY image_id")

    def scan_image_items(self) -> Iterator[Item]:
        for (item,) in self.db.query("SELECT item FROM pics_by_image_id ORDER BY image_id"):
            yield json.loads(item)


def _row(db, primarykey: str, sortkey: str):
    return db.execute("SELECT item FROM pics WHERE primarykey = ? AND sortkey = ?",
                      (primarykey, sortkey)).fetchone()
