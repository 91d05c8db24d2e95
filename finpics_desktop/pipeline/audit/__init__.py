"""``audit``: proof of what the public can read, on the live cloud.

Every public object (originals and thumbnails under ``photos/`` of the public buckets) is read
and checked for a location and for who is in it (:mod:`~finpics_desktop.pipeline.photos.
leaks`); every item the site's role can read (table ``pics``, and ``pics_by_image_id``, which
the search function hands out) is checked for a name the album knows; the site's role is made
to try what it must be refused (``Backend.public_access``). ``fix`` strips the public copies in
place (the library keeps the curator's originals).
"""

from finpics_desktop.pipeline.audit.report import AuditReport, Leak
from finpics_desktop.pipeline.audit.run import audit

__all__ = ["AuditReport", "Leak", "audit"]
