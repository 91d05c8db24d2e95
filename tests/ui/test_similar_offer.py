"""Before publishing a folder, the window offers to keep only the best of each group of
near-duplicates; accepted, the others go to the trash once published, and Ctrl+Z brings them
back."""

from __future__ import annotations

import similar_set
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from test_search_and_publish import drop_on


def test_publishing_a_folder_offers_to_keep_the_best_of_its_near_duplicates(
        qtbot, window, library, photos_dir, tmp_path):
    folder = tmp_path / "Beach Day"
    truth = similar_set.build(photos_dir, folder, ["faces/obama/obama2.jpg"],
                              ["faces/biden/biden.jpg"], ["faces/rose_leslie/img1.jpg"])
    drop_on(qtbot, window.tree, window.sources.indexFromItem(window.sources.library), [folder])
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.isVisible())
    dialog = window.dialog
    qtbot.waitUntil(lambda: dialog.similar is not None and dialog.keep_best.isVisible(),
                    timeout=30_000)
    assert "best of 2 near-duplicate group(s)" in dialog.keep_best.text()
    assert "other 5 photo(s) go to the trash" in dialog.keep_best.text()
    assert not dialog.keep_best.isChecked()  # offered, not imposed
    dialog.keep_best.setChecked(True)
    qtbot.waitUntil(lambda: dialog.photos is not None)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    picset = "001_Beach_Day"
    everything = set(truth.base)

    def names():
        return {i["sortkey"] for i in library.tables.query_pics(picset)}

    # published, then kept to the best: 1 alone + 1 copy + 1 frame, and the trash holds 5
    qtbot.waitUntil(lambda: window.upload_panel.report is not None, timeout=60_000)
    qtbot.waitUntil(lambda: len(names()) == 3 and len(window.albums.of(library).curator.trash())
                    == 1, timeout=60_000)
    kept = names()
    assert truth.sharp[0] in kept  # the sharp frame of the burst
    assert len(kept & next(iter(truth.copies))) == 1  # one of the picture and its copies
    window.curation.on_undo()  # Ctrl+Z: the five are back
    qtbot.waitUntil(lambda: names() == everything, timeout=30_000)
