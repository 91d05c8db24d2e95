"""``similar`` on a cloud picset: the originals read from the bucket, the faces the cloud's
Rekognition indexed (stored in the photo items), the same groups as on the folder."""

from __future__ import annotations

import similar_set

from finpics_desktop.app import similar
from finpics_desktop.domain.items import photo_item
from finpics_desktop.domain.keys import photo_key
from finpics_desktop.pipeline.functions.process import external_image_id


def test_similar_finds_the_groups_of_a_cloud_picset(aws_backend, photos_dir, tmp_path):
    folder = tmp_path / "Shoot"
    truth = similar_set.build(photos_dir, folder, ["lfw10/Colin_Powell/Colin_Powell_0001.jpg"],
                              ["faces/biden/biden.jpg"], ["faces/rose_leslie/img1.jpg"])
    bucket = aws_backend.names.pics_bucket
    aws_backend.faces.ensure_collection()
    for path in sorted(folder.iterdir()):  # as the processing function stores them
        key = photo_key("001_shoot", path.name)
        data = path.read_bytes()
        aws_backend.store.put(bucket, key.key, data, "image/jpeg")
        response = aws_backend.faces.index_faces(bucket, key.key, data, external_image_id(key.key))
        aws_backend.tables.put_pics_item(photo_item(key, response))
    assert any(p.faces for p in aws_backend.records.photos("001_shoot"))  # faces to judge by
    found = similar.in_picset(aws_backend, "001_shoot")
    assert {(g.kind, frozenset(g.members)) for g in found.groups} == {
        ("copies", frozenset(truth.copies[0])), ("series", frozenset(truth.series[0]))}
    burst = next(g for g in found.groups if g.kind == "series")
    assert burst.best == truth.sharp[0] and "the sharpest faces" in burst.reasons
