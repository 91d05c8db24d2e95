"""People, what the curator does with them -- name faces, confirm or reject proposals, name a
group of unnamed faces at once, rename, merge, hide, draw a missed face -- as plain calls the
window and the command line both make. Each does I/O: the window runs them off the GUI thread.
The rules themselves are the pipeline's (:mod:`~finpics_desktop.pipeline.people.naming`,
``proposals``, ``clusters``, ``drawn``); what is decided here is what a user action is made of
(naming a group is naming each of its faces, each refusal said) and that nothing is written
into a read-only library."""

from __future__ import annotations

from collections.abc import Callable, Sequence, Set

from finpics_desktop.app.albums import check_writable
from finpics_desktop.domain.errors import FinpicsError
from finpics_desktop.domain.matches import PhotoMatch
from finpics_desktop.domain.people import Cluster, Person, PersonSummary
from finpics_desktop.pipeline.people import (
    clusters,
    drawn,
    ignored,
    proposals,
    region_names,
    regions,
    removal,
    replaced,
    together,
)
from finpics_desktop.pipeline.people.merge import merge as merge_people
from finpics_desktop.pipeline.people.naming import Located, Outcome, People, SamePhoto
from finpics_desktop.ports import Backend

__all__ = ["Outcome", "SamePhoto", "add_face", "confirm", "hide", "ignore", "ignored_faces",
           "keep_region", "list_people", "locate_faces", "located_groups", "merge", "name_face",
           "name_faces", "people_by_id", "people_names", "person_faces", "person_photos",
           "photos_together", "put_back", "reject", "remove_face", "rename", "suggest",
           "unignore", "unname", "warm_unnamed", "unnamed_answered", "unnamed_faces",
           "unnamed_groups"]


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


def photos_together(backend: Backend, names: Sequence[str], only: bool = False
                    ) -> list[PhotoMatch]:
    """The photos where all of them appear (``only``: and no one else), surest first."""
    return together.together(_people(backend), names, only)


def person_faces(backend: Backend, name: str, photos: list[PhotoMatch]) -> int:
    """How many of the person's named faces are in ``photos`` (their photos: one face each,
    but for a person named twice in a photo)."""
    people = People(backend)
    mine = {f.face_id for f in people.faces_of(people.find(name))}
    return sum(1 for photo in photos for face in photo.faces if face.face_id in mine)


def person_page(backend: Backend, name: str, first: Callable[[Person, list[PhotoMatch], int],
                                                               None] | None = None
                ) -> tuple[proposals.Proposals, list[PhotoMatch], int]:
    """A person's page at once: :func:`suggest`, :func:`person_photos` and
    :func:`person_faces`: the person's named faces read by their person, and only the ids of
    everyone else's (where the album keeps them so; else every named face, once for all).
    ``first(person, photos, faces)`` is told the photos before the proposals are searched (the
    window starts on their thumbnails meanwhile)."""
    people = _people(backend)
    named = None if getattr(backend.private, "named_of", None) else people.named()
    person = people.find(name)
    photos = people.photos(person.name, named)
    mine = {f.face_id for f in people.faces_of(person, named)}
    faces = sum(1 for photo in photos for face in photo.faces if face.face_id in mine)
    if first is not None:
        first(person, photos, faces)
    return proposals.suggest(people, name, named), photos, faces


def suggest(backend: Backend, name: str) -> proposals.Proposals:
    """The unnamed faces proposed for the person: sure ones, and the unsure ones apart."""
    return proposals.suggest(_people(backend), name)


def unnamed_groups(backend: Backend, searching: clusters.Searching | None = None
                   ) -> list[Cluster]:
    """The unnamed faces, grouped by who they look like (``searching``: progress, Cancel,
    and the faces whose search failed). No face is located (see :func:`locate_faces`)."""
    return clusters.grouped(_people(backend), searching)[0]


def unnamed_answered(backend: Backend, groups: list[Cluster], faces: Set[str]
                     ) -> list[Cluster] | None:
    """``groups`` (:func:`unnamed_groups` as listed) once the faces ``faces`` -- named or
    ignored since -- left them; None when that cannot be said (:func:`clusters.answered`)."""
    return clusters.answered(_people(backend), groups, faces)


def warm_unnamed(backend: Backend) -> None:
    """What grouping the unnamed faces again reads, read now (:func:`clusters.warm`)."""
    clusters.warm(_people(backend))


def located_groups(backend: Backend, searching: clusters.Searching | None = None
                   ) -> tuple[list[Cluster], dict[str, Located]]:
    """:func:`unnamed_groups`, and where each face is (its photo and box). The faces' searches
    and the groups are kept in the album and updated by what changed (``clusters``);
    ``searching``: progress, Cancel, and the faces whose search failed."""
    return clusters.located_clusters(_people(backend), searching)


def locate_faces(backend: Backend, face_ids: Sequence[str]) -> dict[str, Located]:
    """Where each of these faces is (its photo and box); those not in a photo of the album are
    left out. Their ImageIds come from the face index's table where it keeps one (the
    library's: its vectors not loaded)."""
    image_ids_of = getattr(backend.faces, "image_ids_of", None)
    return _people(backend).locate(face_ids, known=image_ids_of(face_ids)
                                   if image_ids_of is not None else None)


def people_by_id(backend: Backend) -> dict[str, str]:
    """Every person's name by their id (the hidden ones' too)."""
    return {p.id: p.name for p in People(backend).people()}


def unnamed_faces(backend: Backend, face_ids: Sequence[str]) -> list[Located]:
    """Those of these faces (a group opened) that are still unnamed and not ignored, and
    where each is, in the order given."""
    people = _people(backend)
    left_out = set(people.named()) | ignored.ignored_ids(people.private)
    where = people.locate([f for f in face_ids if f not in left_out])
    return [where[f] for f in face_ids if f in where]


def ignored_faces(backend: Backend) -> list[Located]:
    """The faces ignored (strangers), the latest first."""
    return [spot for spot, _ in ignored.ignored_faces(_people(backend))]


# -- changing --------------------------------------------------------------------------------
def name_face(backend: Backend, face_id: str, name: str, *, same_photo: bool = False
              ) -> Outcome:
    """Name one face (a new person if nobody has the name): :class:`SamePhoto` when the person
    is named in that photo already and the curator did not say so."""
    return _name(_people(backend, "naming faces"), face_id, name, same_photo)


def _name(people: People, face_id: str, name: str, same_photo: bool) -> Outcome:
    """Name a face, or a region named by hand (its id goes where a FaceId goes)."""
    if regions.is_region(face_id):
        before, after = region_names.name_region(people, face_id, name)
        return Outcome(face_id, after.name,
                       before.name if before.person != after.person else None)
    return people.name_face(face_id, name, same_photo=same_photo)


def name_faces(backend: Backend, face_ids: Sequence[str], name: str, *,
               same_photo: bool = False) -> list[Outcome]:
    """Name a group of faces at once (the Unnamed view): each face gets the name, those that
    cannot (the person is in that photo already...) say why."""
    people = _people(backend, "naming faces")
    faces = [f for f in face_ids if not regions.is_region(f)]
    named = dict(zip(faces, people.name_faces(faces, name, same_photo=same_photo),
                     strict=True)) if faces else {}  # together: a few calls, not five a face
    outcomes: list[Outcome] = []
    for face_id in face_ids:
        if face_id in named:
            outcomes.append(named[face_id])
            continue
        try:
            outcomes.append(_name(people, face_id, name, same_photo))
        except FinpicsError as e:
            outcomes.append(Outcome(face_id, name, error=str(e)))
    return outcomes


def unname(backend: Backend, face_id: str) -> str | None:
    """Take the face from its person; the name it had (None: it had none). A region named by
    hand has nothing without its name: it is removed."""
    if regions.is_region(face_id):
        check_writable(backend, "changing names")
        return regions.remove_region(backend, face_id).name
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


def ignore(backend: Backend, face_ids: Sequence[str]) -> list[Outcome]:
    """Ignore these faces for good ("Ignore this person": a stranger): never proposed, never
    among the unnamed faces; each one that cannot be (named...) says why."""
    return ignored.ignore(_people(backend, "ignoring faces"), face_ids)


def unignore(backend: Backend, face_ids: Sequence[str]) -> list[Outcome]:
    """Stop ignoring these faces (unnamed faces again)."""
    return ignored.unignore(_people(backend, "bringing back ignored faces"), face_ids)


def add_face(backend: Backend, picset: str, photo: str, box: dict) -> dict:
    """A face drawn where the detector found none: its ``Face`` record."""
    check_writable(backend, "adding faces")
    return drawn.add_face(backend, picset, photo, box)


def keep_region(backend: Backend, picset: str, photo: str, box: dict,
                name: str) -> regions.Region:
    """A box drawn where no face can be found, kept as a region named ``name`` (shown with
    the name, counted among the person's photos; never in a face search)."""
    return region_names.keep_region(_people(backend, "naming regions"), picset, photo, box, name)


def remove_face(backend: Backend, face_id: str) -> removal.Removed | regions.Region:
    """Remove a face from its photo (its records, its name, from the face index; a
    ``reindex`` never brings it back), or a region named by hand; what it was."""
    check_writable(backend, "removing faces")
    if regions.is_region(face_id):
        return regions.remove_region(backend, face_id)
    return removal.remove_face(backend, face_id)


def put_back(backend: Backend, was: removal.Removed | regions.Region) -> str:
    """Undo :func:`remove_face`: its FaceId (the same where the index can keep it) or the
    region's id."""
    check_writable(backend, "putting a face back")
    if isinstance(was, regions.Region):
        return region_names.put_back(People(backend), was).region_id
    return removal.put_back(backend, was)
