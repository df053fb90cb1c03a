"""Undo and redo in the coding window: the Edit menu names the action, and an undo that no
longer applies (another window or process changed the row) is refused with a message."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.gui.main_window import MainWindow
from annotator.store import queries, services
from annotator.store.engine import Project

from helpers.window import code, open_seed, press

Mod = Qt.KeyboardModifier


def menu_texts(window: MainWindow) -> tuple[str, str]:
    return (
        window.actions_.qaction("edit.undo").text(),
        window.actions_.qaction("edit.redo").text(),
    )


def test_undo_and_redo_name_the_action(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    assert menu_texts(window) == ("&Undo", "&Redo")
    ann = code(qtbot, window, "Russia", "a")
    assert menu_texts(window) == ("&Undo add ACTOR", "&Redo")
    press(qtbot, window, Qt.Key.Key_Z, Mod.ControlModifier)
    assert queries.annotation(window.session.project, ann.id) is None
    assert menu_texts(window) == ("&Undo", "&Redo add ACTOR")
    press(qtbot, window, Qt.Key.Key_Z, Mod.ControlModifier | Mod.ShiftModifier)
    assert queries.annotation(window.session.project, ann.id) is not None  # the same row
    assert menu_texts(window) == ("&Undo add ACTOR", "&Redo")


def test_an_undo_of_a_span_changed_elsewhere_is_refused(
    qtbot: QtBot, window: MainWindow, project_path: object
) -> None:
    open_seed(window)
    ann = code(qtbot, window, "Russia", "a")
    elsewhere = Project.open(str(project_path))  # another process on the same file
    try:
        services.update_annotation(elsewhere, "alice", ann.id, note="checked by alice at home")
    finally:
        elsewhere.close()
    press(qtbot, window, Qt.Key.Key_Z, Mod.ControlModifier)
    stored = queries.annotation(window.session.project, ann.id)
    assert stored is not None and stored.note == "checked by alice at home"  # not deleted
    message = window.status.message.text()
    assert message.startswith("Undo add ACTOR: not done") and "changed since" in message
    assert window.status.message.property("error") is True
    assert "\n" not in message and "SELECT" not in message
    assert not window.session.undo_group.canUndo()  # the step that no longer applies is gone


def test_typing_a_note_is_one_undo_step(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    ann = code(qtbot, window, "Russia", "a")
    for text in ("a", "ab", "abc"):
        window.coding.edit_note(ann.id, text)
    assert menu_texts(window)[0] == "&Undo edit note"
    press(qtbot, window, Qt.Key.Key_Z, Mod.ControlModifier)
    stored = queries.annotation(window.session.project, ann.id)
    assert stored is not None and stored.note == ""
    assert menu_texts(window)[0] == "&Undo add ACTOR"
