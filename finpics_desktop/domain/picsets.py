"""Picset ids (``NNN_slug``), the site's display-name rule, and new ids from folder names.

The rules, and why:

- The ordering number is ASCII digits ``0-9`` only, zero-padded to the album's width (3 digits
  for a new album). The site sorts the ids as *text* (DynamoDB sort keys, newest first), so
  ``999_x`` sorts after ``1000_y``: every id of an album has the same width, and a number that
  does not fit (after ``999``) is refused with the way out (``renumber``, which renames every
  picset with one digit more) rather than shown out of order.
- The slug is words of letters (any script) and ASCII digits joined by single ``_``, NFC: no
  ``_`` at either end nor ``__`` (the site shows each ``_`` as a space), no ``..`` or slash.
- New slugs from folder names: Latin letters are transliterated to ASCII by ``anyascii``
  (ISC licence; ``Café Zürich`` -> ``cafe_zurich``, ``ß`` -> ``ss``) as before, so that ids stay
  typeable on any keyboard; letters of other scripts are *kept* (``Москва`` -> ``москва``,
  ``東京 2019`` -> ``東京_2019``), because their romanisation is often not what the curator
  would recognise (anyascii reads 東京 as Mandarin ``dongjing``). Unicode letters are safe on
  every path an id travels: S3 keys are UTF-8 and the processing function decodes the event's
  %-escapes as UTF-8 (a slug has no ``+``, ``%`` or space, so the ``+`` rule never applies);
  DynamoDB keys are UTF-8 strings compared bytewise (the ASCII number decides the order);
  Rekognition's ExternalImageId is a hash of the key; the library's folders are named by the
  id (NFC, at most :data:`MAX_PICSET_BYTES` bytes, below every file system's 255); and the
  site's ``photos/<image_path>`` URLs are %-encoded as UTF-8 by the browser, as S3 expects.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

from finpics_desktop.domain.errors import InvalidName

PICSET_ROOT = "/"  # partition of table ``pics`` that lists the picsets
MAX_PICSET_ID = 100
MAX_PICSET_BYTES = 200  # UTF-8: the library's folder names (255 at most on most file systems)
_ORDER_WIDTH = 3  # digits of the ordering number in a new album
_NUMBER = re.compile(r"[0-9]+", re.ASCII)
_SIGNS = "_.-"


def validate_picset_id(picset_id: str) -> str:
    """Return ``picset_id`` unchanged, or raise :class:`InvalidName` saying what is wrong."""
    if not isinstance(picset_id, str) or not picset_id:
        raise InvalidName("picset id is empty")
    if len(picset_id) > MAX_PICSET_ID:
        raise InvalidName(
            f"picset id {picset_id[:20]!r}... is {len(picset_id)} characters long "
            f"(at most {MAX_PICSET_ID})"
        )
    if len(picset_id.encode("utf-8")) > MAX_PICSET_BYTES:
        raise InvalidName(f"picset id {picset_id[:20]!r}... is {len(picset_id.encode())} bytes "
                          f"long in UTF-8 (at most {MAX_PICSET_BYTES})")
    if "/" in picset_id or "\\" in picset_id:
        raise InvalidName(f"picset id {picset_id!r} contains a slash")
    if ".." in picset_id:
        raise InvalidName(f"picset id {picset_id!r} contains '..'")
    if any(unicodedata.category(c).startswith("C") for c in picset_id):
        raise InvalidName(f"picset id {picset_id!r} contains a control character")
    number, sep, slug = picset_id.partition("_")
    if not sep or not _NUMBER.fullmatch(number) or not slug:
        raise InvalidName(
            f"picset id {picset_id!r} is not of the form NNN_slug (an ordering number in the "
            "digits 0-9, '_', then the name: letters, digits, '_', '-' or '.')"
        )
    if unicodedata.normalize("NFC", picset_id) != picset_id:
        raise InvalidName(f"picset id {picset_id!r} is not in Unicode normal form NFC (letters "
                          "spelled with separate accents): type it again or copy it from "
                          "`finpics-desktop picsets`")
    if slug.endswith("_") or slug.startswith("_") or "__" in slug:
        raise InvalidName(f"picset id {picset_id!r} has a '_' at the end or two in a row: the "
                          "site would show a stray space in its name")
    if slug.endswith("."):
        raise InvalidName(f"picset id {picset_id!r} ends with '.', which a folder name on "
                          "Windows cannot")
    _check_slug(picset_id, slug)
    return picset_id


def _check_slug(picset_id: str, slug: str) -> None:
    previous = "_"
    for c in slug:
        category = unicodedata.category(c)
        if c.isdigit() and not c.isascii():
            raise InvalidName(f"picset id {picset_id!r} contains the digit {c!r}: use the "
                              "digits 0-9")
        letter_or_digit = category[0] == "L" or c in "0123456789"
        mark = category[0] == "M" and previous not in _SIGNS
        if not (letter_or_digit or mark or (c in _SIGNS and previous not in _SIGNS)):
            raise InvalidName(
                f"picset id {picset_id!r} contains {c!r}: after NNN_ come letters, digits, "
                "and '_', '-' or '.' between them"
            )
        previous = c


def display_name(picset_id: str) -> str:
    """The site's rule: drop the first ``_``-separated part, the other ``_`` become spaces."""
    parts = picset_id.split("_")
    return " ".join(parts[1:]) if len(parts) > 1 else picset_id


def order_number(picset_id: str) -> int | None:
    """The leading ordering number of a picset id (ASCII digits), or None if it has none."""
    head = picset_id.split("_", 1)[0]
    return int(head) if _NUMBER.fullmatch(head) else None


def order_width(existing_ids: Iterable[str]) -> int:
    """How many digits the album's ordering numbers have (the most common width; 3 for a new
    album): every id must have as many for the site's text order to be the numeric order."""
    widths = Counter(len(i.split("_", 1)[0]) for i in existing_ids
                     if order_number(i) is not None)
    if not widths:
        return _ORDER_WIDTH
    return max(widths, key=lambda w: (widths[w], w))


def check_new_picset_id(picset_id: str, existing_ids: Iterable[str]) -> str:
    """Validate an id chosen by the curator for a picset: a new one must have the album's
    number width, else the site would list it out of order. Returns the id."""
    validate_picset_id(picset_id)
    existing = list(existing_ids)
    if picset_id in existing:
        return picset_id
    width = order_width(existing)
    digits = len(picset_id.split("_", 1)[0])
    if digits != width:
        raise InvalidName(
            f"picset id {picset_id!r} has a {digits}-digit ordering number but the album's "
            f"have {width} digits: the site sorts ids as text, so it would list it out of "
            f"order (use {width} digits, zero-padded, e.g. {'0' * (width - 1)}7_name)")
    return picset_id


def _ascii(c: str) -> str:
    # imported here: only new ids need it, so the Lambda functions (which validate ids) do not
    from anyascii import anyascii

    return anyascii(c)


def _latin(c: str) -> bool:
    return unicodedata.name(c, "").startswith("LATIN ")


def slugify(folder_name: str) -> str:
    """A folder's name as the slug of a picset id: ``Newport Boston 2016`` ->
    ``newport_boston_2016``, ``Café Zürich`` -> ``cafe_zurich``, ``Москва`` -> ``москва``,
    ``東京 2019`` -> ``東京_2019`` (see the module's doc); other signs become ``_``."""
    out: list[str] = []
    keep_marks = False  # a mark belongs to the letter before it, if that one was kept as is
    for c in unicodedata.normalize("NFKC", folder_name):
        category = unicodedata.category(c)
        if category[0] == "M":
            if keep_marks:
                out.append(c)
            continue
        keep_marks = category[0] == "L" and not _latin(c)
        if keep_marks:
            out.append(c.lower())
        elif category[0] == "L":
            out.append(re.sub(r"[^a-z0-9]+", "_", _ascii(c).lower()))
        elif category == "Nd":
            out.append(str(unicodedata.digit(c)))
        else:
            out.append("_")
    slug = re.sub("_+", "_", unicodedata.normalize("NFC", "".join(out))).strip("_")
    return slug or "picset"


def new_picset_id(folder_name: str, existing_ids: Iterable[str]) -> str:
    """A new id for a folder: the next free ordering number (highest + 1) and its slug.

    Raises :class:`InvalidName` when the next number no longer fits the album's width (after
    ``999``): the site would list the new picset out of order."""
    existing = list(existing_ids)
    numbers = [n for n in (order_number(i) for i in existing) if n is not None]
    highest = max(numbers, default=0)
    number, width = highest + 1, order_width(existing)
    if len(str(number)) > width:
        raise InvalidName(
            f"the album's picsets are numbered up to {highest:0{width}d}, the most "
            f"{width} digits hold: a picset {number} would be listed out of order on the site, "
            "which sorts ids as text. Publish into an existing picset (--picset ID), or "
            f"renumber every picset with {width + 1} digits first (`finpics-desktop renumber "
            f"--width {width + 1}`)")
    prefix = f"{number:0{width}d}_"
    slug = slugify(folder_name)
    end = min(len(slug), MAX_PICSET_ID - len(prefix))
    while end and (len((prefix + slug[:end]).encode("utf-8")) > MAX_PICSET_BYTES or (
            end < len(slug) and unicodedata.category(slug[end])[0] == "M")):
        end -= 1  # shorter, and never between a letter and its marks
    return validate_picset_id(prefix + (slug[:end].rstrip("_") or "picset"))
