"""The search from a clicked face, one use case for the window and the command line: a face a
curator named searches with the person (:mod:`~finpics_desktop.pipeline.people.person_search`:
their other photos, and the photos matched by their template and the best of their faces,
but those already holding them); any other face with itself (the search function's results,
in-process on the library, through the function on the cloud). It does I/O: the window runs it
off the GUI thread."""

from __future__ import annotations

from dataclasses import dataclass, field

from finpics_desktop.domain.errors import FinpicsError, SearchFailed
from finpics_desktop.domain.matches import PhotoMatch
from finpics_desktop.pipeline.functions.search import DEFAULT_THRESHOLD
from finpics_desktop.pipeline.people.naming import People
from finpics_desktop.pipeline.people.person_search import PersonSearch, search_person
from finpics_desktop.ports import Backend


@dataclass(frozen=True)
class FaceSearch:
    """What a search by face found: ``matches`` (the sure ones, then the maybes, each best
    first; for a person the named photos first) and, when the face is named, the person's
    search it came from."""

    matches: list[PhotoMatch]
    person: PersonSearch | None = None
    named: frozenset[str] = field(default_factory=frozenset)  # image paths confirmed

    @property
    def title(self) -> str:
        """What was searched for, as the results page says it."""
        if self.person is None:
            return "this person"
        faces = self.person.faces
        return (f"{self.person.person.name} (searched with {faces} named "
                f"face{'s' if faces != 1 else ''})")


def search_by_face(backend: Backend, face_id: str) -> FaceSearch:
    """The photos of the person with this face but its own (see the module)."""
    found = _person_search(backend, face_id)
    if found is None:
        return FaceSearch(backend.search(face_id))
    return FaceSearch(found.photos + found.maybe, found,
                      frozenset(m.image_path for m in found.named))


def _person_search(backend: Backend, face_id: str) -> PersonSearch | None:
    if backend.private is None:  # an album without names
        return None
    home = backend.library
    own_cut = home.threshold if home is not None and home.threshold != DEFAULT_THRESHOLD \
        else None  # the library searches at a threshold of its own: so do its people
    try:
        return search_person(People(backend), face_id, face_cut=own_cut)
    except FinpicsError:
        raise
    except Exception as e:  # a port failed in a way it does not name: still one message
        raise SearchFailed(f"the search for the person of face {face_id} failed: "
                           f"{e or type(e).__name__}") from e
