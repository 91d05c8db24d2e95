"""Reading everything public once, and fixing the public copies (see the package)."""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

from finpics_desktop.domain.errors import FinpicsError, NotFound, WriteConflict
from finpics_desktop.domain.items import Item
from finpics_desktop.domain.picsets import PICSET_ROOT
from finpics_desktop.pipeline.audit.report import AuditReport, Leak
from finpics_desktop.pipeline.people.naming import People
from finpics_desktop.pipeline.photos.leaks import find_leaks, strip_private
from finpics_desktop.pipeline.photos.people_fields import name_pattern
from finpics_desktop.ports import (
    HASH_METADATA,
    LOCATION_METADATA,
    PLACED_METADATA,
    Backend,
)

log = logging.getLogger(__name__)

PUBLIC_PREFIX = "photos/"  # the buckets' policy lets anyone read only this prefix
AUDIT_PREFIX = "audit/"  # where a fixed original waits (not public) to be copied into place
KEY_ATTRIBUTES = {"primarykey", "sortkey", "image_id", "image_path", "pic"}  # ids and titles
Progress = Callable[[str], None]


def known_names(backend: Backend) -> list[str]:
    """Every name of the album's people (the hidden ones' too)."""
    if backend.private is None:
        return []
    return [p.name for p in People(backend).people()]


def audit(backend: Backend, *, fix: bool = False, picsets: Sequence[str] | None = None,
          names: Iterable[str] = (), access: bool = True, workers: int = 8,
          progress: Progress | None = None) -> AuditReport:
    """Audit what the public can read of ``backend`` (``picsets``: only theirs, as after a
    push); ``names``: names to look for besides the album's own."""
    report = AuditReport()
    pattern = name_pattern([*known_names(backend), *names])
    if pattern is None:
        report.notes.append("the album knows no one's name yet: only face regions and the "
                            "people shown are looked for")
    keys = list(_public_objects(backend, picsets))
    fixer = _Fixer(backend, pattern) if fix else None

    def one(entry: tuple[str, str]) -> Leak | None:
        bucket, key = entry
        try:
            data, etag = backend.store.get_tagged(bucket, key)
        except NotFound:
            return None  # deleted since it was listed
        reasons = find_leaks(data, pattern)
        if not reasons:
            return None
        leak = Leak(f"{bucket}/{key}", reasons)
        if fixer is not None:
            fixer.fix(leak, bucket, key, data, etag)
        return leak

    with ThreadPoolExecutor(workers, thread_name_prefix="audit") as pool:
        for n, leak in enumerate(pool.map(one, keys), 1):
            if leak is not None:
                report.leaks.append(leak)
            if progress is not None and (n % 50 == 0 or n == len(keys)):
                progress(f"{n}/{len(keys)} public objects read")
    report.objects = len(keys)
    report.items = _audit_items(backend, pattern, picsets, report)
    if access and backend.public_access is not None:
        report.access = backend.public_access()
    return report


def _public_objects(backend: Backend, picsets: Sequence[str] | None) -> Iterator[tuple[str, str]]:
    prefixes = [f"{PUBLIC_PREFIX}{p}/" for p in picsets] if picsets is not None else [
        PUBLIC_PREFIX]
    for bucket in (backend.names.pics_bucket, backend.names.thumbs_bucket):
        for prefix in prefixes:
            for info in backend.store.list(bucket, prefix):
                yield bucket, info.key


class _Fixer:
    """Puts back the public copy without what leaks, only over the version read (a photo
    changed meanwhile is left for the next audit). An original keeps its faces and items: it
    is marked placed, so the cloud's processing leaves it alone."""

    def __init__(self, backend: Backend, pattern: re.Pattern | None):
        self.backend = backend
        self.pattern = pattern
        self.mark = f"audit-{uuid.uuid4().hex[:12]}"
        self.lock = threading.Lock()

    def fix(self, leak: Leak, bucket: str, key: str, data: bytes, etag: str) -> None:
        stripped = strip_private(data, self.pattern)
        left = find_leaks(stripped, self.pattern) if stripped is not data else leak.reasons
        if left:
            leak.error = "what is left cannot be taken out by finpics: " + "; ".join(left) + (
                " (delete the photo, or publish it again from the library)")
            return
        info = self.backend.store.head(bucket, key)
        metadata = dict(info.metadata) if info is not None else {}
        metadata[HASH_METADATA] = hashlib.sha256(stripped).hexdigest()
        metadata[LOCATION_METADATA] = "removed"
        if bucket == self.backend.names.pics_bucket:
            metadata[PLACED_METADATA] = self.mark
        content_type = "image/png" if stripped.startswith(b"\x89PNG") else "image/jpeg"
        try:
            if bucket == self.backend.names.pics_bucket:
                self._place(bucket, key, stripped, content_type, metadata, etag)
            else:
                self.backend.store.put(bucket, key, stripped, content_type, metadata,
                                       if_match=etag)
        except WriteConflict:
            leak.error = "it changed while it was being fixed: audit again"
            return
        except FinpicsError as e:
            leak.error = str(e)
            return
        leak.fixed = True


    def _place(self, bucket: str, key: str, data: bytes, content_type: str,
               metadata: dict[str, str], etag: str) -> None:
        """An original is copied into place from a private key, marked placed, as curation
        places photos: the cloud's processing then leaves it alone (a put would index its faces
        anew, and the names given to them would be lost)."""
        store = self.backend.store
        aside = f"{AUDIT_PREFIX}{self.mark}/{key}"
        store.put(bucket, aside, data, content_type, metadata)
        try:
            now = store.head(bucket, key)
            if now is None or now.etag != etag:
                raise WriteConflict(key)
            store.copy(bucket, aside, bucket, key, metadata)
        finally:
            store.delete(bucket, aside)


def _strings(value, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            if not (path == "" and k in KEY_ATTRIBUTES):
                yield from _strings(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list | tuple | set):
        for n, v in enumerate(value):
            yield from _strings(v, f"{path}[{n}]")


def _item_leak(where: str, item: Item, pattern: re.Pattern | None) -> Leak | None:
    if pattern is None:
        return None
    found = []
    for path, text in _strings(item):
        for match in pattern.finditer(text):
            found.append(f"the name {' '.join(match.group(0).split())!r} in {path}")
    return Leak(where, sorted(set(found))) if found else None


def _audit_items(backend: Backend, pattern: re.Pattern | None,
                 picsets: Sequence[str] | None, report: AuditReport) -> int:
    tables = backend.tables
    scan = getattr(tables, "scan_pics_items", None)
    if picsets is not None or scan is None:
        ids = list(picsets) if picsets is not None else [
            i["sortkey"] for i in tables.query_pics(PICSET_ROOT)]
        pics: Iterable[Item] = [*(i for i in tables.query_pics(PICSET_ROOT)
                                  if picsets is None or i["sortkey"] in picsets),
                                *(i for p in ids for i in tables.query_pics(p))]
    else:
        pics = scan()
    count = 0
    for item in pics:
        count += 1
        where = f"table {backend.names.pics_table}: {item['primarykey']}/{item['sortkey']}"
        if (leak := _item_leak(where, item, pattern)) is not None:
            report.leaks.append(leak)
    for item in tables.scan_image_items():
        path = str(item.get("image_path", ""))
        if picsets is not None and path.split("/", 1)[0] not in picsets:
            continue
        count += 1
        where = f"table {backend.names.image_table}: {item.get('image_id')} ({path})"
        if (leak := _item_leak(where, item, pattern)) is not None:
            report.leaks.append(leak)
    return count
