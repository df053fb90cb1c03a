"""The article view repaints only what a span change alters, and the picture stays right.

The pixels compared are those the window really shows (the offscreen platform's backing store,
read with ``QScreen.grabWindow``), not a fresh rendering: a repaint that left a stale tag, tint
or arc behind would show there.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QImage, QPaintEvent, QRegion
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.gui.main_window import MainWindow

from helpers.window import (
    build_window,
    click_cp,
    click_span,
    code,
    open_seed,
    press,
    select_words,
    temp_prefs,
)

ANCHOR = "The most recent assistance"


class PaintLog(QObject):
    """Collects the regions of the paint events a widget receives."""

    def __init__(self) -> None:
        super().__init__()
        self.region = QRegion()
        self.events = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            assert isinstance(event, QPaintEvent)
            self.region += event.region()
            self.events += 1
        return False


def area(region: QRegion) -> int:
    return sum(r.width() * r.height() for r in region)


def shown(window: MainWindow) -> QImage:
    """The viewport's pixels as the window shows them (no repaint for the grab)."""
    QApplication.processEvents()
    viewport = window.view.viewport()
    corner = viewport.mapTo(window, QPoint(0, 0))
    screen = window.screen()
    pixmap = screen.grabWindow(
        window.winId(), corner.x(), corner.y(), viewport.width(), viewport.height()
    )
    return pixmap.toImage().convertToFormat(QImage.Format.Format_RGB32)


def test_coding_one_word_repaints_less_than_the_viewport(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    event = code(qtbot, window, "attack", "e", after=ANCHOR)
    assert window.view.annotation(event.id) is not None
    select_words(window, "civilians", after=ANCHOR)
    QApplication.processEvents()
    log = PaintLog()
    viewport = window.view.viewport()
    viewport.installEventFilter(log)
    press(qtbot, window, "a")
    QApplication.processEvents()
    viewport.removeEventFilter(log)
    assert log.events
    whole = viewport.width() * viewport.height()
    assert area(log.region) < whole / 2, (log.region.boundingRect(), viewport.rect())


def same_look(qtbot: QtBot, window: MainWindow, event: int, spot: int) -> None:
    """Select the event (its frame's fillers are marked), then click on plain text: no span
    current, the caret at ``spot``, the caret not blinking."""
    click_span(qtbot, window, window.view.annotation(event))  # type: ignore[arg-type]
    click_cp(qtbot, window, spot)
    window.view.setCursorWidth(0)
    QApplication.processEvents()


def test_deleting_and_undoing_spans_leaves_the_picture_of_a_fresh_view(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, project_path: Path
) -> None:
    open_seed(window)
    actor = code(qtbot, window, "Syrian regime", "a", after=ANCHOR)
    place = code(qtbot, window, "Idlib", "l", after="The attack was")
    event = code(qtbot, window, "attack", "e", after=ANCHOR)
    click_span(qtbot, window, actor)
    press(qtbot, window, "1")  # actor1: an arc within the line
    code(qtbot, window, "civilians", "a", after=ANCHOR)
    for span in ("civilians", "Syrian regime"):
        text = window.session.document.text  # type: ignore[union-attr]
        target = next(
            a for a in window.session.annotations.values() if text[a.start : a.end] == span
        )
        click_span(qtbot, window, target)
        press(qtbot, window, Qt.Key.Key_Delete)
        QApplication.processEvents()
        assert target.id not in window.session.annotations
        press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        QApplication.processEvents()
    # links alone: an arc between lines, through the gutter, added, undone and redone
    click_span(qtbot, window, event)
    click_span(qtbot, window, place)
    press(qtbot, window, "5")  # place
    assert len(window.session.links) == 2
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()
    assert len(window.session.links) == 1
    press(
        qtbot,
        window,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    QApplication.processEvents()
    assert len(window.session.links) == 2
    text = window.session.document.text  # type: ignore[union-attr]
    spot = text.index("killed", event.end)  # plain text by the coded spans
    same_look(qtbot, window, event.id, spot)
    before = shown(window)

    fresh = build_window(qtbot, project_path, temp_prefs(tmp_path / "fresh"))
    try:
        open_seed(fresh)
        same_look(qtbot, fresh, event.id, spot)
        fresh.view.verticalScrollBar().setValue(window.view.verticalScrollBar().value())
        QApplication.processEvents()
        assert len(fresh.view.visible_arcs()) == 2
        after = shown(fresh)
        offset = fresh.view.contentOffset()
    finally:
        fresh.close()
        fresh.session.project.close()
    # QPlainTextEdit may place the same top line a pixel apart after a different history of
    # scrolling (main's view does too): compare the pictures with the text at the same place.
    dy = round(window.view.contentOffset().y() - offset.y())
    assert abs(dy) <= 1
    width, height = before.width(), before.height() - abs(dy)
    before = before.copy(0, max(dy, 0), width, height)
    after = after.copy(0, max(-dy, 0), width, height)
    assert before == after
