"""Text typed into the form but not confirmed is committed, not lost, when the coder moves on."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from annotator.gui.main_window import MainWindow
from annotator.store import queries

from helpers.window import code, open_seed


def test_typed_note_survives_close(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    a = code(qtbot, window, "15", "c", after="killed 15")
    note = window.form.note
    note.setFocus()
    qtbot.keyClicks(note, "typed but not entered")
    window.close()
    got = queries.annotation(window.session.project, a.id)
    assert got is not None and got.note == "typed but not entered"


def test_typed_note_survives_document_switch(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    a = code(qtbot, window, "15", "c", after="killed 15")
    note = window.form.note
    note.setFocus()
    qtbot.keyClicks(note, "typed then switched")
    window.go_document(1)
    got = queries.annotation(window.session.project, a.id)
    assert got is not None and got.note == "typed then switched"
