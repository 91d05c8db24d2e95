"""What the navigation state emits when it changes (see
:mod:`~finpics_desktop.app.window.navigation`): the window's controller draws each of these, and
tests listen to them without a display."""

from __future__ import annotations

from dataclasses import dataclass

from finpics_desktop.app.entries import Entry
from finpics_desktop.app.window.places import Frame, Place


@dataclass(frozen=True)
class PlaceChanged:
    """The grid now shows ``place``, empty until listed; the pages stack is the grid alone."""

    place: Place


@dataclass(frozen=True)
class GridChanged:
    """``relisted``: the same place listed again (something changed): the choice stays."""

    entries: list[Entry]
    relisted: bool = False


@dataclass(frozen=True)
class PhotoAdded:
    row: int
    entry: Entry


@dataclass(frozen=True)
class RowsAdded:
    """The next page of the place shown, at the end of the grid (:mod:`~.paging`)."""

    entries: list[Entry]


@dataclass(frozen=True)
class PageChanged:
    """``frame`` is on top; ``left`` is the frame just popped by Back, if any (its photo is
    the one to select on the page shown)."""

    frame: Frame
    left: Frame | None = None


@dataclass(frozen=True)
class FrameChanged:
    """A search frame's state changed (found, failed, cancelled)."""

    frame: Frame


@dataclass(frozen=True)
class BusyChanged:
    """Listing / search under way, oldest first: ``(kind, text)``; ``started``: one began."""

    jobs: tuple[tuple[str, str], ...]
    started: bool


@dataclass(frozen=True)
class StatusChanged:
    text: str  # "" clears it


@dataclass(frozen=True)
class Told:
    """A line for the Messages panel; ``settings``: the section of Settings where what it
    says is set right (offered as a button), "" if none."""

    text: str
    level: str = "warning"
    settings: str = ""


Event = (PlaceChanged | GridChanged | PhotoAdded | RowsAdded | PageChanged | FrameChanged
         | BusyChanged | StatusChanged | Told)
