"""Screenshots of the real window for the docs: opens it offscreen on a library built from
../shared/photos and saves PNGs into resources/screenshots/.

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/screenshots.py [--photos DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "resources" / "screenshots"
PICSETS = {
    "014_White_House": ["faces/obama", "faces/biden", "faces/groups/obama_and_biden.jpg",
                        "faces/groups/two_people.jpg"],
    "015_Game_of_Thrones": ["faces/kit_harington", "faces/rose_leslie",
                            "faces/groups/kit_with_rose.jpg"],
    "016_Hamilton_–_Broadway_(2016)": ["faces/alex_lacamoire", "faces/lin_manuel_miranda"],
}


def wait_until(app, condition, timeout=60.0, what="") -> None:
    """Process events until ``condition()``; the event loop is what delivers the results."""
    from PySide6.QtCore import QDeadlineTimer, QEventLoop

    deadline = QDeadlineTimer(int(timeout * 1000))
    while not condition():
        if deadline.hasExpired():
            raise SystemExit(f"screenshots: timed out waiting for {what}")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        from PySide6.QtCore import QThread

        QThread.msleep(10)


def build_library(photos: Path, root: Path):
    from finpics_desktop.compose import open_backend
    from finpics_desktop.pipeline.publish.upload import Publisher

    backend = open_backend("local", root / "library")
    for picset, sources in PICSETS.items():
        folder = root / "src" / picset
        folder.mkdir(parents=True)
        for rel in sources:
            src = photos / rel
            for path in [src] if src.is_file() else sorted(src.iterdir()):
                if path.is_file() and path.suffix.lower() in (".jpg", ".jpeg", ".png"):
                    shutil.copy2(path, folder / path.name)
        report = Publisher(backend.store, backend.tables, backend.faces, backend.names,
                           backend.process).publish([folder], picset)
        print(report.summary(), file=sys.stderr)
    return backend


def deploy_dialog_shot(app, window, shoot) -> None:
    """Settings -> Deploy / Update the cloud, on a local cloud in this process."""
    from finpics_desktop.app.deploy import DeployRequest
    from finpics_desktop.app.options import CloudOptions
    from finpics_desktop.localcloud import LocalCloud
    from finpics_desktop.ui import deploy_dialog

    with LocalCloud() as cloud:
        keys = (cloud.credentials["access_key_id"], cloud.credentials["secret_access_key"])
        options = CloudOptions(endpoint_url=cloud.url, region="us-east-1", access_keys=keys)
        dialog = deploy_dialog.DeployDialog(DeployRequest(options), window, poll=0.2)
        dialog.show()
        dialog.start()
        wait_until(app, lambda: dialog.state == deploy_dialog.DONE, timeout=180,
                   what="the deploy")
        shoot("deploy", dialog)
        dialog.close()


def settings_cloud_shot(app, window, shoot) -> None:
    """Settings, leading with the cloud: an SSO profile of the curator's AWS config chosen,
    with Sign in (an AWS CLI on PATH: a stand-in that is never run here)."""
    home = Path(os.environ["HOME"])
    (home / ".aws").mkdir(parents=True, exist_ok=True)
    (home / ".aws" / "config").write_text(
        "[profile finpics]\nsso_session = family\nsso_account_id = 123456789012\n"
        "sso_role_name = Curator\nregion = eu-west-1\n\n[profile personal]\n"
        "region = us-east-1\n\n[sso-session family]\n"
        "sso_start_url = https://family.awsapps.com/start\nsso_region = eu-west-1\n")
    os.environ["AWS_CONFIG_FILE"] = str(home / ".aws" / "config")
    cli = home / "bin" / "aws"
    cli.parent.mkdir(exist_ok=True)
    cli.write_text("#!/bin/sh\nexit 0\n")
    cli.chmod(0o755)
    path = os.environ.get("PATH", "")
    os.environ["PATH"] = f"{cli.parent}{os.pathsep}{path}"
    window.settings.aws_enabled, window.settings.aws_profile = True, "finpics"
    window.settings["names.region"] = "eu-west-1"
    window.on_settings("cloud")
    dialog = window.settings_dialog
    dialog.resize(620, 640)
    wait_until(app, dialog.isVisible, what="the Settings dialog")
    shoot("settings-cloud", dialog)
    dialog.reject()
    os.environ["PATH"] = path
    window.settings.aws_enabled, window.settings.aws_profile = False, ""


def thumbnails_loaded(model, view) -> bool:
    rows = view.visible_rows()
    return len(rows) > 0 and all(
        model.thumbnail(r) is not None or model.loader.broken(model.entries[r])
        or not model.entries[r].has_thumbnail for r in rows)


def curate(app, window, shoot) -> None:
    from PySide6.QtCore import QItemSelectionModel, QPoint

    from finpics_desktop.ui.sources import NodeRole

    root = window.sources.library
    hamilton = next(root.child(r) for r in range(root.rowCount())
                    if root.child(r).data(NodeRole).picset == "016_Hamilton_–_Broadway_(2016)")
    window.tree.setCurrentIndex(window.sources.indexFromItem(hamilton))
    wait_until(app, lambda: not window.nav.loading and window.model.rowCount() > 0
               and thumbnails_loaded(window.model, window.grid), what="the picset")
    selection = window.grid.selectionModel()
    for row, entry in enumerate(window.model.entries):
        if entry.name in ("alex_lacamoire1.jpg", "lin-manuel-miranda.png"):
            selection.select(window.model.index(row), QItemSelectionModel.SelectionFlag.Select)
    menus = window.context_menus  # a right-click on one of the photos chosen
    tile = window.model.row_of(lambda e: e.name == "lin-manuel-miranda.png")
    menus.open_at(window.grid, window.grid.visualRect(window.model.index(tile)).center())
    wait_until(app, lambda: menus.menu is not None and menus.menu.isVisible(),
               what="the context menu")
    shoot("context-menu", popup=menus.menu)
    menus.menu.hide()
    edit = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    edit.popup(window.mapToGlobal(QPoint(60, 30)))
    wait_until(app, edit.isVisible, what="the Edit menu")
    shoot("edit-menu", edit)
    edit.hide()
    window.curation.on_rename()  # a picset's new title: what the site will show, number kept
    window.curation.dialog.title_edit.setText("Hamilton – Broadway & Tour (2016)")
    shoot("rename", window.curation.dialog)
    window.curation.dialog.reject()
    window.curation.on_move()
    shoot("move", window.curation.dialog)
    window.curation.dialog.choose("Game of Thrones")
    wait_until(app, lambda: window.curation.running == 0 and not window.nav.loading,
               what="the move")
    selection.clearSelection()
    selection.select(window.model.index(0), QItemSelectionModel.SelectionFlag.Select)
    window.curation.on_delete()
    wait_until(app, lambda: window.curation.running == 0, what="the delete")
    window.trash_action.trigger()
    dialog = window.curation.trash_dialog
    wait_until(app, lambda: dialog.table.topLevelItemCount() == 1, what="the trash")
    dialog.table.setCurrentItem(dialog.table.topLevelItem(0))
    shoot("trash", dialog)
    dialog.empty_button.click()  # asked first, Cancel the default
    wait_until(app, lambda: dialog.empty_trash_question.isVisible(), what="the question")
    shoot("empty-trash", dialog, popup=dialog.empty_trash_question)
    dialog.empty_trash_question.reject()
    dialog.close()


def near_duplicates_shot(app, window, shoot, photos: Path, work: Path) -> None:
    """A picset with copies of one picture and a burst: Find near-duplicates… shows the two
    groups, each under its heading, the best tile outlined and captioned."""
    from finpics_desktop.pipeline.publish.upload import Publisher
    from finpics_desktop.ui.sources import NodeRole

    sys.path.insert(0, str(REPO / "tests"))
    import similar_set  # the set the benchmark measures: copies and video-like bursts

    folder = work / "src-similar" / "017_Beach_day"
    similar_set.build(photos, folder, ["faces/obama/obama2.jpg"], ["faces/biden/biden.jpg"],
                      ["faces/rose_leslie/img1.jpg"])
    backend = window.albums.library.backend
    Publisher(backend.store, backend.tables, backend.faces, backend.names,
              backend.process).publish([folder], "017_Beach_day")
    root = window.sources.library
    window.refresh_picsets(root)  # (F5 lists the library's picsets only where it is shown)
    wait_until(app, lambda: any(root.child(r).data(NodeRole).picset == "017_Beach_day"
                                for r in range(root.rowCount())), what="the new picset")
    item = next(root.child(r) for r in range(root.rowCount())
                if root.child(r).data(NodeRole).picset == "017_Beach_day")
    window.tree.setCurrentIndex(window.sources.indexFromItem(item))
    wait_until(app, lambda: not window.nav.loading and window.model.rowCount() > 0,
               what="the picset")
    window.similar_action.trigger()
    wait_until(app, lambda: not window.nav.loading and window.model.rowCount() > 8
               and thumbnails_loaded(window.model, window.grid), timeout=180,
               what="the near-duplicates")
    best = window.model.row_of(lambda e: e.best)
    window.grid.setCurrentIndex(window.model.index(best))
    shoot("near-duplicates")


def unnamed_shots(app, window, shoot, row) -> None:
    """Unnamed faces once people are named: a name typed on a group's tile, completed from the
    album's names; then a stranger ignored, and the Ignored faces."""
    from PySide6.QtCore import QItemSelectionModel, Qt
    from PySide6.QtTest import QTest

    from finpics_desktop.app.entries import FACE, GROUP
    from finpics_desktop.app.window.navigation import IGNORED

    window.tree.setCurrentIndex(window.sources.indexFromItem(row))
    wait_until(app, lambda: not window.nav.loading and window.model.rowCount() > 0
               and thumbnails_loaded(window.model, window.grid), what="the unnamed faces")
    tiles = [r for r, e in enumerate(window.model.entries) if e.kind == GROUP]
    window.grid.selectionModel().setCurrentIndex(
        window.model.index(tiles[0]), QItemSelectionModel.SelectionFlag.ClearAndSelect)
    window.grid.edit(window.model.index(tiles[0]))
    wait_until(app, lambda: window.people.tiles.editor is not None, what="the name field")
    editor = window.people.tiles.editor
    editor.setFocus()
    QTest.keyClicks(editor, "o")
    popup = editor.completer().popup()
    wait_until(app, popup.isVisible, what="the names completed")
    shoot("unnamed-name", popup=popup)
    QTest.keyClick(popup, Qt.Key.Key_Escape)
    QTest.keyClick(editor, Qt.Key.Key_Escape)
    child = next(e for e in window.model.entries  # the child at the edge of the photo
                 if e.kind == FACE and e.name == "obama_and_biden.jpg")
    window.people.actions.ignore([child])
    wait_until(app, lambda: not window.nav.loading and child.face_id not in [
        e.face_id for e in window.model.entries], what="a stranger ignored")
    window.people.on_show_ignored()
    wait_until(app, lambda: window.nav.location.kind == IGNORED and not window.nav.loading
               and window.model.rowCount() > 0
               and thumbnails_loaded(window.model, window.grid), what="the ignored faces")
    window.grid.setCurrentIndex(window.model.index(0))
    shoot("ignored")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=Path, default=REPO.parent / "shared" / "photos")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="finpics-shots-"))
    os.environ["FINPICS_CACHE"] = str(work / "cache")
    os.environ["HOME"] = str(work / "home")
    (work / "home" / "Pictures").mkdir(parents=True)
    from PySide6.QtCore import QPoint, QPointF, QRect, QSettings, QSize, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QDialogButtonBox

    from finpics_desktop.ui.app import init_application
    from finpics_desktop.ui.picset_counts import CountRole

    app = init_application(["screenshots"])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "ini"))
    from finpics_desktop.compose import open_backend
    from finpics_desktop.ui.main_window import SEARCH, VIEWER, MainWindow
    from finpics_desktop.ui.sources import NodeRole
    from finpics_desktop.ui.workers import wait_all

    args.out.mkdir(parents=True, exist_ok=True)

    def shoot(name: str, widget=None, rect=None, popup=None) -> None:
        """``widget`` (the window), or ``rect`` of it, with ``popup`` (a menu, a question: a
        window of its own) drawn where it is over it."""
        from PySide6.QtGui import QPainter

        app.processEvents()
        path = args.out / f"{name}.png"
        widget = widget or window
        shot = widget.grab(rect) if rect is not None else widget.grab()
        if popup is not None:
            painter = QPainter(shot)
            painter.drawPixmap(widget.mapFromGlobal(popup.mapToGlobal(QPoint(0, 0))),
                               popup.grab())
            painter.end()
        shot.save(str(path))
        print(f"wrote {path}", file=sys.stderr)

    # 0. the first start: an empty library, then the deploy dialog on a local cloud
    empty = open_backend("local", work / "empty-library")
    window = MainWindow(empty)
    window.resize(1280, 800)
    window.show()
    wait_until(app, lambda: window.empty_state.view.isVisible(), what="the empty library")
    shoot("first-start")
    settings_cloud_shot(app, window, shoot)
    deploy_dialog_shot(app, window, shoot)
    window.close()
    wait_all()
    empty.close()

    backend = build_library(args.photos, work)
    window = MainWindow(backend)
    window.resize(1280, 800)
    window.show()
    window.sources.add_folder(args.photos)

    def picset_item(picset):
        root = window.sources.library
        wait_until(app, lambda: sum(1 for r in range(root.rowCount())
                                    if root.child(r).data(NodeRole).picset) == len(PICSETS),
                   what="the picsets")
        return next(root.child(r) for r in range(root.rowCount())
                    if root.child(r).data(NodeRole).picset == picset)

    def album_row(kind):
        root = window.sources.library
        return next(root.child(r) for r in range(root.rowCount())
                    if root.child(r).data(NodeRole).kind == kind)

    # 1. the grid of a picset
    wait_until(app, lambda: thumbnails_loaded(window.model, window.grid), what="picset covers")
    root = window.sources.library
    wait_until(app, lambda: all(root.child(r).data(CountRole) is not None
                                for r in range(root.rowCount())
                                if root.child(r).data(NodeRole).picset),
               what="the picsets' counts")
    shoot("picsets")
    bar = window.toolbar.geometry()
    shoot("toolbar", rect=QRect(0, 0, window.width(), bar.bottom() + 1))
    window.tree.setCurrentIndex(window.sources.indexFromItem(picset_item("014_White_House")))
    wait_until(app, lambda: not window.nav.loading and window.model.rowCount() > 0
               and thumbnails_loaded(window.model, window.grid), what="the picset's thumbnails")
    shoot("grid")

    # 1b. dark, three photos chosen: the Info panel counts them, the focus frame on the last
    from PySide6.QtCore import QItemSelectionModel

    from finpics_desktop.ui.appearance import apply_appearance

    apply_appearance("dark")
    window.grid.setFocus()
    window.grid.setCurrentIndex(window.model.index(2))
    for row in (0, 1):
        window.grid.selectionModel().select(window.model.index(row),
                                            QItemSelectionModel.SelectionFlag.Select)
    wait_until(app, lambda: window.info.value("Size") is not None, what="the Info panel")
    shoot("dark")
    apply_appearance("system")
    window.grid.clearSelection()

    # 2. a photo with its face boxes, one hovered
    row = window.model.row_of(lambda e: e.name == "obama_and_biden.jpg")
    window.grid.setCurrentIndex(window.model.index(row))
    window.nav.activate(window.model.entries, row)
    canvas = window.viewer.canvas
    wait_until(app, lambda: window.stack.currentIndex() == VIEWER and not window.viewer.loading,
               what="the photo")
    face = max(range(len(canvas.faces)), key=lambda i: canvas.face_rects()[i].width())
    centre = canvas.face_rects()[face].center()
    app.sendEvent(canvas, QMouseEvent(QMouseEvent.Type.MouseMove, QPointF(centre),
                                      canvas.mapToGlobal(QPointF(centre)), Qt.MouseButton.NoButton,
                                      Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier))
    wait_until(app, lambda: canvas.hovered == face, what="the hover highlight")
    shoot("viewer")

    # 3. click that face: the other photos of the person
    canvas.face_clicked.emit(canvas.faces[face].face_id)
    wait_until(app, lambda: window.stack.currentIndex() == SEARCH and not window.search.searching
               and thumbnails_loaded(window.search.model, window.search.view),
               what="the search results")
    shoot("search")

    # 4. the unnamed faces, group by group; then people named, the People view and a person
    from finpics_desktop.app.window.navigation import PEOPLE, PERSON_PLACE, UNNAMED
    from finpics_desktop.pipeline.people.naming import People
    from finpics_desktop.pipeline.people.proposals import suggest

    window.nav.back()
    window.nav.back()
    window.tree.setCurrentIndex(window.sources.indexFromItem(album_row(UNNAMED)))
    wait_until(app, lambda: not window.nav.loading and window.model.rowCount() > 0
               and thumbnails_loaded(window.model, window.grid), what="the unnamed faces")
    window.grid.setCurrentIndex(window.model.index(0))
    shoot("unnamed")
    people = People(backend)
    who = {path.name: folder.name.replace("_", " ").title()
           for folder in (args.photos / "faces").iterdir() if folder.name != "groups"
           for path in (folder.iterdir() if folder.is_dir() else [])}
    first = {}
    for entry in window.model.entries:  # each confident group's face of a portrait
        if entry.sure and entry.name in who:
            first.setdefault(entry.group, entry)
    for entry in first.values():
        name = who[entry.name]
        people.name_face(entry.face_id, name)
        people.confirm(name, [p.face_id for p in suggest(people, name).sure][:2])
    window.tree.setCurrentIndex(window.sources.indexFromItem(album_row(PEOPLE)))
    wait_until(app, lambda: not window.nav.loading and window.model.rowCount() == len(first)
               and thumbnails_loaded(window.model, window.grid), what="the people")
    window.people.filter.setFocus()
    shoot("people")
    # the names typed are completed (here in the filter box: case and accents aside)
    from PySide6.QtTest import QTest

    QTest.keyClicks(window.people.filter, "le")
    popup = window.people.filter.completer().popup()
    wait_until(app, lambda: popup.isVisible(), what="the names' completion")
    edit = window.people.filter  # under the field, as a window manager places it
    popup.setGeometry(QRect(edit.mapToGlobal(QPoint(0, edit.height())),
                            QSize(edit.width() // 3, popup.sizeHintForRow(0) * 2 + 6)))
    shoot("name-completion", popup=popup)
    popup.hide()
    window.people.filter.clear()
    window.nav.activate(window.model.entries, next(  # the one with proposals left
        n for n, e in enumerate(window.model.entries) if e.person == "Obama"))
    wait_until(app, lambda: window.nav.location.kind == PERSON_PLACE and not window.nav.loading
               and thumbnails_loaded(window.model, window.grid), what="a person's page")
    # its title and sections; the page opens on the first suggestion, framed (the keyboard's)
    shoot("person")

    # 4b. a click on a named face searches with the person
    from finpics_desktop.app.entries import PHOTO

    window.nav.activate(window.model.entries, next(
        n for n, e in enumerate(window.model.entries) if e.kind == PHOTO))
    wait_until(app, lambda: window.stack.currentIndex() == VIEWER and not window.viewer.loading,
               what="a photo of the person")
    canvas.face_clicked.emit(window.viewer.current.matched_face_id)
    wait_until(app, lambda: window.stack.currentIndex() == SEARCH and not window.search.searching
               and "Photos of" in window.search.header.text()
               and thumbnails_loaded(window.search.model, window.search.view),
               what="the person's search")
    shoot("person-search")
    window.nav.back()
    window.nav.back()
    unnamed_shots(app, window, shoot, album_row(UNNAMED))

    # 5. drop a folder on Library: the New picset dialog, then the upload under way
    folder = work / "src-drop" / "Newport & Boston: summer 2016"
    folder.mkdir(parents=True)
    for path in sorted((args.photos / "faces" / "obama").iterdir())[:6]:
        shutil.copy2(path, folder / path.name)
    for path in sorted((args.photos / "orientation").glob("*.jpg"))[:10]:
        shutil.copy2(path, folder / path.name)
    window.on_files_dropped([folder], window.sources.library.data(NodeRole))
    wait_until(app, lambda: window.dialog is not None, what="the proposal")
    dialog = window.dialog
    wait_until(app, lambda: dialog.photos is not None, what="the dialog")
    shoot("new-picset", dialog)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    panel = window.upload_panel
    wait_until(app, lambda: panel.bar.value() >= 4, what="the first published photos")
    wait_until(app, lambda: thumbnails_loaded(window.model, window.grid), what="thumbnails")
    shoot("upload")
    wait_until(app, lambda: panel.report is not None, timeout=300, what="the end of the upload")

    # 5. curation: the Edit menu, moving photos to another picset, the trash
    curate(app, window, shoot)
    near_duplicates_shot(app, window, shoot, args.photos, work)  # (6. near-duplicates)
    window.close()
    wait_all()
    backend.close()
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
