"""Which photos the album holds, by content: recorded when each photo is stored, so that
publishing the same photo into another picset is said (and asked) without reading the
album's originals again.

A record per content digest (the SHA-256 of the bytes stored, as ``HASH_METADATA`` has it) in
the album's private store -- the library's database, the cloud's private table, never the
public site's -- lists the keys it was stored at. A key moved, renamed or deleted since is
noticed when asked (the object there no longer has that digest) and left out. Photos published
before these records existed are not known by them.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from finpics_desktop.domain.errors import FinpicsError, WriteConflict
from finpics_desktop.domain.keys import PhotoKey
from finpics_desktop.pipeline.photos.reading import read_photo
from finpics_desktop.pipeline.retry import RetryPolicy, with_retries
from finpics_desktop.ports import Backend, PrivateStore

log = logging.getLogger(__name__)

CONTENT = "content"  # partition of the private store: sort key = the digest, {"keys": [...]}
ROUNDS = 8


def record(private: PrivateStore | None, digest: str, key: str,
           retry: RetryPolicy | None = None) -> None:
    """Remember that ``key`` holds the content ``digest`` (a lost race is tried again, a
    dropped connection as ``retry`` says; a failure only costs the notice later, never the
    publish)."""
    if private is None:
        return
    private = with_retries(private, retry)
    try:
        for _ in range(ROUNDS):
            doc = private.get(CONTENT, digest)
            keys = list(doc.doc.get("keys", [])) if doc else []
            if key in keys:
                return
            try:
                private.put(CONTENT, digest, {"keys": [*keys, key][-20:]},
                            if_version=doc.version if doc else 0)
                return
            except WriteConflict:
                continue
    except (FinpicsError, OSError) as e:
        log.info("could not record the content of %s: %s", key, e)


def holders(backend: Backend, digest: str) -> list[str]:
    """The keys of the album holding this content now (records checked against the store)."""
    if backend.private is None:
        return []
    doc = backend.private.get(CONTENT, digest)
    found = []
    for key in (doc.doc.get("keys", []) if doc else []):
        info = backend.store.head(backend.names.pics_bucket, key)
        if info is not None and info.sha256 == digest:
            found.append(key)
    return found


def elsewhere(backend: Backend, files: Iterable[Path], picset: str | None,
              transform: Callable[[bytes, str], bytes] | None = None,
              workers: int = 8) -> dict[Path, str]:
    """The files whose content (as it would be published: ``transform``) the album already
    holds in another picset than ``picset``: file -> ``picset/name`` of one copy."""
    def one(path: Path) -> str | None:
        try:  # within the publishing limits: a 2 GiB file or a bomb is never read here
            data = read_photo(path).data
        except (FinpicsError, OSError):
            return None  # said when it is published
        if transform is not None:
            data = transform(data, path.name)
        for key in holders(backend, hashlib.sha256(data).hexdigest()):
            photo = PhotoKey(*key.split("/")[1:3])
            if photo.picset != picset:
                return photo.image_path
        return None

    files = list(files)
    with ThreadPoolExecutor(workers, thread_name_prefix="same-content") as pool:
        found = list(pool.map(one, files))
    return {f: where for f, where in zip(files, found, strict=True) if where}
