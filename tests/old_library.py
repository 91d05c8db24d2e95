"""A library as the previous version of the app (dlib's face engine) left it, made without dlib:
photos processed by today's engine, then the database put back into that version's schema and
content -- the faces table without its ``model_version`` column, items naming
``dlib-resnet-v1``, and dlib's tighter boxes (the inner face). The vectors stay SFace's: faces of
the two engines would match if they were ever compared, so a test can see that they are not."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

DLIB = "dlib-resnet-v1"
FAR_AWAY = {"Width": 0.05, "Height": 0.05, "Left": 0.0, "Top": 0.0}


def dlib_box(box: dict) -> dict:
    """Where dlib's HOG detector boxes a face YuNet boxed: the inner 80 %, a little lower."""
    return {"Width": round(box["Width"] * 0.8, 6), "Height": round(box["Height"] * 0.8, 6),
            "Left": round(box["Left"] + box["Width"] * 0.1, 6),
            "Top": round(box["Top"] + box["Height"] * 0.15, 6)}


def age_library(root: Path, missed: set[str] = frozenset(),
                elsewhere: set[str] = frozenset()) -> None:
    """Turn the (closed) library at ``root`` into what the dlib version wrote. ``missed``:
    FaceIds that engine did not find; ``elsewhere``: FaceIds it boxed far from the face."""

    def aged(data: dict) -> dict:
        records = []
        for record in data["FaceRecords"]:
            face_id = record["Face"]["FaceId"]
            if face_id in missed:
                continue
            box = FAR_AWAY if face_id in elsewhere else dlib_box(record["Face"]["BoundingBox"])
            record["Face"]["BoundingBox"] = record["FaceDetail"]["BoundingBox"] = box
            records.append(record)
        return {**data, "FaceRecords": records, "FaceModelVersion": DLIB}

    conn = sqlite3.connect(root / "finpics.sqlite3", isolation_level=None)
    conn.execute("BEGIN")
    for primarykey, sortkey, text in conn.execute(
            "SELECT primarykey, sortkey, item FROM pics WHERE primarykey != '/'").fetchall():
        item = json.loads(text)
        item["data"] = aged(item["data"])
        conn.execute("UPDATE pics SET item = ? WHERE primarykey = ? AND sortkey = ?",
                     (json.dumps(item), primarykey, sortkey))
    for image_id, text in conn.execute("SELECT image_id, item FROM pics_by_image_id").fetchall():
        item = json.loads(text)
        item["data"] = aged(item["data"])
        if item["data"]["FaceRecords"]:
            conn.execute("UPDATE pics_by_image_id SET item = ? WHERE image_id = ?",
                         (json.dumps(item), image_id))
        else:  # no face found: no pics_by_image_id item (the contract)
            conn.execute("DELETE FROM pics_by_image_id WHERE image_id = ?", (image_id,))
    for face_id, text in conn.execute("SELECT face_id, face FROM faces").fetchall():
        face = json.loads(text)
        if face_id in missed:
            conn.execute("DELETE FROM faces WHERE face_id = ?", (face_id,))
            continue
        face["BoundingBox"] = FAR_AWAY if face_id in elsewhere else dlib_box(face["BoundingBox"])
        conn.execute("UPDATE faces SET face = ? WHERE face_id = ?", (json.dumps(face), face_id))
    conn.execute("ALTER TABLE faces DROP COLUMN model_version")  # the schema of then
    conn.execute("DROP TABLE notices")
    conn.execute("COMMIT")
    conn.close()
