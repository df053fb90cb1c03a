"""Starting the coding window: the QApplication, the user's settings, who is coding.

The window shows before the store loads (importing SQLAlchemy costs most of the start): `start`
puts up the window's frame (its menus, an article saying what is being opened) and paints it;
when the coder is known (``--coder`` or the remembered one) and the project is a current project
file, it then shows the document the coding window will open, read without the store
(``annotator.store.first_look``), so the coder reads and selects at once and the keys they press
are kept (``starting``). A worker thread imports the store meanwhile, the event loop going on;
then the project is opened, who is coding asked if it must be, and the coding window takes the
frame's place with the selection and the keys pressed on it.
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
from PySide6.QtWidgets import QApplication

from annotator.core.records import GOLD

from .settings import Preferences
from .starting import StartingWindow, hand_over
from .style import app_icon

if TYPE_CHECKING:
    from annotator.store.engine import Project
    from annotator.store.first_look import FirstLook

    from .main_window import MainWindow

ORGANISATION = "Annotator"
APPLICATION = "Annotator"

Ready = Callable[["MainWindow | None", "BaseException | None"], None]
"""Told the coding window once it shows (None when the coder cancelled a question or closed
the starting window), or the error that stopped it opening."""


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


def open_window(
    project: Project, coder: str, prefs: Preferences, prefer: int | None = None
) -> MainWindow:
    """The coding window on ``project`` for ``coder``: on document ``prefer`` when it is in the
    coder's list, else on the first unfinished one."""
    from .main_window import MainWindow
    from .session import Session

    window = MainWindow(Session(project, coder), prefs)
    window.session.reload_documents(prefer)
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
    project_path: str | Path | None,
    coder: str | None,
    prefs: Preferences,
    prefer: int | None = None,
) -> MainWindow | None:
    """Open the project (None: the per-user demo, made on first start) and build its coding
    window (on document ``prefer``, if given and in the coder's list); None when the coder
    cancelled (a password, the name)."""
    from annotator.store.project_file import default_project_path
    from annotator.store.setup import ensure_default_project

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
        return open_window(project, name, prefs, prefer)
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


def first_look(
    project_path: str | Path | None, coder: str | None, prefs: Preferences
) -> FirstLook | None:
    """What the coding window will show first, read without the store: for the coder given or
    remembered, on a current project file (the demo only once it exists); else None."""
    from annotator.store import first_look as looking
    from annotator.store.project_file import default_project_path

    name = (coder or prefs.coder or "").strip()
    path = default_project_path() if project_path is None else project_path
    if not name or name.casefold() == GOLD or "://" in str(path):
        return None  # nobody to show it for (the name is asked, or refused), or a server
    try:
        return looking.look(path, name)
    except Exception:  # only a head start: the store opens the project and says what is wrong
        return None


def start(
    project_path: str | Path | None, coder: str | None, prefs: Preferences, ready: Ready
) -> StartingWindow:
    """Show the starting window and paint it, then the first look at the document (when it can
    be read without the store); load the coding window behind it, the event loop going on, show
    it in the starting window's place with what the coder did meanwhile, and tell ``ready``."""
    preload = _preload()
    starting = StartingWindow(project_path, prefs)
    starting.show()
    QApplication.processEvents()  # painted now: what the coder sees while the store loads
    look = first_look(project_path, coder, prefs)
    if look is not None:
        starting.show_look(look)
        QApplication.processEvents()  # the document painted
    waiting = QTimer(starting)
    waiting.setInterval(10)

    def load() -> None:
        if preload.is_alive():  # the store is still importing: the window stays live
            return
        waiting.stop()
        if starting.abandoned:  # the coder closed it meanwhile: nothing opens
            ready(None, None)
            return
        try:
            window = load_window(
                project_path, coder, prefs, look.document.id if look is not None else None
            )
        except Exception as exc:  # told to the caller, who reports it (one line)
            ready(None, exc)
            starting.finish()
            return
        if window is not None:
            QApplication.processEvents()  # keys pressed while it was built reach the look
            if starting.abandoned:
                window.session.project.close()
                window.deleteLater()
                ready(None, None)
                return
            window.show()
            hand_over(starting, window)
        ready(window, None)
        starting.finish()

    waiting.timeout.connect(load)
    waiting.start()
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
