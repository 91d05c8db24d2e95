"""The order of picsets on the site is the order of their ids as text, highest first: moving a
picset to another place in that list means giving it (and, when no number is free there, its
neighbours) another ordering number -- a rename of each. Pure functions: which renames."""

from __future__ import annotations

from finpics_desktop.domain.errors import InvalidName
from finpics_desktop.domain.picsets import order_number, order_width


def with_number(picset_id: str, number: int, width: int) -> str:
    return f"{number:0{width}d}_{picset_id.split('_', 1)[1]}"


def _sort_key(picset_id: str) -> tuple[int, str]:
    return (order_number(picset_id) or 0, picset_id)


def reorder_plan(ids: list[str], moving: str, index: int) -> list[tuple[str, str]]:
    """The renames (old id, new id) that show ``moving`` at ``index`` of the site's list (0:
    the top, newest first), changing as few ids as possible, in an order where no new id is
    still in use. Raises InvalidName when the numbers of the album's width run out."""
    shown = sorted((i for i in ids if i != moving), key=_sort_key, reverse=True)
    if moving not in ids:
        raise InvalidName(f"there is no picset {moving}")
    index = max(0, min(index, len(shown)))
    width = order_width(ids)
    top = 10**width - 1
    above = shown[:index][::-1]  # nearest first, going up
    below = shown[index:]  # nearest first, going down
    numbers = {i: order_number(i) or 0 for i in ids}
    low = numbers[below[0]] if below else -1
    high = numbers[above[0]] if above else top + 1
    renames: dict[str, int] = {}
    if high - low > 1:  # a free number between the neighbours
        keep = low < numbers[moving] < high
        renames[moving] = numbers[moving] if keep else (low + high) // 2 if above else low + 1
    else:
        renames = (_shift(moving, low + 1, above, numbers, +1, top)
                   or _shift(moving, high - 1, below, numbers, -1, top) or {})
    if not renames:
        raise InvalidName(f"no ordering number of {width} digits is free there: renumber the "
                          f"album with {width + 1} digits first (`finpics-desktop renumber "
                          f"--width {width + 1}`)")
    changes = [(old, with_number(old, n, width)) for old, n in renames.items()
               if with_number(old, n, width) != old]
    return safe_order(changes)


def _shift(moving: str, number: int, neighbours: list[str], numbers: dict[str, int],
           step: int, top: int) -> dict[str, int] | None:
    """``moving`` gets ``number``; the neighbours in the way move on by ``step`` until a free
    number is reached. None if that leaves 0..top."""
    plan = {moving: number}
    last = number
    for neighbour in neighbours:
        if (numbers[neighbour] - last) * step > 0:
            break
        last += step
        plan[neighbour] = last
    return plan if min(plan.values()) >= 0 and max(plan.values()) <= top else None


def _widths(ids: list[str]) -> set[int]:
    return {len(i.split("_", 1)[0]) for i in ids if order_number(i) is not None}


def renumber_width(ids: list[str]) -> int:
    """The width ``renumber`` writes by default: one more digit than the album has, or the
    widest one present when a renumbering was interrupted (the widths are mixed)."""
    widths = _widths(ids)
    return max(widths) if len(widths) > 1 else order_width(ids) + 1


MAX_WIDTH = 9  # digits: more than any album needs, and still a short id


def fitting_width(ids: list[str]) -> int:
    """The fewest digits every ordering number of the album fits in (at least 1)."""
    return max([1, *(len(str(n)) for i in ids if (n := order_number(i)) is not None)])


def renumber_plan(ids: list[str], width: int) -> list[tuple[str, str]]:
    """Every id with its number written with ``width`` digits (the way out once ``999`` is
    taken: the site sorts ids as text); ids written so already (by a renumbering interrupted
    midway) stay, and an album written so already needs no rename (an empty plan). Fewer
    digits than now are allowed as long as every number fits: that undoes a renumbering.
    InvalidName saying which widths are allowed, and why, for any other width."""
    fits = fitting_width(ids)
    if not fits <= width <= MAX_WIDTH:
        highest = max(ids, key=lambda i: order_number(i) or 0, default="")
        why = (f"the highest number, {highest}, needs {fits}" if highest and fits > 1
               else "a number needs at least 1")
        raise InvalidName(f"--width {width}: every picset's ordering number is written with "
                          f"the same number of digits, from {fits} ({why}) to {MAX_WIDTH}, "
                          "since the site sorts the ids as text")
    renames = [(i, with_number(i, number, width)) for i in ids
               if (number := order_number(i)) is not None]
    renames = [(old, new) for old, new in renames if new != old]
    staying = set(ids) - {old for old, _ in renames}
    seen: dict[str, str] = {}
    for old, new in renames:
        other = seen.get(new) or (new if new in staying else None)
        if other is not None:
            raise InvalidName(f"--width {width}: {old} would become {new}, the id of "
                              f"{'picset ' + other if other != new else 'another picset'}: "
                              "rename one of them first")
        seen[new] = old
    return safe_order(renames)


def mixed_widths(ids: list[str]) -> list[tuple[str, int, int]]:
    """(id, its width, the album's) of each id whose ordering number has another width than
    the album's (the most common): the site's text order puts it out of place."""
    ids = [i for i in ids if "_" in i]  # (a folder made by hand, "2019", is no picset)
    width = order_width(ids)
    return [(i, len(i.split("_", 1)[0]), width) for i in sorted(ids)
            if order_number(i) is not None and len(i.split("_", 1)[0]) != width]


def safe_order(renames: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The renames in an order where each new id is free when its turn comes."""
    pending, done, taken = list(renames), [], {old for old, _ in renames}
    while pending:
        ready = [r for r in pending if r[1] not in taken]
        if not ready:
            raise InvalidName("these renames go round in a circle: " + ", ".join(
                f"{a} -> {b}" for a, b in pending))
        for old, new in ready:
            pending.remove((old, new))
            taken.discard(old)
            done.append((old, new))
    return done
