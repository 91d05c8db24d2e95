"""What held the GUI thread up while a view opened (issue 25): the thumbnail workers' decoding
kept the GIL, Python's collector walked every live object in single collections of hundreds of
milliseconds, and the window drew every size of every icon before showing itself."""

from __future__ import annotations

import gc
import io
import sys
import threading
import time

from PIL import Image
from PySide6.QtGui import QIcon, QImage, QPalette

from finpics_desktop.ui.thumbs import SIDE, decoded


def photo(width=2400, height=1600, mode="RGB", fmt="JPEG") -> bytes:
    """A photo with detail in it (noise, as a camera's), so that decoding it takes a while."""
    im = Image.effect_noise((width, height), 60).convert(mode)
    out = io.BytesIO()
    im.save(out, fmt, quality=95) if fmt == "JPEG" else im.save(out, fmt)
    return out.getvalue()


def gui_turns_while(work) -> int:
    """How often this thread ran Python while another thread ran ``work``, with the GIL
    never taken from a thread that holds it (a switch interval of 100 s): only work that gives
    the GIL up lets this thread run meanwhile."""
    done = threading.Event()
    turns = 0
    interval = sys.getswitchinterval()
    sys.setswitchinterval(100)
    try:
        worker = threading.Thread(target=lambda: (work(), done.set()))
        worker.start()
        while not done.is_set():
            turns += 1
            time.sleep(0)  # (gives the GIL up: the worker runs while it has it)
        worker.join()
    finally:
        sys.setswitchinterval(interval)
    return turns


def test_thumbnails_are_decoded_with_the_gil_given_up(qapp):
    data = photo()
    decodes = 6
    turns = gui_turns_while(lambda: [decoded(data, SIDE) for _ in range(decodes)])
    # Qt's decoder keeps the GIL for a whole decode: this thread runs only between two decodes
    # (a turn or two each); Pillow gives it up while it decodes
    assert turns > 20 * decodes, turns


def test_thumbnails_decode_as_qt_did(qapp):
    data = photo(1200, 800)
    image = decoded(data, SIDE)
    qt = QImage.fromData(data)
    assert (image.width(), image.height()) == (SIDE, SIDE * 800 // 1200)
    assert not image.hasAlphaChannel()
    # the same picture: the mean colour of both within a few levels
    small = qt.scaled(image.width(), image.height())
    mean = [sum(c) / len(c) for c in zip(*(
        (img.pixelColor(x, y).red(), img.pixelColor(x, y).green())
        for img in (image, small) for x in range(0, image.width(), 16)
        for y in range(0, image.height(), 16)), strict=False)]
    assert abs(mean[0] - mean[1]) < 40
    small_png = decoded(photo(100, 60, "RGBA", "PNG"), SIDE)  # transparency kept, not enlarged
    assert (small_png.width(), small_png.height()) == (100, 60)
    assert small_png.hasAlphaChannel()
    assert decoded(b"not a picture", SIDE).isNull()


def test_the_window_process_collects_in_short_steps(qapp, qt_settings):
    """What starting made is frozen (never walked again) and young collections are spaced so
    that none walks more than a few thousand objects."""
    from finpics_desktop.app.collector import YOUNG

    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == YOUNG
    garbage = [[i] for i in range(YOUNG * 3)]  # a listing's worth of records
    start = time.perf_counter()
    gc.collect(0)
    assert time.perf_counter() - start < 0.5
    del garbage


def test_icons_are_drawn_at_the_size_asked_in_the_palette_colours(qapp, qt_settings):
    from PySide6.QtGui import QGuiApplication

    from finpics_desktop.ui.icons import action_icon

    icon = action_icon("edit-copy")
    assert not icon.isNull()
    palette = QGuiApplication.palette()
    for mode, group in ((QIcon.Mode.Normal, QPalette.ColorGroup.Active),
                        (QIcon.Mode.Disabled, QPalette.ColorGroup.Disabled)):
        for side in (16, 22, 37, 64):
            image = icon.pixmap(side, side, mode).toImage()
            assert (image.width(), image.height()) == (side, side)
            drawn = {image.pixelColor(x, y).name() for x in range(side) for y in range(side)
                     if image.pixelColor(x, y).alpha() == 255}
            assert palette.color(group, QPalette.ColorRole.WindowText).name() in drawn


def test_a_stored_thumbnail_a_little_larger_is_kept_as_it_is(qapp):
    """The library's thumbnails (250-300 pixels) are drawn scaled to the cell anyway: resizing
    them to the memory's side cost more than decoding them (the first screen's covers)."""
    from finpics_desktop.pipeline.photos.images import SLACK

    kept = decoded(photo(250, 250), SIDE)
    assert (kept.width(), kept.height()) == (250, 250)
    over = int(SIDE * SLACK) + 10
    resized = decoded(photo(over, over // 2), SIDE)
    assert (resized.width(), resized.height()) == (SIDE, SIDE // 2)


def entries_into_python(redraw) -> tuple[list[str], int]:
    """The Python functions Qt called on its own while ``redraw`` ran (each took the GIL
    afresh: while a worker runs Python, the GUI thread waits for it at each), and how many
    cells the grid's and the tree's delegates drew meanwhile, called from within."""
    here, entered, drawn = sys._getframe(), [], []

    def profile(frame, event, arg):
        if event == "call":
            if frame.f_back is here:
                entered.append(frame.f_code.co_name)
            elif frame.f_code.co_name == "paint":
                drawn.append(frame)

    sys.setprofile(profile)
    try:
        redraw()
    finally:
        sys.setprofile(None)
    return entered, len(drawn)


def test_the_toolbar_grid_and_tree_are_drawn_in_one_entry_into_python(qtbot, qapp, window,
                                                                      photos_dir):
    from finpics_desktop.ui.workers import settle

    window.open_folder(photos_dir / "orientation")
    qtbot.waitUntil(lambda: not window.nav.loading and window.model.rowCount() == 18)
    visible = window.grid.visible_rows()
    qtbot.waitUntil(lambda: all(window.model.thumbnail(r) is not None for r in visible),
                    timeout=30_000)
    # every picture in, the refined ones too, and drawn: a repaint of the toolbar draws what
    # else of the window waits to be drawn (the grid's cells whose picture came)
    assert settle()
    qtbot.waitUntil(lambda: not window.model._flush.isActive())
    qapp.processEvents()
    entered, _ = entries_into_python(window.toolbar.repaint)
    assert set(entered) <= {"eventFilter"}, entered  # its icons drawn into Qt's own
    for view in (window.grid, window.tree):
        entered, drawn = entries_into_python(view.viewport().repaint)
        # every cell drawn by the Python delegate, the model asked (rowCount, flags, data)
        # from within the one paintEvent; only the viewport's event filters come on their own
        assert entered.count("paintEvent") == 1, entered
        assert set(entered) <= {"paintEvent", "eventFilter"}, entered
        assert drawn >= (len(visible) if view is window.grid else 3), drawn


def calls_into_qt(work) -> int:
    """How many Qt methods ``work`` called from Python: PySide gives the GIL up for each, and
    takes it back only when whichever thread runs Python meanwhile is made to yield (up to
    the switch interval: 500 names given one row object at a time took 4 ms alone, ~150 ms
    beside a busy worker)."""
    calls = []

    def profile(frame, event, arg):  # (a method of a Qt object; constructors not counted)
        if event == "c_call" and type(getattr(arg, "__self__", None)).__module__.startswith(
                "PySide6"):
            calls.append(arg)

    sys.setprofile(profile)
    try:
        work()
    finally:
        sys.setprofile(None)
    return len(calls)


def test_the_names_to_complete_are_learnt_in_a_few_calls_into_qt(qapp):
    from finpics_desktop.ui.name_completion import name_completer

    completer = name_completer([])
    names = [f"Person {n:03d}" for n in range(500)]
    assert calls_into_qt(lambda: completer.set_names(names)) < 10
    assert completer.names.rowCount() == 500
