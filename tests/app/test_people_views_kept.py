"""*People*, *Unnamed faces* and a person's page kept in the library between sessions with its
count of writes (pipeline/people/views_kept.py, backends/local/writes.py), on a library of
faces/ (real engine, real photos): a new session shows them without listing them again; a write
by anyone -- here another process, which reports nothing -- makes them listed afresh; what is
only derived (the graph, the groups, the listings kept) does not count as a write."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from labelled_album import faces_labelled

from finpics_desktop.app import people as app_people
from finpics_desktop.app import people_views
from finpics_desktop.backends.local.library import open_library
from finpics_desktop.pipeline.people import views_kept


@pytest.fixture
def album(library, photos_dir, labels):
    _, who, firsts = faces_labelled(library, photos_dir, labels)
    app_people.name_face(library, firsts["obama"], "obama")
    return library, who, firsts


def listed_counted(monkeypatch) -> dict:
    """How often *People* and *Unnamed faces* are listed from the album's faces and photos."""
    counted = {"people": 0, "unnamed": 0, "page": 0}
    for name, key in (("list_people", "people"), ("unnamed_groups", "unnamed"),
                      ("person_page", "page")):
        real = getattr(app_people, name)

        def counting(*args, _real=real, _key=key, **kwargs):
            counted[_key] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(app_people, name, counting)
    return counted


def name_in_another_process(folder, face_id: str, name: str) -> None:
    code = textwrap.dedent(f"""
        from finpics_desktop.app import people
        from finpics_desktop.backends.local.library import open_library
        album = open_library({str(folder)!r})
        people.name_face(album, {face_id!r}, {name!r})
        album.close()
    """)
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_a_new_session_shows_them_kept_and_a_write_by_anyone_lists_them_afresh(
        album, engine, monkeypatch):
    backend, who, firsts = album
    folder = backend.home.folder
    first = people_views.views(backend)
    people, groups, page = first.people(), first.unnamed(), first.person("obama")
    unnamed = {f for g in groups for f in g.faces}
    assert firsts["obama"] not in unnamed and firsts["biden"] in unnamed

    counted = listed_counted(monkeypatch)
    again = open_library(folder, engine=engine)  # a new session of the window
    try:
        views = people_views.views(again)
        assert views.people() == people
        assert views.unnamed() == groups
        assert views.person("Obama") == page
        assert counted == {"people": 0, "unnamed": 0, "page": 0}  # as kept, nothing listed

        name_in_another_process(folder, firsts["biden"], "biden")  # reports nothing
        now_people, now_groups = views.people(), views.unnamed()
        now_page = views.person("obama")
        assert counted == {"people": 1, "unnamed": 1, "page": 1}
        assert "biden" in {s.person.name for s in now_people}
        assert not any(firsts["biden"] in g.faces for g in now_groups)
        # as listed with nothing kept at all
        assert now_people == app_people.list_people(again)
        assert now_groups == app_people.located_groups(again)[0]
        assert now_page == app_people.person_page(again, "obama")
        assert firsts["biden"] not in {p.face_id for p in now_page[0].all}
    finally:
        again.close()


def test_only_what_the_album_holds_counts_as_a_write(album):
    backend, _, firsts = album
    count = backend.writes
    before = count()
    people_views.views(backend).unnamed()  # grouped: the graph, the groups, the listing kept
    assert backend.private.query(views_kept.VIEWS)
    assert count() == before
    app_people.name_face(backend, firsts["biden"], "biden")
    after = count()
    assert after > before
    backend.private.put("notes", "x", {"a": 1})  # anything else of the private store counts
    assert count() > after
