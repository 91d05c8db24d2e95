"""The kinds of option a setting can be. Each option is declared once (as MusicBrainz Picard
declares its options): its name, where it is stored, its type and default, its title and help,
and where it shows in the Settings dialog (a group, or hidden). Loading, saving, validation
and the dialog's rows are all read from the declarations (``app/settings.py`` holds them);
no Qt here, so the command line could read the same settings.

Values reach an option three ways, all through :meth:`Option.convert`: from the code (a
wrong one raises :class:`InvalidSetting`), from the dialog's fields (the message is shown
there) and from the store (a stored value that is not one of the option's is logged and the
default used: a hand-edited settings file never stops the window from opening)."""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from finpics_desktop.domain.errors import InvalidValue

log = logging.getLogger(__name__)

_NAME = re.compile(r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$")
# secrets are kept in the OS keyring (app/credentials.py), never in the settings
_SECRET_WORDS = ("secret", "password", "passwd", "token", "access_key", "key_id", "apikey")


class InvalidSetting(InvalidValue):
    """A value that is not one of an option's; the message names the option and the value."""


class Store(Protocol):
    """Where settings are kept (``QSettings`` in the window): ``value`` is None when absent."""

    def value(self, key: str) -> Any: ...

    def setValue(self, key: str, value: Any) -> None: ...  # noqa: N802 - QSettings' name

    def sync(self) -> None: ...


@dataclass(frozen=True)
class Group:
    """A group of rows of the Settings dialog, in the order groups are declared; a group with
    no title shows its rows on the page itself, one with a title in a box of that title."""

    name: str
    title: str = ""


@dataclass(frozen=True, kw_only=True)
class Option:
    """One setting. ``name``: how the code reads it (``settings.name``, or
    ``settings["names.region"]``); ``key``: where it is stored (kept, so that the users of a
    version before keep their values); ``group``: the dialog's group it shows in, None for an
    option the dialog does not show (it is loaded, saved and kept all the same);
    ``advanced``: shown under its group's *Advanced* part, closed until opened (or until one
    of its options is not its default)."""

    name: str
    key: str
    default: Any
    title: str
    help: str = ""
    group: str | None = None
    advanced: bool = False
    expected: ClassVar[str] = "a value"  # what a valid value is, for the messages

    def convert(self, value: Any) -> Any:
        """This option's value from a value of its type or from its text (a field, a stored
        string); raises InvalidSetting naming the option and the value."""
        return value

    def stored(self, value: Any) -> Any:
        """What is written to the store for ``value``."""
        return value

    def text(self, value: Any) -> str:
        """``value`` as a field of the dialog shows it."""
        return "" if value is None else str(value)

    def invalid(self, value: Any, expected: str = "") -> InvalidSetting:
        return InvalidSetting(f"{self.title}: {value!r} is not {expected or self.expected}")

    def load(self, raw: Any) -> Any:
        """The value stored (``raw``; None: nothing stored), or the default, with a warning in
        the log, when what is stored is not one of this option's values."""
        if raw is None:
            return self.default
        try:
            return self.convert(raw)
        except InvalidSetting as e:
            log.warning("settings: %s (stored under %r); the default, %s, is used instead",
                        e, self.key, self.text(self.default) or "empty")
            return self.default


_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")


@dataclass(frozen=True, kw_only=True)
class BoolOption(Option):
    """Yes or no: a check box whose text is the title. Stored as true/false; true, 1, yes, on
    (and their opposites) are read, in any case."""

    default: bool = False
    expected: ClassVar[str] = "yes or no (true/false, yes/no, on/off, 1/0)"

    def convert(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str):
            word = value.strip().lower()
            if word in _TRUE:
                return True
            if word in _FALSE:
                return False
        raise self.invalid(value)

    def text(self, value: Any) -> str:
        return "yes" if value else "no"


@dataclass(frozen=True, kw_only=True)
class TextOption(Option):
    """A line of text (spaces around it dropped). ``placeholder``: the grey text of an empty
    field (or a function giving it). ``empty_means``: what an empty value stands for (the
    contract's name): the field shows it filled in, and a value equal to it is kept empty, so
    that the users who never changed it follow a later change of it. ``choices``: a function
    giving values to pick from (the field stays editable). ``browse="folder"``: a Browse…
    button picks a folder."""

    default: str = ""
    placeholder: str | Callable[[], str] = ""
    empty_means: str = ""
    choices: Callable[[], Sequence[str]] | None = None
    browse: str = ""
    expected: ClassVar[str] = "a line of text"

    def convert(self, value: Any) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)  # a store that keeps numbers as numbers
        if not isinstance(value, str) or "\n" in value.strip():
            raise self.invalid(value)
        value = value.strip()
        return "" if self.empty_means and value == self.empty_means else value

    def shown_placeholder(self) -> str:
        return self.placeholder() if callable(self.placeholder) else self.placeholder

    def text(self, value: Any) -> str:
        return value or self.empty_means


@dataclass(frozen=True, kw_only=True)
class ChoiceOption(Option):
    """One of a few fixed values: a list of their titles in the dialog. ``choices``: (value,
    title) pairs, in the list's order; a value or a title is read, in any case."""

    default: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    expected: ClassVar[str] = "one of the choices"

    def convert(self, value: Any) -> str:
        if isinstance(value, str):
            word = value.strip().lower()
            for choice, title in self.choices:
                if word in (choice.lower(), title.lower()):
                    return choice
        raise self.invalid(value, " or ".join(title for _, title in self.choices))

    def text(self, value: Any) -> str:
        return dict(self.choices).get(value, str(value))


@dataclass(frozen=True, kw_only=True)
class ListOption(Option):
    """A list of lines of text (folders...), in order, without repeats or empty lines; kept
    as a JSON list (a store may give back one string for a list of one)."""

    default: tuple[str, ...] = ()
    expected: ClassVar[str] = "a list of lines of text"

    def convert(self, value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            text = value.strip()
            try:
                value = json.loads(text) if text.startswith("[") else ([text] if text else [])
            except ValueError:
                raise self.invalid(value) from None
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise self.invalid(value)
        return tuple(dict.fromkeys(v.strip() for v in value if v.strip()))

    def stored(self, value: Any) -> Any:
        return json.dumps(list(value))

    def text(self, value: Any) -> str:
        return "\n".join(value or ())


@dataclass(frozen=True, kw_only=True)
class _NumberOption(Option):
    """``blank``: an empty field is a value of its own (None: "the default", said by the
    placeholder), stored as an empty text."""

    minimum: float | None = None
    maximum: float | None = None
    blank: bool = False
    placeholder: str = ""
    number: ClassVar[type] = float

    def _range(self) -> str:
        low, high = self.minimum, self.maximum
        if low is not None and high is not None:
            return f" from {self.text(low)} to {self.text(high)}"
        if low is not None:
            return f" of at least {self.text(low)}"
        return f" of at most {self.text(high)}" if high is not None else ""

    def _parse(self, value: Any) -> Any:
        raise NotImplementedError

    def convert(self, value: Any) -> Any:
        if self.blank and (value is None or isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool):
            raise self.invalid(value, self.expected + self._range())
        try:
            number = self._parse(value)
        except (TypeError, ValueError, OverflowError):
            raise self.invalid(value, self.expected + self._range()) from None
        if ((self.minimum is not None and number < self.minimum)
                or (self.maximum is not None and number > self.maximum)):
            raise self.invalid(value, self.expected + self._range())
        return number


@dataclass(frozen=True, kw_only=True)
class IntOption(_NumberOption):
    """A whole number, optionally between ``minimum`` and ``maximum``."""

    default: int = 0
    expected: ClassVar[str] = "a whole number"

    def _parse(self, value: Any) -> int:
        if isinstance(value, float):
            if not value.is_integer():
                raise ValueError(value)
            return int(value)
        return int(value.strip() if isinstance(value, str) else value)


@dataclass(frozen=True, kw_only=True)
class FloatOption(_NumberOption):
    """A number (a point for decimals), optionally between ``minimum`` and ``maximum``."""

    default: float = 0.0
    expected: ClassVar[str] = "a number"

    def _parse(self, value: Any) -> float:
        number = float(value.strip() if isinstance(value, str) else value)
        if not math.isfinite(number):
            raise ValueError(value)
        return number

    def text(self, value: Any) -> str:
        return "" if value is None else f"{value:g}"

    def stored(self, value: Any) -> Any:
        return "" if value is None else value

    def shown_placeholder(self) -> str:
        return self.placeholder


class Declarations:
    """The declared groups and options, in the order declared (the dialog's order)."""

    def __init__(self) -> None:
        self._groups: dict[str, Group] = {}
        self._options: dict[str, Option] = {}

    def group(self, name: str, title: str = "") -> Group:
        if name in self._groups:
            raise ValueError(f"the settings group {name!r} is declared twice")
        self._groups[name] = Group(name, title)
        return self._groups[name]

    def declare(self, option: Option) -> Option:
        """Adds ``option`` (a programming error, raised at once: a name or key declared
        twice, an unknown group, a default that is not one of its values, a secret)."""
        if not _NAME.match(option.name):
            raise ValueError(f"the setting name {option.name!r} is not lower_case words")
        if option.name in self._options:
            raise ValueError(f"the setting {option.name!r} is declared twice")
        if any(o.key == option.key for o in self._options.values()):
            raise ValueError(f"the settings key {option.key!r} is declared twice")
        if option.group is not None and option.group not in self._groups:
            raise ValueError(f"the setting {option.name!r} shows in {option.group!r}, "
                             "which is no declared group")
        words = f"{option.name} {option.key}".lower().replace("-", "_")
        if any(word in words for word in _SECRET_WORDS):
            raise ValueError(f"the setting {option.name!r} looks like a secret: secrets are "
                             "kept in the OS keyring (app/credentials.py), never in settings")
        try:
            valid = option.convert(option.default) == option.default
        except InvalidSetting as e:
            raise ValueError(f"the default of {option.name!r} is not one of its values: "
                             f"{e}") from None
        if not valid:
            raise ValueError(f"the default of {option.name!r} is not one of its values")
        self._options[option.name] = option
        return option

    def forget(self, name: str) -> None:
        """Removes a declared option (a test's own option, once the test is done)."""
        del self._options[name]

    def __iter__(self) -> Iterator[Option]:
        return iter(list(self._options.values()))

    def __contains__(self, name: object) -> bool:
        return name in self._options

    def __getitem__(self, name: str) -> Option:
        return self._options[name]

    def groups(self) -> list[Group]:
        return list(self._groups.values())

    def shown_in(self, group: str) -> list[Option]:
        return [o for o in self._options.values() if o.group == group]
