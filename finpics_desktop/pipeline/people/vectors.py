"""People's user vectors in the face index (Rekognition's *users*: ``CreateUser``,
``AssociateFaces``, ``DisassociateFaces``): a person's vector holds their named faces, up to
100. :meth:`UserVectors.batched` gathers the changes of a group action (naming a group,
confirming proposals) into calls of up to 100 faces each, not one call a face: on Rekognition
each call counts against the rate the account allows (5 a second in most regions)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from finpics_desktop.domain.errors import LimitReached, NotFound
from finpics_desktop.domain.people import Person


class UserVectors:
    """The user-vector half of :class:`~finpics_desktop.pipeline.people.naming.People` (which
    gives it ``index``, ``records``, ``_batch`` -- a thread-local --, ``faces_of`` and
    ``locate``)."""

    @contextmanager
    def batched(self) -> Iterator[None]:
        """Within the block (on this thread), faces given to or taken from people change their
        user vectors at its end (or at :meth:`flush`), together: the faces taken first, then
        those given, in calls of up to 100 faces (AssociateFaces' and DisassociateFaces'
        most), not one call a face. The names are written as the block goes."""
        if getattr(self._batch, "pending", None) is not None:  # (within one already)
            yield
            return
        self._batch.pending = ({}, {})  # (taken, given): person id -> [face ids]
        self._batch.users = set()  # the users known to exist
        try:
            yield
        finally:
            try:
                self.flush()
            finally:
                self._batch.pending = None

    def flush(self) -> None:
        """Make the user-vector changes :meth:`batched` holds now."""
        pending = getattr(self._batch, "pending", None)
        if pending is None:
            return
        taken, given = pending
        self._batch.pending = None  # (the calls below are made now, not held)
        try:
            for person_id, face_ids in taken.items():
                self._disassociate(person_id, list(dict.fromkeys(face_ids)))
            for person_id, face_ids in given.items():
                self.associate(person_id, list(dict.fromkeys(face_ids)))
        finally:
            taken.clear()
            given.clear()
            self._batch.pending = pending

    def associate(self, person_id: str, face_ids: Sequence[str]) -> None:
        """Add the faces to the person's user vector (a face of another user is taken from it
        first); past Rekognition's 100 faces a user, a face stays named but out of the vector."""
        if not face_ids:
            return
        pending = getattr(self._batch, "pending", None)
        if pending is not None:
            pending[1].setdefault(person_id, []).extend(face_ids)
            return
        users = getattr(self._batch, "users", None)
        if users is None or person_id not in users:
            self.index.create_user(person_id)
            if users is not None:
                users.add(person_id)
        try:
            _, failed = self.records.associate(person_id, face_ids, 0.0)
        except LimitReached:
            if len(face_ids) > 1:
                for face_id in face_ids:
                    self.associate(person_id, [face_id])
            return
        for failure in failed:
            other = failure.user_id
            if "ASSOCIATED_TO_A_DIFFERENT_USER" in failure.reasons and other != person_id:
                self._disassociate(other, [failure.face_id])
                self.associate(person_id, [failure.face_id])

    def _disassociate(self, person_id: str | None, face_ids: Sequence[str]) -> None:
        pending = getattr(self._batch, "pending", None)
        if pending is not None and person_id and face_ids:
            pending[0].setdefault(person_id, []).extend(face_ids)
            return
        if person_id and face_ids:
            with contextlib.suppress(NotFound):  # no such user (yet): nothing to take
                self.index.disassociate_faces(person_id, face_ids)

    def sync(self, person: Person) -> tuple[int, int]:
        """Make the person's user vector hold exactly their named faces (up to 100): after an
        interrupted action or a merge. How many faces were (added, removed)."""
        named = [f.face_id for f in self.faces_of(person)]
        present = set(self.locate(named)) if named else set()
        wanted = [f for f in named if f in present][:100]
        try:
            have = {f.face_id for f in self.records.indexed_faces(user_id=person.id)}
        except NotFound:
            have = set()
        extra = sorted(have - set(named))
        self._disassociate(person.id, extra)
        add = [f for f in wanted if f not in have][:max(0, 100 - len(have & set(named)))]
        self.associate(person.id, add)
        return len(add), len(extra)
