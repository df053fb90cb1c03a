"""Starting the app: the window's frame shows before the store loads, and nothing in it acts
until the coding window takes its place."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from annotator.gui import app as gui_app
from annotator.gui.main_window import MainWindow
from annotator.store.errors import StoreError

from helpers.window import db_annotations, temp_prefs

REPO = Path(__file__).resolve().parents[2]


def test_the_frame_shows_first_inert_then_the_coding_window_takes_its_place(
    qtbot: QtBot, tmp_path: Path, project_path: Path
) -> None:
    told: list[tuple[MainWindow | None, BaseException | None]] = []
    starting = gui_app.start(project_path, "frank", temp_prefs(tmp_path), lambda *a: told.append(a))
    qtbot.addWidget(starting)
    # Painted, before the loop has turned: the frame, its menus disabled, the empty article.
    assert starting.isVisible() and told == []
    menus = [a.menu() for a in starting.menuBar().actions()]
    assert [m.title() for m in menus if isinstance(m, QMenu)] == [
        "&File", "&Edit", "&Code", "&Link", "&Document", "&View", "&Help"
    ]  # fmt: skip
    assert not any(m.isEnabled() for m in menus)
    assert not starting.article.isEnabled()
    assert starting.article.placeholderText() == f"Opening {project_path.name}…"
    assert starting.article.toPlainText() == ""
    qtbot.keyClick(starting.article, Qt.Key.Key_A)  # a label key (ACTOR) does nothing here
    assert starting.article.toPlainText() == ""

    qtbot.waitUntil(lambda: bool(told))
    ((window, error),) = told
    assert error is None and isinstance(window, MainWindow)
    qtbot.addWidget(window)
    assert window.isVisible() and not starting.isVisible()
    assert window.session.coder == "frank" and window.session.document is not None
    assert window.size() == starting.size()  # where the frame was (no saved layout: 1400x900)
    assert db_annotations(window) == []  # nothing was coded meanwhile
    window.close()
    window.session.project.close()


def test_a_project_that_does_not_open_is_raised_by_run_and_the_frame_closes(
    qtbot: QtBot, tmp_path: Path
) -> None:
    bad = tmp_path / "notes.annot"
    bad.write_text("not a project\n", encoding="utf-8")
    with pytest.raises(StoreError):
        gui_app.run(bad, coder="frank", prefs=temp_prefs(tmp_path))
    shown = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert not [w for w in shown if isinstance(w, gui_app.StartingWindow)]


def test_the_frame_is_painted_before_the_store_is_imported(
    tmp_path: Path, project_path: Path
) -> None:
    # The store's imports wait at a gate until the frame is painted: a window that needed them
    # to paint would be held there (and the main thread's attempt is recorded), so the order
    # below holds whatever the machine's load, with no race against the preloading thread.
    code = (
        "import sys, threading\n"
        "gate, held = threading.Event(), []\n"
        "class Gate:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name in ('sqlalchemy', 'annotator.store') and not gate.is_set():\n"
        "            if threading.current_thread() is threading.main_thread():\n"
        "                held.append(name)\n"
        "            gate.wait(60)\n"
        "        return None\n"
        "sys.meta_path.insert(0, Gate())\n"
        "from PySide6.QtCore import QSettings, QTimer\n"
        "from annotator.gui import app as gui_app\n"
        "from annotator.gui.app import make_app, start\n"
        "from annotator.gui.settings import Preferences\n"
        "gui_app.PRELOADED = ()  # the worker thread's head start is a matter of timing\n"
        "app = make_app()\n"
        "prefs = Preferences(QSettings(sys.argv[2], QSettings.Format.IniFormat))\n"
        "def ready(window, error):\n"
        "    print('ready', window.session.document is not None, error,\n"
        "          'sqlalchemy' in sys.modules, flush=True)\n"
        "    QTimer.singleShot(0, app.quit)\n"
        "start(sys.argv[1], 'bench', prefs, ready)\n"
        "print('painted', held, 'sqlalchemy' in sys.modules, flush=True)\n"
        "gate.set()\n"
        "app.exec()\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(project_path), str(tmp_path / "s.ini")],
        capture_output=True, text=True, check=True, cwd=REPO,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert out.stdout.splitlines() == ["painted [] False", "ready True None True"]
