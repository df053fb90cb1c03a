"""Driving the real coding window with keys and mouse, checking the database after each step."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.gui.main_window import MainWindow
from annotator.store import queries

from helpers.window import (
    click_cp,
    click_span,
    code,
    cp_point,
    db_annotations,
    open_seed,
    press,
    select_words,
)

Mod = Qt.KeyboardModifier


def words_of(window: MainWindow, ann_id: int) -> str:
    a = queries.annotation(window.session.project, ann_id)
    assert a is not None
    return window.session.document.text[a.start : a.end]  # type: ignore[union-attr]


def test_label_key_creates_a_span_snapped_to_words(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    ann = code(qtbot, window, "Syrian regime", "a")
    assert (ann.label, words_of(window, ann.id)) == ("ACTOR", "Syrian regime")
    assert [a.id for a in db_annotations(window)] == [ann.id]
    assert window.session.current_id == ann.id
    assert window.status.saved_label.text() == "All changes saved"
    # the table and the document list follow
    assert window.table.model.ids == [ann.id]
    assert window.session.summaries[window.session.document.id].n_annotations == 1


def test_selection_is_trimmed_of_spaces_and_punctuation(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    text = window.session.document.text
    select_words(window, " Idlib,", exact=True)
    press(qtbot, window, "l")
    (ann,) = db_annotations(window)
    assert text[ann.start : ann.end] == "Idlib"


def test_snapping_can_be_turned_off(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    snap = next(a for a in window.menuBar().actions() if a.text() == "&Code").menu()
    next(a for a in snap.actions() if a.objectName() == "code.snap").trigger()
    assert window.prefs.snap_to_words is False
    text = window.session.document.text
    select_words(window, "och", after="Sochi deal", exact=True)
    press(qtbot, window, "e")
    (ann,) = db_annotations(window)
    assert text[ann.start : ann.end] == "och"


def test_palette_click_codes_the_selection(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    select_words(window, "TASS news agency")
    qtbot.mouseClick(window.label_palette.buttons["SOURCE"], Qt.MouseButton.LeftButton)
    (ann,) = db_annotations(window)
    assert (ann.label, words_of(window, ann.id)) == ("SOURCE", "TASS news agency")


def test_key_without_selection_explains_instead_of_failing(
    qtbot: QtBot, window: MainWindow
) -> None:
    open_seed(window)
    click_cp(qtbot, window, 5)  # a click: no selection
    press(qtbot, window, "a")
    assert db_annotations(window) == []
    assert "Select some text" in window.status.message.text()


def test_undo_and_redo_restore_the_same_row(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    ann = code(qtbot, window, "Russian Air Force", "a")
    press(qtbot, window, Qt.Key.Key_Z, Mod.ControlModifier)
    assert db_annotations(window) == []
    assert ann.id not in window.session.annotations
    press(qtbot, window, Qt.Key.Key_Z, Mod.ControlModifier | Mod.ShiftModifier)
    (back,) = db_annotations(window)
    assert (back.id, back.uid, back.start, back.end) == (ann.id, ann.uid, ann.start, ann.end)
    assert window.session.annotations[ann.id] == back


def test_delete_key_removes_and_undo_brings_back_span_and_links(
    qtbot: QtBot, window: MainWindow
) -> None:
    open_seed(window)
    actor = code(qtbot, window, "Syrian regime", "a", occurrence=2)
    event = code(qtbot, window, "attack", "e", occurrence=0)
    click_span(qtbot, window, actor)  # the new EVENT is the frame: 1 links the actor
    press(qtbot, window, "1")
    assert window.session.current_id == actor.id
    press(qtbot, window, Qt.Key.Key_Delete)
    assert [a.id for a in db_annotations(window)] == [event.id]
    assert queries.links(window.session.project, event.document_id, ["alice"]) == []
    press(qtbot, window, Qt.Key.Key_Z, Mod.ControlModifier)
    assert {a.id for a in db_annotations(window)} == {actor.id, event.id}
    (link,) = queries.links(window.session.project, event.document_id, ["alice"])
    assert (link.from_id, link.role, link.to_id) == (event.id, "actor1", actor.id)


def test_boundary_keys_move_start_and_end(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    ann = code(qtbot, window, "Russian Air Force", "a")
    press(qtbot, window, Qt.Key.Key_BracketRight, Mod.AltModifier | Mod.ControlModifier)
    assert words_of(window, ann.id) == "Air Force"
    press(qtbot, window, Qt.Key.Key_BracketRight, Mod.AltModifier)
    assert words_of(window, ann.id) == "ir Force"
    press(qtbot, window, Qt.Key.Key_BracketLeft, Mod.AltModifier)
    press(qtbot, window, Qt.Key.Key_Comma, Mod.AltModifier | Mod.ControlModifier)
    assert words_of(window, ann.id) == "Air"
    press(qtbot, window, Qt.Key.Key_Comma, Mod.AltModifier)
    assert words_of(window, ann.id) == "Ai"
    # consecutive moves of one boundary merge into one undo step
    press(qtbot, window, Qt.Key.Key_Z, Mod.ControlModifier)
    assert words_of(window, ann.id) == "Air Force"
    press(qtbot, window, Qt.Key.Key_Z, Mod.ControlModifier)
    assert words_of(window, ann.id) == "Russian Air Force"


def test_moving_a_boundary_by_a_word_never_leaves_whitespace_inside(
    qtbot: QtBot, window: MainWindow
) -> None:
    open_seed(window)
    both = code(qtbot, window, "Turkey and Russia", "a")
    press(qtbot, window, Qt.Key.Key_Comma, Mod.AltModifier | Mod.ControlModifier)
    assert words_of(window, both.id) == "Turkey and"
    by = code(qtbot, window, "by Turkey", "a")
    press(qtbot, window, Qt.Key.Key_BracketRight, Mod.AltModifier | Mod.ControlModifier)
    assert words_of(window, by.id) == "Turkey"
    # a character move onto a space goes on to the next visible character
    press(qtbot, window, Qt.Key.Key_BracketLeft, Mod.AltModifier)
    assert words_of(window, by.id) == "y Turkey"
    for ann in db_annotations(window):
        words = words_of(window, ann.id)
        assert words == words.strip(), words


def test_tab_cycles_through_overlapping_spans(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    outer = code(qtbot, window, "15 civilians", "a")
    inner = code(qtbot, window, "15", "c", after="killed 15")
    click_cp(qtbot, window, inner.start)  # the cursor into "15" (its span gets selected)
    press(qtbot, window, Qt.Key.Key_Escape)  # nothing selected; the cursor stays there
    assert window.session.current_id is None
    press(qtbot, window, Qt.Key.Key_Tab)
    first = window.session.current_id
    press(qtbot, window, Qt.Key.Key_Tab)
    second = window.session.current_id
    assert {first, second} == {outer.id, inner.id}
    press(qtbot, window, Qt.Key.Key_Backtab, Mod.ShiftModifier)
    assert window.session.current_id == first


def test_click_selects_the_innermost_span(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    code(qtbot, window, "15 civilians", "a")
    inner = code(qtbot, window, "15", "c", after="killed 15")
    press(qtbot, window, Qt.Key.Key_Escape)
    assert window.session.current_id is None
    click_span(qtbot, window, inner)
    assert window.session.current_id == inner.id
    assert window.form.annotation_id == inner.id


def test_find_highlights_and_enter_steps(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    qtbot.keyClick(window, Qt.Key.Key_F, Mod.ControlModifier)
    assert window.find_bar.isVisible()
    qtbot.keyClicks(window.find_bar.field, "idlib")
    text = window.session.document.text
    assert window.find_bar.hits[0] == (text.index("Idlib"), text.index("Idlib") + 5)
    qtbot.keyClick(window.find_bar.field, Qt.Key.Key_Return)
    qtbot.keyClick(window.find_bar.field, Qt.Key.Key_Return)
    second = window.find_bar.hits[1]
    assert window.view.selection_cp() == second
    qtbot.keyClick(window.find_bar.field, Qt.Key.Key_Escape)
    assert not window.find_bar.isVisible()
    # back in the article with the found words selected: a label key codes them
    assert window.view.hasFocus()
    assert window.view.selection_cp() == second
    press(qtbot, window, "l")
    (place,) = db_annotations(window)
    assert (place.label, place.start, place.end) == ("LOCATION", *second)


def test_esc_right_after_typing_selects_the_first_hit(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    qtbot.keyClick(window, Qt.Key.Key_F, Mod.ControlModifier)
    qtbot.keyClicks(window.find_bar.field, "sochi")
    qtbot.keyClick(window.find_bar.field, Qt.Key.Key_Escape)
    text = window.session.document.text  # type: ignore[union-attr]
    start = text.index("Sochi")
    assert window.view.hasFocus()
    assert window.view.selection_cp() == (start, start + 5)


def test_table_click_jumps_to_the_span(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    first = code(qtbot, window, "Russia", "a")
    code(qtbot, window, "Sochi", "l")
    table = window.table.view
    row = next(
        r for r in range(table.model().rowCount()) if table.model().index(r, 1).data() == "Russia"
    )
    rect = table.visualRect(table.model().index(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.session.current_id == first.id
    assert window.view.cursor_cp() == first.start


def test_errors_are_a_status_message_not_a_crash(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    ann = code(qtbot, window, "Russia", "a")
    window.coding.link(ann.id, "actor1", ann.id)  # ACTOR has no roles: the store refuses
    assert window.status.message.property("error") is True
    assert queries.links(window.session.project, ann.document_id, ["alice"]) == []


def test_codebook_help_shows_every_label(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    ann = code(qtbot, window, "Idlib", "l")
    qtbot.keyClick(window.view, Qt.Key.Key_F1)
    help_view = window.help
    assert help_view is not None and help_view.isVisible()
    text = help_view.browser.toPlainText()
    for label in window.session.codebook.labels:
        assert label.name in text
        assert label.description.split()[0] in text
        for example in label.examples[:1]:
            assert example[:30] in text
    assert window.session.current_id == ann.id  # the guide opened beside the work, not over it
    help_view.close()


def test_palette_tooltips_carry_the_guidelines(window: MainWindow) -> None:
    button = window.label_palette.buttons["CASUALTY"]
    assert "quantity" in button.toolTip()
    assert "[C]" in button.toolTip()


def test_palette_key_caps_are_capitals_never_a_digit_lookalike(
    qtbot: QtBot, window: MainWindow
) -> None:
    from PySide6.QtWidgets import QLabel

    caps = {
        name: button.findChild(QLabel, "keyCap").text()  # type: ignore[union-attr]
        for name, button in window.label_palette.buttons.items()
    }
    assert caps == {
        "ACTOR": "A",
        "EVENT": "E",
        "CASUALTY": "C",
        "LOCATION": "L",
        "DATE": "D",
        "SOURCE": "S",
    }
    # the key is pressed as shown, without Shift
    open_seed(window)
    select_words(window, "Idlib")
    press(qtbot, window, "l")
    (place,) = db_annotations(window)
    assert place.label == "LOCATION"


def test_relabel_and_undo_keeps_the_attributes(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    ann = code(qtbot, window, "more than 600", "c")
    window.view.select_cp(ann.end, ann.end)  # no selection: the key relabels the selected span
    press(qtbot, window, "e")
    relabelled = queries.annotation(window.session.project, ann.id)
    assert relabelled is not None and relabelled.label == "EVENT"
    assert relabelled.attributes == {}
    press(qtbot, window, Qt.Key.Key_Z, Mod.ControlModifier)
    back = queries.annotation(window.session.project, ann.id)
    assert back is not None and (back.label, back.attributes) == ("CASUALTY", ann.attributes)


def test_a_drag_inside_the_selection_selects_anew(qtbot: QtBot, window: MainWindow) -> None:
    """Text drag-and-drop is off in the article: the drag makes the selection the key codes."""
    open_seed(window)
    start, end = select_words(window, "Syrian regime attack", after="came on Sunday", exact=True)
    text = window.session.document.text  # type: ignore[union-attr]
    inside = text.index("regime", start)
    viewport = window.view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=cp_point(window, inside))
    qtbot.mouseMove(viewport, pos=cp_point(window, inside + 3))
    qtbot.mouseMove(viewport, pos=cp_point(window, end + 7))  # into "killed"
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=cp_point(window, end + 7))
    press(qtbot, window, "e")
    (event,) = db_annotations(window)
    assert (event.label, words_of(window, event.id)) == ("EVENT", "regime attack killed")


def test_a_done_document_refuses_edits_until_reopened(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    code(qtbot, window, "Russian Air Force", "a")
    qtbot.keyClick(window, Qt.Key.Key_Return, Mod.ControlModifier)
    open_seed(window)
    assert queries.status(window.session.project, "alice", window.session.document.id) == "done"  # type: ignore[union-attr]
    select_words(window, "Turkey and Russia")
    press(qtbot, window, "a")
    assert len(db_annotations(window)) == 1
    assert "reopen it first" in window.status.message.text()
    assert window.status.message.property("error") is True
    # the done document's attribute form is read-only and says why
    (ann,) = db_annotations(window)
    click_span(qtbot, window, ann)
    assert not window.form.field("category").widget.isEnabled()  # type: ignore[union-attr]
    assert "reopen it" in window.form.header.text()
    qtbot.keyClick(window, Qt.Key.Key_Return, Mod.ControlModifier | Mod.ShiftModifier)  # reopen
    assert window.form.field("category").widget.isEnabled()  # type: ignore[union-attr]
    code(qtbot, window, "Turkey and Russia", "a")
    assert len(db_annotations(window)) == 2
