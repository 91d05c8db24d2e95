"""The copy of a photo that the public site gets when the curator's policy strips the location
(the default): the camera's location goes (:mod:`~finpics_desktop.pipeline.photos.location`),
and so do the XMP fields that say who is in it -- MWG and Microsoft face regions with their
names, IPTC Extension ``PersonInImage``
(:mod:`~finpics_desktop.pipeline.photos.people_fields`). The same function of the same bytes
each time, so the digest of a published copy finds it again (push's difference, the same
content in another picset). The library's originals are never changed: they keep their regions
for the album's own reading of names.
"""

from __future__ import annotations

from finpics_desktop.pipeline.photos.location import remove_location
from finpics_desktop.pipeline.photos.people_fields import blank_people


def public_copy(data: bytes, name: str = "") -> bytes:
    """``data`` without its location, face regions and people shown; the very same object
    when it has none of them."""
    return remove_location(data, name, also_xmp=blank_people)
