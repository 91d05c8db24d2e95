"""Thumbnails of photos on disk (the *This computer* source), cached on disk by path + size +
mtime so a folder opens instantly the second time; made with :func:`make_thumbnail` (draft
decoding, EXIF orientation applied). The faces cut from the album's photos (the people places'
tiles) are kept here too, by what they were cut from."""

from __future__ import annotations

import hashlib
import os
import threading
import uuid
from pathlib import Path

from finpics_desktop.domain.errors import UnsupportedImage
from finpics_desktop.pipeline.photos.images import embedded_thumbnail, make_thumbnail

CACHE_BOX = (256, 256)
MAX_SOURCE_BYTES = 200 * 1024 * 1024
HEAD_BYTES = 128 * 1024  # where a JPEG's EXIF block (at most 64 KiB) and frame header are


def default_cache_dir() -> Path:
    env = os.environ.get("FINPICS_CACHE")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_path

    return user_cache_path("finpics-desktop", appauthor=False) / "thumbs"


class ThumbCache:
    """Thread-safe; ``decodes`` counts the originals actually decoded (cache misses)."""

    def __init__(self, root: Path | None = None, box: tuple[int, int] = CACHE_BOX):
        self.root = Path(root) if root is not None else default_cache_dir()
        self.box = box
        self._lock = threading.Lock()
        self.decodes = 0
        self.hits = 0

    def _entry(self, path: Path, st: os.stat_result) -> Path:
        ident = f"{os.path.abspath(path)}\0{st.st_size}\0{st.st_mtime_ns}\0{self.box}"
        digest = hashlib.sha1(ident.encode("utf-8", "surrogateescape"), usedforsecurity=False)
        name = digest.hexdigest()
        return self.root / name[:2] / name

    def preview(self, path: Path) -> tuple[bytes, bool] | None:
        """Something to show at once, without decoding the photo: the cached thumbnail (with
        ``True``: final) or the one the camera embedded in the file (``False``: to be replaced
        by :meth:`thumbnail`); None when there is neither."""
        path = Path(path)
        try:
            entry = self._entry(path, path.stat())
            data = entry.read_bytes()
        except OSError:
            try:
                with open(path, "rb") as f:
                    head = f.read(HEAD_BYTES)
            except OSError:
                return None
            embedded = embedded_thumbnail(head, self.box)
            return None if embedded is None else (embedded, False)
        with self._lock:
            self.hits += 1
        return data, True

    def thumbnail(self, path: Path) -> bytes:
        """The thumbnail (JPEG or PNG bytes) of a photo file; made and cached on a miss.

        Raises :class:`UnsupportedImage` (with the reason) when the file is not a sound photo.
        """
        path = Path(path)
        try:
            st = path.stat()
        except OSError as e:
            raise UnsupportedImage(f"cannot read the file: {e.strerror or e}") from None
        entry = self._entry(path, st)
        try:
            data = entry.read_bytes()
            with self._lock:
                self.hits += 1
            return data
        except OSError:
            pass
        if st.st_size > MAX_SOURCE_BYTES:
            raise UnsupportedImage(f"file is {st.st_size // 2**20} MiB, too large to preview")
        try:
            source = path.read_bytes()
        except OSError as e:
            raise UnsupportedImage(f"cannot read the file: {e.strerror or e}") from None
        with self._lock:
            self.decodes += 1
        thumb = make_thumbnail(source, path.name, self.box).data
        self._store(entry, thumb)
        return thumb

    def _cut_entry(self, ident: bytes) -> Path:
        # ("face-2": cuts before were padded black outside the picture: cut again)
        name = hashlib.sha1(b"face-2\0" + ident, usedforsecurity=False).hexdigest()
        return self.root / "faces" / name[:2] / name

    def cut_kept(self, ident: bytes) -> bytes | None:
        """A face's thumbnail kept (``ident``: what it was cut from -- the photo's thumbnail
        and the box), or None."""
        try:
            data = self._cut_entry(ident).read_bytes()
        except OSError:
            return None
        with self._lock:
            self.hits += 1
        return data

    def keep_cut(self, ident: bytes, data: bytes) -> None:
        """Keep a face's thumbnail (a new session shows it without cutting it again)."""
        self._store(self._cut_entry(ident), data)

    def _store(self, entry: Path, data: bytes) -> None:
        """Best effort, atomic: a cache that cannot be written only costs speed."""
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            tmp = entry.with_name(f".{entry.name}.{uuid.uuid4().hex}")
            tmp.write_bytes(data)
            os.replace(tmp, entry)
        except OSError:
            pass
