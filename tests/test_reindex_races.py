"""Naming faces while the library is re-indexed (``reindex --all`` and ``name`` commands, real
processes on one library): every name a command acknowledged is on a face of that person in
that photo afterwards, whatever the interleaving."""

from __future__ import annotations

import random

import pytest
from reindex_race import (
    PHOTOS,
    PICSETS,
    assert_clean,
    assert_names_kept,
    environment,
    named_in,
    padded,
    person_of,
    photo_faces,
    plan,
    publish_twice,
    race_round,
)

from finpics_desktop.domain.errors import StorageError
from finpics_desktop.domain.keys import photo_key
from finpics_desktop.pipeline.people.carry import Carrier
from finpics_desktop.pipeline.people.naming import People
from finpics_desktop.pipeline.people.photo_lock import LOCKS
from finpics_desktop.pipeline.people.reindex import reindex_photo
from finpics_desktop.pipeline.publish.upload import Publisher

ROUNDS = 3
NAMES = 8  # per round


def test_names_given_while_the_library_is_reindexed_are_kept(library, copy_photos, photos_dir):
    person = publish_twice(library, copy_photos(*PHOTOS, folder="race"))
    original = {f"{picset}/{rel.rsplit('/', 1)[1]}": (photos_dir / rel).read_bytes()
                for picset in PICSETS for rel in PHOTOS}
    base, env = ["--library", str(library.library.folder)], environment()
    rng = random.Random(19)
    for n in range(ROUNDS):
        for photo, data in original.items():  # every box moves: the faces get new FaceIds
            key = photo_key(*photo.split("/"))
            library.store.put(library.names.pics_bucket, key.key,
                              padded(data) if n % 2 == 0 else data, "image/jpeg")
        faces = photo_faces(library)
        assert all(len(f) == 1 for f in faces.values()), faces
        namings, code, lines = race_round(base, env, plan(faces, person, str(n), NAMES, rng),
                                          len(faces))
        assert code == 0, lines
        print(f"round {n}: {sum(x.acknowledged for x in namings)} of {len(namings)} named")
        assert_names_kept(library, namings)
        assert_clean(library)


def test_a_reindex_stopped_by_an_error_midway_is_rolled_back(library, copy_photos, photos_dir):
    """The connection lost once a photo's names were carried onto its new faces, before its
    item is written: the new faces and the names carried onto them are taken away again, the
    photo keeps its faces and names, and nothing is left for `check` (nor a lock)."""
    assert Publisher.for_backend(library).publish([copy_photos(PHOTOS[0])], "001_one").ok
    photo, who = f"001_one/{PHOTOS[0].rsplit('/', 1)[1]}", person_of(PHOTOS[0])
    [face] = photo_faces(library)[photo]
    People(library).name_face(face, who)
    key = photo_key(*photo.split("/"))
    library.store.put(library.names.pics_bucket, key.key,  # the box moves: a new FaceId
                      padded((photos_dir / PHOTOS[0]).read_bytes()), "image/jpeg")

    class LostAfterCarrying(Carrier):
        def carry(self, *args, **kwargs):
            carried = super().carry(*args, **kwargs)
            assert carried[0] == 1
            raise StorageError("the connection was lost")

    with pytest.raises(StorageError):
        reindex_photo(library, library.tables.get_pics_item(key.picset, key.name),
                      LostAfterCarrying(library))
    assert photo_faces(library)[photo] == [face]
    assert named_in(library, photo) == {face: who}
    assert library.private.query(LOCKS) == []
    assert_clean(library)
