"""faces/ and lfw10/ of ../shared/photos published into one album, every face labelled with
the person it is (for the tests of search and people)."""

from __future__ import annotations

import shutil
from pathlib import Path

from finpics_desktop.backends.local.library import open_library
from finpics_desktop.domain.picsets import PICSET_ROOT, new_picset_id
from finpics_desktop.pipeline.publish.upload import DONE, Publisher


def central(records):
    """lfw10's labelled face is the one in the centre of the crop."""
    return min(records, key=lambda r: (r["Face"]["BoundingBox"]["Left"]
                                       + r["Face"]["BoundingBox"]["Width"] / 2 - 0.5) ** 2
               + (r["Face"]["BoundingBox"]["Top"] + r["Face"]["BoundingBox"]["Height"] / 2
                  - 0.5) ** 2)


def photo_faces(backend):
    for entry in backend.tables.query_pics(PICSET_ROOT):
        for photo in backend.tables.query_pics(entry["sortkey"]):
            yield f"{photo['primarykey']}/{photo['sortkey']}", photo["data"]["FaceRecords"]


def publish_labelled(backend, photos_dir: Path, labels: dict[str, list[str]],
                     tops: tuple[str, ...] = ("faces", "lfw10"), before: dict | None = None):
    """Publish the folders of ``tops`` into ``backend`` (a picset each): ``where``
    (image_path -> photo path relative to photos_dir) and ``who`` (FaceId -> the labelled
    person, None for a face nobody is labelled for: lfw10's background people, the child at the
    edge of obama_and_biden.jpg). ``before``: the ``where`` of what was published before."""
    publisher = Publisher(backend.store, backend.tables, backend.faces, backend.names,
                          backend.process)
    where: dict[str, str] = dict(before or {})
    folders = [f for top in tops for f in sorted((photos_dir / top).iterdir()) if f.is_dir()]
    for folder in folders:
        picset = new_picset_id(folder.name, [
            i["sortkey"] for i in backend.tables.query_pics(PICSET_ROOT)])
        report = publisher.publish([folder], picset)
        assert report.ok, report.summary()
        for result in report.with_status(DONE):
            where[f"{picset}/{result.name}"] = result.path.relative_to(photos_dir).as_posix()
    return where, label_faces(backend, where, labels)


def first_faces(who: dict[str, str | None]) -> dict[str, str]:
    """Each labelled person's first face (by face id), from :func:`publish_labelled`'s ``who``."""
    firsts: dict[str, str] = {}
    for face_id, person in sorted(who.items()):
        if person and person not in firsts:
            firsts[person] = face_id
    return firsts


def faces_labelled(backend, photos_dir: Path, labels: dict[str, list[str]]) -> tuple:
    """``faces/`` published and labelled: (where, who -- as :func:`publish_labelled` -- and
    each person's first face, :func:`first_faces`)."""
    where, who = publish_labelled(backend, photos_dir, labels, tops=("faces",))
    return where, who, first_faces(who)


def label_faces(backend, where: dict[str, str], labels: dict[str, list[str]]) -> dict:
    who: dict[str, str | None] = {}
    for image_path, records in photo_faces(backend):
        rel = where[image_path]
        for r in records:
            who[r["Face"]["FaceId"]] = None
        if rel.startswith("lfw10/"):
            who[central(records)["Face"]["FaceId"]] = rel.split("/")[1]
        else:  # labelled left to right; a group's unlabelled extras stand right of them
            people = labels[rel]
            ordered = sorted(records, key=lambda r: r["Face"]["BoundingBox"]["Left"])
            assert len(ordered) >= len(people), rel
            for person, r in zip(people, ordered, strict=False):
                who[r["Face"]["FaceId"]] = person
    return who


def labelled_library(folder: Path, photos_dir: Path, labels: dict[str, list[str]], engine):
    """A library at ``folder`` with faces/ and lfw10/ published and labelled (built once a
    module; each test opens a copy: :func:`copy_library`): ``(where, who)``."""
    backend = open_library(folder, engine=engine)
    try:
        return publish_labelled(backend, photos_dir, labels)
    finally:
        backend.close()


def copy_library(folder: Path, to: Path, engine):
    """A fresh copy of the library at ``folder``, opened at ``to``."""
    shutil.copytree(folder, to)
    return open_library(to, engine=engine)
