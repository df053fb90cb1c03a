"""Documents, coders, projects, settings and safety of the coding window."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMenu
from pytestqt.qtbot import QtBot

from annotator.gui import app as gui_app
from annotator.gui import commands
from annotator.gui.dialogs import CoderDialog, coder_problem
from annotator.gui.main_window import MainWindow
from annotator.store import queries
from annotator.store.engine import Project
from annotator.store.services import ServiceError

from helpers.window import (
    build_window,
    code,
    db_annotations,
    make_project,
    open_seed,
    press,
    temp_prefs,
)

Mod = Qt.KeyboardModifier


def test_next_and_previous_document_keys(qtbot: QtBot, window: MainWindow) -> None:
    s = window.session
    ids = list(s.summaries)
    s.open_document(ids[0])
    press(qtbot, window, Qt.Key.Key_BracketRight, Mod.ControlModifier)
    assert s.document.id == ids[1]
    assert "Aleppo" in window.doc_header.text()
    press(qtbot, window, Qt.Key.Key_BracketLeft, Mod.ControlModifier)
    assert s.document.id == ids[0]
    press(qtbot, window, Qt.Key.Key_PageDown, Mod.ControlModifier)
    assert s.document.id == ids[1]
    assert not window.actions_.qaction("doc.next").isEnabled()  # the last one


def test_a_long_title_ends_in_an_ellipsis_and_never_widens_the_window(
    qtbot: QtBot, window: MainWindow
) -> None:
    open_seed(window)
    title = window.session.document.title
    assert window.doc_header.title.text() == title  # whole at 1400 px
    window.resize(1000, 700)  # the title used to hold the window at 1171 px
    qtbot.waitUntil(lambda: window.width() == 1000)
    assert window.doc_header.title.text().endswith("…")
    assert title in window.doc_header.text() and title == window.doc_header.title.toolTip()
    assert window.doc_header.chip.isVisible() and window.doc_header.chip.text() == "not started"


def test_each_document_has_its_own_undo_history(qtbot: QtBot, window: MainWindow) -> None:
    s = window.session
    open_seed(window)
    seed_span = code(qtbot, window, "Russia", "a")
    window.go_document(1)
    other = code(qtbot, window, "Aleppo", "l")
    window.actions_.trigger("edit.undo")
    assert queries.annotation(s.project, other.id) is None
    assert queries.annotation(s.project, seed_span.id) is not None  # other document untouched
    window.go_document(-1)
    assert window.actions_.qaction("edit.undo").isEnabled()
    window.actions_.trigger("edit.undo")
    assert queries.annotation(s.project, seed_span.id) is None


def test_document_list_shows_status_and_filters(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    code(qtbot, window, "Russia", "a")
    docs = window.documents
    seed = window.session.document.id
    row = docs.model.ids.index(seed)
    assert docs.model.index(row, 1).data() == 1  # span count follows
    assert docs.model.index(row, 0).data(Qt.ItemDataRole.UserRole) == "in_progress"
    docs.status.setCurrentIndex(docs.status.findData("not_started"))
    assert docs.proxy.rowCount() == 1
    docs.status.setCurrentIndex(0)
    qtbot.keyClicks(docs.search, "aleppo")
    qtbot.waitUntil(lambda: docs.proxy.rowCount() == 1)  # searched once typing pauses
    index = docs.proxy.index(0, 0)
    qtbot.mouseClick(
        docs.view.viewport(), Qt.MouseButton.LeftButton, pos=docs.view.visualRect(index).center()
    )
    assert "Aleppo" in window.session.document.text


def test_switching_coder_is_blind(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    alice = code(qtbot, window, "Russia", "a")
    doc = window.session.document.id
    window.set_coder("bob")
    assert window.session.coder == "bob" and window.prefs.coder == "bob"
    assert window.session.document.id == doc  # same document, other coder
    assert window.session.annotations == {}
    assert window.table.model.ids == []
    assert "bob" in window.status.coder.text()
    bob = code(qtbot, window, "Sochi", "l")
    assert [a.id for a in db_annotations(window)] == [bob.id]
    assert [a.id for a in db_annotations(window, "alice")] == [alice.id]
    # bob cannot touch alice's span, even by id: the window has no such span to offer, and a
    # delete sent by id straight to the store as bob is refused there
    window.coding.delete(alice.id)
    assert "Nothing selected" in window.status.message.text()
    s = window.session
    assert not s.push(commands.delete_span(s, commands.Who("bob"), alice.id, "ACTOR"))
    assert "belongs to another coder" in window.status.message.text()
    assert not s.undo_group.canUndo() or s.undo_group.undoText() != "delete ACTOR"
    assert queries.annotation(window.session.project, alice.id) is not None
    window.set_coder("alice")
    assert set(window.session.annotations) == {alice.id}


def test_coder_dialog_refuses_gold(qtbot: QtBot) -> None:
    dialog = CoderDialog(["alice", "gold"], "")
    qtbot.addWidget(dialog)
    assert [dialog.name.itemText(i) for i in range(dialog.name.count())] == ["alice"]
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.keyClicks(dialog.name.lineEdit(), "gold")
    assert not ok.isEnabled() and "reserved" in dialog.problem.text()
    dialog.name.lineEdit().clear()
    qtbot.keyClicks(dialog.name.lineEdit(), "carol")
    assert ok.isEnabled() and dialog.coder() == "carol"
    assert coder_problem("a,b") is not None


def test_first_start_asks_the_coder_then_remembers(
    qtbot: QtBot, tmp_path: Path, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prefs = temp_prefs(tmp_path)
    asked: list[list[str]] = []
    monkeypatch.setattr(gui_app, "ask_coder", lambda known: asked.append(known) or "dana")
    project = Project.open(project_path)
    assert gui_app.choose_coder(project, prefs, None) == "dana"
    prefs.coder = "dana"
    assert gui_app.choose_coder(project, prefs, None) == "dana"
    assert len(asked) == 1  # asked once
    assert gui_app.choose_coder(project, prefs, "erin") == "erin"
    with pytest.raises(ServiceError):
        gui_app.choose_coder(project, prefs, "gold")
    project.close()


def test_layout_zoom_and_snapping_are_remembered(
    qtbot: QtBot, tmp_path: Path, project_path: Path
) -> None:
    prefs = temp_prefs(tmp_path)
    first = build_window(qtbot, project_path, prefs)
    first.removeDockWidget(first.docks["annotations"])
    first.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, first.docks["annotations"])
    first.docks["event"].hide()
    qtbot.keyClick(first, Qt.Key.Key_Plus, Mod.ControlModifier)
    first.actions_.trigger("code.snap")
    first.close()
    first.session.project.close()
    second = build_window(qtbot, project_path, temp_prefs(tmp_path))
    assert (
        second.dockWidgetArea(second.docks["annotations"]) == Qt.DockWidgetArea.LeftDockWidgetArea
    )
    assert not second.docks["event"].isVisible()
    assert second.prefs.zoom == 1
    assert second.coding.snap is False
    second.actions_.trigger("view.reset_layout")
    assert second.docks["event"].isVisible()
    second.close()
    second.session.project.close()


def test_open_and_switch_projects_with_recent_list(
    qtbot: QtBot, tmp_path: Path, window: MainWindow
) -> None:
    other_dir = tmp_path / "other"
    other_dir.mkdir()
    other = make_project(other_dir, {"002_third.txt": "A third article about Homs.\n"})
    assert window.switch_project(str(other))
    assert window.session.project_label() == "coding.annot"
    assert len(window.session.summaries) == 3
    assert window.prefs.recent_projects[0] == str(other)
    recent = window.menuBar().findChild(QMenu, "menu.File/Recent Projects")
    assert recent is not None and any(str(other) in a.text() for a in recent.actions())
    assert not window.switch_project(str(tmp_path / "missing.annot"))
    assert window.status.message.property("error") is True


def test_menus_are_generated_from_the_declared_actions(window: MainWindow) -> None:
    in_menus: set[str] = set()

    def walk(menu: QMenu) -> None:
        for act in menu.actions():
            if act.menu() is not None:
                walk(act.menu())
            elif act.objectName():
                in_menus.add(act.objectName())

    for top in window.menuBar().actions():
        walk(top.menu())
    declared = {spec.id for spec in window.actions_.specs() if spec.menu}
    assert declared <= in_menus
    assert window.actions_.qaction("label.CASUALTY").shortcut().toString() == "C"
    assert window.actions_.qaction("link.role1").text() == "Link as actor1"


def test_crash_safety_every_action_is_on_disk(
    qtbot: QtBot, window: MainWindow, project_path: Path
) -> None:
    open_seed(window)
    first = code(qtbot, window, "Syrian regime", "a")
    second = code(qtbot, window, "Idlib", "l")
    window.coding.edit_attributes(second.id, {"admin_level": "admin1"})
    # another process opens the file while the window is still open: everything is there
    fresh = Project.open(project_path)
    stored = {a.id: a for a in queries.annotations(fresh, first.document_id, ["alice"])}
    fresh.close()
    assert set(stored) == {first.id, second.id}
    assert stored[second.id].attributes == {"admin_level": "admin1"}
    con = sqlite3.connect(project_path)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()


def test_emoji_and_arabic_get_code_point_offsets(qtbot: QtBot, tmp_path: Path) -> None:
    text = (
        "Strike 💥🔥 on Idlib\n"
        "قتل ١٥ مدنياً في إدلب يوم الأحد 👩‍👩‍👧 families fled.\n"
        "Café owners in Saraqib 🇸🇾 said 12 died.\n"
    )
    path = make_project(tmp_path, {"003_mixed.txt": text})
    w = build_window(qtbot, path, temp_prefs(tmp_path))
    s = w.session
    s.open_document(next(d.id for d in s.summaries.values() if d.ext_id == "003_mixed"))
    body = s.document.text
    assert body == text
    for words, key in (
        ("Idlib", "l"),
        ("إدلب", "l"),
        ("families", "a"),
        ("Saraqib", "l"),
        ("12", "c"),
    ):
        ann = code(qtbot, w, words, key)
        assert (ann.start, ann.end) == (body.index(words), body.index(words) + len(words))
        assert body[ann.start : ann.end] == words
    # a selection that starts inside an emoji sequence snaps to whole words around it
    start = body.index("👩")
    w.view.select_cp(start, start + len("👩‍👩‍👧 families"))
    press(qtbot, w, "a")
    assert w.session.current_id is not None
    ann = queries.annotation(s.project, w.session.current_id)
    assert body[ann.start : ann.end].endswith("families")
    w.close()
    s.project.close()


def test_run_opens_the_window_and_remembers_the_project(
    qtbot: QtBot, tmp_path: Path, project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QApplication

    seen: list[MainWindow] = []

    def fake_exec() -> int:  # the coding window comes on the loop's first turns
        qtbot.waitUntil(
            lambda: any(
                isinstance(w, MainWindow) and w.isVisible() for w in QApplication.topLevelWidgets()
            )
        )
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        seen.extend(w for w in windows if w.isVisible())
        for w in windows:
            w.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(fake_exec))
    prefs = temp_prefs(tmp_path)
    assert gui_app.run(project_path, coder="frank", prefs=prefs) == 0
    (shown,) = seen
    assert shown.session.coder == "frank" and shown.session.document is not None
    assert prefs.coder == "frank"
    assert prefs.recent_projects == [str(project_path)]
    shown.deleteLater()


KILLED_WINDOW = r"""
import os, signal, sys
sys.path.insert(0, sys.argv[2])
from PySide6.QtCore import QSettings
from annotator.gui.app import make_app, open_window
from annotator.gui.settings import Preferences
from annotator.store.engine import Project
app = make_app()
prefs = Preferences(QSettings(sys.argv[3], QSettings.Format.IniFormat))
window = open_window(Project.open(sys.argv[1]), "alice", prefs)
window.show()
s = window.session
s.open_document(next(d.id for d in s.summaries.values() if d.ext_id.startswith("000_")))
text = s.document.text
for words, label in (("Syrian regime", "ACTOR"), ("attack", "EVENT"), ("more than 600", "CASUALTY")):
    start = text.index(words)
    window.view.select_cp(start, start + len(words))
    window.code_selection(label)
    app.processEvents()
print(len(s.annotations), flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # no close, no cleanup: as if the power cord were pulled
"""


@pytest.mark.slow
def test_killed_window_loses_nothing_it_showed(tmp_path: Path, project_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys

    script = tmp_path / "killed_window.py"
    script.write_text(KILLED_WINDOW, encoding="utf-8")
    repo = Path(__file__).resolve().parents[2]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, str(script), str(project_path), str(repo), str(tmp_path / "k.ini")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert result.stdout.strip() == "3"  # the window showed three spans
    fresh = Project.open(project_path)
    seed = next(
        d.id for d in queries.document_summaries(fresh, "alice") if d.ext_id.startswith("000_")
    )
    stored = queries.annotations(fresh, seed, ["alice"])
    fresh.close()
    assert sorted(a.label for a in stored) == ["ACTOR", "CASUALTY", "EVENT"]
    assert next(a for a in stored if a.label == "CASUALTY").attributes["best"] == 600
    con = sqlite3.connect(project_path)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()
