"""Picset ids (``NNN_slug``), the site's display-name rule, and new ids from folder names."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from finpics_desktop.domain.errors import InvalidName

PICSET_ROOT = "/"  # partition of table ``pics`` that lists the picsets
MAX_PICSET_ID = 100
_PICSET_RE = re.compile(r"^(\d+)_([A-Za-z0-9][A-Za-z0-9_.-]*)$")
_ORDER_WIDTH = 3


def validate_picset_id(picset_id: str) -> str:
    """Return ``picset_id`` unchanged, or raise :class:`InvalidName` saying what is wrong."""
    if not isinstance(picset_id, str) or not picset_id:
        raise InvalidName("picset id is empty")
    if len(picset_id) > MAX_PICSET_ID:
        raise InvalidName(
            f"picset id {picset_id[:20]!r}... is {len(picset_id)} characters long "
            f"(at most {MAX_PICSET_ID})"
        )
    if "/" in picset_id or "\\" in picset_id:
        raise InvalidName(f"picset id {picset_id!r} contains a slash")
    if ".." in picset_id:
        raise InvalidName(f"picset id {picset_id!r} contains '..'")
    if any(unicodedata.category(c).startswith("C") for c in picset_id):
        raise InvalidName(f"picset id {picset_id!r} contains a control character")
    if not _PICSET_RE.match(picset_id):
        raise InvalidName(
            f"picset id {picset_id!r} is not of the form NNN_slug "
            "(digits, '_', then letters, digits, '_', '-' or '.')"
        )
    return picset_id


def display_name(picset_id: str) -> str:
    """The site's rule: drop the first ``_``-separated part, the other ``_`` become spaces."""
    parts = picset_id.split("_")
    return " ".join(parts[1:]) if len(parts) > 1 else picset_id


def order_number(picset_id: str) -> int | None:
    """The leading ordering number of a picset id, or None if it has none."""
    head = picset_id.split("_", 1)[0]
    return int(head) if head.isdigit() else None


def slugify(folder_name: str) -> str:
    """``Newport Boston 2016`` -> ``newport_boston_2016``; accents folded, other signs dropped."""
    text = unicodedata.normalize("NFKD", folder_name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    return text or "picset"


def new_picset_id(folder_name: str, existing_ids: Iterable[str]) -> str:
    """A new id for a folder: the next free ordering number (highest + 1) and its slug."""
    numbers = [n for n in (order_number(i) for i in existing_ids) if n is not None]
    number = max(numbers, default=0) + 1
    slug = slugify(folder_name)
    prefix = f"{number:0{_ORDER_WIDTH}d}_"
    return validate_picset_id(prefix + slug[: MAX_PICSET_ID - len(prefix)].rstrip("_"))
