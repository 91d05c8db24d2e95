"""The people places opened again in the window (real widgets offscreen, the real engine on real
photos): *Unnamed faces* and a person's page shown again search nothing again, the same faces
shown; F5 lists afresh; a name given in the window shows at once where it touches."""

from __future__ import annotations

from ui_helpers import select_source

from finpics_desktop.app.entries import FACE
from finpics_desktop.app.window.navigation import PEOPLE, PERSON_PLACE, UNNAMED
from tests.ui.test_people_window import album, key, node  # noqa: F401 - the fixture


def counting(monkeypatch, index) -> list[str]:
    """The searches the face index is asked for, as they come."""
    asked: list[str] = []
    for method in ("similar_many", "search_faces_many", "search_users", "search_users_many"):
        real = getattr(index, method)

        def count(*args, _real=real, _method=method, **kwargs):
            asked.append(_method)
            return _real(*args, **kwargs)

        monkeypatch.setattr(index, method, count)
    return asked


def shown(window) -> list[tuple]:
    return [(e.kind, e.face_id, e.title) for e in window.model.entries]


def test_unnamed_faces_and_a_page_opened_again_search_nothing(qtbot, window, album,  # noqa: F811
                                                             monkeypatch):
    people, faces = album
    people.name_face(faces["obama"][0], "Barack Obama")
    asked = counting(monkeypatch, people.backend.faces)

    select_source(qtbot, window, node(window, UNNAMED))
    first = shown(window)
    assert first and asked
    asked.clear()
    select_source(qtbot, window, node(window, PEOPLE))
    window.nav.activate(window.model.entries, 0)
    qtbot.waitUntil(lambda: window.nav.location.kind == PERSON_PLACE and not window.nav.loading)
    page = shown(window)
    assert any(kind == FACE for kind, _, _ in page) and "search_users_many" in asked
    asked.clear()

    select_source(qtbot, window, node(window, UNNAMED))
    assert shown(window) == first and asked == []  # shown again, nothing searched
    select_source(qtbot, window, node(window, PEOPLE))
    window.nav.activate(window.model.entries, 0)
    qtbot.waitUntil(lambda: window.nav.location.kind == PERSON_PLACE and not window.nav.loading)
    assert shown(window) == page and asked == []

    key(qtbot, window, "F5")  # afresh
    qtbot.waitUntil(lambda: bool(asked) and not window.nav.loading)
    assert shown(window) == page and "search_users_many" in asked


def test_a_name_given_elsewhere_shows_in_unnamed_faces_opened_again(qtbot, window,
                                                                   album):  # noqa: F811
    people, faces = album
    select_source(qtbot, window, node(window, UNNAMED))
    assert faces["kit"][0] in {e.face_id for e in window.model.entries}
    select_source(qtbot, window, node(window, PEOPLE))
    people.name_face(faces["kit"][0], "Kit Harington")  # written without the window knowing
    select_source(qtbot, window, node(window, UNNAMED))
    assert faces["kit"][0] not in {e.face_id for e in window.model.entries}
    select_source(qtbot, window, node(window, PEOPLE))
    assert [e.person for e in window.model.entries] == ["Kit Harington"]
