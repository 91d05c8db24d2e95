"""Opens an embedded library directory as a :class:`~finpics_desktop.ports.Backend`.

Layout of a library::

    <library>/buckets/<originals bucket>/photos/<picset>/<file>
    <library>/buckets/<thumbnails bucket>/photos/<picset>/<file>
    <library>/finpics.sqlite3      tables pics, pics_by_image_id, faces (vectors), objects
"""

from __future__ import annotations

import shlex
import sqlite3
from functools import partial
from pathlib import Path

from finpics_desktop.backends.local import writes
from finpics_desktop.backends.local.db import Database
from finpics_desktop.backends.local.engine import FaceEngine
from finpics_desktop.backends.local.faces import LocalFaceIndex
from finpics_desktop.backends.local.objects import FolderObjectStore
from finpics_desktop.backends.local.private import SqlitePrivateStore
from finpics_desktop.backends.local.tables import SqliteTables
from finpics_desktop.domain.errors import SETTINGS_GENERAL, Remedy, StorageError, StorageReadOnly
from finpics_desktop.domain.names import Names
from finpics_desktop.pipeline.functions.process import process_new_image
from finpics_desktop.pipeline.functions.search import search_faces
from finpics_desktop.pipeline.storage import (
    DAMAGED,
    keep_reserve,
    kind_of,
    move_aside,
    storage_error,
    writable,
)
from finpics_desktop.ports import Backend, LibraryHome

DB_NAME = "finpics.sqlite3"


def repair_hint(root: Path) -> str:
    """What to do about a damaged library database: the originals and thumbnails are the
    source of truth, so ``check --repair`` rebuilds it from them."""
    return (f"run `finpics-desktop --library {shlex.quote(str(root))} check --repair`: it moves "
            "the damaged file aside and rebuilds the database from the originals and "
            "thumbnails (every original is processed again; nothing published is lost)")


def damaged_database(root: Path) -> str | None:
    """Why the database of the library in ``root`` is damaged (SQLite's ``quick_check``, or
    the error opening it), or None if it is sound or missing."""
    path = Path(root).expanduser() / DB_NAME
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as e:
        return str(e) if kind_of(e) == DAMAGED else None
    problems = [str(r[0]) for r in rows if r[0] != "ok"]
    return "; ".join(problems[:3]) or None


def set_aside(root: Path) -> Path:
    """Move the library's database aside (``finpics.sqlite3.damaged-<date>``); the next open
    makes an empty one, which ``check --repair`` fills from the originals and thumbnails."""
    return move_aside(Path(root).expanduser() / DB_NAME)


def _another(command: str) -> Remedy:
    """Another library folder: on the command line as ``command`` says, in the window in
    Settings (used from the next start)."""
    return Remedy(command, "choose another library folder in Settings", SETTINGS_GENERAL)


def prepare_folder(root: Path) -> bool:
    """Make sure ``root`` can hold a library; True if it can only be read. Raises a
    :class:`StorageError` naming the folder and what to do."""
    if root.exists() and not root.is_dir():
        raise StorageError(f"the library {root} is a file, not a folder", remedy=_another(
            "give --library (or $FINPICS_LIBRARY) a folder, a new one is made if it does not "
            "exist"))
    if not root.exists():
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            translated = storage_error(e, root, "make")
            raise (type(translated) if translated else StorageError)(
                f"cannot make the library folder {root}: {e.strerror or e}", remedy=_another(
                    "choose a folder you can write with --library DIR (or $FINPICS_LIBRARY)")
            ) from e
        return False
    db = root / DB_NAME
    read_only = not writable(root) or (db.exists() and not writable(db))
    if read_only and not db.is_file():
        raise StorageReadOnly(f"the folder {root} is read-only and holds no library yet (no "
                              f"{DB_NAME})", remedy=_another("choose another folder with "
                                                             "--library"))
    return read_only


def open_library(
    root: Path, names: Names | None = None, threshold: float | None = None,
    engine: FaceEngine | None = None,
) -> Backend:
    """The library in folder ``root`` (made if missing); read-only when the folder or its
    database cannot be written (browsing and searching work, writes raise StorageReadOnly)."""
    root = Path(root).expanduser()
    read_only = prepare_folder(root)
    names = names or Names()
    if not read_only:
        keep_reserve(root)
    db = Database(root / DB_NAME, read_only=read_only, damaged=repair_hint(root))
    store = FolderObjectStore(root / "buckets", db)
    tables = SqliteTables(db)
    faces = LocalFaceIndex(db, names.collection, engine)
    if not read_only:
        try:
            faces.ensure_collection()
            writes.install(db)
        except BaseException:
            db.close()
            raise
    return Backend(
        kind="local",
        names=names,
        store=store,
        tables=tables,
        faces=faces,
        search=partial(search_faces, tables, faces, threshold=threshold),
        private=SqlitePrivateStore(db),
        process=partial(process_new_image, store, tables, faces, names),
        close=db.close,
        prepare=faces.prepare,
        stamp=lambda: (faces.faces_stamp(), db.stamp()),
        writes=partial(writes.count, db),
        photo_writes=partial(writes.count, db, writes.PHOTO_TABLE),
        home=LibraryHome(root, threshold),
        read_only=read_only,
    )
