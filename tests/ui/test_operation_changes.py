"""What an operation changed reaches every view at once (real widgets offscreen, a real library
and the real engine): a move, a copy, a name and a merge done in the window update the tree's
picset counts, the grid, the Unnamed groups' labels and People's counts without the place being
opened again (no F5, no click in the sources)."""

from __future__ import annotations

from ui_helpers import picset_item, select_source

from finpics_desktop.app.window.group_places import count_unnamed
from finpics_desktop.app.window.navigation import PEOPLE, PICSET_PLACE, UNNAMED
from finpics_desktop.app.window.people_places import people_entries, unnamed_entries
from finpics_desktop.pipeline.people.naming import People
from finpics_desktop.ui.picset_counts import CountRole
from finpics_desktop.ui.sources import NodeRole


def counts(window) -> dict[str, int | None]:
    root = window.sources.library
    return {node.picset: root.child(r).data(CountRole) for r in range(root.rowCount())
            if (node := root.child(r).data(NodeRole)).picset}


def open_picset(qtbot, window, picset: str) -> None:
    window.on_refresh()
    qtbot.waitUntil(lambda: picset_item(window, picset) is not None, timeout=20_000)
    select_source(qtbot, window, picset_item(window, picset))
    qtbot.waitUntil(lambda: window.nav.location.kind == PICSET_PLACE
                    and window.model.rowCount() > 0, timeout=20_000)


def settled(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.curation.running == 0 and not window.nav.loading,
                    timeout=30_000)


def node(window, kind):
    root = window.sources.library
    return next(root.child(r) for r in range(root.rowCount())
                if root.child(r).data(NodeRole).kind == kind)


def test_a_move_and_a_copy_update_the_tree_counts_and_the_grid_at_once(qtbot, window,
                                                                        publish):
    publish("001_obama", "faces/obama/obama1.jpg", "faces/obama/obama2.jpg",
            "faces/obama/obama3.jpg")
    publish("002_biden", "faces/biden/biden.jpg")
    open_picset(qtbot, window, "001_obama")
    qtbot.waitUntil(lambda: counts(window) == {"002_biden": 1, "001_obama": 3}, timeout=20_000)

    photos = [e for e in window.model.entries if e.name in ("obama1.jpg", "obama2.jpg")]
    window.curation.move_to(photos, "002_biden")
    settled(qtbot, window)
    qtbot.waitUntil(lambda: counts(window) == {"002_biden": 3, "001_obama": 1}, timeout=20_000)
    assert [e.name for e in window.model.entries] == ["obama3.jpg"]
    assert window.nav.location.picset == "001_obama"  # not reopened: the same place

    window.curation.move_to(window.model.entries, "002_biden", copy=True)
    settled(qtbot, window)
    qtbot.waitUntil(lambda: counts(window) == {"002_biden": 4, "001_obama": 1}, timeout=20_000)
    assert [e.name for e in window.model.entries] == ["obama3.jpg"]


def test_naming_a_group_relabels_the_unnamed_groups_at_once(qtbot, window, publish, library):
    publish("001_kit", "faces/kit_harington/john1.jpeg", "faces/kit_harington/john2.jpeg",
            "faces/kit_harington/johnsnow_test1.jpg")
    publish("002_obama", "faces/obama/obama1.jpg", "faces/obama/obama2.jpg")
    publish("003_biden", "faces/biden/biden.jpg", "faces/biden/biden2.jpg")
    select_source(qtbot, window, node(window, UNNAMED))
    before = count_unnamed(window.model.entries)
    kit = [r["Face"]["FaceId"] for i in library.tables.query_pics("001_kit")
           for r in i["data"]["FaceRecords"]]
    entry = next(e for e in window.model.entries if set(e.members) & set(kit))
    assert set(entry.members) == set(kit)
    window.people.actions.name_group(entry, "Kit Harington")
    qtbot.waitUntil(lambda: set(kit) <= set(People(library).named()), timeout=20_000)

    def relabelled() -> bool:
        return [(e.face_id, e.title, e.members) for e in window.model.entries] == [
            (e.face_id, e.title, e.members) for e in unnamed_entries(library)
        ] and not window.nav.loading

    qtbot.waitUntil(relabelled, timeout=20_000)
    after = window.model.entries
    assert not set(kit) & {f for e in after for f in (e.face_id, *e.members)}
    assert count_unnamed(after) != before  # the groups counted anew
    assert count_unnamed(after) in window.statusBar().currentMessage()
    assert window.nav.location.kind == UNNAMED


def test_a_merge_updates_the_people_counts_at_once(qtbot, window, publish, library):
    items = publish("001_obama", "faces/obama/obama1.jpg", "faces/obama/obama2.jpg",
                    "faces/obama/obama3.jpg")
    faces = [r["Face"]["FaceId"] for i in items for r in i["data"]["FaceRecords"]]
    people = People(library)
    people.name_face(faces[0], "Barack")
    people.name_face(faces[1], "Obama")
    people.name_face(faces[2], "Obama")
    select_source(qtbot, window, node(window, PEOPLE))
    assert sorted(e.title for e in window.model.entries) == ["Barack · 1", "Obama · 2"]
    barack = next(e for e in window.model.entries if e.person == "Barack")
    window.people.actions.merge(barack, "Obama")
    qtbot.waitUntil(lambda: [e.title for e in window.model.entries] == ["Obama · 3"]
                    and not window.nav.loading, timeout=20_000)
    assert [e.title for e in people_entries(library)] == ["Obama · 3"]
    assert window.nav.location.kind == PEOPLE
