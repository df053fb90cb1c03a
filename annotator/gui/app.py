"""Starting the coding window: the QApplication, the user's settings, who is coding.

The window shows before the store loads: `start` puts up the window's frame (its menus, an
empty article saying what is being opened; nothing in it acts) and paints it, then, on the
event loop's first turn, imports the store (SQLAlchemy costs most of the start), opens the
project, asks who is coding if it must, and puts the coding window in the frame's place.
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMainWindow, QPlainTextEdit

from .actions import MENU_ORDER
from .settings import Preferences
from .style import app_icon

if TYPE_CHECKING:
    from annotator.store.engine import Project

    from .main_window import MainWindow

ORGANISATION = "Annotator"
APPLICATION = "Annotator"

Ready = Callable[["MainWindow | None", "BaseException | None"], None]
"""Told the coding window once it shows (None when the coder cancelled a question), or the
error that stopped it opening."""


def make_app(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    # Fractional scaling (150 %) as the screen asks, not rounded to 1x or 2x.
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setStyle("Fusion")
    app.setWindowIcon(app_icon())
    app.setApplicationDisplayName("Annotator")
    return app


class StartingWindow(QMainWindow):
    """The coding window's frame while the project opens, where the coding window will be:
    its menus (disabled) and an empty article that says what is being opened."""

    def __init__(self, project_path: str | Path | None, prefs: Preferences) -> None:
        super().__init__()
        self.setObjectName("startingWindow")
        # Closed by `start` once the coding window shows or the start stops (which says how
        # the app ends): closing it never quits the app by itself.
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        for top in MENU_ORDER:
            self.menuBar().addMenu(f"&{top}").setEnabled(False)
        name = Path(project_path).name if project_path and "://" not in str(project_path) else ""
        self.article = QPlainTextEdit()
        self.article.setObjectName("startingArticle")
        self.article.setReadOnly(True)
        self.article.setEnabled(False)
        self.article.setPlaceholderText(f"Opening {name or 'the project'}…")
        self.setCentralWidget(self.article)
        geometry, _state = prefs.window_layout()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1400, 900)


def open_window(project: Project, coder: str, prefs: Preferences) -> MainWindow:
    """The coding window on ``project`` for ``coder`` (the project's first open document)."""
    from .main_window import MainWindow
    from .session import Session

    window = MainWindow(Session(project, coder), prefs)
    window.session.reload_documents()
    return window


def ask_coder(known: Sequence[str]) -> str:
    """Ask who is coding (first start); "" if the coder cancelled."""
    from .dialogs import ask_coder as ask

    return ask(known)


def choose_coder(project: Project, prefs: Preferences, asked: str | None) -> str:
    """The coder given on the command line, else the remembered one, else ask (first start)."""
    from annotator.store import queries
    from annotator.store.services import ServiceError

    from .dialogs import coder_problem

    if asked:
        problem = coder_problem(asked)
        if problem:
            raise ServiceError(f"--coder {asked!r}: {problem}")
        return asked.strip()
    if prefs.coder and coder_problem(prefs.coder) is None:
        return prefs.coder
    return ask_coder(queries.coders(project))


def load_window(
    project_path: str | Path | None, coder: str | None, prefs: Preferences
) -> MainWindow | None:
    """Open the project (None: the per-user demo, made on first start) and build its coding
    window; None when the coder cancelled (a password, the name)."""
    from annotator.store.setup import default_project_path, ensure_default_project

    from .team_login import open_project, team_identity

    if project_path is None:
        project_path = default_project_path()
        ensure_default_project(project_path)
    project = open_project(project_path)
    if project is None:
        return None
    try:
        login = team_identity(project)  # on a team project you are your login, never a name
        name = login or choose_coder(project, prefs, coder)
        if not name:
            project.close()
            return None
        if login is None:
            prefs.coder = name
        prefs.add_recent(str(project_path))
        return open_window(project, name, prefs)
    except BaseException:
        project.close()
        raise


PRELOADED = (
    "annotator.store.setup",
    "annotator.store.queries",
    "annotator.gui.team_login",
    "annotator.gui.session",
    "annotator.gui.main_window",
)
"""What the coding window needs beyond the frame, imported by a worker thread while the main
thread builds and paints the frame (Qt paints without holding Python's lock). The modules only
define classes and constants: no Qt object with a thread of its own is made on import."""


def _preload() -> threading.Thread:
    def run() -> None:
        try:
            for name in PRELOADED:
                importlib.import_module(name)
        except Exception:  # the main thread imports it again and reports it, once
            pass

    thread = threading.Thread(target=run, name="annotator-preload", daemon=True)
    thread.start()
    return thread


def start(
    project_path: str | Path | None, coder: str | None, prefs: Preferences, ready: Ready
) -> StartingWindow:
    """Show the starting window and paint it; on the event loop's next turn, load the coding
    window, show it in the starting window's place and tell ``ready``."""
    preload = _preload()
    starting = StartingWindow(project_path, prefs)
    starting.show()
    QApplication.processEvents()  # painted now: what the coder sees while the store loads

    def load() -> None:
        preload.join()
        try:
            window = load_window(project_path, coder, prefs)
        except Exception as exc:  # told to the caller, who reports it (one line)
            ready(None, exc)
            starting.close()
            return
        if window is not None:
            window.show()
        ready(window, None)
        starting.close()

    QTimer.singleShot(0, load)
    return starting


def run(
    project_path: str | Path | None, coder: str | None = None, *, prefs: Preferences | None = None
) -> int:
    """Open the coding window and run until it closes (``prefs``: tests pass their own;
    ``project_path`` None: the per-user demo). An error opening the project is raised."""
    app = make_app()
    prefs = prefs if prefs is not None else Preferences()
    opened: list[MainWindow] = []
    stopped: list[BaseException | None] = []  # cancelled (None) or failed

    def ready(window: MainWindow | None, error: BaseException | None) -> None:
        if window is not None:
            opened.append(window)
        else:
            stopped.append(error)
            app.exit(1)

    starting = start(project_path, coder, prefs, ready)
    try:
        status = int(app.exec())
    finally:
        starting.deleteLater()
        for window in opened:
            window.session.project.close()
    if stopped and stopped[0] is not None:
        raise stopped[0]
    return 1 if stopped else status
