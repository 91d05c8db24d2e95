"""The window publishing a folder whose photo another app named: the names taken are said in
a message, and a conflict (one name over two faces of the photo) is shown, not applied."""

from __future__ import annotations

import shutil
import subprocess

from PySide6.QtWidgets import QDialogButtonBox
from tagged_photos import EXIFTOOL, PHOTO, mwg_area, needs_exiftool, scout_boxes

from finpics_desktop.pipeline.people.naming import People
from finpics_desktop.ui.sources import NodeRole


@needs_exiftool
def test_publishing_shows_the_names_taken_and_the_conflicts(qtbot, window, library, engine,
                                                           photos_dir, tmp_path):
    boxes = scout_boxes(tmp_path / "scout", engine, photos_dir / PHOTO)
    folder = tmp_path / "Named elsewhere"
    folder.mkdir()
    shutil.copy(photos_dir / PHOTO, folder / "pair.jpg")
    subprocess.run([EXIFTOOL, "-q", "-o", str(folder / "pair.jpg.xmp"),
                    f"-RegionInfo={{RegionList=[{{Area={mwg_area(boxes[0])},Name=Ada Lovelace,"
                    f"Type=Face}},{{Area={mwg_area(boxes[1])},Name=Ada Lovelace,Type=Face}}]}}"],
                   check=True, capture_output=True)
    window.on_files_dropped([folder], window.sources.library.data(NodeRole))
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.isVisible())
    window.dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: window.upload_panel.report is not None and any(
        "names other apps wrote" in t for t in window.messages.texts()), timeout=60_000)
    texts = window.messages.texts()
    summary = next(t for t in texts if "names other apps wrote" in t)
    assert "1 face(s) named" in summary and "1 conflict(s)" in summary, summary
    assert any("Ada Lovelace not taken: Ada Lovelace is named in" in t and "pair.jpg.xmp" in t
               for t in texts), texts
    people = People(library)
    assert [p.name for p in people.people()] == ["Ada Lovelace"]
    assert len(people.faces_of(people.find("Ada Lovelace"))) == 1  # the conflict not applied
