"""The order of the photos of a picset. The site lists a picset's photos by their file names as
text (``sortkey``), so an order other than the names' own is written into the names: a position
prefix, ``07~beach.jpg``, zero-padded to the fewest digits the picset's count needs, and only
when the wanted order differs from the order of the names without it. Ordering again replaces
the prefix (it never stacks); ordering by name takes every prefix away. The window shows a name
without its prefix (:func:`shown_name`). Pure functions: which renames, in which sequence."""

from __future__ import annotations

import re
from collections.abc import Iterable

from finpics_desktop.domain.errors import InvalidName
from finpics_desktop.domain.keys import MAX_NAME_BYTES

SEP = "~"  # between the position and the name: rare in a camera's or a person's file names
_PREFIX = re.compile(r"^([0-9]+)~(?=.)")
BY = ("date", "name")  # the orders the app knows how to make (besides an order by hand)


def base_name(name: str) -> str:
    """The file name without the position prefix an ordering gave it."""
    return _PREFIX.sub("", name, count=1)


def shown_name(name: str) -> str:
    """What the window calls a photo: its name without the order's prefix."""
    return base_name(name)


def prefixed(position: int, name: str, width: int) -> str:
    return f"{position:0{width}d}{SEP}{base_name(name)}"


def by_name(names: Iterable[str]) -> list[str]:
    """The names in the order of their names without prefix (as the site sorts text)."""
    return sorted(names, key=lambda n: (base_name(n), n))


def by_date(names: Iterable[str], taken: dict[str, str | None]) -> list[str]:
    """Oldest first by ``taken`` (``YYYY-MM-DD HH:MM:SS``, sortable as text); photos without
    a date last, by name."""
    return sorted(names, key=lambda n: (not taken.get(n), taken.get(n) or "",
                                        base_name(n), n))


def put_first(current: list[str], first: list[str]) -> list[str]:
    """``first`` (each a name of ``current``) in that order, then the others as they are."""
    chosen = list(dict.fromkeys(first))
    return chosen + [n for n in current if n not in set(chosen)]


def resolve(current: list[str], asked: list[str]) -> list[str]:
    """The names of ``current`` that ``asked`` means: a name as it is, or without its prefix
    (``beach.jpg`` for ``07~beach.jpg``). InvalidName naming the one unknown or ambiguous."""
    exact = set(current)
    bases: dict[str, list[str]] = {}
    for n in current:
        bases.setdefault(base_name(n), []).append(n)
    found = []
    for name in asked:
        if name in exact:
            found.append(name)
            continue
        matches = bases.get(base_name(name), [])
        if len(matches) != 1:
            raise InvalidName(f"no photo {name!r} in this picset" if not matches else
                              f"{name!r} could be {' or '.join(matches)}: give the whole name")
        found.append(matches[0])
    return found


def order_names(wanted: list[str]) -> list[str]:
    """The names that make the site show the photos in the order ``wanted`` (every current
    name, in the order wanted): the names without prefix when that is their own order, else
    each with its position."""
    bases = [base_name(n) for n in wanted]
    if len(set(bases)) == len(bases) and bases == sorted(bases):
        return bases
    width = len(str(len(wanted)))
    names = [prefixed(n, name, width) for n, name in enumerate(wanted, 1)]
    for name in names:
        if len(name.encode("utf-8")) > MAX_NAME_BYTES:
            raise InvalidName(f"{base_name(name)!r}: its name is too long to carry a position "
                              f"(at most {MAX_NAME_BYTES} bytes with it)")
    return names


def order_plan(current: list[str], wanted: list[str]) -> list[tuple[str, str]]:
    """The renames (old name, new name), one photo at a time, that make the site list the
    photos of a picset (``current``, its names) in the order ``wanted``; each new name is free
    when its turn comes (a circle of names goes round through a free name). Empty when the
    names give that order already."""
    if sorted(wanted) != sorted(current) or len(set(wanted)) != len(wanted):
        raise InvalidName("the order must name every photo of the picset once")
    targets = order_names(wanted)
    renames = [(old, new) for old, new in zip(wanted, targets, strict=True) if old != new]
    return sequence(renames, set(current))


def sequence(renames: list[tuple[str, str]], names: set[str]) -> list[tuple[str, str]]:
    """``renames`` in an order where each new name is free when its turn comes; a circle is
    broken by taking one photo through a name nobody has first (the site lists it there for a
    moment: once, never twice)."""
    pending, done, taken = list(renames), [], set(names)
    while pending:
        ready = [r for r in pending if r[1] not in taken]
        if not ready:
            old, new = pending[0]
            spare = _spare(new, taken | {b for _, b in pending})
            pending[0] = (spare, new)
            ready = [(old, spare)]
            taken.add(spare)
            taken.discard(old)
            done.append(ready[0])
            continue
        for old, new in ready:
            pending.remove((old, new))
            taken.discard(old)
            taken.add(new)
            done.append((old, new))
    return done


def _spare(name: str, taken: set[str]) -> str:
    n = 0
    while True:
        spare = f"{n}{name}"
        if spare not in taken:
            return spare
        n += 1


def undo_plan(renames: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The renames that put back what ``renames`` (in their sequence) changed."""
    return [(new, old) for old, new in reversed(renames)]


def placed(current: list[str], moving: list[str], row: int) -> list[str]:
    """``current`` with the names ``moving`` taken out and put, in their order, where row
    ``row`` of ``current`` was (``len(current)``: at the end): a drag in the grid."""
    moving = [n for n in dict.fromkeys(moving) if n in set(current)]
    before = [n for n in current[:max(0, row)] if n not in set(moving)]
    after = [n for n in current[max(0, row):] if n not in set(moving)]
    return before + moving + after
