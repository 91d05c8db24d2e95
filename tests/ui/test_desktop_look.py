"""Looking like a desktop app: the toolbar's actions (with icons), the counts beside the picsets
(asked lazily, only for rows on screen), the thumbnail-size slider and Ctrl+wheel, the Messages
panel out of the way with its unread count on its tab, and drop targets highlighted while
files are dragged over them."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent, QWheelEvent
from PySide6.QtWidgets import QApplication

from finpics_desktop.app.counts import PicsetCounts
from finpics_desktop.app.window.navigation import LIBRARY, PICSET_PLACE
from finpics_desktop.domain import items
from finpics_desktop.ui.grid import CELL_MAX, CELL_SIZES
from finpics_desktop.ui.picset_counts import CountRole
from finpics_desktop.ui.sources import NodeRole
from tests.ui.ui_helpers import picset_item, select_source


def toolbar_button(window, action):
    return window.toolbar.widgetForAction(action)


# -- the toolbar ----------------------------------------------------------------------------
def test_the_toolbar_shows_the_main_actions_with_icons(qtbot, window):
    texts = [a.iconText() for a in window.toolbar.actions() if a.iconText()]
    assert texts[:4] == ["Back", "Open folder", "Publish", "Refresh"]
    assert {"Settings", "Full screen"} <= set(texts)
    for action in window.toolbar.actions():
        if toolbar_button(window, action) is not None and action.iconText():
            assert not action.icon().isNull(), action.iconText()
            assert toolbar_button(window, action).isVisible()
    assert window.toolbar.size_slider.isVisible()


def test_toolbar_buttons_do_what_the_menus_do(qtbot, window, publish):
    publish("001_one", "faces/biden/biden.jpg")
    window.on_refresh()
    qtbot.waitUntil(lambda: picset_item(window, "001_one") is not None)
    select_source(qtbot, window, picset_item(window, "001_one"))
    assert window.nav.location.kind == PICSET_PLACE
    qtbot.mouseClick(toolbar_button(window, window.back_action), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.nav.location.kind == LIBRARY and not window.nav.loading)
    assert [e.picset for e in window.model.entries] == ["001_one"]
    qtbot.mouseClick(toolbar_button(window, window.settings_action), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.settings_dialog.isVisible())
    window.settings_dialog.reject()


def test_shipped_icons_follow_the_palette(qtbot, qapp):
    from PySide6.QtGui import QColor, QPalette

    from finpics_desktop.ui.icons import shipped_icon

    def ink(icon) -> QColor:
        image = icon.pixmap(24, 24).toImage()
        return max((image.pixelColor(x, y) for x in range(24) for y in range(24)),
                   key=lambda c: c.alpha())

    before = qapp.palette()
    try:
        for text in ("#101010", "#f0f0f0"):  # a light palette's text, a dark palette's
            palette = QPalette(before)
            palette.setColor(QPalette.ColorRole.WindowText, QColor(text))
            qapp.setPalette(palette)
            assert ink(shipped_icon("folder-open")).name() == text
    finally:
        qapp.setPalette(before)


def test_shipped_icons_are_files_of_the_cache_else_of_the_process(qapp, tmp_path, monkeypatch):
    """Qt's SVG engine draws them from files: written once into the user's cache under a name
    made of their contents; a cache that cannot be written leaves them in a folder of the
    process's own, drawn all the same."""
    from PySide6.QtGui import QPalette

    from finpics_desktop.ui import icons

    def drawn() -> str:
        icons._tinted.cache_clear()
        icon = icons.shipped_icon("edit-copy")
        image = icon.pixmap(20, 20).toImage()
        assert max(image.pixelColor(x, y).alpha() for x in range(20) for y in range(20)) == 255
        return qapp.palette().color(QPalette.ColorRole.WindowText).name()

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    icons._own.cache_clear()
    text = drawn()
    assert icons._own.cache_info().currsize == 0  # (no folder of its own made for nothing)
    assert icons._cache() == tmp_path / "cache" / "finpics-desktop" / "icons"
    written = sorted(icons._cache().iterdir())
    assert [p.name.startswith("edit-copy-") for p in written] == [True, True]  # (and disabled)
    assert any(text.encode() in p.read_bytes() for p in written)
    before = [p.stat().st_mtime_ns for p in written]
    drawn()
    assert [p.stat().st_mtime_ns for p in written] == before  # (found, not written again)

    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    drawn()
    assert icons._own().is_dir() and any(icons._own().glob("edit-copy-*.svg"))


# -- the picsets' counts --------------------------------------------------------------------
def test_counts_beside_picsets_follow_what_is_published(qtbot, window, publish, copy_photos):
    publish("001_two", "faces/biden/biden.jpg", "faces/biden/biden2.jpg")
    publish("002_one", "faces/obama/obama.jpg")
    window.on_refresh()
    qtbot.waitUntil(lambda: all(picset_item(window, p) is not None and
                                picset_item(window, p).data(CountRole) is not None
                                for p in ("001_two", "002_one")), timeout=10_000)
    assert picset_item(window, "001_two").data(CountRole) == 2
    assert picset_item(window, "002_one").data(CountRole) == 1
    assert window.counts.counts.queries == 2
    assert picset_item(window, "002_one").text() == "one"  # the count is beside, not in, it

    more = copy_photos("faces/obama/obama2.jpg", folder="more")
    window.start_upload(window.backend, [more], "002_one")
    qtbot.waitUntil(lambda: window.upload_panel.report is not None, timeout=60_000)
    assert window.upload_panel.report.ok
    qtbot.waitUntil(lambda: picset_item(window, "002_one").data(CountRole) == 2,
                    timeout=10_000)
    assert picset_item(window, "001_two").data(CountRole) == 2


def test_counts_are_asked_only_for_the_picsets_on_screen(qtbot, window, library):
    for n in range(1, 121):
        library.tables.put_pics_item(items.picset_item(f"{n:03d}_set", None))
    window.on_refresh()
    root = window.sources.library

    def picsets():  # the album's rows after People and Unnamed faces
        return [root.child(r) for r in range(root.rowCount())
                if root.child(r).data(NodeRole).picset]

    qtbot.waitUntil(lambda: len(picsets()) == 120)
    queries = window.counts.counts
    qtbot.waitUntil(lambda: queries.queries > 0 and all(
        row.data(CountRole) is not None for row in picsets()[:3]))
    shown = queries.queries
    assert 0 < shown < 100  # the rows on screen, not the 120 picsets
    assert picsets()[119].data(CountRole) is None
    window.tree.scrollToBottom()
    qtbot.waitUntil(lambda: picsets()[119].data(CountRole) == 0)
    assert queries.queries < 120 + 1


def test_counting_runs_a_few_at_a_time_and_drops_no_count(qtbot):
    runs: list = []  # the runner: work held until the test lets it finish

    def run(fn, done, fail, *, task=None):
        runs.append((fn, done))

    seen = {}
    counts = PicsetCounts(run, lambda backend, picset, n: seen.update({picset: n}),
                          parallel=2, count=lambda backend, picset: int(picset[:3]))
    album = object()
    for picset in ("001_a", "002_b", "003_c", "001_a"):
        counts.want(album, picset)
    assert len(runs) == 2  # two under way, one waiting, the repeat not asked twice
    fn, done = runs.pop(0)
    done(fn())
    assert seen == {"001_a": 1} and len(runs) == 2
    for fn, done in list(runs):
        done(fn())
    assert seen == {"001_a": 1, "002_b": 2, "003_c": 3} and counts.queries == 3
    counts.known(album, "003_c", 7)
    assert counts.get(album, "003_c") == 7 and seen["003_c"] == 7


# -- the thumbnail size ---------------------------------------------------------------------
def test_the_slider_sizes_every_grid_and_follows_ctrl_wheel(qtbot, window):
    slider = window.toolbar.size_slider.slider
    assert slider.value() == window.grid.cell
    slider.setValue(250)
    assert window.grid.cell == 250 and window.search.view.cell == 250
    assert window.grid.gridSize().width() == 250
    wheel = QWheelEvent(QPointF(20, 20), QPointF(window.grid.mapToGlobal(QPoint(20, 20))),
                        QPoint(0, 0), QPoint(0, 120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase,
                        False)
    QApplication.sendEvent(window.grid.viewport(), wheel)
    assert window.grid.cell == CELL_SIZES[-1] == CELL_MAX  # the next stop up
    assert slider.value() == CELL_MAX and window.search.view.cell == CELL_MAX
    window.zoom(-1)  # the - key
    assert window.grid.cell == CELL_SIZES[-2] and slider.value() == CELL_SIZES[-2]


def test_the_thumbnail_size_is_kept_for_the_next_start(qtbot, make_window):
    first = make_window()
    first.toolbar.size_slider.slider.setValue(200)
    first.close()
    second = make_window()
    assert second.grid.cell == 200 and second.toolbar.size_slider.slider.value() == 200


# -- the Messages panel ---------------------------------------------------------------------
def test_messages_stay_out_of_the_way_until_there_is_one(qtbot, window):
    dock = window.messages_dock
    assert not dock.isVisible() and not window.upload_dock.isVisible()
    window.message("one.jpg: cannot read it")
    assert dock.isVisible() and dock.windowTitle() == "Messages (1)"
    window.message("two.jpg: cannot read it")
    assert dock.windowTitle() == "Messages (2)"
    qtbot.mouseClick(window.messages.viewport(), Qt.MouseButton.LeftButton)
    assert dock.windowTitle() == "Messages" and window.message_badge.unread == 0


def test_the_badge_counts_what_came_behind_the_publishing_tab(qtbot, window):
    window.reveal_upload_panel()  # Publishing on top of the bottom tabs
    window.message("three.jpg: cannot read it")
    window.message("four.jpg: cannot read it")
    assert window.messages_dock.windowTitle() == "Messages (2)"
    window.messages_dock.raise_()  # the user chooses its tab
    qtbot.waitUntil(lambda: window.messages_dock.windowTitle() == "Messages")


# -- drop targets ---------------------------------------------------------------------------
def files_mime(*paths) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def drag(widget, kind, pos: QPoint, mime: QMimeData):
    if kind is QDropEvent:
        event = QDropEvent(QPointF(pos), Qt.DropAction.CopyAction, mime,
                           Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    else:
        event = kind(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)
    return event


def test_the_tree_row_a_drop_would_publish_into_is_highlighted(qtbot, window, copy_photos):
    folder = copy_photos("faces/biden")
    tree, sources = window.tree, window.sources
    library = tree.visualRect(sources.indexFromItem(sources.library))
    computer = tree.visualRect(sources.indexFromItem(sources.computer))
    highlight = window.tree_drops.highlight
    mime = files_mime(folder)
    drag(tree.viewport(), QDragEnterEvent, library.center(), mime)
    assert highlight.isVisible()
    assert highlight.geometry().top() == library.top()
    assert highlight.geometry().height() == library.height()
    assert highlight.geometry().width() == tree.viewport().width()
    drag(tree.viewport(), QDragMoveEvent, computer.center(), mime)  # not a target
    assert not highlight.isVisible()
    drag(tree.viewport(), QDragMoveEvent, library.center(), mime)
    assert highlight.isVisible()
    QApplication.sendEvent(tree.viewport(), QDragLeaveEvent())
    assert not highlight.isVisible()


def test_the_grid_takes_photos_where_it_shows_an_album(qtbot, window, copy_photos):
    folder = copy_photos("faces/biden", folder="Dropped here")
    qtbot.waitUntil(lambda: window.empty_state.view.isVisible())
    viewport, highlight = window.grid.viewport(), window.grid_drops.highlight
    centre = viewport.rect().center()
    entered = drag(viewport, QDragEnterEvent, centre, files_mime(folder))
    assert entered.isAccepted() and highlight.isVisible()
    assert highlight.label == "Drop to publish into the Library"
    assert viewport.rect().contains(highlight.geometry())
    drag(viewport, QDropEvent, centre, files_mime(folder))
    assert not highlight.isVisible()
    qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.isVisible())
    qtbot.waitUntil(lambda: window.dialog.photos is not None)
    assert window.dialog.id_edit.text() == "001_Dropped_here"
    window.dialog.reject()

    window.open_folder(folder)  # a folder of this computer takes no drop
    qtbot.waitUntil(lambda: not window.nav.loading and window.model.rowCount() == 2)
    refused = drag(viewport, QDragEnterEvent, centre, files_mime(folder))
    assert not refused.isAccepted() and not highlight.isVisible()


def test_no_key_is_claimed_by_two_actions(window):
    """Qt does nothing for a key two window-wide actions claim (an ambiguous shortcut)."""
    from collections import Counter

    from PySide6.QtGui import QAction

    claimed = Counter(key.toString() for action in window.findChildren(QAction)
                      if action.shortcutContext() == Qt.ShortcutContext.WindowShortcut
                      for key in action.shortcuts() if not key.isEmpty())
    assert claimed and [k for k, n in claimed.items() if n > 1] == []
