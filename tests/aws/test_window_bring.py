"""*Bring to this computer* on a cloud picset's menu: a picset the cloud has (put there by
another computer, or the original scripts) and its names come into the Library, which lists
it; the tree row's menu offers it for the cloud's picsets only."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication

from finpics_desktop.pipeline.curation import Curation, delete
from finpics_desktop.pipeline.people.naming import People
from finpics_desktop.pipeline.publish.links import link_of
from finpics_desktop.pipeline.publish.upload import Publisher
from finpics_desktop.ui.sources import NodeRole
from tests.aws.test_window_cloud import cloud_picset, window  # noqa: F401 - the fixture

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise\\(\\)",
                                       "This plugin does not support grabbing the keyboard")
PICSET = "303_brought"
BRING = "Bring to this computer"


def _right_click(qtbot, window, tree, index) -> list[str]:  # noqa: F811
    """The menu a right-click on the tree's row at ``index`` opens: its items."""
    menus = window.context_menus
    if menus.menu is not None:
        menus.menu.hide()
    tree.expand(index.parent())
    tree.scrollTo(index)
    qtbot.waitUntil(lambda: tree.visualRect(index).isValid(), timeout=5_000)
    pos = tree.visualRect(index).center()
    QApplication.sendEvent(tree.viewport(), QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, pos, tree.viewport().mapToGlobal(pos)))
    qtbot.waitUntil(lambda: menus.menu is not None and menus.menu.isVisible(), timeout=5_000)
    return menus.texts()


def test_a_cloud_picset_is_brought_to_this_computer_with_its_names(
        qtbot, window, library, photos_dir, tmp_path):  # noqa: F811
    qtbot.waitUntil(lambda: window.cloud_backend is not None, timeout=30_000)
    cloud = window.cloud_backend
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    for rel in ("faces/biden/biden2.jpg", "faces/rose_leslie/img2.jpg"):
        (folder / rel.rsplit("/", 1)[1]).write_bytes((photos_dir / rel).read_bytes())
    assert Publisher.for_backend(cloud).publish(sorted(folder.iterdir()), PICSET).ok
    qtbot.waitUntil(lambda: all(p.faces for p in cloud.records.photos(PICSET))
                    and len(cloud.records.photos(PICSET)) == 2, timeout=90_000)
    people = People(cloud)
    for name, who in (("biden2.jpg", "Joe Brought"), ("img2.jpg", "Rose Brought")):
        photo = cloud.records.photo(PICSET, name)
        people.name_face(max(photo.faces, key=lambda f: f.width).face_id, who)

    window.refresh_picsets(window.sources.cloud)
    qtbot.waitUntil(lambda: cloud_picset(window, PICSET) is not None, timeout=30_000)
    row = window.sources.indexFromItem(cloud_picset(window, PICSET))
    assert BRING in _right_click(qtbot, window, window.tree, row)
    window.context_menus.trigger(BRING)

    def brought() -> bool:  # the whole final state: photos, names, the Library's row
        names = {p.name for p in People(library).people()}
        return (window.bringing.running == 0
                and sorted(library.records.photo_names(PICSET)) == ["biden2.jpg", "img2.jpg"]
                and names == {"Joe Brought", "Rose Brought"}
                and any(window.sources.library.child(r).data(NodeRole).picset == PICSET
                        for r in range(window.sources.library.rowCount())))

    qtbot.waitUntil(brought, timeout=120_000)
    assert {m.image_path for m in People(library).photos("Joe Brought")} == {
        f"{PICSET}/biden2.jpg"}
    assert link_of(library, cloud, PICSET).cloud_picset == PICSET
    assert any("names in the library: 2" in m for m in window.messages.texts()), (
        window.messages.texts())

    library_row = next(window.sources.library.child(r)
                       for r in range(window.sources.library.rowCount())
                       if window.sources.library.child(r).data(NodeRole).picset == PICSET)
    menu = _right_click(qtbot, window, window.tree, window.sources.indexFromItem(library_row))
    assert BRING not in menu  # a Library picset: it is here already
    delete(Curation(cloud), [PICSET], purge=True)  # (the default stack is shared with other
    assert cloud.tables.query_pics(PICSET) == []  # modules: test_whole_path searches Biden)
