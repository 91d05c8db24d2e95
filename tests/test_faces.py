"""Search by face with the real dlib engine on the real photos of ../shared/photos."""

from __future__ import annotations

from pathlib import Path

import pytest

from finpics_desktop.backends.local.library import open_library
from finpics_desktop.domain.errors import FinpicsError, NotFound
from finpics_desktop.domain.picsets import PICSET_ROOT, new_picset_id
from finpics_desktop.pipeline.upload import DONE, Publisher


@pytest.fixture(scope="module")
def album(tmp_path_factory, photos_dir, labels, engine):
    """faces/ published into one library: one picset per person plus the groups."""
    backend = open_library(tmp_path_factory.mktemp("album"), engine=engine)
    publisher = Publisher(backend.store, backend.tables, backend.faces, backend.names,
                          backend.process)
    where: dict[str, str] = {}  # image_path -> photo path relative to photos_dir
    for folder in sorted((photos_dir / "faces").iterdir()):
        if not folder.is_dir():
            continue
        picset = new_picset_id(folder.name, [
            i["sortkey"] for i in backend.tables.query_pics(PICSET_ROOT)])
        report = publisher.publish([folder], picset)
        assert report.ok, report.summary()
        for result in report.with_status(DONE):
            where[f"{picset}/{result.name}"] = result.path.relative_to(photos_dir).as_posix()
    yield backend, where
    backend.close()


def people_of(where, labels, image_path: str) -> list[str]:
    return labels[where[image_path]]


def all_faces(backend):
    for entry in backend.tables.query_pics(PICSET_ROOT):
        for photo in backend.tables.query_pics(entry["sortkey"]):
            for record in photo["data"]["FaceRecords"]:
                yield f"{photo['primarykey']}/{photo['sortkey']}", record["Face"]["FaceId"]


def test_every_photo_was_published_with_its_faces(album, labels):
    backend, where = album
    assert sorted(where.values()) == sorted(labels)
    faces = list(all_faces(backend))
    with_faces = {path for path, _ in faces}
    # every single-person photo has exactly one detected face (the partial face included here)
    for image_path, rel in where.items():
        if "groups/" not in rel:
            assert sum(1 for p, _ in faces if p == image_path) == 1, rel
    assert all(path in with_faces for path in where)


def test_search_precision_and_recall_over_single_person_photos(album, labels):
    backend, where = album
    by_person: dict[str, set[str]] = {}
    for image_path in where:
        for person in people_of(where, labels, image_path):
            by_person.setdefault(person, set()).add(image_path)
    returned_total = correct = expected_total = found = 0
    for image_path, face_id in all_faces(backend):
        people = people_of(where, labels, image_path)
        if len(people) != 1:
            continue
        paths = [match.image_path for match in backend.search(face_id)]
        assert len(paths) == len(set(paths)), "one entry per photo"
        expected = by_person[people[0]] - {image_path}
        returned_total += len(paths)
        correct += sum(1 for p in paths if people[0] in people_of(where, labels, p))
        expected_total += len(expected)
        found += len(expected & set(paths))
    precision, recall = correct / returned_total, found / expected_total
    print(f"precision {precision:.3f} recall {recall:.3f} over {expected_total} expected hits")
    assert precision == 1.0
    assert recall >= 0.95


def test_group_photos_are_found_from_each_person_and_find_them(album, labels):
    backend, where = album
    groups = {p for p in where if "groups/" in where[p]}
    assert len(groups) == 3
    found_from: dict[str, set[str]] = {g: set() for g in groups}
    for image_path, face_id in all_faces(backend):
        people = people_of(where, labels, image_path)
        hits = {m.image_path for m in backend.search(face_id)}
        if len(people) == 1:
            for group in groups & hits:
                found_from[group].add(people[0])
        elif image_path in groups:
            # a face of the group finds single-person photos of someone labelled in the group
            singles = {people_of(where, labels, h)[0] for h in hits - groups}
            assert singles <= set(people), (image_path, singles)
    for group in groups:
        assert set(people_of(where, labels, group)) <= found_from[group], group


def test_results_are_in_similarity_order_with_the_matched_face(album):
    backend, _ = album
    image_path, face_id = next(f for f in all_faces(backend) if f[0].endswith("/obama.jpg"))
    output = backend.search(face_id)
    assert len(output) >= 5
    sims = [m.similarity for m in output]
    assert sims == sorted(sims, reverse=True)
    assert all(80 <= s <= 100 for s in sims)
    for match in output:
        matched = [r["Face"]["FaceId"] for r in match.faces]
        assert match.matched_face_id in matched
        assert face_id not in matched


def test_unknown_face_is_an_error(album):
    backend, _ = album
    with pytest.raises(NotFound, match="not in collection"):
        backend.search("00000000-0000-0000-0000-000000000000")
    with pytest.raises(FinpicsError, match="faceid is missing"):
        backend.search("")


def test_boxes_are_ratios_of_the_upright_image(album, photos_dir):
    """The same photo stored rotated (EXIF 6) gets the box of the upright picture."""
    from PIL import Image

    backend, where = album
    source = photos_dir / "faces/obama/obama.jpg"
    upright = backend.faces.engine.analyze(source.read_bytes(), "obama.jpg")
    im = Image.open(source)
    rotated = im.transpose(Image.Transpose.ROTATE_90)  # stored sideways ...
    exif = Image.Exif()
    exif[0x0112] = 6  # ... and tagged "rotate 90 CW to display"
    out = Path(backend.library.folder) / "rotated.jpg"
    rotated.save(out, exif=exif.tobytes(), quality=95)
    faces = backend.faces.engine.analyze(out.read_bytes(), "rotated.jpg")
    assert len(faces) == len(upright) == 1
    for k in ("Left", "Top", "Width", "Height"):
        assert faces[0].box[k] == pytest.approx(upright[0].box[k], abs=0.03)
