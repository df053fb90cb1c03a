"""Arcs, span tags and hover in the article, driven with real keys, menus and mouse moves.

What is painted is read back from the viewport's pixels and compared with literal colours: the
codebook's (conflict-events.yaml: ACTOR #332288, EVENT #aa4499) or the default palette's.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest
from PySide6.QtCore import QEvent, QPoint, QRect, QSettings, Qt
from PySide6.QtGui import QColor, QHelpEvent, QImage, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from annotator.core.codebook import codebook_from_dict
from annotator.core.records import Annotation, Link
from annotator.gui import document_view
from annotator.gui.document_view import DocumentView
from annotator.gui.main_window import MainWindow
from annotator.gui.settings import Preferences

from helpers.window import click_span, code, open_seed

ACTOR = "#332288"
EVENT = "#aa4499"
ANCHOR = "The most recent assistance"
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def line_top_left(view: DocumentView, cp: int) -> QPoint:
    """Viewport point where the caret before code point ``cp`` starts (its line's top)."""
    view.scroll_to_cp(cp)
    QApplication.processEvents()
    view.viewport().repaint()  # lines make room for the band when painted
    cursor = QTextCursor(view.document())
    cursor.setPosition(view._offsets.to_utf16(cp))
    return view.cursorRect(cursor).topLeft()


def colours_in(view: DocumentView, area: QRect) -> set[str]:
    image: QImage = view.viewport().grab().toImage()
    return {
        QColor(image.pixel(x, y)).name()
        for x in range(max(0, area.left()), min(image.width(), area.right() + 1))
        for y in range(max(0, area.top()), min(image.height(), area.bottom() + 1))
    }


def band_above(view: DocumentView, cp: int, width: int) -> QRect:
    """The strip over the start of the span at ``cp``, where its tag and arcs are drawn."""
    corner = line_top_left(view, cp)
    return QRect(corner.x(), corner.y() - 34, width, 33)


def view_action_text(window: MainWindow, title: str) -> None:
    """Trigger a View menu entry as a click on the menu would."""
    menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "View")
    action = next(a for a in menu.actions() if a.text().replace("&", "") == title)
    action.trigger()
    QApplication.processEvents()


# ---------------------------------------------------------------------------------- tags


def test_span_labels_toggle_with_their_key_and_menu_and_stay_off(
    qtbot: QtBot, window: MainWindow
) -> None:
    open_seed(window)
    regime = code(qtbot, window, "Syrian regime", "a", after=ANCHOR)
    view = window.view
    assert ACTOR in colours_in(view, band_above(view, regime.start, 20))

    qtbot.keyClick(view, Qt.Key.Key_L, CTRL_SHIFT)
    assert not view.tags_shown()
    assert ACTOR not in colours_in(view, band_above(view, regime.start, 20))
    saved = Preferences(QSettings(window.prefs.qsettings.fileName(), QSettings.Format.IniFormat))
    assert saved.show_tags is False
    assert not window.actions_.qaction("view.tags").isChecked()

    view_action_text(window, "Show Span Labels")
    assert view.tags_shown()
    assert window.actions_.qaction("view.tags").isChecked()
    assert ACTOR in colours_in(view, band_above(view, regime.start, 20))


# ---------------------------------------------------------------------------------- arcs


def test_show_arcs_toggles_the_full_arc_set_of_the_visible_text(
    qtbot: QtBot, window: MainWindow
) -> None:
    open_seed(window)
    attack = code(qtbot, window, "attack", "e", after=ANCHOR)
    fifteen = code(qtbot, window, "15", "c", after=ANCHOR)
    window.coding.link(attack.id, "casualties", fifteen.id)
    code(qtbot, window, "attacks", "e", after="aerial and ground")  # now the selected event
    view = window.view
    # The arc drops onto "15" in the EVENT's colour: the arrow's column over the span's start.
    assert EVENT in colours_in(view, band_above(view, fifteen.start, 7))

    qtbot.keyClick(view, Qt.Key.Key_K, CTRL_SHIFT)  # only the selected event's arcs now
    assert not view.arcs_shown()
    assert EVENT not in colours_in(view, band_above(view, fifteen.start, 7))
    saved = Preferences(QSettings(window.prefs.qsettings.fileName(), QSettings.Format.IniFormat))
    assert saved.show_arcs is False

    click_span(qtbot, window, attack)  # the first event is selected again: its arcs show
    assert window.session.active_event_id == attack.id
    assert EVENT in colours_in(view, band_above(view, fifteen.start, 7))

    view_action_text(window, "Show Arcs")
    assert view.arcs_shown()


def test_the_preferences_decide_at_start(qtbot: QtBot, tmp_path: Path, project_path: Path) -> None:
    from helpers.window import build_window, temp_prefs

    prefs = temp_prefs(tmp_path)
    prefs.show_tags = False
    prefs.show_arcs = False
    w = build_window(qtbot, project_path, prefs)
    try:
        assert not w.view.tags_shown() and not w.view.arcs_shown()
        assert not w.actions_.qaction("view.tags").isChecked()
        assert not w.actions_.qaction("view.arcs").isChecked()
    finally:
        w.close()
        w.session.project.close()


# ---------------------------------------------------------------------------------- hover


class FakeToolTip:
    """Stands in for QToolTip: the offscreen platform warns when a tooltip window is raised."""

    shown: ClassVar[list[str]] = []

    @classmethod
    def showText(cls, pos: QPoint, text: str, widget: QWidget | None = None) -> None:
        cls.shown.append(text)

    @classmethod
    def hideText(cls) -> None:
        cls.shown.append("")


def hover(view: DocumentView, cp: int) -> str:
    corner = line_top_left(view, cp)
    cursor = QTextCursor(view.document())
    cursor.setPosition(view._offsets.to_utf16(cp))
    pos = QPoint(corner.x() + 3, view.cursorRect(cursor).center().y())
    QTest.mouseMove(view.viewport(), pos)
    event = QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos))
    QApplication.sendEvent(view.viewport(), event)
    return FakeToolTip.shown[-1]


def test_hovering_a_span_shows_label_attributes_and_roles(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(document_view, "QToolTip", FakeToolTip)
    open_seed(window)
    attack = code(qtbot, window, "attack", "e", after=ANCHOR)
    fifteen = code(qtbot, window, "15", "c", after=ANCHOR)
    window.coding.edit_attributes(fifteen.id, {"kind": "killed", "best": 15})
    window.coding.link(attack.id, "casualties", fifteen.id)
    QApplication.processEvents()

    tip = hover(window.view, fifteen.start)
    assert "<b>CASUALTY</b>" in tip and "“15”" in tip
    assert "kind: killed" in tip and "best: 15" in tip
    assert "casualties of ← EVENT “attack”" in tip

    tip = hover(window.view, attack.start)
    assert "<b>EVENT</b>" in tip
    assert "casualties → CASUALTY “15”" in tip


# ------------------------------------------------------------------------------- palette

TEXT = "Rebels attacked the town on Sunday."


def test_labels_without_a_codebook_colour_are_drawn_in_the_default_palette(
    qtbot: QtBot,
) -> None:
    book = codebook_from_dict(
        {
            "codebook": "p",
            "version": 1,
            "labels": [{"name": "EVENT"}, {"name": "ACTOR", "color": "#123456"}],
        }
    )
    spans = [
        Annotation(1, "a1", 1, "x", "ACTOR", 0, 6),
        Annotation(2, "a2", 1, "x", "EVENT", 7, 15),
    ]
    view = DocumentView()
    qtbot.addWidget(view)
    view.resize(600, 200)
    view.set_document(TEXT, spans, book)
    view.set_label_colors({lab.name: lab.color for lab in book.labels})  # as the window does
    view.show()
    qtbot.waitExposed(view)
    assert "#e69f00" in colours_in(view, band_above(view, 7, 20))  # Okabe-Ito orange
    assert "#123456" in colours_in(view, band_above(view, 0, 20))  # the codebook's own


def test_the_end_of_a_long_article_scrolls_into_view_with_the_band(qtbot: QtBot) -> None:
    book = codebook_from_dict({"codebook": "p", "version": 1, "labels": [{"name": "ACTOR"}]})
    text = "\n\n".join(f"Paragraph {i} " + "word " * 60 for i in range(40))
    spans = [
        Annotation(i + 1, f"a{i}", 1, "x", "ACTOR", p, p + 9)
        for i, p in enumerate(range(0, len(text) - 10, 97))
    ]
    view = DocumentView()
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.set_document(text, spans, book)
    view.show()
    QApplication.processEvents()
    end = QTextCursor(view.document())
    end.movePosition(QTextCursor.MoveOperation.End)

    bar = view.verticalScrollBar()  # dragged to the bottom
    for _ in range(3):
        bar.setValue(bar.maximum())
        view.viewport().repaint()
    last = view.cursorRect(end)
    assert last.top() >= 0 and last.bottom() <= view.viewport().height()

    bar.setValue(0)
    view.viewport().repaint()
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    view.viewport().repaint()
    last = view.cursorRect(end)
    assert last.top() >= 0 and last.bottom() <= view.viewport().height()


def test_a_click_on_a_tag_selects_its_span(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(document_view, "QToolTip", FakeToolTip)
    open_seed(window)
    regime = code(qtbot, window, "Syrian regime", "a", after=ANCHOR)
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    assert window.session.current_id is None
    corner = line_top_left(window.view, regime.start)
    on_tag = QPoint(corner.x() + 4, corner.y() - 6)  # over the span's first letter, in the band
    event = QHelpEvent(QEvent.Type.ToolTip, on_tag, window.view.viewport().mapToGlobal(on_tag))
    QApplication.sendEvent(window.view.viewport(), event)
    assert "<b>ACTOR</b>" in FakeToolTip.shown[-1]
    qtbot.mouseClick(
        window.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, on_tag
    )
    assert window.session.current_id == regime.id


ARABIC = "قتل 15 مدنياً في غارة جوية.\n\nوقعت الغارة في إدلب يوم الأحد."


def column_colours(view: DocumentView, x1: int, x2: int, y1: int, y2: int) -> set[str]:
    return colours_in(view, QRect(x1, y1, x2 - x1 + 1, y2 - y1 + 1))


@pytest.mark.parametrize(
    ("text", "event_word", "place_word"),
    [
        (ARABIC, "غارة", "إدلب"),
        ("Rebels attacked the town.\n\nIt was in Idlib.", "attacked", "Idlib"),
    ],
    ids=["arabic", "english"],
)
def test_arcs_between_lines_run_on_the_leading_side_of_the_text(
    qtbot: QtBot, text: str, event_word: str, place_word: str
) -> None:
    book = codebook_from_dict(
        {
            "codebook": "p",
            "version": 1,
            "labels": [
                {
                    "name": "EVENT",
                    "color": EVENT,
                    "roles": [{"name": "place", "targets": ["LOCATION"]}],
                },
                {"name": "LOCATION", "color": "#117733"},
            ],
        }
    )
    event_at = text.index(event_word)
    place_at = text.index(place_word)
    spans = [
        Annotation(1, "a1", 1, "x", "EVENT", event_at, event_at + len(event_word)),
        Annotation(2, "a2", 1, "x", "LOCATION", place_at, place_at + len(place_word)),
    ]
    view = DocumentView()
    qtbot.addWidget(view)
    view.resize(600, 300)
    view.set_document(text, spans, book)
    view.set_label_colors({lab.name: lab.color for lab in book.labels})
    view.set_links([Link(1, "l1", 1, "x", 1, "place", 2)], event=1)
    view.show()
    qtbot.waitExposed(view)
    top = line_top_left(view, event_at).y()
    bottom = line_top_left(view, place_at).y()
    middle = (top + bottom) // 2  # between the two lines: only the gutter's arc is there
    width = view.viewport().width()
    left = column_colours(view, 0, 30, middle - 3, middle + 3)
    right = column_colours(view, width - 31, width - 1, middle - 3, middle + 3)
    rtl = text is ARABIC
    assert (EVENT in right) is rtl  # the arc runs in the EVENT's colour
    assert (EVENT in left) is not rtl
