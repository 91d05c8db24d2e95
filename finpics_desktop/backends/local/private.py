"""The private store on the library's SQLite file: the curator's records, with versions."""

from __future__ import annotations

import json
from collections.abc import Sequence

from finpics_desktop.backends.local import photo_ids
from finpics_desktop.backends.local.db import Database
from finpics_desktop.backends.local.photo_ids import FACE
from finpics_desktop.domain.errors import WriteConflict
from finpics_desktop.ports import PrivateDoc


class SqlitePrivateStore:
    def __init__(self, db: Database):
        self.db = db

    def _read(self, sql: str, params: tuple) -> list[tuple]:
        """A read; nothing from a read-only library of a version before the private store
        (it has no such table, and no records)."""
        if not self.db.query("SELECT 1 FROM sqlite_master WHERE name = 'private'"):
            return []
        return self.db.query(sql, params)

    def get(self, pk: str, sk: str) -> PrivateDoc | None:
        rows = self._read("SELECT doc, version FROM private WHERE pk = ? AND sk = ?", (pk, sk))
        return PrivateDoc(pk, sk, json.loads(rows[0][0]), rows[0][1]) if rows else None

    def put(self, pk: str, sk: str, doc: dict, *, if_version: int | None = None) -> int:
        with self.db.transaction() as db:
            row = db.execute("SELECT version FROM private WHERE pk = ? AND sk = ?",
                             (pk, sk)).fetchone()
            current = row[0] if row else 0
            _expect(pk, sk, current, if_version)
            db.execute("INSERT OR REPLACE INTO private VALUES (?, ?, ?, ?)",
                       (pk, sk, json.dumps(doc), current + 1))
        return current + 1

    def delete(self, pk: str, sk: str, *, if_version: int | None = None) -> None:
        with self.db.transaction() as db:
            row = db.execute("SELECT version FROM private WHERE pk = ? AND sk = ?",
                             (pk, sk)).fetchone()
            _expect(pk, sk, row[0] if row else 0, if_version)
            db.execute("DELETE FROM private WHERE pk = ? AND sk = ?", (pk, sk))

    def query(self, pk: str, prefix: str = "") -> list[PrivateDoc]:
        rows = self._read(
            "SELECT sk, doc, version FROM private WHERE pk = ? AND substr(sk, 1, ?) = ? "
            "ORDER BY sk", (pk, len(prefix), prefix))
        return [PrivateDoc(pk, sk, json.loads(doc), version) for sk, doc, version in rows]


    def keys(self, pk: str, prefix: str = "") -> list[str]:
        """The sort keys :meth:`query` would give, the documents not read."""
        return [sk for (sk,) in self._read(
            "SELECT sk FROM private WHERE pk = ? AND substr(sk, 1, ?) = ? ORDER BY sk",
            (pk, len(prefix), prefix))]

    # -- the named faces, by what SQLite keeps beside them (backends/local/photo_ids.py) -------
    def named_ids(self) -> set[str] | None:
        """Every named face's id (the ``face`` records'), their documents not read; None on a
        read-only library of a version without the table kept."""
        if not self._kept():
            return None
        return photo_ids.named_ids(self.db)

    def named_among(self, face_ids: Sequence[str]) -> set[str] | None:
        """Those of ``face_ids`` that are named (looked up by key: a few hundred of the tens of
        thousands); None as :meth:`named_ids`."""
        if not self._kept():
            return None
        found: set[str] = set()
        for start in range(0, len(face_ids), 500):
            part = face_ids[start:start + 500]
            marks = ",".join("?" * len(part))
            found.update(f for (f,) in self.db.query(
                f"SELECT face_id FROM named_faces WHERE face_id IN ({marks})",  # noqa: S608
                tuple(part)))
        return found

    def named_of(self, person: str) -> list[PrivateDoc] | None:
        """The ``face`` records of ``person``'s named faces (by the index on the person kept
        beside them: a few hundred read, not every one); None as :meth:`named_ids`."""
        if not self._kept():
            return None
        rows = self.db.query(
            "SELECT p.sk, p.doc, p.version FROM named_faces AS n INDEXED BY "
            "named_faces_by_person CROSS JOIN private AS p ON p.pk = ? AND p.sk = n.face_id "
            "WHERE n.person = ? ORDER BY p.sk", (FACE, person))
        return [PrivateDoc(FACE, sk, json.loads(doc), version) for sk, doc, version in rows]

    def _kept(self) -> bool:
        return len(self.db.query("SELECT name FROM sqlite_master WHERE name IN "
                                 "('named_faces', 'named_faces_by_person')")) == 2


def _expect(pk: str, sk: str, current: int, wanted: int | None) -> None:
    if wanted is not None and current != wanted:
        raise WriteConflict(f"{pk}/{sk} was changed by someone else meanwhile (version "
                            f"{current}, not {wanted})")
