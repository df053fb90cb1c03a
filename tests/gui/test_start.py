"""Starting the app: the window's frame and the coder's document show before the store loads;
keys pressed on it are played on the coding window when it takes its place."""

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
from annotator.store import first_look, queries, services
from annotator.store.engine import Project
from annotator.store.errors import StoreError

from helpers.window import db_annotations, temp_prefs

REPO = Path(__file__).resolve().parents[2]


def test_the_coders_document_shows_first_and_keys_pressed_on_it_code_in_the_window(
    qtbot: QtBot, tmp_path: Path, project_path: Path
) -> None:
    told: list[tuple[MainWindow | None, BaseException | None]] = []
    starting = gui_app.start(project_path, "frank", temp_prefs(tmp_path), lambda *a: told.append(a))
    qtbot.addWidget(starting)
    # Painted, before the loop has turned: the frame, its menus disabled, and the document the
    # coding window will open (the first one, nothing of frank's in it yet).
    assert starting.isVisible() and told == []
    menus = [a.menu() for a in starting.menuBar().actions()]
    assert [m.title() for m in menus if isinstance(m, QMenu)] == [
        "&File", "&Edit", "&Code", "&Link", "&Document", "&View", "&Help"
    ]  # fmt: skip
    assert not any(m.isEnabled() for m in menus)
    look, view = starting.look, starting.view
    assert look is not None and view is not None
    assert look.document.ext_id.startswith("000_") and look.annotations == []  # the seed
    assert view.toPlainText() == look.document.text
    # The coder selects the first word with keys and presses ACTOR's key: kept, not coded yet.
    assert look.document.text.startswith("Russia ")
    qtbot.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    for _ in range(6):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.selection_cp() == (0, 6)
    qtbot.keyClick(view, Qt.Key.Key_A)
    assert [p.keys.key() for p in starting.pressed] == [Qt.Key.Key_A]
    again = first_look.look(project_path, "frank")
    assert again is not None and again.annotations == []  # nothing written meanwhile
    qtbot.keyClick(view, Qt.Key.Key_Right)  # and moves on: the window gets this cursor
    assert view.selection_cp() == (6, 6)

    qtbot.waitUntil(lambda: bool(told))
    ((window, error),) = told
    assert error is None and isinstance(window, MainWindow)
    qtbot.addWidget(window)
    assert window.isVisible() and not starting.isVisible()
    assert window.session.coder == "frank"
    assert window.session.document is not None
    assert window.session.document.id == look.document.id
    assert window.size() == starting.size()  # where the frame was (no saved layout: 1400x900)
    assert [(a.label, a.start, a.end) for a in db_annotations(window)] == [("ACTOR", 0, 6)]
    assert window.view.selection_cp() == (6, 6)
    window.close()
    window.session.project.close()


def test_tab_pressed_on_the_first_look_walks_to_the_span_in_the_window(
    qtbot: QtBot, tmp_path: Path, project_path: Path
) -> None:
    project = Project.open(project_path)
    doc = queries.document_ids(project)[0]
    span_id = services.create_annotation(project, "frank", doc, "LOCATION", 0, 6).created_id
    outer = services.create_annotation(project, "frank", doc, "ACTOR", 0, 13).created_id
    project.close()
    told: list[tuple[MainWindow | None, BaseException | None]] = []
    starting = gui_app.start(project_path, "frank", temp_prefs(tmp_path), lambda *a: told.append(a))
    qtbot.addWidget(starting)
    view = starting.view
    assert view is not None and starting.look is not None
    assert {a.id for a in starting.look.annotations} == {span_id, outer}  # drawn on the look
    qtbot.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Tab)  # walks the spans at the cursor: kept for the window
    assert [p.keys.key() for p in starting.pressed] == [Qt.Key.Key_Tab]
    qtbot.waitUntil(lambda: bool(told))
    ((window, error),) = told
    assert error is None and isinstance(window, MainWindow)
    qtbot.addWidget(window)
    assert window.session.current_id == span_id  # the innermost span at the cursor
    window.close()
    window.session.project.close()


def test_without_a_first_look_the_frame_says_what_opens_and_takes_no_key(
    qtbot: QtBot, tmp_path: Path, project_path: Path
) -> None:
    # A database URL is opened by the store alone: the frame waits, inert, for the window.
    told: list[tuple[MainWindow | None, BaseException | None]] = []
    url = f"sqlite:///{project_path}"
    starting = gui_app.start(url, "frank", temp_prefs(tmp_path), lambda *a: told.append(a))
    qtbot.addWidget(starting)
    assert starting.look is None and told == []
    assert not starting.article.isEnabled()
    assert starting.article.placeholderText() == "Opening the project…"
    qtbot.keyClick(starting.article, Qt.Key.Key_A)  # a label key (ACTOR) does nothing here
    assert starting.article.toPlainText() == "" and starting.pressed == []
    qtbot.waitUntil(lambda: bool(told))
    ((window, error),) = told
    assert error is None and isinstance(window, MainWindow)
    qtbot.addWidget(window)
    assert window.session.document is not None and db_annotations(window) == []
    window.close()
    window.session.project.close()


def test_closing_the_window_while_it_starts_cancels_the_start(
    qtbot: QtBot, tmp_path: Path, project_path: Path
) -> None:
    told: list[tuple[MainWindow | None, BaseException | None]] = []
    starting = gui_app.start(project_path, "frank", temp_prefs(tmp_path), lambda *a: told.append(a))
    qtbot.addWidget(starting)
    assert starting.view is not None
    qtbot.keyClick(starting.view, Qt.Key.Key_A)  # kept, and dropped with the window
    starting.close()  # as the window manager's close button does
    qtbot.waitUntil(lambda: bool(told))
    assert told == [(None, None)]
    shown = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert not [w for w in shown if isinstance(w, MainWindow)]
    project = Project.open(project_path)
    try:
        assert queries.annotations(project, queries.document_ids(project)[0], ["frank"]) == []
    finally:
        project.close()


def test_a_first_look_that_fails_leaves_the_frame_waiting_for_the_window(
    qtbot: QtBot, tmp_path: Path, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("unexpected")

    monkeypatch.setattr(first_look, "look", broken)
    told: list[tuple[MainWindow | None, BaseException | None]] = []
    starting = gui_app.start(project_path, "frank", temp_prefs(tmp_path), lambda *a: told.append(a))
    qtbot.addWidget(starting)
    assert starting.look is None and starting.article.placeholderText().startswith("Opening")
    qtbot.waitUntil(lambda: bool(told))
    ((window, error),) = told
    assert error is None and isinstance(window, MainWindow)
    qtbot.addWidget(window)
    assert window.session.document is not None
    window.close()
    window.session.project.close()


def test_the_gold_layer_is_never_shown_as_a_coders_first_look(
    qtbot: QtBot, tmp_path: Path, project_path: Path
) -> None:
    told: list[tuple[MainWindow | None, BaseException | None]] = []
    starting = gui_app.start(project_path, "Gold", temp_prefs(tmp_path), lambda *a: told.append(a))
    qtbot.addWidget(starting)
    assert starting.look is None
    qtbot.waitUntil(lambda: bool(told))
    ((window, error),) = told
    assert window is None and isinstance(error, StoreError)
    assert "reserved for the adjudicated layer" in str(error)


def test_a_project_that_does_not_open_is_raised_by_run_and_the_frame_closes(
    qtbot: QtBot, tmp_path: Path
) -> None:
    bad = tmp_path / "notes.annot"
    bad.write_text("not a project\n", encoding="utf-8")
    with pytest.raises(StoreError):
        gui_app.run(bad, coder="frank", prefs=temp_prefs(tmp_path))
    shown = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert not [w for w in shown if isinstance(w, gui_app.StartingWindow)]


def test_the_frame_and_the_document_are_painted_before_sqlalchemy_is_imported(
    tmp_path: Path, project_path: Path
) -> None:
    # SQLAlchemy's import waits at a gate until the frame and the first look are painted: a
    # window that needed it to paint would be held there (and the main thread's attempt is
    # recorded, or it waits out the gate's minute), so the order below holds whatever the
    # machine's load, with no race against the preloading thread. The gate waits in the module's
    # loading, not in finding it, which Python does holding its global import lock.
    code = (
        "import sys, threading\n"
        "from importlib.machinery import PathFinder\n"
        "gate, held, passed = threading.Event(), [], []\n"
        "class Held:\n"
        "    def __init__(self, loader):\n"
        "        self.loader = loader\n"
        "    def create_module(self, spec):\n"
        "        return self.loader.create_module(spec)\n"
        "    def exec_module(self, module):\n"
        "        if threading.current_thread() is threading.main_thread():\n"
        "            held.append(module.__name__)\n"
        "        gate.wait(60)\n"
        "        passed.append(module.__name__)\n"
        "        self.loader.exec_module(module)\n"
        "class Gate:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name != 'sqlalchemy':\n"
        "            return None\n"
        "        spec = PathFinder.find_spec(name, path)\n"
        "        spec.loader = Held(spec.loader)\n"
        "        return spec\n"
        "sys.meta_path.insert(0, Gate())\n"
        "from PySide6.QtCore import QSettings, QTimer\n"
        "from annotator.gui.app import make_app, start\n"
        "from annotator.gui.settings import Preferences\n"
        "app = make_app()\n"
        "prefs = Preferences(QSettings(sys.argv[2], QSettings.Format.IniFormat))\n"
        "def ready(window, error):\n"
        "    print('ready', window.session.document is not None, error, passed, flush=True)\n"
        "    QTimer.singleShot(0, app.quit)\n"
        "starting = start(sys.argv[1], 'bench', prefs, ready)\n"
        "print('painted', starting.look.document.ext_id[:4], held, passed, flush=True)\n"
        "gate.set()\n"
        "app.exec()\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(project_path), str(tmp_path / "s.ini")],
        capture_output=True, text=True, check=True, cwd=REPO,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert out.stdout.splitlines() == [
        "painted 000_ [] []",
        "ready True None ['sqlalchemy']",
    ]
