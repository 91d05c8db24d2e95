"""People, what the curator does with them -- name faces, confirm or reject proposals, name a
group of unnamed faces at once, rename, merge, hide, draw a missed face -- as plain calls the
window and the command line both make. Each does I/O: the window runs them off the GUI thread.
The rules themselves are the pipeline's (:mod:`~finpics_desktop.pipeline.people.naming`,
``proposals``, ``clusters``, ``drawn``); what is decided here is what a user action is made of
(naming a group is naming each of its faces, each refusal said) and that nothing is written
into a read-only library."""

from __future__ import annotations

from collections.abc import Sequence

from finpics_desktop.app.albums import check_writable
from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.domain.matches import PhotoMatch
from finpics_desktop.domain.people import Cluster, Person, PersonSummary
from finpics_desktop.pipeline.people import clusters, drawn, proposals, replaced
from finpics_desktop.pipeline.people.merge import merge as merge_people
from finpics_desktop.pipeline.people.naming import Located, Outcome, People, SamePhoto
from finpics_desktop.ports import Backend

__all__ = ["Outcome", "SamePhoto", "add_face", "confirm", "hide", "list_people",
           "located_groups", "merge", "name_face", "name_faces", "people_by_id", "people_names",
           "person_photos", "reject", "rename", "suggest", "unname", "unnamed_groups"]


def _people(backend: Backend, doing: str | None = None) -> People:
    """The album's people; ``doing``: a change, refused on a read-only library. Names of
    photos replaced since (on the cloud: once its function processed them) are carried first."""
    if doing is not None:
        check_writable(backend, doing)
    if not backend.read_only:
        replaced.settle(backend)
    return People(backend)


# -- reading ---------------------------------------------------------------------------------
def list_people(backend: Backend, hidden: bool = False) -> list[PersonSummary]:
    """Everyone (``hidden``: the hidden ones instead), most faces first."""
    return _people(backend).summaries(hidden)


def people_names(backend: Backend) -> list[str]:
    """Every person's name, the hidden ones' too (what a name typed may be completed to)."""
    return [p.name for p in People(backend).people()]


def person_photos(backend: Backend, name: str) -> list[PhotoMatch]:
    """The person's photos, best first (the search function's results)."""
    return _people(backend).photos(name)


def suggest(backend: Backend, name: str) -> proposals.Proposals:
    """The unnamed faces proposed for the person: sure ones, and the unsure ones apart."""
    return proposals.suggest(_people(backend), name)


def unnamed_groups(backend: Backend) -> list[Cluster]:
    """The unnamed faces, grouped by who they look like."""
    return clusters.clusters(_people(backend))


def located_groups(backend: Backend, links: dict[str, dict[str, float]] | None = None
                   ) -> tuple[list[Cluster], dict[str, Located]]:
    """:func:`unnamed_groups`, and where each face is (its photo and box). ``links``: the
    faces' similarity searches made before, kept by the caller (the missing ones are added)."""
    return clusters.located_clusters(_people(backend), links)


def people_by_id(backend: Backend) -> dict[str, str]:
    """Every person's name by their id (the hidden ones' too)."""
    return {p.id: p.name for p in People(backend).people()}


# -- changing --------------------------------------------------------------------------------
def name_face(backend: Backend, face_id: str, name: str, *, same_photo: bool = False
              ) -> Outcome:
    """Name one face (a new person if nobody has the name): :class:`SamePhoto` when the person
    is named in that photo already and the curator did not say so."""
    return _people(backend, "naming faces").name_face(face_id, name, same_photo=same_photo)


def name_faces(backend: Backend, face_ids: Sequence[str], name: str, *,
               same_photo: bool = False) -> list[Outcome]:
    """Name a group of faces at once (the Unnamed view): each face gets the name, those that
    cannot (the person is in that photo already...) say why."""
    people = _people(backend, "naming faces")
    outcomes: list[Outcome] = []
    for face_id in face_ids:
        try:
            outcomes.append(people.name_face(face_id, name, same_photo=same_photo))
        except FinpicsError as e:
            outcomes.append(Outcome(face_id, name, error=str(e)))
    return outcomes


def unname(backend: Backend, face_id: str) -> str | None:
    """Take the face from its person; the name it had (None: it had none)."""
    return _people(backend, "changing names").unname(face_id)


def confirm(backend: Backend, name: str, face_ids: Sequence[str], *,
            same_photo: bool = False) -> list[Outcome]:
    return _people(backend, "confirming faces").confirm(name, face_ids, same_photo=same_photo)


def reject(backend: Backend, name: str, face_ids: Sequence[str]) -> list[Outcome]:
    return _people(backend, "rejecting faces").reject(name, face_ids)


def merge(backend: Backend, name: str, into: str) -> tuple[Person, int]:
    return merge_people(_people(backend, "merging people"), name, into)


def rename(backend: Backend, name: str, new_name: str) -> Person:
    return _people(backend, "renaming people").rename(name, new_name)


def hide(backend: Backend, name: str, hidden: bool = True) -> Person:
    return _people(backend, "hiding people").hide(name, hidden)


def add_face(backend: Backend, picset: str, photo: str, box: dict) -> dict:
    """A face drawn where the detector found none: its ``Face`` record."""
    check_writable(backend, "adding faces")
    return drawn.add_face(backend, picset, photo, box)
