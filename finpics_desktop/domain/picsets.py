"""Picset ids (``NNN_title``), the site's display-name rule, and new ids from titles.

The site shows a picset as its id's words after the number, each ``_`` a space
(``004_Praça_do_Comércio,_Lisbon_2019`` -> ``Praça do Comércio, Lisbon 2019``), so the id
carries the curator's title almost whole. The rules, and why:

- The ordering number is ASCII digits ``0-9`` only, zero-padded to the album's width (3 digits
  for a new album). The site sorts the ids as *text* (DynamoDB sort keys, newest first), so
  ``999_x`` sorts after ``1000_y``: every id of an album has the same width, and a number that
  does not fit (after ``999``) is refused with the way out (``renumber``, which renames every
  picset with one digit more) rather than shown out of order.
- The title after it keeps its case, accents, other scripts, digits and most punctuation
  (``, ; ! ' ( ) - . @ $ ~`` and every non-ASCII sign: ``–``, ``·``, ``€``...); a space is
  ``_`` (an id never holds a space: the site shows ``_`` as one, and a command line needs no
  quotes). It is NFC (a title typed on macOS and on Linux is one id). What it cannot carry:
  ``& # ? % + =`` (the site's picset link is ``#!/picset?path=ID``, a query string: they would
  cut or change the id it reads), ``/ \\`` (a key's separator), ``< > : " | *`` (not in a
  folder name on Windows; ``[ ] { } ^ ` `` are left out of keys too, as S3 advises), control
  characters, ``_`` at either end or twice in a row (a stray space), ``..`` and a ``.`` at the
  end (Windows drops it from a folder name). :func:`read_title` says what a title becomes
  and why, before anything is published.
- Every path an id travels keeps it: S3 keys are UTF-8 and the processing function decodes the
  event's %-escapes as UTF-8 (an id has no ``+``, ``%`` or space, so the ``+``-is-a-space rule
  never applies); DynamoDB keys are UTF-8 strings compared bytewise (the ASCII number decides
  the order); Rekognition's ExternalImageId is a hash of the key; the library's folders are
  named by the id (NFC, at most :data:`MAX_PICSET_BYTES` bytes, below every file system's 255,
  none of Windows' forbidden characters); the site's ``photos/<image_path>`` URLs are
  %-encoded as UTF-8 by the browser, as S3 expects.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from finpics_desktop.domain.errors import InvalidName

PICSET_ROOT = "/"  # partition of table ``pics`` that lists the picsets
MAX_PICSET_ID = 100
MAX_PICSET_BYTES = 200  # UTF-8: the library's folder names (255 at most on most file systems)
_ORDER_WIDTH = 3  # digits of the ordering number in a new album
_NUMBER = re.compile(r"[0-9]+", re.ASCII)
_ASCII_SIGNS = "_-.,;!'()@$~"  # the ASCII punctuation an id carries
_JOINERS = "\u200c\u200d"  # zero-width (non-)joiners: part of words in Persian, Indic, emoji
# what a title's other ASCII signs become in an id, and why (None: left out, as a space)
_STANDS_FOR = {"/": "-", "\\": "-", "|": "-", '"': "'", "[": "(", "]": ")", "{": "(",
               "}": ")"}
_ROUTING = "&#?%+="
_WHY = {**dict.fromkeys(_ROUTING, "the site's link to a picset cannot carry it"),
        **dict.fromkeys("/\\", "it separates the parts of a photo's address"),
        **dict.fromkeys('<>:"|*', "a folder name on Windows cannot hold it"),
        **dict.fromkeys("[]{}^`", "S3 advises against it in keys")}


def _why(c: str) -> str | None:
    """Why ``c`` cannot be in a picset id's title part, or None if it can."""
    if c.isascii():
        if c.isalnum() or c in _ASCII_SIGNS:
            return None
        if c.isspace() or c == " ":
            return "use '_' for a space (the site shows each '_' as a space)"
        if unicodedata.category(c)[0] == "C":
            return "it is a control character"
        return _WHY.get(c, "the site's link to a picset cannot carry it")
    if c in _JOINERS or unicodedata.category(c)[0] in "LMNPS":
        return None
    if unicodedata.category(c)[0] == "Z":
        return "use '_' for a space (the site shows each '_' as a space)"
    return "it is a control character (invisible)"


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
    if any(unicodedata.category(c) == "Cc" for c in picset_id):
        raise InvalidName(f"picset id {picset_id!r} contains a control character")
    number, sep, slug = picset_id.partition("_")
    if not sep or not _NUMBER.fullmatch(number) or not slug:
        raise InvalidName(
            f"picset id {picset_id!r} is not of the form NNN_title (an ordering number in the "
            "digits 0-9, '_', then the title, '_' for each space)"
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
    previous = "_"
    for c in slug:
        why = _why(c)
        if why is None and unicodedata.category(c)[0] == "M" and previous == "_":
            why = "an accent needs a letter before it"
        if why is not None:
            raise InvalidName(f"picset id {picset_id!r} contains {c!r}: {why}")
        previous = c
    return picset_id


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


# -- titles ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TitleReading:
    """What a title becomes in a picset id: ``slug`` (the id's part after ``NNN_``), ``shown``
    (what the site shows: the slug, each ``_`` a space) and, when that is not the title as
    typed, ``notes`` saying why, in the curator's words."""

    title: str
    slug: str
    notes: tuple[str, ...] = ()

    @property
    def shown(self) -> str:
        return self.slug.replace("_", " ")

    @property
    def exact(self) -> bool:
        """The site shows the title as typed (spaces aside: runs of them are one)."""
        return self.shown == " ".join(self.title.split())

    def note(self) -> str:
        """One line: what the site will show and why, or '' when it shows the title."""
        if self.exact or not self.slug:
            return ""
        return f"the site will show \u201c{self.shown}\u201d ({'; '.join(self.notes)})"


def read_title(title: str, room: int = MAX_PICSET_ID - 4,
               room_bytes: int = MAX_PICSET_BYTES - 4) -> TitleReading:
    """The title as a picset id can carry it (see the module's rules), at most ``room``
    characters and ``room_bytes`` UTF-8 bytes (what the number leaves). An empty ``slug``:
    nothing of the title can be carried."""
    title = unicodedata.normalize("NFC", title).strip()
    out: list[str] = []
    notes: dict[str, None] = {}
    for c in title:
        why = _why(c)
        if why is None and unicodedata.category(c)[0] == "M" and (not out or out[-1] == "_"):
            why = "an accent needs a letter before it"
        if why is None:
            if c == "_":
                notes["each \u201c_\u201d is shown as a space"] = None
            out.append(c)
        elif c.isspace() or unicodedata.category(c)[0] == "Z":
            out.append("_")
        elif c in _STANDS_FOR:
            notes[f"\u201c{c}\u201d becomes \u201c{_STANDS_FOR[c]}\u201d: {why}"] = None
            out.append(_STANDS_FOR[c])
        else:
            shown = f"\u201c{c}\u201d" if c.isprintable() else f"U+{ord(c):04X}"
            notes[f"{shown} is left out: {why}"] = None
            out.append("_")
    slug = re.sub("_+", "_", "".join(out)).strip("_")
    if re.search(r"\.\.", slug):
        notes["\u201c..\u201d is written \u201c…\u201d or \u201c.\u201d"] = None
        slug = re.sub(r"\.{2,}", lambda m: "…" if len(m.group()) > 2 else ".", slug)
    slug, cut = _fit(slug, room, room_bytes)
    if cut:
        notes[f"cut to {len(slug)} characters, the most a picset id holds"] = None
    if slug.endswith(".") or slug.endswith("_"):
        notes["a \u201c.\u201d at the end is left out: Windows drops it from a folder name"] = None
        slug = slug.rstrip("._")
    return TitleReading(title, slug, tuple(notes))


def _fit(slug: str, room: int, room_bytes: int) -> tuple[str, bool]:
    end = min(len(slug), room)
    while end and (len(slug[:end].encode("utf-8")) > room_bytes or (
            end < len(slug) and unicodedata.category(slug[end])[0] == "M")):
        end -= 1  # shorter, and never between a letter and its marks
    return slug[:end].rstrip("_"), end < len(slug)


def slugify(title: str) -> str:
    """A title as the part of a picset id after the number: ``Praça do Comércio, Lisbon
    2019`` -> ``Praça_do_Comércio,_Lisbon_2019`` (``picset`` if nothing of it can be)."""
    return read_title(title).slug or "picset"


def titled_id(number: str, title: str) -> str:
    """``NNN_title``: the ordering number ``number`` and as much of ``title`` as an id carries
    (``picset`` if nothing of it can be)."""
    reading = read_title(title, MAX_PICSET_ID - len(number) - 1,
                         MAX_PICSET_BYTES - len(number) - 1)
    return validate_picset_id(f"{number}_{reading.slug or 'picset'}")


def retitled_id(picset_id: str, title: str) -> str:
    """``picset_id`` with its number kept and ``title`` after it; :class:`InvalidName` when no
    part of the title can be carried."""
    if not read_title(title).slug:
        raise InvalidName(f"the title {title.strip()!r} has nothing a picset's address can "
                          "carry: give letters or digits" if title.strip() else
                          "the title is empty")
    return titled_id(picset_id.split("_", 1)[0], title)


def title_of(picset_id: str) -> str:
    """A picset's title: what the site shows for it (:func:`display_name`)."""
    return display_name(picset_id)


def titled(picset_id: str) -> str:
    """A picset as a message names it: its title, quoted, then its id (``“Lisbon 2019”
    (004_Lisbon_2019)``)."""
    return f"\u201c{display_name(picset_id)}\u201d ({picset_id})"


def next_number(existing_ids: Iterable[str]) -> str:
    """The next free ordering number (highest + 1), zero-padded to the album's width.

    Raises :class:`InvalidName` when it no longer fits the album's width (after ``999``): the
    site would list the new picset out of order."""
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
    return f"{number:0{width}d}"


def new_picset_id(title: str, existing_ids: Iterable[str]) -> str:
    """A new id for a title (a folder's name as written, by default): the next free ordering
    number and the title (``picset`` if nothing of it can be carried)."""
    return titled_id(next_number(existing_ids), title)
