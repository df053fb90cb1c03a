"""Attributes from the keyboard: F2 lands on the first empty required field, Tab / Shift+Tab
walk the form, Enter goes back to the article; codebook defaults on a new span (one undo step
with it); Ctrl+D copies the previous span's attributes of the same label (one undo step)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QWidget
from pytestqt.qtbot import QtBot

from annotator.gui.main_window import MainWindow
from annotator.store import queries

from helpers.window import click_span, code, db_annotations, open_seed, press

ANCHOR = "The most recent assistance"
Mod = Qt.KeyboardModifier


def stored(window: MainWindow, ann_id: int) -> dict[str, object]:
    a = queries.annotation(window.session.project, ann_id)
    assert a is not None
    return a.attributes


def focus_is(window: MainWindow, name: str) -> bool:
    field = window.form.field(name)
    assert field is not None, name
    w: QWidget = field.widget
    focused = QApplication.focusWidget()
    return focused is w or (isinstance(w, QComboBox) and focused is w.lineEdit())


def test_f2_lands_on_the_first_empty_required_field_and_enter_comes_back(
    qtbot: QtBot, window: MainWindow
) -> None:
    open_seed(window)
    ann = code(qtbot, window, "15", "c", after="killed 15")
    assert "kind" not in stored(window, ann.id) and "count_scope" not in stored(window, ann.id)
    press(qtbot, window, Qt.Key.Key_F2)
    assert focus_is(window, "kind")  # required, empty, first
    qtbot.keyClicks(QApplication.focusWidget(), "killed")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert stored(window, ann.id)["kind"] == "killed"
    assert QApplication.focusWidget() is window.view
    assert window.session.current_id == ann.id
    # kind is filled: F2 now lands on count_scope, the other required field, past the others
    press(qtbot, window, Qt.Key.Key_F2)
    assert focus_is(window, "count_scope")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab, Mod.ShiftModifier)
    assert focus_is(window, "vague_term")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab, Mod.ShiftModifier)
    assert focus_is(window, "qualifier")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert focus_is(window, "count_scope")
    qtbot.keyClicks(QApplication.focusWidget(), "event")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Enter)  # the keypad's Enter too
    assert stored(window, ann.id)["count_scope"] == "event"
    assert QApplication.focusWidget() is window.view
    # the article has the keys again: Delete removes the span
    press(qtbot, window, Qt.Key.Key_Delete)
    assert all(a.id != ann.id for a in db_annotations(window))


def test_enter_in_a_number_field_commits_and_comes_back(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    ann = code(qtbot, window, "15", "c", after="killed 15")
    press(qtbot, window, Qt.Key.Key_F2)
    while not focus_is(window, "high"):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, Mod.ControlModifier)
    qtbot.keyClicks(QApplication.focusWidget(), "20")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert stored(window, ann.id)["high"] == 20
    assert QApplication.focusWidget() is window.view


def test_a_codebook_default_comes_with_the_new_span_in_one_undo_step(
    qtbot: QtBot, window: MainWindow
) -> None:
    open_seed(window)
    event = code(qtbot, window, "attack", "e", after=ANCHOR)
    assert event.attributes == {"modality": "asserted"}  # default: in the codebook
    field = window.form.field("modality")
    assert field is not None and field.widget.currentData() == "asserted"
    press(qtbot, window, Qt.Key.Key_Z, Mod.ControlModifier)  # one step takes both away
    assert db_annotations(window) == []
    press(qtbot, window, Qt.Key.Key_Z, Mod.ControlModifier | Mod.ShiftModifier)
    (again,) = db_annotations(window)
    assert (again.label, again.attributes) == ("EVENT", {"modality": "asserted"})
    assert not window.session.undo_group.canRedo()


def test_ctrl_d_copies_the_previous_spans_attributes_in_one_undo_step(
    qtbot: QtBot, window: MainWindow
) -> None:
    open_seed(window)
    regime = code(qtbot, window, "Syrian regime", "a", after=ANCHOR)
    window.coding.edit_attributes(regime.id, {"category": "state_forces", "country": "Syria"})
    other = code(qtbot, window, "Russia", "a", after="backed by")
    code(qtbot, window, "Idlib", "l", after="The attack was")  # another label between
    forces = code(qtbot, window, "regime forces", "a", after="of the Syrian")
    window.coding.edit_attributes(forces.id, {"mention": "nominal"})
    # the previous ACTOR in the text is "Syrian regime", not the later "Russia"
    assert regime.start < forces.start < other.start
    steps = window.session.undo_group.activeStack().count()
    press(qtbot, window, Qt.Key.Key_D, Mod.ControlModifier)
    assert stored(window, forces.id) == {"category": "state_forces", "country": "Syria"}
    assert window.session.undo_group.activeStack().count() == steps + 1
    field = window.form.field("category")
    assert field is not None and field.widget.currentData() == "state_forces"
    press(qtbot, window, Qt.Key.Key_Z, Mod.ControlModifier)
    assert stored(window, forces.id) == {"mention": "nominal"}
    press(qtbot, window, Qt.Key.Key_Z, Mod.ControlModifier | Mod.ShiftModifier)
    assert stored(window, forces.id) == {"category": "state_forces", "country": "Syria"}


def test_ctrl_d_keeps_what_the_spans_own_words_say(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    fifteen = code(qtbot, window, "15", "c", after="killed 15")
    window.coding.edit_attributes(fifteen.id, {"kind": "killed", "victim": "civilians"})
    two = code(qtbot, window, "two", "c", after=ANCHOR)
    assert stored(window, two.id)["best"] == 2
    press(qtbot, window, Qt.Key.Key_D, Mod.ControlModifier)
    assert stored(window, two.id) == {
        "kind": "killed",
        "victim": "civilians",
        "best": 2,  # its own figure, not the 15 of the other
        "low": 2,
        "high": 2,
        "qualifier": "exact",
    }


def test_ctrl_d_without_a_previous_span_says_so(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    first = code(qtbot, window, "Syrian regime", "a", after=ANCHOR)
    code(qtbot, window, "Russia", "a", after="backed by")
    click_span(qtbot, window, first)
    press(qtbot, window, Qt.Key.Key_D, Mod.ControlModifier)
    assert window.status.message.text() == "There is no ACTOR before this one to copy from."
    assert stored(window, first.id) == {}
