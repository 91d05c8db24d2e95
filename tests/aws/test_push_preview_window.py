"""The window's push preview (issue 24, item 1): after a Library picset was published, renamed
and a photo deleted in the Library, the preview names the rename and the deleted photo (not only
counts) and Publish leaves one picset on the cloud; what changed on the cloud since is listed and
the curator chooses -- keep it, or publish over it (never the default)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from finpics_desktop.pipeline.curation import (
    Curation,
    delete,
    empty_trash,
    list_trash,
    rename_picset,
    set_cover,
)
from finpics_desktop.pipeline.publish.upload import Publisher
from tests.aws.test_window_cloud import window  # noqa: F401 - the fixture

PICSET, RENAMED = "303_sync", "303_sync_again"


def _ask(qtbot, window, picset):  # noqa: F811 - the fixture
    window.push_question = None
    window.curation.push(picset)
    qtbot.waitUntil(lambda: window.push_question is not None, timeout=30_000)
    return window.push_question


def _answer(box, text: str) -> None:
    next(b for b in box.buttons() if b.text() == text).click()


def test_the_push_preview_names_renames_and_deletes_and_asks_about_the_clouds_changes(
        qtbot, window, library, photos_dir, tmp_path):  # noqa: F811 - the fixture
    folder = tmp_path / "staged"
    folder.mkdir()
    for rel in ("faces/biden/biden.jpg", "faces/obama/obama1.jpg", "faces/obama/obama2.jpg"):
        (folder / rel.rsplit("/", 1)[1]).write_bytes((photos_dir / rel).read_bytes())
    assert Publisher.for_backend(library).publish(sorted(folder.iterdir()), PICSET).ok
    qtbot.waitUntil(lambda: window.cloud_backend is not None, timeout=30_000)
    cloud = window.cloud_backend
    _answer(_ask(qtbot, window, PICSET), "Publish")
    qtbot.waitUntil(lambda: len(cloud.tables.query_pics(PICSET)) == 3
                    and window.curation.running == 0, timeout=90_000)

    c = Curation(library)
    rename_picset(c, PICSET, RENAMED)
    delete(c, [f"{RENAMED}/obama2.jpg"])
    box = _ask(qtbot, window, RENAMED)
    text = box.informativeText()
    assert f"renamed: {PICSET} -> {RENAMED} (the title \u201csync again\u201d)" in text
    assert "deleted (to the cloud's trash): 1: obama2.jpg" in text
    assert sorted(b.text() for b in box.buttons()) == ["Cancel", "Publish"]
    _answer(box, "Publish")
    qtbot.waitUntil(lambda: window.curation.running == 0
                    and cloud.records.picset(RENAMED) is not None
                    and cloud.records.picset(PICSET) is None
                    and len(cloud.tables.query_pics(RENAMED)) == 2, timeout=90_000)
    assert cloud.tables.query_pics(PICSET) == []  # one picset: no copy left under the old id

    other = next(n for n in ("biden.jpg", "obama1.jpg")
                 if n != cloud.records.picset(RENAMED).cover)
    set_cover(Curation(cloud), RENAMED, other)  # the cloud changed (another laptop)
    box = _ask(qtbot, window, RENAMED)
    text = box.informativeText()
    assert "changed on the cloud since the last push" in text
    assert f"featured photo changed on the cloud: {other}" in text
    assert sorted(b.text() for b in box.buttons()) == [
        "Cancel", "Publish over the cloud's changes", "Publish, keep the cloud's changes"]
    assert box.defaultButton().text() == "Cancel"  # Enter never overwrites
    over = next(b for b in box.buttons() if b.text() == "Publish over the cloud's changes")
    assert box.buttonRole(over) == QMessageBox.ButtonRole.DestructiveRole
    _answer(box, "Publish, keep the cloud's changes")
    qtbot.waitUntil(lambda: window.curation.running == 0, timeout=90_000)
    assert cloud.records.picset(RENAMED).cover == other  # the cloud's, kept
    assert len(cloud.tables.query_pics(RENAMED)) == 2
    _leave_the_shared_album(cloud)
    assert cloud.tables.query_pics(RENAMED) == [] and cloud.records.picset(RENAMED) is None


def _leave_the_shared_album(cloud) -> None:
    """The default stack is shared with other modules (e.g. tests/aws/test_whole_path.py, which
    searches Biden's photos exactly): what this test published goes for good, trash included."""
    c = Curation(cloud)
    if cloud.records.picset(RENAMED) is not None:
        delete(c, [RENAMED], purge=True)
    ours = [t.id for t in list_trash(c) if t.picset in (PICSET, RENAMED)]
    if ours:
        empty_trash(c, ours)
