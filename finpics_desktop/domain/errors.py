"""The project's own errors. Every message names what is wrong in words a curator understands,
and, when there is one, what to do about it where the curator meets it (:class:`Remedy`)."""

from __future__ import annotations

from dataclasses import dataclass

# the sections of the window's Settings a remedy can send the curator to
SETTINGS_CLOUD, SETTINGS_GENERAL = "cloud", "general"


@dataclass(frozen=True)
class Remedy:
    """What to do about an error, said where the curator meets it: ``command`` on the command
    line (its options and commands), ``window`` in the window (its Settings, never a command
    line option); ``settings`` is the section of the window's Settings where it is done ("":
    none), for which the window offers a button."""

    command: str
    window: str
    settings: str = ""


class FinpicsError(Exception):
    """Base of every error finpics-desktop raises on purpose. ``remedy``: what to do, for the
    command line (in ``str(error)``: ``"reason; remedy"``) and for the window
    (:meth:`for_window`). Kept when pickled (a publishing process's error)."""

    remedy: Remedy | None = None

    def __init__(self, *args, remedy: Remedy | None = None):
        if remedy is not None and args:
            self.reason, self.remedy = str(args[0]), remedy
            args = (f"{args[0]}; {remedy.command}", *args[1:])
        super().__init__(*args)

    def for_window(self) -> str:
        """The message as the window says it: the reason and the window's remedy."""
        if self.remedy is None:
            return str(self)
        return f"{self.reason}; {self.remedy.window}"


class InvalidName(FinpicsError, ValueError):
    """A picset id, file name or object key that the contract does not allow."""


class InvalidValue(FinpicsError, ValueError):
    """An argument or setting out of its range (a threshold, a number of workers, a folder
    that is not one...)."""


class UnsupportedImage(FinpicsError):
    """A file that is not a photo finpics can publish (wrong type, corrupt, too large...)."""


class NotFound(FinpicsError, KeyError):
    """An object, item or face that does not exist."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else "not found"


class NoSuchObject(NotFound):
    """The object asked for is not in its bucket (the bucket is there)."""


class BackendError(FinpicsError):
    """A storage, table or face-index backend failed (after any retries)."""


class SearchFailed(BackendError):
    """The search by face could not be done (the search function failed, or its answer was
    not the contract's)."""


class StorageError(BackendError):
    """The disk or database a library (or the upload journal) lives on cannot be used.

    The message says what is wrong and what to do; nothing was half-written.
    """


class StorageFull(StorageError):
    """No space left on the device (or a quota reached)."""


class StorageReadOnly(StorageError):
    """The storage can be read but not written (read-only mount, folder or file)."""

    @classmethod
    def library(cls, where: object, doing: str) -> StorageReadOnly:
        """The one wording of a read-only library refusing ``doing`` (e.g. "publishing into
        it"): the window, the command line and the pipeline all say it so."""
        return cls(f"the library {where} is read-only: browsing and searching work, {doing} "
                   "does not; make the folder writable (or copy it to a writable disk) first")

    def sentence(self) -> str:
        """The message as a sentence of its own (the window's Messages panel)."""
        text = str(self)
        return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


class StorageDamaged(StorageError):
    """A database file is corrupt, truncated or not a database at all."""


class WriteConflict(BackendError):
    """A conditional write lost: another writer created or changed the object meanwhile."""


class LimitReached(BackendError):
    """A service limit would be passed (Rekognition's 100 faces per user vector...)."""


class NoFaceFound(FinpicsError):
    """No face could be found in a box drawn by hand (the curator may keep it as a region
    named without a face)."""


class Cancelled(FinpicsError):
    """The user cancelled the work; the message says in what state it left things."""
