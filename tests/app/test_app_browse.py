"""Browsing through the application layer, without Qt: what a folder, the picsets, a picset
and a search by face give, as typed values (on a real library and the real face engine)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from finpics_desktop.app.browse import (
    NotPublished,
    list_folder,
    list_photos,
    list_picsets,
    search_face,
    search_from,
)
from finpics_desktop.app.entries import FILE, PHOTO, PICSET, Entry
from finpics_desktop.domain.errors import NotFound
from finpics_desktop.domain.matches import PhotoMatch
from finpics_desktop.pipeline.publish.upload import Publisher

REPO = Path(__file__).resolve().parents[2]


def test_the_application_layer_never_loads_qt():
    """Every module of app/ imported, and with it what it imports: no PySide6."""
    code = ("import pkgutil, importlib, sys, finpics_desktop.app as app\n"
            "for m in pkgutil.iter_modules(app.__path__): "
            "importlib.import_module(f'finpics_desktop.app.{m.name}')\n"
            "print(sorted(n for n in sys.modules if n.startswith('PySide6')))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.fixture
def album(library, copy_photos):
    """Two picsets: 001_people (three photos, two of Obama) and 002_rose (one photo)."""
    people = copy_photos("faces/obama/obama.jpg", "faces/obama/obama2.jpg",
                         "faces/biden/biden.jpg", folder="people")
    rose = copy_photos("faces/rose_leslie/img1.jpg", folder="rose")
    publisher = Publisher.for_backend(library)
    assert publisher.publish([people], "001_people").ok
    assert publisher.publish([rose], "002_rose").ok
    return library


def test_a_folder_lists_its_photos_by_name_and_its_subfolders(tmp_path, photos_dir):
    folder = tmp_path / "f"
    (folder / "Sub").mkdir(parents=True)
    (folder / ".hidden").mkdir()
    for name in ("b.JPG", "a.png", "notes.txt", ".c.jpg"):
        (folder / name).write_bytes(b"x")
    seen = []
    entries, folders = list_folder(folder, first=1, on_first=seen.append)
    assert [(e.kind, e.title) for e in entries] == [(FILE, "a.png"), (FILE, "b.JPG")]
    assert entries[0].path == folder / "a.png" and entries[0].backend is None
    assert [[e.title for e in head] for head in seen] == [["a.png"]]
    assert folders == [folder / "Sub"]


def test_picsets_and_photos_are_typed_entries(album):
    picsets = list_picsets(album)
    assert [(p.kind, p.picset, p.title) for p in picsets] == [
        (PICSET, "002_rose", "rose"), (PICSET, "001_people", "people")]
    assert picsets[0].cover == "photos/002_rose/img1.jpg" and picsets[0].backend is album
    photos = list_photos(album, "001_people")
    assert [p.name for p in photos] == ["biden.jpg", "obama.jpg", "obama2.jpg"]
    assert all(p.kind == PHOTO and len(p.faces) == 1 for p in photos)
    item = photos[0].as_item()  # the contract's item, as `photos --json` prints it
    assert set(item) == {"primarykey", "sortkey", "data"}
    assert item == album.tables.get_pics_item("001_people", "biden.jpg")


def test_a_search_gives_typed_matches_and_the_clicked_photo_first(album):
    obama = next(p for p in list_photos(album, "001_people") if p.name == "obama.jpg")
    face_id = obama.face_boxes()[0][0]
    matches = album.search(face_id)  # the backend's search: typed, never a wire payload
    assert all(isinstance(m, PhotoMatch) for m in matches)
    assert [m.image_path for m in matches] == ["001_people/obama2.jpg"]
    assert matches[0].similarity >= 80 and matches[0].matched_face_id in {
        f.face_id for f in matches[0].faces}
    found = search_face(album, face_id)
    assert [(e.kind, e.name, e.similarity) for e in found] == [
        (PHOTO, "obama2.jpg", matches[0].similarity)]
    assert found[0].title.endswith("%  obama2.jpg")
    results = search_from(obama, face_id)
    assert results[0].searched and results[0].name == "obama.jpg"
    assert results[0].matched_face_id == face_id and results[1:][0].name == "obama2.jpg"


def test_searching_needs_a_published_photo_and_a_known_face(album, tmp_path):
    with pytest.raises(NotPublished, match="Publish this photo first"):
        search_from(Entry(FILE, "a.jpg", path=tmp_path / "a.jpg"), "face")
    with pytest.raises(NotFound, match="not in collection"):
        search_face(album, "00000000-0000-0000-0000-000000000000")
