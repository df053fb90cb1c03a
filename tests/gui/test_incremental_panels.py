"""The panels follow each span change in place (issue 13): the annotation table inserts or
removes one row, never resets, and still holds what the store holds, in order; the event panel
rebuilds only when what it shows changed. Driven by real keys and mouse clicks; the store is
read independently of the window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.gui.main_window import MainWindow

from helpers.window import click_span, code, db_annotations, open_seed, press, select_words

Mod = Qt.KeyboardModifier
ANCHOR = "The most recent assistance"


class Signals:
    """Counts the table model's structural signals."""

    def __init__(self, window: MainWindow) -> None:
        model = window.table.view.model()
        self.resets = self.inserted = self.removed = 0
        model.modelReset.connect(self._reset)
        model.rowsInserted.connect(self._inserted)
        model.rowsRemoved.connect(self._removed)

    def _reset(self) -> None:
        self.resets += 1

    def _inserted(self, *_args: object) -> None:
        self.inserted += 1

    def _removed(self, *_args: object) -> None:
        self.removed += 1


def table_rows(window: MainWindow) -> list[tuple[str, str, int, int]]:
    """What the table shows, row by row, as the view's model gives it."""
    model = window.table.view.model()
    return [
        (
            model.index(r, 0).data(),
            model.index(r, 1).data(),
            model.index(r, 2).data(),
            model.index(r, 3).data(),
        )
        for r in range(model.rowCount())
    ]


def stored_rows(window: MainWindow) -> list[tuple[str, str, int, int]]:
    """The coder's live spans of the open document as the store holds them, in text order."""
    text = window.session.document.text  # type: ignore[union-attr]
    spans = sorted(db_annotations(window), key=lambda a: (a.start, a.end, a.id))
    return [(a.label, text[a.start : a.end], a.start, a.end) for a in spans]


def selected_rows(window: MainWindow) -> list[int]:
    return sorted({i.row() for i in window.table.view.selectionModel().selectedRows()})


def test_the_table_follows_add_delete_undo_redo_row_by_row(
    qtbot: QtBot, window: MainWindow
) -> None:
    open_seed(window)
    signals = Signals(window)
    code(qtbot, window, "Idlib", "l", after="The attack was")
    code(qtbot, window, "Syrian regime", "a", after=ANCHOR)  # before the first in the text
    russia = code(qtbot, window, "Russia", "a", after=ANCHOR)  # before both
    rows = table_rows(window)
    assert rows == stored_rows(window)
    assert [r[1] for r in rows] == ["Russia", "Syrian regime", "Idlib"]
    assert (signals.inserted, signals.removed, signals.resets) == (3, 0, 0)
    # the new span is the current one, and the table's selected row is its row
    assert selected_rows(window) == [0]
    assert window.session.current_id == russia.id

    press(qtbot, window, Qt.Key.Key_Delete)  # deletes Russia
    QApplication.processEvents()
    assert table_rows(window) == stored_rows(window)
    assert [r[1] for r in table_rows(window)] == ["Syrian regime", "Idlib"]
    assert (signals.inserted, signals.removed, signals.resets) == (3, 1, 0)
    assert selected_rows(window) == []  # nothing current, nothing selected

    press(qtbot, window, "z", Mod.ControlModifier)  # undo: Russia is back, in its place
    QApplication.processEvents()
    assert [r[1] for r in table_rows(window)] == ["Russia", "Syrian regime", "Idlib"]
    assert table_rows(window) == stored_rows(window)
    press(qtbot, window, "z", Mod.ControlModifier | Mod.ShiftModifier)  # redo: gone again
    QApplication.processEvents()
    assert [r[1] for r in table_rows(window)] == ["Syrian regime", "Idlib"]
    assert table_rows(window) == stored_rows(window)
    press(qtbot, window, "z", Mod.ControlModifier)
    press(qtbot, window, "z", Mod.ControlModifier)  # and the creation of Russia undone too
    QApplication.processEvents()
    assert table_rows(window) == stored_rows(window)
    assert [r[1] for r in table_rows(window)] == ["Syrian regime", "Idlib"]
    assert signals.resets == 0
    assert (signals.inserted, signals.removed) == (5, 3)  # one row in or out per step


def test_a_relabelled_span_changes_its_row_in_place(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    code(qtbot, window, "Idlib", "l", after="The attack was")
    regime = code(qtbot, window, "Syrian regime", "a", after=ANCHOR)
    signals = Signals(window)
    click_span(qtbot, window, regime)
    press(qtbot, window, "l")  # the selected span becomes a LOCATION
    QApplication.processEvents()
    assert table_rows(window)[0][:2] == ("LOCATION", "Syrian regime")
    assert table_rows(window) == stored_rows(window)
    assert (signals.inserted, signals.removed, signals.resets) == (0, 0, 0)
    assert selected_rows(window) == [0]


def test_a_sorted_table_puts_a_new_row_in_its_sorted_place(
    qtbot: QtBot, window: MainWindow
) -> None:
    open_seed(window)
    code(qtbot, window, "Idlib", "l", after="The attack was")
    code(qtbot, window, "Syrian regime", "a", after=ANCHOR)
    header = window.table.view.horizontalHeader()
    label_column = header.viewport().rect().left() + header.sectionSize(0) // 2
    point = header.viewport().rect().center()
    point.setX(label_column)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=point)  # by label
    assert [r[0] for r in table_rows(window)] == ["ACTOR", "LOCATION"]
    signals = Signals(window)
    code(qtbot, window, "attack", "e", after=ANCHOR)
    assert [r[:2] for r in table_rows(window)] == [
        ("ACTOR", "Syrian regime"),
        ("EVENT", "attack"),
        ("LOCATION", "Idlib"),
    ]
    assert (signals.inserted, signals.resets) == (1, 0)
    assert selected_rows(window) == [1]  # the new, current span
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=point)  # descending
    assert [r[0] for r in table_rows(window)] == ["LOCATION", "EVENT", "ACTOR"]
    assert selected_rows(window) == [1]  # the selection moved with its row
    window.view.setFocus()  # back in the article, where the keys work
    press(qtbot, window, Qt.Key.Key_Delete)
    QApplication.processEvents()
    assert [r[0] for r in table_rows(window)] == ["LOCATION", "ACTOR"]
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=point)  # text order
    assert table_rows(window) == stored_rows(window)
    assert signals.resets == 0


def test_the_event_panel_is_rebuilt_only_when_what_it_shows_changes(
    qtbot: QtBot, window: MainWindow
) -> None:
    open_seed(window)
    actor = code(qtbot, window, "Syrian regime", "a", after=ANCHOR)
    event = code(qtbot, window, "attack", "e", after=ANCHOR)
    assert window.session.active_event_id == event.id
    tree = window.event_panel.tree
    mark = Qt.ItemDataRole.UserRole + 7
    tree.topLevelItem(0).setData(0, mark, "not rebuilt")  # a rebuilt panel has new items
    code(qtbot, window, "Idlib", "l", after="The attack was")  # fills no role of the event
    assert window.session.active_event_id == event.id
    assert tree.topLevelItem(0).data(0, mark) == "not rebuilt"
    click_span(qtbot, window, actor)
    press(qtbot, window, "1")  # actor1 of the event: the panel shows it
    role = tree.topLevelItem(0)
    assert role.text(0).split()[:2] == ["1", "actor1"]
    assert [role.child(i).text(0).strip() for i in range(role.childCount())] == ["Syrian regime"]
    press(qtbot, window, "z", Mod.ControlModifier)  # the link undone: gone from the panel
    assert tree.topLevelItem(0).childCount() == 0
    select_words(window, "Syrian regime", after=ANCHOR)
    press(qtbot, window, Qt.Key.Key_Delete)  # deleting the event clears the panel
    click_span(qtbot, window, event)
    press(qtbot, window, Qt.Key.Key_Delete)
    assert window.session.active_event_id is None
    assert tree.topLevelItemCount() == 0
    assert "Select an EVENT span" in window.event_panel.title.text()
