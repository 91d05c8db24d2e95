"""Curation on both backends: the library, and the finpics stack deployed into the local cloud
driven through the AWS adapters over HTTP (its processing function triggered by S3 events, as
in production -- it must leave the originals a curation action put in place alone). After each
action the contract's whole state is asserted, the site's own queries and search agree, and
``check`` is clean."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from finpics_desktop.domain.errors import InvalidName
from finpics_desktop.pipeline.curation import (
    Curation,
    MoveStep,
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
from tests.aws.curation_helpers import (  # noqa: F401 (fixtures)
    BIDEN,
    OBAMA,
    PHOTOS,
    Album,
    album_fixture,
    ids_fixture,
    trashed_faces,
)


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
    album.assert_consistent(kept_faces=trashed_faces(album))
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
    album.assert_consistent(kept_faces=trashed_faces(album))
    undo(c, done.undo)
    assert album.photos(a) == before and new not in album.entries()
    album.assert_consistent(kept_faces=trashed_faces(album))


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
    album.assert_consistent(kept_faces=trashed_faces(album))
    move_photos(c, [(a, "obama2.jpg"), (b, "obama1.jpg")], new)  # a is emptied; new is made
    assert a not in album.entries() and album.entries()[new] in ("obama1.jpg", "obama2.jpg")
    assert album.photos(new) == faces
    album.assert_consistent(kept_faces=trashed_faces(album))
    album.publish(b, "faces/obama/obama1.jpg")  # the name is taken in b again
    with pytest.raises(Refused, match="has a photo named 'obama1.jpg' already"):
        undo(c, [MoveStep(((new, "obama1.jpg"),), b)])
    undo(c, done.undo[:0] + [MoveStep(((new, "obama2.jpg"),), a)])
    assert album.photos(a) == {"obama2.jpg": faces["obama2.jpg"]}
    album.assert_consistent(kept_faces=trashed_faces(album))


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
    album.assert_consistent(kept_faces=trashed_faces(album))
    undo(c, done.undo)  # the copy goes for good, its faces too
    assert "obama1.jpg" not in album.photos(b)
    assert copied[0] not in album.faces()
    album.assert_consistent(kept_faces=trashed_faces(album))


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
    album.assert_consistent(kept_faces=trashed_faces(album))


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
        denied.value.close()  # (its connection: left to the collector, an unclosed socket)
        assert denied.value.code == 403
        photo = f"{cloud.url}/{album.names.pics_bucket}/photos/{a}/obama2.jpg"
        with urllib.request.urlopen(photo) as response:
            assert response.status == 200
    album.assert_consistent(kept_faces=trashed_faces(album))
    delete(c, [b])  # a whole picset
    assert b not in album.entries()
    album.assert_consistent(kept_faces=trashed_faces(album))
    undo(c, deleted.undo)  # restore the photo: same FaceIds
    assert album.photos(a) == faces
    album.assert_consistent(kept_faces=trashed_faces(album))
    (picset_entry,) = [e for e in list_trash(c) if e.picset == b]
    assert picset_entry.what == f"picset {b} (2 photos)"
    biden_faces = {f for e in list_trash(c) if e.picset == b for f in trashed_faces(album)}
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
    album.assert_consistent(kept_faces=trashed_faces(album))


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
    album.assert_consistent(kept_faces=trashed_faces(album))
    undo(c, done.undo)  # Ctrl+Z of the restore: the restored photos go to the trash again
    assert a not in album.entries()


def test_reorder_and_renumber_change_ids_as_little_as_needed(album, ids):
    a, b, more = ids
    album.publish(a, OBAMA[0])
    album.publish(b, BIDEN[0])
    album.publish(more, OBAMA[1])
    c = Curation(album.backend)
    top = c.picset_ids()
    shown = sorted(top, reverse=True)
    done = reorder(c, a, shown.index(more))  # a takes the place of `more` in the list
    renamed = {step.new_id: step.picset for step in done.undo}
    assert renamed and len(renamed) <= 2  # a, and at most its neighbour when no number is free
    order = sorted(c.picset_ids(), reverse=True)
    assert order.index(renamed[a]) == shown.index(more)
    album.assert_consistent(kept_faces=trashed_faces(album))
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
    album.assert_consistent(kept_faces=trashed_faces(album))


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
    album.assert_consistent(kept_faces=trashed_faces(album))
