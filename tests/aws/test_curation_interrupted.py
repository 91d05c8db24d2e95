"""Curation interrupted, raced and slow, on both backends (the library, and the finpics stack in
the local cloud through the AWS adapters over HTTP): an action stopped by an error is completed
by the next one in the same process, a rollback is refused as such and never lists what it never
got to list, an action that waited for another looks again at what it checked, ``check`` leaves
a running delete's trash alone, and a long action keeps saying its writer is alive. Another
writer's timing is made exact by wrapping what curation sees (its store, tables or records)."""

from __future__ import annotations

import hashlib
import time

import pytest

from finpics_desktop.domain.errors import BackendError
from finpics_desktop.domain.picsets import PICSET_ROOT
from finpics_desktop.pipeline.check import check
from finpics_desktop.pipeline.curation import (
    Curation,
    Refused,
    copy_photos,
    delete,
    list_trash,
    move_photos,
    rename_picset,
    restore,
    undo,
)
from finpics_desktop.ports import HASH_METADATA
from tests.aws.curation_helpers import (  # noqa: F401 (fixtures)
    BIDEN,
    OBAMA,
    PHOTOS,
    album_fixture,
    ids_fixture,
    trashed_faces,
)


class _LostAtCopy:
    """The store as curation sees it, where the network is lost at its ``n``-th copy (an
    error the retries gave up on)."""

    def __init__(self, store, n: int):
        self._store, self._left = store, n

    def copy(self, *args, **kwargs):
        self._left -= 1
        if self._left == 0:
            raise BackendError("the network was lost")
        return self._store.copy(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._store, name)


def _move_stopped_midway(c, a: str, b: str) -> list[tuple[str, str]]:
    """Move two photos of ``a`` to ``b``, the network lost at the second one's original."""
    moving = [(a, "obama1.jpg"), (a, "obama2.jpg")]
    store, c.store = c.store, _LostAtCopy(c.store, 3)
    with pytest.raises(BackendError, match="network was lost"):
        move_photos(c, moving, b)
    c.store = store
    return moving


def test_an_action_stopped_by_an_error_is_completed_next_time_in_the_same_process(album, ids):
    """An error other than a refusal stops an action midway (the long-running window goes on):
    the same action again, or ``check --repair``, completes it at once -- this process no longer
    counts as running it (``wait=0``: a live writer in the way would be refused, Busy)."""
    a, b, new = ids
    album.publish(a, *OBAMA)
    faces = album.photos(a)
    c = Curation(album.backend, wait=0)
    moving = _move_stopped_midway(c, a, b)
    done = move_photos(c, moving, b)
    assert done.summary == f"move of 2 photos from {a} to {b}: complete"
    assert done.completed[0].startswith(f"move of 2 photos from {a} to {b} (started ")
    assert album.photos(b) == {n: faces[n] for _, n in moving}
    assert album.photos(a) == {"obama3.jpg": faces["obama3.jpg"]}
    store, c.store = c.store, _LostAtCopy(c.store, 2)  # a rename stopped at its thumbnail
    with pytest.raises(BackendError, match="network was lost"):
        rename_picset(c, b, new)
    c.store = store
    report = check(album.backend)
    (line,) = [p.line() for p in report.found if p.kind == "operation-in-progress"]
    assert "still running" not in line
    assert check(album.backend, repair=True).ok
    assert album.photos(new) == {n: faces[n] for _, n in moving} and album.photos(b) == {}
    album.assert_consistent(kept_faces=trashed_faces(album))


def test_an_interrupted_move_rolled_back_when_run_again_is_refused(album, ids):
    """A move stopped midway; meanwhile another photo is published under one of its names in
    the destination: the same move again rolls the interrupted one back and says so (exit code
    1 on the command line), rather than that it completed it."""
    a, b, _ = ids
    album.publish(a, *OBAMA)
    album.publish(b, BIDEN[0])
    faces = album.photos(a)
    c = Curation(album.backend)
    moving = _move_stopped_midway(c, a, b)
    theirs, key = (PHOTOS / BIDEN[1]).read_bytes(), f"photos/{b}/obama2.jpg"
    backend = album.backend
    backend.store.put(album.names.pics_bucket, key, theirs, "image/jpeg",
                      {HASH_METADATA: hashlib.sha256(theirs).hexdigest()})
    if backend.process is not None:
        backend.process(album.names.pics_bucket, key)
    album.settle()
    with pytest.raises(Refused, match="another photo has this name .*was undone"):
        move_photos(c, moving, b)
    assert album.photos(a) == faces
    assert sorted(album.photos(b)) == ["biden.jpg", "obama2.jpg"]
    assert album.backend.store.get(album.names.pics_bucket, key) == theirs
    album.assert_consistent(kept_faces=trashed_faces(album))


class _Listings:
    """The tables as curation sees them, noting after each write which picsets the site
    lists."""

    def __init__(self, tables):
        self._tables, self.listed = tables, set()

    def __getattr__(self, name):
        call = getattr(self._tables, name)
        if name.startswith(("get", "query", "scan", "count")):
            return call

        def write(*args, **kwargs):
            result = call(*args, **kwargs)
            self.listed |= {i["sortkey"] for i in self._tables.query_pics(PICSET_ROOT)}
            return result
        return write


def test_a_rename_rolled_back_never_lists_the_new_picset(album, ids):
    """A rename whose last photo cannot be placed (its original is gone) is rolled back: the
    new id, which the rename never got to list, is never on the site's list meanwhile (it would
    show the same photos as the old one, twice)."""
    a, _, new = ids
    album.publish(a, *OBAMA)
    faces, entries = album.photos(a), album.entries()
    album.backend.store.delete(album.names.pics_bucket, f"photos/{a}/obama3.jpg")
    album.settle()
    c = Curation(album.backend)
    c.tables = tables = _Listings(c.tables)
    with pytest.raises(Refused, match="obama3.jpg is gone .*nothing changed"):
        rename_picset(c, a, new)
    assert tables.listed and new not in tables.listed
    assert album.photos(a) == faces and album.entries() == entries
    assert album.photos(new) == {} and album.keys(album.names.pics_bucket, f"photos/{new}/") == []
    assert album.keys(album.names.thumbs_bucket, f"photos/{new}/") == []
    delete(c, [a], purge=True)  # (the cloud's album is shared: leave it consistent)
    album.assert_consistent(kept_faces=trashed_faces(album))


class _JustBeforeLock:
    """The private store as an action's log sees it, where another writer's action runs (and
    ends) just before this one takes its first lock: as if this one had waited for it."""

    def __init__(self, private, backend, action):
        self._private, self._backend, self._action = private, backend, action

    def put(self, pk, *args, **kwargs):
        if pk == "op-lock" and self._action is not None:
            action, self._action = self._action, None
            action(Curation(self._backend))
        return self._private.put(pk, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._private, name)


def test_an_action_that_waited_for_its_picset_looks_at_it_again(album, ids):
    """What an action checked before it got its picsets may have changed while it waited for
    another writer's action on them: it looks again once it holds them."""
    a, b, new = ids
    album.publish(a, *OBAMA[:2])
    album.publish(b, *BIDEN)
    faces_a, faces_b = album.photos(a), album.photos(b)
    c = Curation(album.backend)
    log = c.ops.private

    def meanwhile(action):
        c.ops.private = _JustBeforeLock(log, album.backend, action)

    meanwhile(lambda other: rename_picset(other, a, new))  # two renames to one id
    with pytest.raises(Refused, match=f"cannot rename {b} to {new}: that id is taken"):
        rename_picset(c, b, new)
    assert album.photos(new) == faces_a and album.photos(b) == faces_b
    meanwhile(lambda other: move_photos(other, [(new, "obama1.jpg")], b))
    delete(c, [b])  # the whole picset: with the photo moved in while it waited
    assert b not in album.entries() and album.photos(b) == {}
    (entry,) = [e for e in list_trash(c) if e.picset == b]
    assert entry.what == f"picset {b} (3 photos)"
    meanwhile(lambda other: restore(other, entry.id))  # two restores of one entry
    with pytest.raises(Refused, match=f"nothing with id '{entry.id}'"):
        restore(c, entry.id)
    assert album.photos(b) == {**faces_b, "obama1.jpg": faces_a["obama1.jpg"]}
    album.assert_consistent(kept_faces=trashed_faces(album))


def test_check_leaves_alone_the_trash_of_a_delete_it_did_not_see_start(album, ids):
    """``check`` looks at the actions in progress before it lists the trash's objects: a delete
    that starts in between is not among them, yet its objects are no leftovers -- neither
    reported nor removed by a repair -- while an old trash object no entry holds is."""
    from finpics_desktop.pipeline.check import Problem
    from finpics_desktop.pipeline.curation.checks import TRASH_LEFTOVER, problems, repair, survey

    a, _, _ = ids
    album.publish(a, *OBAMA[:2])
    faces, backend = album.photos(a), album.backend
    seen = survey(backend.private, backend.tables)  # check's look at the actions...
    c = Curation(backend)
    (step,) = delete(c, [f"{a}/obama1.jpg"]).undo  # ...a delete...
    found = problems(seen, {}, [], backend.store, album.names, Problem)  # ...check's listing
    prefix = f"trash/{step.trash_id}/"
    kept = [f"{bucket}/{key}" for bucket in (album.names.pics_bucket, album.names.thumbs_bucket)
            for key in album.keys(bucket, prefix)]
    assert len(kept) == 2 and not [p for p in found if p.subject in kept]
    for subject in kept:  # a repair of what an earlier check reported
        repair(backend, TRASH_LEFTOVER, subject)
    assert [f"{b}/{k}" for b in (album.names.pics_bucket, album.names.thumbs_bucket)
            for k in album.keys(b, prefix)] == kept
    stray = f"trash/20200101-000000-{ids[0][:3]}abc/{a}/obama9.jpg"  # no entry holds it
    backend.store.put(album.names.pics_bucket, stray, b"x", "image/jpeg")
    report = check(backend, repair=True)
    assert [p.subject for p in report.found] == [f"{album.names.pics_bucket}/{stray}"]
    assert album.keys(album.names.pics_bucket, "trash/20200101") == []
    undo(c, [step])
    assert album.photos(a) == faces
    album.assert_consistent(kept_faces=trashed_faces(album))


class _SlowStore:
    """The store as curation sees it, where each call takes 10 s of the test's clock; before
    each, ``look()`` is called."""

    def __init__(self, store, look):
        self._store, self._look = store, look

    def __getattr__(self, name):
        call = getattr(self._store, name)

        def slow(*args, **kwargs):
            self._look()
            return call(*args, **kwargs)
        return slow


def test_a_long_action_keeps_saying_its_writer_is_alive(album, ids):
    """On a slow cloud an action on many photos lasts longer than the lease (after which
    another computer judges it abandoned and takes it over): in every phase of every action,
    its record says its writer is alive often enough never to look abandoned. The records'
    time is the test's clock, which each storage call moves on by 10 s."""
    from finpics_desktop.pipeline.curation.ops import LEASE

    a, b, new = ids
    album.publish(a, *OBAMA, "faces/obama/obama.jpg", "faces/obama/obama_small.jpg",
                  "faces/obama/obama_partial_face.jpg")
    album.publish(b, BIDEN[0])
    faces = album.photos(a)
    c = Curation(album.backend)
    now = [time.time()]
    c.ops.clock = lambda: now[0]
    ages: dict[str, float] = {}  # action -> the oldest its record was seen

    def look():
        for op in c.ops.pending():
            ages[op.kind] = max(ages.get(op.kind, 0.0), now[0] - op.alive_at)
        now[0] += 10.0

    c.store = _SlowStore(c.store, look)
    rename_picset(c, a, new)
    (step,) = delete(c, [new]).undo
    undo(c, [step])
    copies = [(new, n) for n in sorted(faces)]
    copy_photos(c, copies, b)
    album.settle()  # (on the cloud, its processing function indexes the copies)
    delete(c, [f"{b}/{n}" for _, n in copies], purge=True)
    assert set(ages) == {"relocate", "trash", "restore", "copy", "empty"}
    assert max(ages.values()) < LEASE, ages
    assert album.photos(new) == faces
    album.assert_consistent(kept_faces=trashed_faces(album))
