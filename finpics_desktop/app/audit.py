"""``audit`` as the window and the command line run it: what the public can read of the cloud
album, proven on the live cloud (the rules are in ``pipeline/audit``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from finpics_desktop.app.albums import check_writable
from finpics_desktop.domain.errors import InvalidValue
from finpics_desktop.pipeline.audit import AuditReport, audit
from finpics_desktop.ports import Backend

__all__ = ["AuditReport", "audit_album"]


def audit_album(backend: Backend, *, fix: bool = False, picsets: Sequence[str] | None = None,
                progress: Callable[[str], None] | None = None) -> AuditReport:
    """Read every public object and item of the cloud album (``picsets``: only theirs) and try
    what the public must be refused; ``fix``: strip the public copies in place."""
    if not backend.public:
        raise InvalidValue("audit checks what the public can read, and a library publishes "
                           "nothing: audit the cloud (--backend aws)")
    if fix:
        check_writable(backend, "fixing what it publishes")
    return audit(backend, fix=fix, picsets=picsets, access=picsets is None, progress=progress,
                 workers=backend.upload_workers or 8)
