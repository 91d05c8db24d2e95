"""An interrupted publishing job is offered for resuming when the window starts, and resuming
sends only what is missing (the journal of pipeline.journal, driven through the window)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from finpics_desktop.app.window.navigation import LIBRARY, PICSET_PLACE, Place
from finpics_desktop.pipeline.publish.journal import journal_for, target_of
from finpics_desktop.pipeline.publish.upload import CANCELLED, DONE, SKIPPED, Publisher


def interrupted_job(library, folder, picset: str) -> int:
    """A job stopped after its first photo, as a closed lid or Ctrl+C leaves it."""
    journal = journal_for(library)
    publisher = Publisher.for_backend(library, journal, workers=1)
    report = publisher.publish([folder], picset, lambda *_: publisher.cancel())
    assert report.with_status(DONE) and report.with_status(CANCELLED)
    journal.close()
    return report.job_id


def resume_box(qtbot, window) -> QMessageBox:
    qtbot.waitUntil(lambda: getattr(window, "resume_box", None) is not None
                    and window.resume_box.isVisible(), timeout=20_000)
    return window.resume_box


def click(box: QMessageBox, text: str) -> None:
    """The answer ``text`` chosen (``Enter``: the key pressed)."""
    if text == "Enter":
        QTest.keyClick(box, Qt.Key.Key_Return)
        return
    next(b for b in box.buttons() if b.text() == text).click()


def test_window_offers_to_resume_and_sends_only_what_is_missing(
        qtbot, make_window, library, copy_photos):
    folder = copy_photos("faces/biden", "faces/rose_leslie", folder="trip")
    job_id = interrupted_job(library, folder, "001_trip")
    published_before = {i["sortkey"] for i in library.tables.query_pics("001_trip")}

    window = make_window()
    box = resume_box(qtbot, window)
    assert "001_trip" in box.text() and "interrupted" in box.text()
    assert box.defaultButton().text() == "Resume"  # Discard (forgets the job) is never Enter
    click(box, "Resume")
    panel = window.upload_panel
    qtbot.waitUntil(lambda: panel.report is not None, timeout=90_000)
    report = panel.report
    assert report.ok and report.job_id == job_id
    assert {r.name for r in report.with_status(SKIPPED)} == published_before
    assert {i["sortkey"] for i in library.tables.query_pics("001_trip")} == {
        p.name for p in folder.iterdir()}
    journal = journal_for(library)
    assert journal.unfinished_jobs(target_of(library)) == []
    journal.close()


def test_discarded_job_is_not_offered_again(qtbot, make_window, library, copy_photos):
    folder = copy_photos("faces/kit_harington", folder="got")
    interrupted_job(library, folder, "001_got")
    window = make_window()
    click(resume_box(qtbot, window), "Discard")
    journal = journal_for(library)
    qtbot.waitUntil(lambda: journal.unfinished_jobs(target_of(library)) == [], timeout=20_000)
    journal.close()
    assert window.upload_panel.job is None  # nothing was started


def conflict_setup(library, copy_photos, photos_dir, tmp_path):
    """biden.jpg is in the picset; a new folder holds a different photo named biden.jpg."""
    import shutil

    first = copy_photos("faces/biden/biden.jpg", folder="first")
    assert Publisher.for_backend(library).publish([first], "001_c").ok
    second = tmp_path / "second"
    second.mkdir()
    shutil.copy(photos_dir / "faces/obama/obama.jpg", second / "biden.jpg")
    shutil.copy(photos_dir / "faces/rose_leslie/img1.jpg", second / "rose.jpg")
    return second


def conflict_box(qtbot, window) -> QMessageBox:
    qtbot.waitUntil(lambda: getattr(window, "conflict_box", None) is not None
                    and window.conflict_box.isVisible(), timeout=60_000)
    return window.conflict_box


@pytest.mark.parametrize(("answer", "names"), [
    ("Keep both", {"biden.jpg", "biden-2.jpg", "rose.jpg"}),
    ("Replace", {"biden.jpg", "rose.jpg"}),
    ("Skip", {"biden.jpg", "rose.jpg"}),
    ("Enter", {"biden.jpg", "biden-2.jpg", "rose.jpg"}),  # the default keeps both
])
def test_the_curator_chooses_what_to_do_with_a_taken_name(
        qtbot, make_window, library, copy_photos, photos_dir, tmp_path, answer, names):
    second = conflict_setup(library, copy_photos, photos_dir, tmp_path)
    window = make_window()
    job = window.start_upload(library, [second], "001_c")
    box = conflict_box(qtbot, window)
    first_report = window.upload_panel.report
    assert [r.name for r in first_report.conflicts] == ["biden.jpg"]
    assert "biden.jpg" in box.text() and "001_c" in box.text()
    assert "lost for good" in box.informativeText()  # what Replace loses, said
    assert box.defaultButton().text() == "Keep both"
    click(box, answer)
    if answer != "Skip":
        qtbot.waitUntil(lambda: window.upload_panel.job is not job
                        and window.upload_panel.report is not None, timeout=60_000)
        assert window.upload_panel.report.ok
    assert {i["sortkey"] for i in library.tables.query_pics("001_c")} == names
    stored = library.store.get(library.names.pics_bucket, "photos/001_c/biden.jpg")
    replaced = stored == (second / "biden.jpg").read_bytes()
    assert replaced == (answer == "Replace")  # never overwritten unless the curator said so
    if answer in ("Keep both", "Enter"):
        assert library.store.get(library.names.pics_bucket, "photos/001_c/biden-2.jpg") == (
            second / "biden.jpg").read_bytes()


def test_dropping_the_same_files_on_the_picset_resumes_its_interrupted_job(
        qtbot, make_window, library, copy_photos):
    """The drop decides as `upload --picset` does: the interrupted job of these files into this
    picset goes on (not a second job beside it, offered again at every start)."""
    folder = copy_photos("faces/biden", "faces/rose_leslie", folder="trip")
    job_id = interrupted_job(library, folder, "001_trip")
    window = make_window()
    click(resume_box(qtbot, window), "Later")
    qtbot.waitUntil(lambda: window.sources.picset_ids(window.sources.library) == ["001_trip"],
                    timeout=20_000)
    window.nav.open(Place(PICSET_PLACE, library, "001_trip", within=LIBRARY))
    window.on_grid_dropped([folder])
    qtbot.waitUntil(lambda: window.upload_panel.report is not None, timeout=90_000)
    report = window.upload_panel.report
    assert report.ok and report.job_id == job_id
    journal = journal_for(library)
    assert journal.unfinished_jobs(target_of(library)) == []
    journal.close()
