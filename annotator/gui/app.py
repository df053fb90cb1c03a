"""Starting the coding window: the QApplication, the user's settings, who is coding."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from annotator.store import queries
from annotator.store.engine import Project
from annotator.store.services import ServiceError
from annotator.store.setup import default_project_path

from .dialogs import ask_coder, coder_problem
from .settings import Preferences
from .style import app_icon

ORGANISATION = "Annotator"
APPLICATION = "Annotator"


def demo_project_path() -> Path:
    """The per-user default project (the demo), as ``annotator`` with no argument opens it."""
    return default_project_path()


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


def open_window(project: Project, coder: str, prefs: Preferences):  # type: ignore[no-untyped-def]
    """The coding window on ``project`` for ``coder`` (the project's first open document)."""
    from .main_window import MainWindow
    from .session import Session

    window = MainWindow(Session(project, coder), prefs)
    window.session.reload_documents()
    return window


def choose_coder(project: Project, prefs: Preferences, asked: str | None) -> str:
    """The coder given on the command line, else the remembered one, else ask (first start)."""
    if asked:
        problem = coder_problem(asked)
        if problem:
            raise ServiceError(f"--coder {asked!r}: {problem}")
        return asked.strip()
    if prefs.coder and coder_problem(prefs.coder) is None:
        return prefs.coder
    return ask_coder(queries.coders(project))


def run(
    project_path: str | Path, coder: str | None = None, *, prefs: Preferences | None = None
) -> int:
    """Open the coding window and run until it closes (``prefs``: tests pass their own)."""
    app = make_app()
    prefs = prefs if prefs is not None else Preferences()
    from .team_login import open_project, team_identity

    opened = open_project(project_path)
    if opened is None:
        return 1
    project = opened
    login = team_identity(project)  # on a team project you are your login, never a typed name
    name = login or choose_coder(project, prefs, coder)
    if not name:
        project.close()
        return 1
    if login is None:
        prefs.coder = name
    prefs.add_recent(str(project_path))
    window = open_window(project, name, prefs)
    window.show()
    try:
        return int(app.exec())
    finally:
        window.session.project.close()
