"""Keyboard shortcuts: defaults that window managers leave alone, and the user's own keys set
in the shortcut editor (Help → Keyboard Shortcuts), saved in the settings and used at once."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QKeyCombination, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLabel, QMenu, QPushButton
from pytestqt.qtbot import QtBot

from annotator.gui.main_window import MainWindow
from annotator.gui.shortcuts_dialog import ShortcutsDialog

from helpers.window import (
    build_window,
    code,
    db_annotations,
    open_seed,
    press,
    select_words,
    temp_prefs,
)

Mod = Qt.KeyboardModifier
ARROWS = {Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down}
# What GNOME, KDE, Xfce and others take for workspaces and window moves.
TAKEN = [
    Mod.ControlModifier | Mod.AltModifier,
    Mod.AltModifier | Mod.ShiftModifier,
    Mod.ControlModifier | Mod.AltModifier | Mod.ShiftModifier,
]


def test_no_default_key_is_one_window_managers_take(window: MainWindow) -> None:
    for spec in window.actions_.specs():
        for seq in window.actions_.defaults(spec.id):
            combo: QKeyCombination = seq[0]
            mods = combo.keyboardModifiers() & ~Mod.KeypadModifier
            taken = combo.key() in ARROWS and any(mods == m for m in TAKEN)
            assert not taken, f"{spec.id}: {seq.toString()}"
            assert not mods & Mod.MetaModifier, f"{spec.id}: {seq.toString()}"


def open_editor(qtbot: QtBot, window: MainWindow) -> ShortcutsDialog:
    help_menu = window.menuBar().findChild(QMenu, "menu.Help")
    assert help_menu is not None
    entry = next(a for a in help_menu.actions() if a.objectName() == "help.keys")
    entry.trigger()
    dialog = window.findChild(ShortcutsDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def click(qtbot: QtBot, dialog: ShortcutsDialog, name: str) -> None:
    button = dialog.findChild(QPushButton, name)
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def type_key(qtbot: QtBot, dialog: ShortcutsDialog, key: Qt.Key, mods: Mod) -> None:
    dialog.editor.setFocus()
    qtbot.keyClick(dialog.editor, key, mods)


def test_a_key_changed_in_the_editor_works_and_is_remembered(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, project_path: Path
) -> None:
    open_seed(window)
    dialog = open_editor(qtbot, window)
    # the editor lists what the menus hold, with each action's keys and condition
    row = dialog.items["code.end_left"]
    assert row.text(1) == QKeySequence("Alt+,").toString(QKeySequence.SequenceFormat.NativeText)
    assert row.text(2) == "a span is selected"
    # a key that another action has is refused, naming it
    dialog.select("label.ACTOR")
    type_key(qtbot, dialog, Qt.Key.Key_E, Mod.NoModifier)
    click(qtbot, dialog, "assignShortcut")
    assert "EVENT" in dialog.findChild(QLabel, "shortcutMessage").text()
    assert dialog.items["label.ACTOR"].text(1) == "A"
    # ACTOR gets Q instead; OK saves it
    dialog.editor.clear()
    type_key(qtbot, dialog, Qt.Key.Key_Q, Mod.NoModifier)
    click(qtbot, dialog, "assignShortcut")
    assert dialog.items["label.ACTOR"].text(1) == "Q"
    dialog.accept()
    with qtbot.waitActive(window):  # the editor was modal: the window takes the keys again
        window.activateWindow()
    assert window.prefs.shortcuts == {"label.ACTOR": ["Q"]}
    # Q codes an ACTOR now, and the palette shows Q; A does nothing any more
    cap = window.label_palette.buttons["ACTOR"].findChild(QLabel, "keyCap")
    assert cap.text() == "Q"
    select_words(window, "Turkey and Russia")
    press(qtbot, window, "a")
    assert db_annotations(window) == []
    actor = code(qtbot, window, "Turkey and Russia", "q")
    assert actor.label == "ACTOR"
    # a new window (the next start) reads the same settings
    prefs = window.prefs
    window.close()
    again = build_window(qtbot, project_path, prefs)
    assert [k.toString() for k in again.actions_.qaction("label.ACTOR").shortcuts()] == ["Q"]
    # Reset all in the editor: the defaults come back, and nothing custom is saved
    dialog = open_editor(qtbot, again)
    click(qtbot, dialog, "resetShortcuts")
    dialog.accept()
    assert again.prefs.shortcuts == {}
    assert [k.toString() for k in again.actions_.qaction("label.ACTOR").shortcuts()] == ["A"]
    again.close()
    again.session.project.close()


def test_cancel_changes_nothing(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    dialog = open_editor(qtbot, window)
    dialog.select("doc.done")
    click(qtbot, dialog, "clearShortcut")
    assert dialog.items["doc.done"].text(1) == ""
    dialog.reject()
    assert window.prefs.shortcuts == {}
    assert window.actions_.qaction("doc.done").shortcuts()
    assert temp_prefs(tmp_path).shortcuts == {}


def test_the_review_window_has_its_own_keys_kept_beside_the_coding_windows(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from annotator.gui.review import open_review_window
    from annotator.store.setup import create_project

    from helpers.review import code_two_coders

    project = create_project(tmp_path / "review.annot")
    code_two_coders(project)
    prefs = temp_prefs(tmp_path)
    prefs.shortcuts = {"label.ACTOR": ["Q"]}  # set in the coding window before
    window = open_review_window(project, "carol", prefs=prefs)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    help_menu = window.menuBar().findChild(QMenu, "menu.Help")
    assert help_menu is not None
    next(a for a in help_menu.actions() if a.objectName() == "review.keys").trigger()
    dialog = window.findChild(ShortcutsDialog)
    assert dialog is not None and "label.ACTOR" not in dialog.items
    dialog.select("review.next")
    type_key(qtbot, dialog, Qt.Key.Key_J, Mod.NoModifier)
    click(qtbot, dialog, "addShortcut")  # J besides N and F8
    dialog.accept()
    assert prefs.shortcuts == {"label.ACTOR": ["Q"], "review.next": ["N", "F8", "J"]}
    with qtbot.waitActive(window):
        window.activateWindow()
    window.list.table.setFocus()
    first = window.list.current()
    assert first is not None and first.difference.kind == "label"
    qtbot.keyClick(window.list.table, Qt.Key.Key_J)  # the next disagreement
    row = window.list.current()
    assert row is not None and row.difference.kind == "missing_span"
    window.close()
    project.close()
