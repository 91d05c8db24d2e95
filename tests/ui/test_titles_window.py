"""Titles, not ids, in the window (real widgets, a real library): the tree and the grid show
a picset's title (its id in the tooltip); the New picset dialog proposes the folder's name as
written and shows what the site will show, and why, before publishing; Rename asks for a
title, keeps the number, and a refused title keeps the dialog open with what was typed and
says why; Move/Copy list the picsets by title and take the title of a new one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from ui_helpers import grid_rows, picset_item, select_source

from finpics_desktop.app.window.navigation import PICSET_PLACE
from finpics_desktop.domain.picsets import display_name
from finpics_desktop.ui.sources import NodeRole

LISBON = "Praça do Comércio, Lisbon 2019"
SINTRA = "Sintra – Pena Palace (2020)"


def _settled(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.curation.running == 0 and not window.nav.loading,
                    timeout=30_000)


def _open_picset(qtbot, window, picset: str) -> None:
    qtbot.waitUntil(lambda: picset_item(window, picset) is not None, timeout=20_000)
    select_source(qtbot, window, picset_item(window, picset))
    qtbot.waitUntil(lambda: window.nav.location.kind == PICSET_PLACE
                    and window.nav.location.picset == picset
                    and window.model.rowCount() > 0, timeout=20_000)


def _picsets(window) -> list[str]:
    root = window.sources.library
    return [p for r in range(root.rowCount()) if (p := root.child(r).data(NodeRole).picset)]


def test_the_tree_shows_titles_and_the_id_in_the_tooltip(qtbot, window, publish):
    publish("001_Praça_do_Comércio,_Lisbon_2019", "faces/biden/biden.jpg")
    window.on_refresh()
    qtbot.waitUntil(lambda: picset_item(window, "001_Praça_do_Comércio,_Lisbon_2019")
                    is not None, timeout=20_000)
    row = picset_item(window, "001_Praça_do_Comércio,_Lisbon_2019")
    assert row.text() == LISBON
    assert "Picset id: 001_Praça_do_Comércio,_Lisbon_2019" in row.toolTip()


def test_the_new_picset_dialog_shows_what_the_site_will_show_before_publishing(
        qtbot, window, library, copy_photos):
    folder = copy_photos("faces/biden/biden.jpg", folder="Rock & Roll")
    window.publishing.on_files_dropped([folder], window.sources.library.data(NodeRole))
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.isVisible())
    dialog = window.dialog
    qtbot.waitUntil(lambda: dialog.photos is not None)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dialog.title_edit.text() == "Rock & Roll"  # the folder's name as written
    assert dialog.shown_as.text() == "Rock Roll" and dialog.picset == "001_Rock_Roll"
    assert dialog.reading.text().startswith("The site will show “Rock Roll” (")
    assert "“&” is left out" in dialog.reading.text()
    assert not dialog.id_edit.isVisible()  # the id is an Advanced detail

    qtbot.keyClicks(dialog.title_edit, "x")  # typing: the id and the reading follow
    dialog.title_edit.setText(LISBON)
    assert dialog.picset == "001_Praça_do_Comércio,_Lisbon_2019"
    assert dialog.shown_as.text() == LISBON and dialog.reading.text() == ""
    dialog.title_edit.setText("&?#")  # nothing an id can carry: said, what was typed kept
    assert not ok.isEnabled() and "Nothing of “&?#” can travel" in dialog.problem.text()
    assert dialog.title_edit.text() == "&?#" and dialog.isVisible()
    dialog.title_edit.setText(LISBON)
    assert ok.isEnabled()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.upload_panel.report is not None, timeout=60_000)
    assert window.upload_panel.report.ok
    picset = window.upload_panel.report.picset
    assert picset == "001_Praça_do_Comércio,_Lisbon_2019" and display_name(picset) == LISBON
    assert [i["sortkey"] for i in library.tables.query_pics("/")] == [picset]


def test_rename_asks_for_a_title_keeps_the_number_and_a_refusal_keeps_the_dialog(
        qtbot, window, publish, library):
    publish("004_2020_hamilton_night", "faces/obama/obama1.jpg", "faces/obama/obama2.jpg")
    window.on_refresh()
    _open_picset(qtbot, window, "004_2020_hamilton_night")
    window.curation.on_rename()
    dialog = window.curation.dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.title_edit.text() == "2020 hamilton night"  # the title, not the id
    dialog.title_edit.setText("&&")  # refused at once, inline; the dialog stays
    assert not dialog.ok.isEnabled() and "nothing a picset's address can carry" in (
        dialog.problem.text())
    dialog.title_edit.setText(SINTRA)
    assert dialog.shown_as.text() == f"The site shows: {SINTRA}"
    assert "004_Sintra_–_Pena_Palace_(2020)" in dialog.detail.text()
    assert "its number, 004, is kept" in dialog.detail.text()
    assert dialog.problem.text() == "" and dialog.ok.isEnabled()
    assert dialog.reading_note.text() == ""  # the site shows it as typed: nothing to say

    # refused by the action itself (the id was taken behind the dialog's back): the dialog
    # stays open with what was typed, and says why
    publish("004_Sintra_–_Pena_Palace_(2020)", "faces/biden/biden.jpg")
    dialog.rename(SINTRA)
    _settled(qtbot, window)
    qtbot.waitUntil(lambda: "taken by another picset" in dialog.problem.text(),
                    timeout=20_000)
    assert dialog.isVisible() and dialog.title_edit.text() == SINTRA and dialog.ok.isEnabled()
    assert [i["sortkey"] for i in library.tables.query_pics("004_2020_hamilton_night")] == [
        "obama1.jpg", "obama2.jpg"]  # nothing changed, and the window stays where it was
    assert window.nav.location.picset == "004_2020_hamilton_night"

    dialog.rename("Hamilton by night")
    _settled(qtbot, window)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20_000)
    qtbot.waitUntil(lambda: "004_Hamilton_by_night" in _picsets(window)
                    and "004_2020_hamilton_night" not in _picsets(window), timeout=20_000)
    assert picset_item(window, "004_Hamilton_by_night").text() == "Hamilton by night"
    assert window.nav.location.picset == "004_Hamilton_by_night"


def test_move_lists_picsets_by_title_and_takes_a_new_title(qtbot, window, publish, library):
    publish("001_obama", "faces/obama/obama1.jpg", "faces/obama/obama2.jpg")
    publish("002_Biden_at_home", "faces/biden/biden.jpg")
    window.on_refresh()
    _open_picset(qtbot, window, "001_obama")
    window.grid.selectAll()
    window.curation.on_move()
    dialog = window.curation.dialog
    qtbot.waitUntil(dialog.isVisible)
    combo = dialog.combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["Biden at home"]
    assert combo.itemData(0, Qt.ItemDataRole.ToolTipRole) == "002_Biden_at_home"
    combo.setCurrentText("Lisbon & Porto")  # a new picset, by its title
    assert dialog.shown_as.text() == "The site shows: Lisbon Porto"
    assert "A new picset: 003_Lisbon_Porto" in dialog.detail.text()
    assert "“&” is left out" in dialog.reading_note.text()
    dialog.choose("Lisbon & Porto")
    _settled(qtbot, window)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20_000)
    assert [i["sortkey"] for i in library.tables.query_pics("003_Lisbon_Porto")] == [
        "obama1.jpg", "obama2.jpg"]
    qtbot.waitUntil(lambda: grid_rows(window) == [] or window.nav.location.picset != "001_obama",
                    timeout=20_000)
