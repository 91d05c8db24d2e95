"""What the tables SQLite keeps itself beside the items (``photo_ids``, ``photo_faces``,
``people_located``: triggers in every writer's transaction) have in common: made inside the
schema's transaction and filled once when new (a library made before them, opened where it can
be written), and asked whether they are there (a read-only library of an older version has
not got them: its callers read the long way)."""

from __future__ import annotations

from collections.abc import Iterable


def names(statements: Iterable[str]) -> set[str]:
    """The names the ``CREATE ... IF NOT EXISTS`` statements make."""
    return {s.split(" IF NOT EXISTS ")[1].split()[0] for s in statements}


def create(db, marker: str, statements: Iterable[str], fill: Iterable[str]) -> None:
    """Inside the schema's transaction (``db``: its connection): the ``statements``, then the
    ``fill`` statements if the table ``marker`` was not there before."""
    new = not db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (marker,)).fetchone()
    for statement in statements:
        db.execute(statement)
    if new:
        for statement in fill:
            db.execute(statement)


def there(db, *tables: str) -> bool:
    """Whether the library (``db``: the :class:`~.db.Database`) has every one of ``tables``."""
    marks = ",".join("?" * len(tables))
    return len(db.query(f"SELECT name FROM sqlite_master WHERE name IN ({marks})",  # noqa: S608
                        tables)) == len(set(tables))
