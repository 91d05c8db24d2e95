"""The main window's menus and their keys (each action added to the window too, so that its
key works wherever the focus is and F1 lists it)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from finpics_desktop.ui.audit import on_audit
from finpics_desktop.ui.toolbar import MainToolBar


def action(w, text: str, shortcuts, slot, menu) -> QAction:
    """One action of window ``w`` in ``menu``, its keys working anywhere in the window."""
    made = QAction(text, w)
    made.setShortcuts([QKeySequence(s) for s in shortcuts])
    made.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    made.triggered.connect(slot)
    menu.addAction(made)
    w.addAction(made)
    return made


def make_actions(w) -> None:
    """File, Edit, View and Help, and the toolbar."""
    bar = w.menuBar()
    file, edit = bar.addMenu("&File"), bar.addMenu("&Edit")
    view, help_ = bar.addMenu("&View"), bar.addMenu("&Help")
    w.open_action = action(w, "&Open folder…", ["Ctrl+O"], w.on_open_folder, file)
    w.publish_action = action(w, "&Publish photos…", ["Ctrl+U"], w.on_publish, file)
    file.addSeparator()
    w.add_place_action = action(w, "&Add a place…", ["Ctrl+Shift+O"], w.places.on_add, file)
    action(w, "R&emove the place", [], w.places.on_remove, file)
    file.addSeparator()
    w.settings_action = action(w, "&Settings…", ["Ctrl+,"], w.on_settings, file)
    file.addSeparator()
    action(w, "&Quit", ["Ctrl+Q"], w.close, file)
    _edit_actions(w, edit)
    w.fullscreen_action = action(w, "&Full screen", ["F", "F11"], w.toggle_full_screen, view)
    w.zoom_in_action = action(w, "Zoom &in", ["+", "=", "Ctrl++"], lambda: w.zoom(1), view)
    w.zoom_out_action = action(w, "Zoom &out", ["-", "Ctrl+-"], lambda: w.zoom(-1), view)
    w.fit_action = action(w, "Fit to &window", ["0", "Ctrl+0"], w.viewer.canvas.fit_to_window,
                          view)
    w.back_action = action(w, "&Back", ["Alt+Left"], w.nav.back, view)
    w.refresh_action = action(w, "&Refresh", ["F5"], w.on_refresh, view)
    view.addSeparator()
    for dock, text in ((w.info_dock, "I&nfo panel"), (w.messages_dock, "&Messages"),
                       (w.upload_dock, "P&ublishing")):
        toggle = dock.toggleViewAction()
        toggle.setText(text)  # a letter to reach it from the menu by keys
        view.addAction(toggle)
    w.shortcuts_action = action(w, "&Keyboard shortcuts", ["F1"], w.on_shortcuts, help_)
    w.about_action = action(w, "&About finpics", [], w.on_about, help_)
    w.toolbar = MainToolBar(w, [w.grid, w.search.view])
    w.addToolBar(Qt.ToolBarArea.TopToolBarArea, w.toolbar)
    w.toolbar.toggleViewAction().setText("&Toolbar")
    view.insertAction(view.actions()[0], w.toolbar.toggleViewAction())


def _edit_actions(w, edit) -> None:
    c = w.curation
    w.undo_action = action(w, "&Undo", ["Ctrl+Z"], c.on_undo, edit)
    edit.addSeparator()
    w.cover_action = action(w, "Set as &featured photo", [], c.on_set_cover, edit)
    w.move_action = action(w, "&Move to picset…", ["Ctrl+M"], c.on_move, edit)
    w.copy_action = action(w, "&Copy to picset…", ["Ctrl+Shift+M"],
                           lambda: c.on_move(copy=True), edit)
    w.delete_action = action(w, "&Delete", ["Del"], c.on_delete, edit)
    edit.addSeparator()
    # F2 renames what is chosen: a picset here, a person or a face in People (one key,
    # one action: the People menu shows it too)
    w.rename_action = action(w, "&Rename or name…", ["F2"], w.on_rename, edit)
    order = edit.addMenu("&Order photos")  # (by hand: drag them in the grid)
    action(w, "By &date taken", [], lambda: c.on_order("date"), order)
    action(w, "By &name", [], lambda: c.on_order("name"), order)
    w.push_action = action(w, "Publish picset to finpics c&loud…", ["Ctrl+Shift+U"], c.on_push,
                           edit)
    w.pull_action = action(w, "&Bring to this computer", [], w.bringing.on_bring, edit)
    edit.addSeparator()
    w.trash_action = action(w, "&Trash…", ["Ctrl+Shift+T"], c.on_trash, edit)
    w.audit_action = action(w, "C&heck what the public can read…", [], lambda: on_audit(w),
                            edit)
    edit.addSeparator()
    w.similar.make_actions(edit, lambda *a: action(w, *a))


def people_menu(w) -> None:
    """*People*, before Help."""
    bar = w.menuBar()
    menu = bar.addMenu("&People")
    bar.insertMenu(bar.actions()[-2], menu)  # before Help
    menu.addAction(w.rename_action)  # F2: names here, renames a picset elsewhere
    w.people.fill_menu(menu, lambda *a: action(w, *a))
