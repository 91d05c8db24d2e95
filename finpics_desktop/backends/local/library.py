"""Opens an embedded library directory as a :class:`~finpics_desktop.ports.Backend`.

Layout of a library::

    <library>/buckets/<originals bucket>/photos/<picset>/<file>
    <library>/buckets/<thumbnails bucket>/photos/<picset>/<file>
    <library>/finpics.sqlite3      tables pics, pics_by_image_id, faces (vectors), objects
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from finpics_desktop.backends.local.db import Database
from finpics_desktop.backends.local.engine import FaceEngine
from finpics_desktop.backends.local.faces import LocalFaceIndex
from finpics_desktop.backends.local.objects import FolderObjectStore
from finpics_desktop.backends.local.tables import SqliteTables
from finpics_desktop.domain.names import Names
from finpics_desktop.pipeline.process import process_new_image
from finpics_desktop.pipeline.search import DEFAULT_THRESHOLD, search_faces
from finpics_desktop.ports import Backend, LibraryHome

DB_NAME = "finpics.sqlite3"


def open_library(
    root: Path, names: Names | None = None, threshold: float = DEFAULT_THRESHOLD,
    engine: FaceEngine | None = None,
) -> Backend:
    root = Path(root).expanduser()
    root.mkdir(parents=True, exist_ok=True)
    names = names or Names()
    db = Database(root / DB_NAME)
    store = FolderObjectStore(root / "buckets", db)
    tables = SqliteTables(db)
    faces = LocalFaceIndex(db, names.collection, engine)
    faces.ensure_collection()
    return Backend(
        kind="local",
        names=names,
        store=store,
        tables=tables,
        faces=faces,
        search=partial(search_faces, tables, faces, threshold=threshold),
        process=partial(process_new_image, store, tables, faces, names),
        close=db.close,
        home=LibraryHome(root, threshold),
    )
