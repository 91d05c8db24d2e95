"""``python -m tests.kill_at_write ARGS``: the command line ``finpics-desktop ARGS``, SIGKILLed
just before its ``$FINPICS_KILL_AT_WRITE``-th write to the album (an object put, copied or
deleted, an item or a private record written or deleted: every write method of the adapters,
on the library and on the cloud), as a crash at exactly that point would leave it. Without the
variable it runs whole; ``$FINPICS_WRITES_FILE`` then receives how many writes it made."""

from __future__ import annotations

import atexit
import os
import signal
import sys
import threading
from pathlib import Path

from finpics_desktop.backends.aws.objects import S3ObjectStore
from finpics_desktop.backends.aws.private import DynamoPrivateStore
from finpics_desktop.backends.aws.tables import DynamoTables
from finpics_desktop.backends.local.objects import FolderObjectStore
from finpics_desktop.backends.local.private import SqlitePrivateStore
from finpics_desktop.backends.local.tables import SqliteTables

STORE = ("put", "put_file", "delete", "copy")
TABLES = ("put_pics_item", "put_pics_item_if_unchanged", "set_picset_cover_if_absent",
          "set_picset_cover", "delete_pics_item", "replace_picset_cover",
          "delete_photo_unless_cover", "delete_picset_entry_if", "put_image_item",
          "delete_image_item")
PRIVATE = ("put", "delete")
WRITES = {FolderObjectStore: STORE, S3ObjectStore: STORE, SqliteTables: TABLES,
          DynamoTables: TABLES, SqlitePrivateStore: PRIVATE, DynamoPrivateStore: PRIVATE}

_count = 0
_lock = threading.Lock()
_kill_at = int(os.environ.get("FINPICS_KILL_AT_WRITE", "0"))


def _counted(method):
    def write(*args, **kwargs):
        global _count
        with _lock:
            _count += 1
            if _count == _kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
        return method(*args, **kwargs)
    return write


def _report() -> None:
    if os.environ.get("FINPICS_WRITES_FILE"):
        Path(os.environ["FINPICS_WRITES_FILE"]).write_text(str(_count))


def main() -> int:
    for cls, names in WRITES.items():
        for name in names:
            setattr(cls, name, _counted(getattr(cls, name)))
    atexit.register(_report)
    from finpics_desktop.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
