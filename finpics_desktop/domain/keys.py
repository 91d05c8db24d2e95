"""Object keys ``photos/<picset>/<file>`` and validation of photo file names."""

from __future__ import annotations

import posixpath
import unicodedata
from dataclasses import dataclass

from finpics_desktop.domain.errors import InvalidName, UnsupportedImage
from finpics_desktop.domain.picsets import validate_picset_id

PHOTOS_PREFIX = "photos/"
MAX_NAME_BYTES = 255  # what every common file system allows for one name
CONTENT_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


@dataclass(frozen=True)
class PhotoKey:
    """Where one original lives: ``photos/<picset>/<file>`` (same key for its thumbnail)."""

    picset: str
    name: str

    @property
    def key(self) -> str:
        return f"{PHOTOS_PREFIX}{self.picset}/{self.name}"

    @property
    def image_path(self) -> str:
        """The ``image_path`` of table ``pics_by_image_id``: ``<picset>/<file>``."""
        return f"{self.picset}/{self.name}"

    @property
    def content_type(self) -> str:
        return content_type(self.name)


def extension(name: str) -> str:
    return posixpath.splitext(name)[1].lower()


def is_supported(name: str) -> bool:
    return extension(name) in CONTENT_TYPES


def content_type(name: str) -> str:
    try:
        return CONTENT_TYPES[extension(name)]
    except KeyError:
        raise UnsupportedImage(
            f"unsupported file type {extension(name) or '(none)'!r} "
            "(finpics publishes .jpg, .jpeg and .png)"
        ) from None


def validate_file_name(name: str, *, normalize: bool = True) -> str:
    """Return the photo's file name (in NFC form unless told not to), or raise with the reason
    (the caller names the file)."""
    if not isinstance(name, str) or not name:
        raise InvalidName("file name is empty")
    if "/" in name or "\\" in name:
        raise InvalidName("a file name cannot contain a slash")
    if set(name) == {"."}:
        raise InvalidName("a file name cannot be only dots")
    if any(unicodedata.category(c) == "Cc" for c in name):
        raise InvalidName("the file name contains a control character")
    nfc = unicodedata.normalize("NFC", name) if normalize else name
    size = len(nfc.encode("utf-8"))
    if size > MAX_NAME_BYTES:
        raise InvalidName(f"the file name is {size} bytes long (at most {MAX_NAME_BYTES})")
    content_type(nfc)
    return nfc


def photo_key(picset: str, name: str, *, normalize: bool = True) -> PhotoKey:
    return PhotoKey(validate_picset_id(picset), validate_file_name(name, normalize=normalize))


def parse_key(key: str) -> PhotoKey:
    """The picset and file of ``photos/<picset>/<file>``; InvalidName or UnsupportedImage."""
    if not key.startswith(PHOTOS_PREFIX):
        raise InvalidName(f"{key!r} is not under {PHOTOS_PREFIX!r}")
    parts = key[len(PHOTOS_PREFIX) :].split("/")
    if len(parts) != 2:
        raise InvalidName(f"{key!r} is not of the form photos/<picset>/<file>")
    return photo_key(parts[0], parts[1], normalize=False)
