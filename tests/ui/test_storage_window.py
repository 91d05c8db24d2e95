"""The window on storage that cannot be used: the same one-line messages as the command line,
in the Messages panel, never a dialog (nor a traceback); a read-only library is browsed."""

from __future__ import annotations

import shutil

from PySide6.QtWidgets import QApplication, QMessageBox

from finpics_desktop import cli
from finpics_desktop.backends.local.library import DB_NAME, open_library
from finpics_desktop.ui.sources import NodeRole
from finpics_desktop.ui.workers import wait_all


def _open_window(qtbot, monkeypatch, library, argv=()):
    """``finpics-desktop --library LIB``: the entry point, up to the event loop."""
    from finpics_desktop.ui import app as app_module
    from finpics_desktop.ui.main_window import MainWindow

    seen = {}

    def exec_app(app):
        window = next(w for w in QApplication.topLevelWidgets()
                      if isinstance(w, MainWindow) and w.isVisible())
        qtbot.waitUntil(lambda: not window.nav.loading)
        assert wait_all(60_000)
        seen["messages"] = window.messages.texts()
        seen["dialogs"] = [w for w in QApplication.topLevelWidgets()
                           if isinstance(w, QMessageBox) and w.isVisible()]
        seen["picsets"] = [node.picset for r in range(window.sources.library.rowCount())
                           if (node := window.sources.library.child(r).data(NodeRole)).picset]
        seen["status"] = window.statusBar().currentMessage()
        window.on_files_dropped([library], window.sources.library.data(NodeRole))
        seen["after drop"] = window.messages.texts()[len(seen["messages"]):]
        seen["dialog opened"] = window.dialog is not None
        window.close()
        return 0

    monkeypatch.setattr(app_module, "exec_app", exec_app)
    assert cli.main(["--library", str(library), *argv]) == 0
    return seen


def test_a_damaged_library_is_a_message_not_a_dialog(qtbot, monkeypatch, tmp_path, engine,
                                                      photos_dir):
    library = tmp_path / "lib"
    backend = open_library(library, engine=engine)
    backend.close()
    db = library / DB_NAME
    db.write_bytes(db.read_bytes()[:3000])
    seen = _open_window(qtbot, monkeypatch, library)
    assert seen["dialogs"] == [] and seen["picsets"] == []
    assert len(seen["messages"]) == 1
    message = seen["messages"][0]
    assert message.startswith(f"Cannot open the library {library}: cannot read the library "
                              f"database {db}: it is damaged")
    assert f"run `finpics-desktop --library {library} check --repair`" in message
    assert "\n" not in message
    assert seen["status"] == message  # shown in the status bar as well
    assert not seen["dialog opened"]  # publishing into it says why instead
    assert seen["after drop"] == [f"The library cannot be used: {message}"]


def test_a_read_only_library_is_browsed(qtbot, monkeypatch, tmp_path, disk, engine, photos_dir):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy2(photos_dir / "faces/biden/biden.jpg", src)
    library = disk.path / "lib"
    assert cli.main(["--library", str(library), "upload", str(src), "--picset", "001_ro"]) == 0
    disk.read_only()
    seen = _open_window(qtbot, monkeypatch, library)
    assert seen["dialogs"] == []
    assert seen["picsets"] == ["001_ro"]  # listed from the read-only database
    said = (f"The library {library} is read-only: browsing and searching work, publishing "
            "into it does not; make the folder writable (or copy it to a writable disk) first.")
    assert seen["messages"] == [said]  # one wording, wherever it is said
    assert not seen["dialog opened"]
    assert seen["after drop"] == [said]


def test_the_new_picset_dialog_keeps_the_album_order_and_the_letters(qtbot, tmp_path):
    from PySide6.QtWidgets import QDialogButtonBox

    from finpics_desktop.app.publish import Proposal
    from finpics_desktop.ui.new_picset import NewPicsetDialog

    folder = tmp_path / "東京 2019"
    folder.mkdir()
    dialog = NewPicsetDialog(Proposal.new_picset([folder], ["014_a"]), "Library")
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dialog.picset == "015_東京_2019" and dialog.shown_as.text() == "東京 2019"
    dialog.id_edit.setText("1000_tokyo")
    assert not ok.isEnabled() and "4-digit ordering number" in dialog.problem.text()

    full = NewPicsetDialog(Proposal.new_picset([folder], ["999_nine"]), "Library")
    qtbot.addWidget(full)
    assert full.picset == "" and not full.buttons.button(
        QDialogButtonBox.StandardButton.Ok).isEnabled()
    assert "numbered up to 999" in full.problem.text()
    full.id_edit.setText("999_nine")  # adding to an existing picset is still possible
    assert full.problem.text() == "This picset exists: the photos are added to it."
    qtbot.waitUntil(lambda: dialog.photos is not None and full.photos is not None)
