"""Near-duplicates in the window, on a real library with real photos: *Find near-duplicates…*
shows a picset's groups in the grid (a heading per group saying copies or series and why its
best is the best, the best tile marked), listed off the GUI thread with its progress said and
Cancel; *Keep the best of each group* trashes the others as one action that Ctrl+Z undoes; on a
folder it offers publishing instead and leaves the files as they are."""

from __future__ import annotations

import similar_set
from ui_helpers import picset_item, select_source

from finpics_desktop.app.entries import FILE, HEADING, PHOTO
from finpics_desktop.app.window.navigation import FOLDER, PICSET_PLACE, BusyChanged
from finpics_desktop.app.window.similar_places import BEST, SIMILAR
from finpics_desktop.ui.grid import EntryRole

SET = (["faces/obama/obama2.jpg"], ["faces/biden/biden.jpg"], ["faces/rose_leslie/img1.jpg"])


def _groups(window) -> list[list]:
    """The grid's groups: the tiles under each level-2 heading."""
    groups: list[list] = []
    for entry in window.model.entries:
        if entry.kind == HEADING:
            if entry.level == 2:
                groups.append([])
        elif groups:
            groups[-1].append(entry)
    return groups


def _listed(window, groups: int) -> bool:
    nav = window.nav
    return (nav.location is not None and nav.location.kind == SIMILAR and not nav.loading
            and len(_groups(window)) == groups and not window.busy.jobs)


def _said(window, text: str) -> bool:
    return any(text in line for line in window.messages.texts())


def test_a_picsets_near_duplicates_are_shown_and_the_best_kept_undoably(
        qtbot, window, library, publish, photos_dir, tmp_path):
    truth = similar_set.build(photos_dir, tmp_path / "set", *SET)
    publish("001_Beach", *sorted((tmp_path / "set").iterdir()))
    busy_texts: list[str] = []
    window.nav.listen(lambda event: isinstance(event, BusyChanged) and busy_texts.extend(
        text for _, text in event.jobs))
    window.on_refresh()
    qtbot.waitUntil(lambda: picset_item(window, "001_Beach") is not None, timeout=20_000)
    select_source(qtbot, window, picset_item(window, "001_Beach"))
    qtbot.waitUntil(lambda: window.nav.location.kind == PICSET_PLACE and not window.nav.loading,
                    timeout=20_000)

    window.similar_action.trigger()  # Edit > Find near-duplicates…
    qtbot.waitUntil(lambda: _listed(window, 2), timeout=120_000)
    assert any("of 8 photos measured" in t for t in busy_texts)  # its progress, said
    headings = [e.title for e in window.model.entries if e.kind == HEADING]
    assert headings[0].startswith("Near-duplicates of Beach \u2014 2 groups among 8 photos")
    kinds = {h.split(" \u2014 ")[0] for h in headings[1:]}
    assert kinds == {"Copies", "Series"}
    series = next(g for g, h in zip(_groups(window), headings[1:], strict=True)
                  if h.startswith("Series"))
    assert {e.name for e in series} == truth.series[0]
    best = series[0]
    assert best.best and best.name == truth.sharp[0] and best.title.startswith(BEST)
    assert "the sharpest faces" in next(h for h in headings if h.startswith("Series"))
    row = window.model.entries.index(best)
    tip = window.model.data(window.model.index(row), 3)  # Qt.ToolTipRole
    assert "The best of this group: the sharpest faces" in tip
    assert window.model.data(window.model.index(row), EntryRole) is best

    window.keep_best_action.trigger()  # one action: 5 photos to the trash
    everything = set(truth.base)

    def names():
        return {i["sortkey"] for i in library.tables.query_pics("001_Beach")}

    qtbot.waitUntil(lambda: len(names()) == 3 and window.curation.running == 0
                    and _listed(window, 0), timeout=60_000)
    assert truth.sharp[0] in names()
    assert window.model.entries[0].title.startswith(
        "Near-duplicates of Beach \u2014 none among 3 photos")
    window.curation.on_undo()  # Ctrl+Z: the five are back, and so are the groups
    qtbot.waitUntil(lambda: names() == everything and window.curation.running == 0
                    and _listed(window, 2), timeout=120_000)
    window.nav.back()  # back to the picset
    qtbot.waitUntil(lambda: window.nav.location.kind == PICSET_PLACE and not window.nav.loading
                    and window.model.rowCount() == 8, timeout=20_000)


def test_a_folders_near_duplicates_offer_publishing_and_leave_the_files(
        qtbot, window, photos_dir, tmp_path):
    folder = tmp_path / "Beach Day"
    similar_set.build(photos_dir, folder, *SET)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    window.open_folder(folder)
    qtbot.waitUntil(lambda: window.nav.location.kind == FOLDER and not window.nav.loading,
                    timeout=20_000)
    window.similar_action.trigger()
    qtbot.waitUntil(lambda: _listed(window, 2), timeout=120_000)
    assert all(e.kind == FILE for g in _groups(window) for e in g)
    assert sum(e.best for g in _groups(window) for e in g) == 2

    window.keep_best_action.trigger()  # on a folder: publish keeping the best
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.isVisible())
    dialog = window.dialog
    qtbot.waitUntil(lambda: dialog.similar is not None and dialog.keep_best.isVisible(),
                    timeout=60_000)
    assert dialog.keep_best.isChecked()  # chosen: that is what was asked for
    assert "other 5 photo(s) go to the trash" in dialog.keep_best.text()
    dialog.reject()
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # never changed


def test_finding_near_duplicates_is_cancelled_by_esc(qtbot, window, photos_dir, tmp_path):
    folder = tmp_path / "many"
    similar_set.build(photos_dir, folder, ["faces/obama/obama2.jpg"],
                      ["faces/biden/biden.jpg", "faces/rose_leslie/img1.jpg"],
                      ["faces/obama/obama1.jpg"])
    window.open_folder(folder)
    qtbot.waitUntil(lambda: window.nav.location.kind == FOLDER and not window.nav.loading,
                    timeout=20_000)
    window.similar_action.trigger()
    assert window.nav.loading
    assert window.nav.cancel()  # Esc / the busy indicator's Cancel
    qtbot.waitUntil(lambda: not window.nav.loading and not window.busy.jobs
                    and "Cancelled" in window.statusBar().currentMessage(), timeout=20_000)
    assert window.model.rowCount() == 0 and window.nav.location.kind == SIMILAR
    assert not _said(window, "near-duplicates of")  # no error said
    window.nav.refresh()  # F5: found after all
    qtbot.waitUntil(lambda: _listed(window, 3), timeout=120_000)
    assert all(e.kind != PHOTO for g in _groups(window) for e in g)
