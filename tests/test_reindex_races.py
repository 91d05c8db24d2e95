"""Naming faces while the library is re-indexed (``reindex --all`` and ``name`` commands, real
processes on one library): every name a command acknowledged is on a face of that person in
that photo afterwards, whatever the interleaving."""

from __future__ import annotations

import random

from reindex_race import (
    PHOTOS,
    assert_clean,
    assert_names_kept,
    environment,
    padded,
    person_of,
    photo_faces,
    race_round,
)

from finpics_desktop.domain.keys import photo_key
from finpics_desktop.pipeline.upload import Publisher

ROUNDS = 3


def test_names_given_while_the_library_is_reindexed_are_kept(library, copy_photos, photos_dir):
    folder = copy_photos(*PHOTOS, folder="race")
    report = Publisher.for_backend(library).publish([folder], "001_race")
    assert report.ok, report.summary()
    person = {f"001_race/{rel.rsplit('/', 1)[1]}": person_of(rel) for rel in PHOTOS}
    original = {photo: (photos_dir / rel).read_bytes()
                for photo, rel in zip(sorted(person), sorted(PHOTOS, key=lambda r:
                                                               r.rsplit("/", 1)[1]),
                                      strict=True)}
    base, env = ["--library", str(library.library.folder)], environment()
    rng = random.Random(19)
    lost = []
    for n in range(ROUNDS):
        for photo, data in original.items():  # every box moves: the faces get new FaceIds
            key = photo_key(*photo.split("/"))
            library.store.put(library.names.pics_bucket, key.key,
                              padded(data) if n % 2 == 0 else data, "image/jpeg")
        faces = photo_faces(library)
        assert all(len(f) == 1 for f in faces.values()), faces
        wanted = {faces[photo][0]: (photo, f"{person[photo]} {n}") for photo in faces}
        namings, code, lines = race_round(base, env, wanted, rng)
        assert code == 0, lines
        print(f"round {n}: {sum(x.acknowledged for x in namings)} of {len(namings)} named")
        lost.append(namings)
        assert_names_kept(library, namings)
        assert_clean(library)
