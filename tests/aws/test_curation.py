"""Curation on both backends: the library, and the finpics stack deployed into the local cloud
driven through the AWS adapters over HTTP (its processing function triggered by S3 events, as
in production -- it must leave the originals a curation action put in place alone). After each
action the contract's whole state is asserted, the site's own queries and search agree, and
``check`` is clean."""

from __future__ import annotations

import hashlib
import itertools
import time
import urllib.error
import urllib.request

import pytest

from finpics_desktop.domain.errors import BackendError, InvalidName
from finpics_desktop.domain.picsets import PICSET_ROOT
from finpics_desktop.pipeline.check import check
from finpics_desktop.pipeline.curation import (
    Curation,
    Refused,
    copy_photos,
    delete,
    empty_trash,
    list_trash,
    move_photos,
    rename_picset,
    renumber,
    reorder,
    restore,
    set_cover,
    undo,
)
from finpics_desktop.ports import HASH_METADATA
from tests.aws.curation_helpers import PHOTOS, Album

OBAMA = ("faces/obama/obama1.jpg", "faces/obama/obama2.jpg", "faces/obama/obama3.jpg")
BIDEN = ("faces/biden/biden.jpg", "faces/biden/biden2.jpg")
_numbers = itertools.count(100, 10)


@pytest.fixture(params=["local", "aws"])
def album(request):
    if request.param == "local":
        return Album(request.getfixturevalue("library"))
    return Album(request.getfixturevalue("own_stack"), request.getfixturevalue("cloud"))


@pytest.fixture
def ids():
    """Picset ids of this test (the cloud's album is shared by the module's tests)."""
    base = next(_numbers)
    return [f"{base + n:03d}_{slug}" for n, slug in enumerate(("obama", "biden", "more"))]


def _trashed_faces(album) -> set[str]:
    from finpics_desktop.pipeline.curation import trashed_face_ids

    return trashed_face_ids(album.backend.private)


def test_cover_is_set_on_an_existing_photo_and_undone(album, ids):
    a, _, _ = ids
    album.publish(a, *OBAMA)
    c = Curation(album.backend)
    assert album.entries()[a] == "obama1.jpg"
    done = set_cover(c, a, "obama3.jpg")
    assert album.entries()[a] == "obama3.jpg"
    with pytest.raises(Refused, match="no photo 'nope.jpg' in picset"):
        set_cover(c, a, "nope.jpg")
    assert album.entries()[a] == "obama3.jpg"
    album.assert_consistent(kept_faces=_trashed_faces(album))
    undo(c, done.undo)
    assert album.entries()[a] == "obama1.jpg"


def test_rename_moves_every_key_and_keeps_the_faces(album, ids):
    a, b, new = ids
    album.publish(a, *OBAMA)
    album.publish(b, *BIDEN)
    c = Curation(album.backend)
    set_cover(c, a, "obama2.jpg")
    before = album.photos(a)
    with pytest.raises(Refused, match=f"{b}: that id is taken"):
        rename_picset(c, a, b)
    with pytest.raises(InvalidName, match="4-digit ordering number"):
        rename_picset(c, a, "0999_x")
    done = rename_picset(c, a, new)
    album.settle()  # the copies' S3 events came and went: processing left them alone
    assert album.photos(new) == before  # same names, same FaceIds
    assert album.photos(a) == {}
    assert a not in album.entries() and album.entries()[new] == "obama2.jpg"
    originals = album.keys(album.names.pics_bucket, f"photos/{new}/")
    assert originals == [f"photos/{new}/{n}" for n in sorted(before)]
    assert album.keys(album.names.pics_bucket, f"photos/{a}/") == []
    face = before["obama1.jpg"][0]
    found = {m.image_path for m in album.backend.search(face)
             if m.picset in ids}  # (the cloud's album is shared)
    assert found == {f"{new}/obama2.jpg", f"{new}/obama3.jpg"}
    album.assert_consistent(kept_faces=_trashed_faces(album))
    undo(c, done.undo)
    assert album.photos(a) == before and new not in album.entries()
    album.assert_consistent(kept_faces=_trashed_faces(album))


def test_move_keeps_faces_moves_the_cover_and_removes_an_emptied_picset(album, ids):
    a, b, new = ids
    album.publish(a, *OBAMA[:2])
    album.publish(b, *BIDEN)
    c = Curation(album.backend)
    faces = album.photos(a)
    with pytest.raises(Refused, match="no photo 'x.jpg'"):
        move_photos(c, [(a, "obama1.jpg"), (a, "x.jpg")], b)
    assert album.photos(a) == faces  # nothing was changed
    done = move_photos(c, [(a, "obama1.jpg")], b)  # the featured photo of a
    assert album.photos(a) == {"obama2.jpg": faces["obama2.jpg"]}
    assert album.photos(b)["obama1.jpg"] == faces["obama1.jpg"]
    assert album.entries()[a] == "obama2.jpg" and album.entries()[b] == "biden.jpg"
    album.assert_consistent(kept_faces=_trashed_faces(album))
    move_photos(c, [(a, "obama2.jpg"), (b, "obama1.jpg")], new)  # a is emptied; new is made
    assert a not in album.entries() and album.entries()[new] in ("obama1.jpg", "obama2.jpg")
    assert album.photos(new) == faces
    album.assert_consistent(kept_faces=_trashed_faces(album))
    album.publish(b, "faces/obama/obama1.jpg")  # the name is taken in b again
    with pytest.raises(Refused, match="has a photo named 'obama1.jpg' already"):
        undo(c, [("move", {"photos": [[new, "obama1.jpg"]], "to": b})])
    undo(c, done.undo[:0] + [("move", {"photos": [[new, "obama2.jpg"]], "to": a})])
    assert album.photos(a) == {"obama2.jpg": faces["obama2.jpg"]}
    album.assert_consistent(kept_faces=_trashed_faces(album))


def test_copy_makes_a_new_photo_with_faces_of_its_own(album, ids):
    a, b, _ = ids
    album.publish(a, *OBAMA[:2])
    album.publish(b, *BIDEN[:1])
    c = Curation(album.backend)
    done = copy_photos(c, [(a, "obama1.jpg")], b)
    album.settle()  # on the cloud, its processing function indexes the copy
    original, copied = album.photos(a)["obama1.jpg"], album.photos(b)["obama1.jpg"]
    assert len(copied) == len(original) == 1 and copied != original
    result = album.backend.search(original[0])
    assert f"{b}/obama1.jpg" in {m.image_path for m in result}
    album.assert_consistent(kept_faces=_trashed_faces(album))
    undo(c, done.undo)  # the copy goes for good, its faces too
    assert "obama1.jpg" not in album.photos(b)
    assert copied[0] not in album.faces()
    album.assert_consistent(kept_faces=_trashed_faces(album))


class _UploadJustBeforeCopy:
    """The store as curation sees it, where another writer's upload of ``data`` lands at the
    destination after curation looked there and found it free, just before its copy."""

    def __init__(self, store, at: str, upload):
        self._store, self._at, self._upload = store, at, upload

    def copy(self, bucket, key, to_bucket, to_key, *args, **kwargs):
        if to_key == self._at and self._upload is not None:
            self._upload()
            self._upload = None
        return self._store.copy(bucket, key, to_bucket, to_key, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._store, name)


@pytest.mark.parametrize("action", [move_photos, copy_photos])
def test_an_upload_taking_the_name_just_before_the_copy_is_not_overwritten(album, ids, action):
    """Another laptop publishes a photo under the same name in the destination picset between
    the look and the copy: the copy only creates (If-None-Match), so the upload stays whole and
    the move is undone (the copy reports that photo failed)."""
    a, b, _ = ids
    album.publish(a, OBAMA[0])
    album.publish(b, BIDEN[0])
    theirs = (PHOTOS / BIDEN[1]).read_bytes()
    key = f"photos/{b}/obama1.jpg"
    c = Curation(album.backend)
    c.store = _UploadJustBeforeCopy(
        c.store, key, lambda: album.backend.store.put(album.names.pics_bucket, key, theirs,
                                                      "image/jpeg"))
    if action is move_photos:
        with pytest.raises(Refused, match="another photo has this name"):
            action(c, [(a, "obama1.jpg")], b)
        assert "obama1.jpg" in album.photos(a)
    else:
        assert action(c, [(a, "obama1.jpg")], b).failed == [
            f"{b}/obama1.jpg: another photo took this name meanwhile"]
    assert album.backend.store.get(album.names.pics_bucket, key) == theirs


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


def test_an_action_stopped_by_an_error_is_completed_next_time_in_the_same_process(album, ids):
    """An error other than a refusal stops an action midway (the long-running window goes on):
    the same action again, or ``check --repair``, completes it at once -- this process no longer
    counts as running it (``wait=0``: a live writer in the way would be refused, Busy)."""
    a, b, new = ids
    album.publish(a, *OBAMA)
    faces = album.photos(a)
    c = Curation(album.backend, wait=0)
    store = c.store
    moving = [(a, "obama1.jpg"), (a, "obama2.jpg")]
    c.store = _LostAtCopy(store, 3)  # the second photo's original
    with pytest.raises(BackendError, match="network was lost"):
        move_photos(c, moving, b)
    c.store = store
    done = move_photos(c, moving, b)
    assert done.summary == "completed the interrupted relocate (move)"
    assert album.photos(b) == {n: faces[n] for _, n in moving}
    assert album.photos(a) == {"obama3.jpg": faces["obama3.jpg"]}
    c.store = _LostAtCopy(store, 2)  # a rename stopped at its thumbnail
    with pytest.raises(BackendError, match="network was lost"):
        rename_picset(c, b, new)
    report = check(album.backend)
    (line,) = [p.line() for p in report.found if p.kind == "operation-in-progress"]
    assert "still running" not in line
    assert check(album.backend, repair=True).ok
    assert album.photos(new) == {n: faces[n] for _, n in moving} and album.photos(b) == {}
    album.assert_consistent(kept_faces=_trashed_faces(album))


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


def test_an_interrupted_move_rolled_back_when_run_again_is_refused(album, ids):
    """A move stopped midway; meanwhile another photo is published under one of its names in
    the destination: the same move again rolls the interrupted one back and says so (exit code
    1 on the command line), rather than that it completed it."""
    a, b, _ = ids
    album.publish(a, *OBAMA)
    album.publish(b, BIDEN[0])
    faces = album.photos(a)
    c = Curation(album.backend)
    store = c.store
    moving = [(a, "obama1.jpg"), (a, "obama2.jpg")]
    c.store = _LostAtCopy(store, 3)  # the second photo's original
    with pytest.raises(BackendError, match="network was lost"):
        move_photos(c, moving, b)
    c.store = store
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
    album.assert_consistent(kept_faces=_trashed_faces(album))


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
    album.assert_consistent(kept_faces=_trashed_faces(album))


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
    album.assert_consistent(kept_faces=_trashed_faces(album))


class _Reads:
    """The tables as curation sees them, noting the partitions whose items it reads."""

    def __init__(self, tables):
        self._tables, self.read = tables, []

    def query_pics(self, primarykey, *args, **kwargs):
        self.read.append(primarykey)
        return self._tables.query_pics(primarykey, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._tables, name)


def test_whether_a_picset_exists_is_known_without_reading_its_photos(album, ids):
    """A picset not listed (yet) but with photos exists: a count says so, its items (with their
    IndexFaces data) are not downloaded."""
    a, b, _ = ids
    album.publish(a, *OBAMA)
    cover = album.entries()[a]
    tables = album.backend.tables
    assert tables.delete_picset_entry_if(a, cover)
    try:
        c = Curation(album.backend)
        c.tables = reads = _Reads(c.tables)
        assert c.picset_exists(a) and not c.picset_exists(b)
        assert reads.read == []
    finally:
        tables.set_picset_cover_if_absent(a, cover)
    album.assert_consistent(kept_faces=_trashed_faces(album))


def test_trash_keeps_photos_privately_until_restored_or_emptied(album, ids, cloud):
    a, b, _ = ids
    album.publish(a, *OBAMA)
    album.publish(b, *BIDEN)
    c = Curation(album.backend)
    faces, cover = album.photos(a), album.entries()[a]
    deleted = delete(c, [f"{a}/obama1.jpg"])  # the featured photo
    (entry,) = [e for e in list_trash(c) if e.picset == a]
    assert entry.what == f"{a}/obama1.jpg" and entry.deleted_at.endswith("Z")
    assert "obama1.jpg" not in album.photos(a) and album.entries()[a] == "obama2.jpg"
    assert faces["obama1.jpg"][0] in album.faces()  # kept in the index...
    search = album.backend.search(faces["obama2.jpg"][0])
    assert f"{a}/obama1.jpg" not in {m.image_path for m in search}  # ...but never found
    kept = album.keys(album.names.pics_bucket, f"trash/{entry.id}/")
    assert kept == [f"trash/{entry.id}/{a}/obama1.jpg"]
    if album.cloud is not None:  # public read is photos/* only: the trash is private
        url = f"{cloud.url}/{album.names.pics_bucket}/{kept[0]}"
        with pytest.raises(urllib.error.HTTPError) as denied:
            urllib.request.urlopen(url)
        assert denied.value.code == 403
        photo = f"{cloud.url}/{album.names.pics_bucket}/photos/{a}/obama2.jpg"
        with urllib.request.urlopen(photo) as response:
            assert response.status == 200
    album.assert_consistent(kept_faces=_trashed_faces(album))
    delete(c, [b])  # a whole picset
    assert b not in album.entries()
    album.assert_consistent(kept_faces=_trashed_faces(album))
    undo(c, deleted.undo)  # restore the photo: same FaceIds
    assert album.photos(a) == faces
    album.assert_consistent(kept_faces=_trashed_faces(album))
    (picset_entry,) = [e for e in list_trash(c) if e.picset == b]
    assert picset_entry.what == f"picset {b} (2 photos)"
    biden_faces = {f for e in list_trash(c) if e.picset == b for f in _trashed_faces(album)}
    restore(c, picset_entry.id)
    assert album.entries()[b] == "biden.jpg" and set(album.photos(b)) == {"biden.jpg",
                                                                          "biden2.jpg"}
    with pytest.raises(Refused, match="nothing with id"):
        restore(c, picset_entry.id)
    delete(c, [f"{b}/biden2.jpg"])
    gone = set(album.photos(b)) ^ {"biden.jpg", "biden2.jpg"}
    assert gone == {"biden2.jpg"} and biden_faces
    empty_trash(c)
    assert [e for e in list_trash(c) if e.picset in (a, b)] == []
    assert album.keys(album.names.pics_bucket, "trash/") == []
    assert cover == album.entries()[a] or album.entries()[a] in faces
    album.assert_consistent(kept_faces=_trashed_faces(album))


def test_a_photo_deleted_without_its_original_does_not_stop_the_others_restore(album, ids):
    """A photo item whose original was missing when its picset was deleted (nothing to keep in
    the trash): restoring the picset restores the others and says which one it cannot."""
    a, _, _ = ids
    album.publish(a, *OBAMA)
    faces = album.photos(a)
    album.backend.store.delete(album.names.pics_bucket, f"photos/{a}/obama2.jpg")
    album.settle()
    c = Curation(album.backend)
    (step,) = delete(c, [a]).undo
    done = undo(c, [step])
    assert done.failed == [f"{a}/obama2.jpg: its original was not in the trash (it was "
                           "missing when deleted): it cannot be restored"]
    assert album.photos(a) == {n: faces[n] for n in ("obama1.jpg", "obama3.jpg")}
    assert album.entries()[a] == "obama1.jpg"
    assert [e for e in list_trash(c) if e.picset == a] == []
    album.assert_consistent(kept_faces=_trashed_faces(album))
    undo(c, done.undo)  # Ctrl+Z of the restore: the restored photos go to the trash again
    assert a not in album.entries()


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
    prefix = f"trash/{step[1]['trash_id']}/"
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
    album.assert_consistent(kept_faces=_trashed_faces(album))


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
    album.assert_consistent(kept_faces=_trashed_faces(album))


def test_reorder_and_renumber_change_ids_as_little_as_needed(album, ids):
    a, b, more = ids
    album.publish(a, OBAMA[0])
    album.publish(b, BIDEN[0])
    album.publish(more, OBAMA[1])
    c = Curation(album.backend)
    top = c.picset_ids()
    shown = sorted(top, reverse=True)
    done = reorder(c, a, shown.index(more))  # a takes the place of `more` in the list
    renamed = {args["new_id"]: args["picset"] for _, args in done.undo}
    assert renamed and len(renamed) <= 2  # a, and at most its neighbour when no number is free
    order = sorted(c.picset_ids(), reverse=True)
    assert order.index(renamed[a]) == shown.index(more)
    album.assert_consistent(kept_faces=_trashed_faces(album))
    undo(c, done.undo)
    assert sorted(c.picset_ids()) == sorted(top)
    if album.cloud is None:  # the whole album (the cloud's is shared by the module)
        renumber(c, 4)
        assert sorted(c.picset_ids()) == sorted("0" + i for i in top)
        album.assert_consistent()


def test_two_writers_on_one_cloud_picset_lose_no_update(cloud, own_stack, ids):
    """Two curators at once on the same cloud picset (each its own connections): one moves
    photos out one by one, the other deletes others and changes the featured photo."""
    import threading

    from finpics_desktop.backends.aws.backend import open_aws

    a, b, _ = ids
    album = Album(own_stack, cloud)
    photos = [*OBAMA, "faces/obama/obama.jpg", "faces/obama/obama_small.jpg",
              "faces/obama/obama_partial_face.jpg"]
    album.publish(a, *photos)
    album.publish(b, BIDEN[0])
    names = sorted(p.rsplit("/", 1)[-1] for p in photos)
    moved, deleted, kept = names[0::3], names[1::3], names[2::3]
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def curator(work):
        backend = open_aws(own_stack.names, cloud.settings())
        try:
            c = Curation(backend)
            start.wait()
            for step in work:
                step(c)
        except BaseException as e:  # noqa: BLE001 - reported by the test
            errors.append(e)
        finally:
            backend.close()

    mover = [lambda c, n=n: move_photos(c, [(a, n)], b) for n in moved]
    deleter = [s for n in deleted for s in (lambda c, n=n: delete(c, [f"{a}/{n}"]),
                                            lambda c: set_cover(c, a, kept[0]))]
    threads = [threading.Thread(target=curator, args=(w,)) for w in (mover, deleter)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(album.photos(a)) == kept and album.entries()[a] == kept[0]
    assert set(moved) <= set(album.photos(b))
    album.assert_consistent(kept_faces=_trashed_faces(album))


def test_the_commands_work_on_the_cloud_too(cloud, own_stack, ids, capsys, monkeypatch):
    """``--backend aws``: rename, delete, trash --json and restore through the CLI."""
    import json

    from finpics_desktop import cli

    a, _, new = ids
    album = Album(own_stack, cloud)
    album.publish(a, *OBAMA[:2])
    before = album.photos(a)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", cloud.credentials["access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", cloud.credentials["secret_access_key"])
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    names = own_stack.names
    base = ["--backend", "aws", "--endpoint-url", cloud.url] + [
        a for n in ("pics_bucket", "thumbs_bucket", "pics_table", "image_table",
                    "private_table", "collection", "search_function")
        for a in ("--name", f"{n}={getattr(names, n)}")]

    def run(*args):
        code = cli.main([*base, *args])
        return code, *capsys.readouterr()

    assert run("rename", a, new)[0] == 0
    album.settle()
    assert album.photos(new) == before and album.photos(a) == {}
    code, _, err = run("delete", f"{new}/obama1.jpg")
    assert code == 0 and f"{new}/obama1.jpg moved to the trash" in err
    code, out, _ = run("trash", "--json")
    (entry,) = [e for e in json.loads(out) if e["what"] == f"{new}/obama1.jpg"]
    assert run("restore", entry["id"])[0] == 0
    album.settle()
    assert album.photos(new) == before
    code, _, err = run("rename", new, new)
    assert code == 1 and "has that id already" in err
    album.assert_consistent(kept_faces=_trashed_faces(album))
