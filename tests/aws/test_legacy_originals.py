"""Originals the app did not store (the original finpics scripts, the S3 console): they carry
no content hash in their metadata, yet publishing the same photo again is not a conflict."""

from __future__ import annotations

from finpics_desktop.pipeline.publish.upload import DONE, FAILED, SKIPPED, Publisher
from tests.reliability.reliability_helpers import jpeg


def test_a_photo_stored_without_its_hash_is_recognised_by_its_content(aws_backend, tmp_path):
    folder = tmp_path / "trip"
    folder.mkdir()
    (folder / "same.jpg").write_bytes(jpeg(color=(10, 20, 30)))
    (folder / "other.jpg").write_bytes(jpeg(color=(40, 50, 60)))
    s3, bucket = aws_backend.store.s3, aws_backend.names.pics_bucket
    for name, data in (("same.jpg", (folder / "same.jpg").read_bytes()),
                       ("other.jpg", jpeg(color=(70, 80, 90)))):  # same name, other photo
        s3.put_object(Bucket=bucket, Key=f"photos/001_trip/{name}", Body=data,
                      ContentType="image/jpeg")
    assert aws_backend.store.head(bucket, "photos/001_trip/same.jpg").sha256 is None
    report = Publisher.for_backend(aws_backend).publish([folder], "001_trip")
    outcome = {r.name: (r.status, r.reason) for r in report.results}
    assert outcome["same.jpg"] == (SKIPPED, "already published (same content)")
    assert outcome["other.jpg"][0] == FAILED and "a different photo with this name" in (
        outcome["other.jpg"][1])
    assert DONE not in {s for s, _ in outcome.values()}
