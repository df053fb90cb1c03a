"""The attribute form: generated from the codebook, edits commit at once as undoable steps."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QSpinBox,
)
from pytestqt.qtbot import QtBot

from annotator.gui.main_window import MainWindow
from annotator.store import queries

from helpers.window import (
    code,
    open_seed,
    press,
)

Mod = Qt.KeyboardModifier


def stored(window: MainWindow, ann_id: int) -> dict[str, object]:
    a = queries.annotation(window.session.project, ann_id)
    assert a is not None
    return a.attributes


def widget(window: MainWindow, name: str) -> object:
    field = window.form.field(name)
    assert field is not None, name
    return field.widget


def choose(qtbot: QtBot, combo: QComboBox, value: str) -> None:
    """Pick ``value`` with the keyboard, as a coder tabbing through the form would."""
    combo.setFocus()
    target = combo.findData(value)
    assert target >= 0, value
    while combo.currentIndex() < target:
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    while combo.currentIndex() > target:
        qtbot.keyClick(combo, Qt.Key.Key_Up)


def test_form_is_generated_from_the_codebook(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    code(qtbot, window, "15", "c", after="killed 15")
    assert isinstance(widget(window, "kind"), QComboBox)
    assert isinstance(widget(window, "best"), QSpinBox)
    assert isinstance(widget(window, "vague_term"), QLineEdit)
    kind = widget(window, "kind")
    assert kind.itemData(kind.findData("killed"), Qt.ItemDataRole.ToolTipRole)  # descriptions
    caption = window.form.forms["CASUALTY"].captions["kind"]
    assert caption.text().endswith("*") and caption.objectName() == "requiredCaption"
    code(qtbot, window, "attack", "e", after="regime attack")
    assert isinstance(widget(window, "civilian_targeting"), QCheckBox)
    code(qtbot, window, "Sunday", "d", after="came on")
    assert isinstance(widget(window, "start"), QDateEdit)


def test_casualty_is_prefilled_by_the_number_reader(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    ann = code(qtbot, window, "more than 600", "c")
    attrs = stored(window, ann.id)
    assert (attrs["best"], attrs["low"], attrs["qualifier"]) == (600, 600, "more_than")
    assert "high" not in attrs
    assert widget(window, "best").value() == 600
    assert widget(window, "qualifier").currentData() == "more_than"


def test_date_is_resolved_against_the_publication_date(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    assert window.session.document.published == "2019-07-30"
    ann = code(qtbot, window, "on Sunday", "d", after="came on")
    words = window.session.document.text[ann.start : ann.end]
    assert words in ("Sunday", "on Sunday")
    attrs = stored(window, ann.id)
    assert (attrs["start"], attrs["end"], attrs["time_precision"]) == (
        "2019-07-28",
        "2019-07-28",
        1,
    )


def test_edits_commit_at_once_and_undo(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    ann = code(qtbot, window, "15", "c", after="killed 15")
    choose(qtbot, widget(window, "kind"), "killed")
    assert stored(window, ann.id)["kind"] == "killed"
    choose(qtbot, widget(window, "victim"), "civilians")
    assert stored(window, ann.id)["victim"] == "civilians"
    best = widget(window, "best")
    best.setFocus()
    best.selectAll()
    qtbot.keyClicks(best, "16")
    qtbot.keyClick(best, Qt.Key.Key_Return)
    assert stored(window, ann.id)["best"] == 16
    term = widget(window, "vague_term")
    term.setFocus()
    qtbot.keyClicks(term, "some")
    qtbot.keyClick(term, Qt.Key.Key_Return)
    assert stored(window, ann.id)["vague_term"] == "some"
    # each edit is one undo step; undo walks back through them
    window.actions_.trigger("edit.undo")
    assert "vague_term" not in stored(window, ann.id)
    window.actions_.trigger("edit.undo")
    assert stored(window, ann.id)["best"] == 15
    assert best.value() == 15  # the form follows the store
    window.actions_.trigger("edit.redo")
    assert stored(window, ann.id)["best"] == 16


def test_empty_is_a_value(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    ann = code(qtbot, window, "15", "c", after="killed 15")
    best = widget(window, "best")
    best.setFocus()
    best.setValue(best.minimum())  # the "—" entry
    best.editingFinished.emit()
    assert "best" not in stored(window, ann.id)


def test_sub_event_type_offers_only_the_chosen_types_subtypes(
    qtbot: QtBot, window: MainWindow
) -> None:
    open_seed(window)
    ann = code(qtbot, window, "attack", "e", after="regime attack")
    choose(qtbot, widget(window, "event_type"), "violence_against_civilians")
    sub = widget(window, "sub_event_type")
    offered = {sub.itemData(i) for i in range(1, sub.count())}
    assert offered == {"sexual_violence", "attack", "abduction_forced_disappearance"}
    choose(qtbot, sub, "attack")
    assert stored(window, ann.id)["sub_event_type"] == "attack"
    # another type clears a sub-type that does not belong to it, in the same step
    choose(qtbot, widget(window, "event_type"), "battles")
    attrs = stored(window, ann.id)
    assert attrs["event_type"] == "battles" and "sub_event_type" not in attrs
    assert {sub.itemData(i) for i in range(1, sub.count())} == {
        "armed_clash",
        "government_regains_territory",
        "non_state_actor_overtakes_territory",
    }


def test_boolean_check_box_is_three_state(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    ann = code(qtbot, window, "attack", "e", after="regime attack")
    box = widget(window, "civilian_targeting")
    assert box.checkState() == Qt.CheckState.PartiallyChecked  # not set
    on_indicator = QPoint(8, box.height() // 2)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=on_indicator)
    assert stored(window, ann.id)["civilian_targeting"] is True


def test_note_on_a_span(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    ann = code(qtbot, window, "Syrian army", "a")
    note = window.form.note
    note.setFocus()
    qtbot.keyClicks(note, "check the army's unit")
    qtbot.keyClick(note, Qt.Key.Key_Return)
    a = queries.annotation(window.session.project, ann.id)
    assert a is not None and a.note == "check the army's unit"


def test_typing_in_the_form_never_codes_spans(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    ann = code(qtbot, window, "Syrian army", "a")
    window.view.select_cp(0, 6)  # a selection in the text, focus elsewhere
    field = widget(window, "actor")
    field.setFocus()
    qtbot.keyClicks(field, "aces")  # a, c, e, s are label keys
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert [
        a.id for a in queries.annotations(window.session.project, ann.document_id, ["alice"])
    ] == [ann.id]
    assert stored(window, ann.id)["actor"] == "aces"


def test_mark_done_is_refused_until_required_fields_are_filled(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.prefs.advance_after_done = False  # stay on the document to reopen it
    open_seed(window)
    doc = window.session.document.id
    first = code(qtbot, window, "15", "c", after="killed 15")
    code(qtbot, window, "Idlib", "l", after="The attack")
    window.session.select(None)
    press(qtbot, window, Qt.Key.Key_Return, Mod.ControlModifier)
    assert queries.status(window.session.project, "alice", doc) == "in_progress"
    assert "required" in window.status.message.text()
    assert window.session.current_id == first.id  # shown where
    kind = widget(window, "kind")
    assert kind.property("missing") is True
    caption: QLabel = window.form.forms["CASUALTY"].captions["kind"]
    assert caption.property("missing") is True
    choose(qtbot, kind, "killed")
    assert kind.property("missing") is not True
    window.view.setFocus()
    press(qtbot, window, Qt.Key.Key_Return, Mod.ControlModifier)
    # the figure's scope is required too: is it this event's or a running total?
    assert queries.status(window.session.project, "alice", doc) == "in_progress"
    scope = widget(window, "count_scope")
    assert scope.property("missing") is True
    choose(qtbot, scope, "event")
    window.view.setFocus()
    press(qtbot, window, Qt.Key.Key_Return, Mod.ControlModifier)
    assert queries.status(window.session.project, "alice", doc) == "done"
    assert window.session.summaries[doc].status == "done"
    window.actions_.trigger("doc.reopen")
    assert queries.status(window.session.project, "alice", doc) == "in_progress"


def test_marking_done_opens_the_next_unfinished_document(qtbot: QtBot, window: MainWindow) -> None:
    assert window.prefs.advance_after_done  # the default
    open_seed(window)
    seed = window.session.document.id
    others = [i for i in window.session.summaries if i != seed]
    assert len(others) == 1  # the test project holds the seed and one more article
    press(qtbot, window, Qt.Key.Key_Return, Mod.ControlModifier)
    assert queries.status(window.session.project, "alice", seed) == "done"
    assert window.session.document.id == others[0]
    press(qtbot, window, Qt.Key.Key_Return, Mod.ControlModifier)  # the last one
    assert queries.status(window.session.project, "alice", others[0]) == "done"
    assert window.session.document.id == others[0]  # nothing left to open
    assert "Every document is done" in window.status.message.text()
    window.actions_.trigger("doc.advance")
    assert window.prefs.advance_after_done is False


def test_f2_goes_into_the_form_typing_filters_a_choice_and_esc_comes_back(
    qtbot: QtBot, window: MainWindow
) -> None:
    open_seed(window)
    ann = code(qtbot, window, "more than 600", "c")
    qtbot.keyClick(window.view, Qt.Key.Key_F2)
    kind = widget(window, "kind")
    assert QApplication.focusWidget() in (kind, kind.lineEdit())
    qtbot.keyClicks(QApplication.focusWidget(), "kil")
    assert not kind.view().isVisible()  # typing filtered; no popup of every value
    popup = kind.completer().popup()
    shown = [popup.model().index(r, 0).data() for r in range(popup.model().rowCount())]
    assert shown and all("kil" in text for text in shown)
    assert len(shown) < kind.count() - 1
    qtbot.keyClicks(QApplication.focusWidget(), "led")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert stored(window, ann.id)["kind"] == "killed"
    assert QApplication.focusWidget() is window.view  # Enter took it, back in the article
    # every required field is filled now: F2 lands on the first field; Tab walks on to the
    # next; a space there types, it opens nothing
    qtbot.keyClick(window.view, Qt.Key.Key_F2)
    assert QApplication.focusWidget() in (kind, kind.lineEdit())
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    victim = widget(window, "victim")
    assert QApplication.focusWidget() in (victim, victim.lineEdit())
    qtbot.keyClicks(QApplication.focusWidget(), "civ")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert not victim.view().isVisible()
    # Esc: back in the article, the span still selected; nothing half-typed was stored
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is window.view
    assert window.session.current_id == ann.id
    assert "victim" not in stored(window, ann.id)
    qtbot.keyClick(window.view, Qt.Key.Key_F2)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F2)
    assert QApplication.focusWidget() is window.view
    # the table shows the values in the codebook's order, not the order they were filled
    row = window.table.model.ids.index(ann.id)
    cell = window.table.model.index(row, 4).data()
    assert cell == "killed · 600 · more than · cumulative"  # "Since ... late April": prefilled
