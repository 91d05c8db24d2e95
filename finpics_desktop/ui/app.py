"""``finpics-desktop`` with no command: the window on the local library (or the cloud)."""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from finpics_desktop import __version__
from finpics_desktop.app.albums import open_library_for_window
from finpics_desktop.app.collector import freeze_the_window
from finpics_desktop.app.options import Options
from finpics_desktop.compose import default_library
from finpics_desktop.shipped import APP_ID, resource
from finpics_desktop.ui.collector import collect_on_gui_thread
from finpics_desktop.ui.settings import AppSettings

log = logging.getLogger(__name__)


def init_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with the names QSettings uses; the system palette and high-DPI
    scaling are Qt 6's defaults and left alone."""
    # A thread that gives the GIL up (every decode, resize, read) waits for it to come back
    # until whoever runs Python is made to yield: up to 5 ms by default, which made thumbnails
    # 2-7x slower next to the busy GUI thread. 1 ms also bounds how long a worker running
    # Python can hold up the GUI thread.
    sys.setswitchinterval(0.001)
    # Qt's raster engine splits the drawing of a scaled picture taller than ~96 lines over a
    # thread pool and waits for it (with the GIL held, from a Python paint): on a busy machine
    # waking those threads cost more than the drawing (a cell's thumbnail is ~140 lines)
    os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")
    QCoreApplication.setOrganizationName("finpics")
    QCoreApplication.setOrganizationDomain("finpics.com")
    QCoreApplication.setApplicationName("finpics-desktop")
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(argv if argv is not None else sys.argv[:1])
    # Python's collector: automatic collection off, the GUI thread collects on a timer (cycles
    # holding Qt wrappers freed on their own thread; short steps: app/collector.py)
    collect_on_gui_thread(app)
    QGuiApplication.setDesktopFileName(APP_ID)  # Wayland and the docks find the menu entry
    app.setWindowIcon(app_icon())
    return app


def app_icon() -> QIcon:
    """The app icon: the theme's (an installed desktop entry), else the shipped PNGs and SVG."""
    shipped = QIcon()
    hicolor = resource("icons", "hicolor")
    for png in sorted(hicolor.glob(f"*/apps/{APP_ID}.png")):
        shipped.addFile(str(png))
    shipped.addFile(str(hicolor / "scalable" / "apps" / f"{APP_ID}.svg"))
    return QIcon.fromTheme(APP_ID, shipped)


def exec_app(app: QApplication) -> int:
    """The event loop until the last window closes (a seam for the entry point's test)."""
    return app.exec()


def _smoke_check(app: QApplication, window) -> None:
    """``--smoke``: what the packaging tests check of an installed wheel or bundle."""
    icon = "ok" if not app.windowIcon().isNull() else "missing"
    print(f"{window.windowTitle()}: window shown on {app.platformName()}, icon {icon}",
          flush=True)
    window.close()


def run(options: Options | None = None, smoke: bool = False) -> int:
    """The window on the local library; with ``--backend aws`` (or when Settings say so) the
    finpics cloud is shown as well. Every option given holds for this session, as for a
    command: the library's, and the cloud's (unless saved in Settings). ``smoke`` closes it
    as soon as it is shown, after one line on stdout."""
    options = options or Options()
    app = init_application()
    settings = AppSettings.load().with_session(options)
    library = options.library or (
        Path(settings.library).expanduser() if settings.library else default_library())
    opened, problem = open_library_for_window(replace(options, library=library))
    from finpics_desktop.ui.main_window import MainWindow
    from finpics_desktop.ui.workers import wait_all

    window = MainWindow(opened, settings, default_library=library, library_problem=problem)
    freeze_the_window()
    window.show()
    if smoke:
        QTimer.singleShot(0, lambda: _smoke_check(app, window))
    code = exec_app(app)
    wait_all(120_000)
    if opened is not None:
        opened.close()
    return code
