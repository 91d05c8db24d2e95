"""Naming faces while the library is re-indexed (``reindex --all`` and ``name`` commands, real
processes on one library): every name a command acknowledged is on a face of that person in
that photo afterwards, whatever the interleaving."""

from __future__ import annotations

import random

from reindex_race import (
    PHOTOS,
    PICSETS,
    assert_clean,
    assert_names_kept,
    environment,
    padded,
    photo_faces,
    plan,
    publish_twice,
    race_round,
)

from finpics_desktop.domain.keys import photo_key

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
