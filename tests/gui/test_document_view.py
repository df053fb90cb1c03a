"""DocumentView driven like a coder would: selections, clicks, Tab, edits, painting."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QHelpEvent,
    QPalette,
    QTextBlock,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from annotator.core.codebook import Codebook
from annotator.core.records import Annotation
from annotator.gui import document_view
from annotator.gui.document_view import DocumentView

TEXT = (
    "Strike on 🏥 hospital kills 15 civilians 😢 in Idlib.\n"
    "\n"
    "قتل 15 مدنياً في إدلب بحسب المرصد السوري.\n"
    "\n"
    "Café owner Zoe\u0308 said the attack 👨\u200d👩\u200d👧 began at dawn.\n"
    "\n"
    "The observatory reported more than 600 people killed since April."
)


def find(phrase: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(phrase, start + 1)
    return start, start + len(phrase)


def ann(ann_id: int, label: str, span: tuple[int, int], **attributes: object) -> Annotation:
    start, end = span
    return Annotation(
        id=ann_id,
        uid=f"a{ann_id}",
        document_id=1,
        coder="alice",
        label=label,
        start=start,
        end=end,
        attributes=dict(attributes),
    )


EVENT = ann(1, "EVENT", find("kills 15 civilians 😢"))
CASUALTY = ann(2, "CASUALTY", find("15 civilians"), kind="killed", best=15)
NUMBER = ann(3, "CASUALTY", find("15"))  # inside CASUALTY inside EVENT: three deep
PLACE = ann(4, "LOCATION", find("Idlib"))
ARABIC = ann(5, "CASUALTY", find("15 مدنياً"))
ARABIC_PLACE = ann(6, "LOCATION", find("إدلب"))
ACTOR = ann(7, "ACTOR", find("Zoe\u0308"))
LATE = ann(8, "CASUALTY", find("more than 600 people"))
ANNOTATIONS = [EVENT, CASUALTY, NUMBER, PLACE, ARABIC, ARABIC_PLACE, ACTOR, LATE]


@pytest.fixture
def view(qtbot: QtBot, codebook: Codebook) -> Iterator[DocumentView]:
    widget = DocumentView()
    qtbot.addWidget(widget)
    widget.resize(700, 420)
    widget.set_document(TEXT, ANNOTATIONS, codebook)
    widget.show()
    qtbot.waitExposed(widget)
    widget.viewport().grab()  # first paint: visible blocks get highlighted
    yield widget


def center_of(view: DocumentView, cp: int) -> QPoint:
    """Viewport point in the middle of the character at code point ``cp``."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(view._offsets.to_utf16(cp))
    left = view.cursorRect(cursor)
    cursor.setPosition(view._offsets.to_utf16(cp + 1))
    right = view.cursorRect(cursor)
    return QPoint((left.center().x() + right.center().x()) // 2, left.center().y())


def format_at(view: DocumentView, cp: int) -> QTextCharFormat | None:
    """The highlighter's format covering code point ``cp`` (from the block's layout)."""
    u16 = view._offsets.to_utf16(cp)
    block = view.document().findBlock(u16)
    rel = u16 - block.position()
    for fr in block.layout().formats():
        if fr.start <= rel < fr.start + fr.length:
            return QTextCharFormat(fr.format)  # a copy: the range list is a temporary
    return None


# Colours pinned as literals (the codebook's label colours mixed by hand with the background),
# not computed by the code under test.
LOCATION_TINT = "#b8d6c2"  # 30 % LOCATION #117733 on white


def near(color: QColor, expected: str) -> bool:
    """Equal to the literal colour within one step per channel (16-bit rounding)."""
    want = QColor(expected)
    return all(abs(a - b) <= 1 for a, b in zip(color.getRgb()[:3], want.getRgb()[:3], strict=True))


def label_color(codebook: Codebook, label: str) -> QColor:
    found = codebook.label(label)
    assert found is not None
    return QColor(found.color)


# ------------------------------------------------------------------------ selection, cursor


@pytest.mark.parametrize(
    "phrase", ["hospital", "🏥 hospital", "😢", "مدنياً", "Zoe\u0308", "👨\u200d👩\u200d👧"]
)
def test_select_by_code_points_and_read_back(view: DocumentView, qtbot: QtBot, phrase: str) -> None:
    start, end = find(phrase)
    with qtbot.waitSignal(view.selectionChangedCp) as signal:
        view.select_cp(start, end)
    assert signal.args == [start, end]
    assert view.selection_cp() == (start, end)
    assert view.cursor_cp() == end
    # What Qt highlights is exactly those characters.
    assert view.textCursor().selectedText() == TEXT[start:end]


def test_backward_selection_is_reported_start_first(view: DocumentView) -> None:
    start, end = find("Idlib")
    view.select_cp(end, start)
    assert view.selection_cp() == (start, end)
    assert view.cursor_cp() == start


def test_empty_selection_is_the_cursor(view: DocumentView, qtbot: QtBot) -> None:
    pos = find("dawn")[0]
    with qtbot.waitSignal(view.selectionChangedCp) as signal:
        view.select_cp(pos, pos)
    assert signal.args == [pos, pos]
    assert view.selection_cp() == (pos, pos)


def test_annotations_at_lists_overlaps_innermost_first(view: DocumentView) -> None:
    assert view.annotations_at(find("15")[0]) == [NUMBER.id, CASUALTY.id, EVENT.id]
    assert view.annotations_at(find("civilians")[0]) == [CASUALTY.id, EVENT.id]
    assert view.annotations_at(find("kills")[0]) == [EVENT.id]
    assert view.annotations_at(find("Strike")[0]) == []


# ----------------------------------------------------------------------------------- mouse


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [("civilians", CASUALTY.id), ("kills", EVENT.id), ("Idlib", PLACE.id), ("مدنياً", ARABIC.id)],
)
def test_click_on_a_span_emits_the_innermost_id(
    view: DocumentView, qtbot: QtBot, phrase: str, expected: int
) -> None:
    cursor = QTextCursor(view.document())
    cursor.setPosition(view._offsets.to_utf16(find(phrase)[0] + 2))
    pos = view.cursorRect(cursor).center()
    with qtbot.waitSignal(view.spanClicked) as signal:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert signal.args == [expected]
    assert view.current() == expected


def test_click_on_the_number_inside_two_spans(view: DocumentView, qtbot: QtBot) -> None:
    with qtbot.waitSignal(view.spanClicked) as signal:
        qtbot.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, pos=center_of(view, find("15")[0])
        )
    assert signal.args == [NUMBER.id]


def test_click_outside_spans_emits_minus_one(view: DocumentView, qtbot: QtBot) -> None:
    view.set_current(PLACE.id)
    with qtbot.waitSignal(view.spanClicked) as signal:
        qtbot.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, pos=center_of(view, find("Strike")[0])
        )
    assert signal.args == [-1]
    assert view.current() is None


def test_drag_selects_text_and_clicks_no_span(view: DocumentView, qtbot: QtBot) -> None:
    start, end = find("hospital kills")
    clicked: list[int] = []
    view.spanClicked.connect(clicked.append)
    viewport = view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=center_of(view, start))
    qtbot.mouseMove(viewport, pos=center_of(view, end - 1))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=center_of(view, end - 1))
    selected = view.selection_cp()
    assert selected[0] in (start, start + 1) and selected[1] in (end - 1, end)
    assert clicked == []


def test_right_click_reports_the_spans_under_it(view: DocumentView, qtbot: QtBot) -> None:
    pos = center_of(view, find("15")[0])
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, view.viewport().mapToGlobal(pos))
    with qtbot.waitSignal(view.contextMenuForSpans) as signal:
        QApplication.sendEvent(view.viewport(), event)
    assert signal.args[0] == [NUMBER.id, CASUALTY.id, EVENT.id]
    assert signal.args[1] == view.viewport().mapToGlobal(pos)


class FakeToolTip:
    """Stands in for QToolTip: the offscreen platform warns when a tooltip window is raised."""

    shown: ClassVar[list[str]] = []

    @classmethod
    def showText(cls, pos: QPoint, text: str, widget: QWidget | None = None) -> None:
        cls.shown.append(text)

    @classmethod
    def hideText(cls) -> None:
        cls.shown.append("")


def test_tooltip_lists_every_label_under_the_mouse(
    view: DocumentView, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(document_view, "QToolTip", FakeToolTip)
    FakeToolTip.shown = []
    pos = center_of(view, find("civilians")[0] + 2)
    event = QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos))
    QApplication.sendEvent(view.viewport(), event)
    tip = FakeToolTip.shown[-1]
    assert "CASUALTY" in tip and "EVENT" in tip
    assert tip.index("CASUALTY") < tip.index("EVENT")  # innermost first
    assert "kind: killed" in tip and "“15 civilians”" in tip
    pos = center_of(view, find("Strike")[0])
    QApplication.sendEvent(
        view.viewport(), QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos))
    )
    assert FakeToolTip.shown[-1] == ""


# ------------------------------------------------------------------------------------- Tab


def test_tab_cycles_the_overlapping_spans_and_keeps_focus(qtbot: QtBot, codebook: Codebook) -> None:
    # No layout: the offscreen platform warns about size hints when one is activated.
    window = QWidget()
    qtbot.addWidget(window)
    view = DocumentView(window)
    view.setGeometry(0, 0, 700, 420)
    other = QLineEdit(window)
    other.setGeometry(0, 430, 700, 30)
    view.set_document(TEXT, ANNOTATIONS, codebook)
    window.resize(700, 500)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    view.setFocus()
    assert QApplication.focusWidget() is view
    view.select_cp(find("15")[0] + 1, find("15")[0] + 1)
    seen = []
    for _ in range(4):
        with qtbot.waitSignal(view.spanClicked) as signal:
            qtbot.keyClick(view, Qt.Key.Key_Tab)
        seen.append(signal.args[0])
        assert view.current() == signal.args[0]
    assert seen == [NUMBER.id, CASUALTY.id, EVENT.id, NUMBER.id]
    assert view.cursor_cp() == find("15")[0] + 1  # cycling does not move the cursor away
    qtbot.keyClick(view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert view.current() == EVENT.id
    assert QApplication.focusWidget() is view  # Tab did not move focus to the line edit
    assert view.focusNextPrevChild(True) is False


def test_tab_with_no_span_at_the_cursor_does_nothing(view: DocumentView, qtbot: QtBot) -> None:
    view.select_cp(1, 1)
    assert view.cycle_at_cursor() is None
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.current() is None


def test_cursor_just_after_a_span_still_cycles_it(view: DocumentView) -> None:
    end = PLACE.end
    view.select_cp(end, end)
    assert view.cycle_at_cursor() == PLACE.id


# ---------------------------------------------------------------------- formats and repaint


def test_background_is_a_tint_of_the_label_colour(view: DocumentView, codebook: Codebook) -> None:
    fmt = format_at(view, find("Idlib")[0])
    assert fmt is not None
    assert near(fmt.background().color(), LOCATION_TINT)
    # Arabic and text after astral characters: the format sits on the right characters.
    fmt = format_at(view, find("إدلب")[0] + 1)
    assert fmt is not None
    assert near(fmt.background().color(), LOCATION_TINT)
    assert format_at(view, find("Strike")[0]) is None
    assert format_at(view, PLACE.end) is None  # the "." after Idlib is plain


def test_nested_spans_underline_the_next_one_out(view: DocumentView, codebook: Codebook) -> None:
    fmt = format_at(view, find("civilians")[0])
    assert fmt is not None
    assert near(fmt.background().color(), "#e0e0c2")  # 30 % CASUALTY #999933 on white
    assert fmt.underlineStyle() == QTextCharFormat.UnderlineStyle.SingleUnderline
    assert fmt.underlineColor().name() == "#aa4499"  # EVENT
    # Three deep: the third span is drawn by the view, not the format.
    assert view.highlighter.spans.decoration((NUMBER.id, CASUALTY.id, EVENT.id)).extra == (
        EVENT.id,
    )


def test_current_span_and_role_fillers_look_different(
    view: DocumentView, codebook: Codebook
) -> None:
    view.set_current(PLACE.id)
    fmt = format_at(view, find("Idlib")[0])
    assert fmt is not None
    assert near(fmt.background().color(), "#7cb48f")  # 55 % LOCATION #117733 on white
    view.set_role_fillers([CASUALTY.id, PLACE.id])
    fmt = format_at(view, find("civilians")[0])
    assert fmt is not None
    assert fmt.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline
    assert fmt.underlineColor().name() == "#999933"  # CASUALTY
    view.set_role_fillers([])
    fmt = format_at(view, find("civilians")[0])
    assert fmt is not None
    assert fmt.underlineStyle() == QTextCharFormat.UnderlineStyle.SingleUnderline
    view.set_current(None)
    fmt = format_at(view, find("Idlib")[0])
    assert fmt is not None
    assert near(fmt.background().color(), LOCATION_TINT)


def count_rehighlights(view: DocumentView) -> list[int]:
    """The numbers of the blocks the view re-highlights from now on (a wrapper on the
    highlighter's rehighlightBlock: nothing is counted in production code)."""
    done: list[int] = []
    highlighter = view.highlighter
    original = highlighter.rehighlightBlock

    def counting(block: QTextBlock) -> None:
        done.append(block.blockNumber())
        original(block)

    highlighter.rehighlightBlock = counting  # type: ignore[method-assign]
    return done


def test_add_and_remove_rehighlight_only_the_blocks_they_touch(
    view: DocumentView, codebook: Codebook
) -> None:
    done = count_rehighlights(view)
    calls = len(done)
    span = ann(20, "DATE", find("dawn"))
    view.add_or_update(span)
    assert len(done) - calls == 1
    assert view.annotations_at(span.start) == [20]
    fmt = format_at(view, span.start)
    assert fmt is not None
    assert near(fmt.background().color(), "#dbf0fa")  # 30 % DATE #88ccee on white

    calls = len(done)
    moved = ann(20, "ACTOR", find("Strike"))  # another block: both are repainted
    view.add_or_update(moved)
    assert len(done) - calls == 2
    assert format_at(view, span.start) is None
    assert format_at(view, moved.start) is not None

    calls = len(done)
    view.remove(20)
    assert len(done) - calls == 1
    assert format_at(view, moved.start) is None
    assert view.annotations_at(moved.start) == []
    view.remove(20)  # twice: nothing to do
    assert len(done) - calls == 1


def test_removing_the_current_span_clears_it(view: DocumentView) -> None:
    view.set_current(ACTOR.id)
    view.set_role_fillers([ACTOR.id])
    view.remove(ACTOR.id)
    assert view.current() is None
    assert view.highlighter.spans.fillers == frozenset()


def test_label_colours_can_be_overridden(view: DocumentView) -> None:
    view.set_label_colors({"LOCATION": "#000000"})
    view.viewport().grab()
    fmt = format_at(view, find("Idlib")[0])
    assert fmt is not None
    assert near(fmt.background().color(), "#b3b3b3")  # 30 % black on white


def test_a_dark_palette_retints_the_spans(view: DocumentView, codebook: Codebook) -> None:
    palette = view.palette()
    palette.setColor(QPalette.ColorRole.Base, QColor("#202020"))
    view.setPalette(palette)
    view.viewport().grab()
    fmt = format_at(view, find("Idlib")[0])
    assert fmt is not None
    assert near(fmt.background().color(), "#1c3a26")  # 30 % LOCATION #117733 on #202020


def test_unknown_labels_get_a_neutral_colour(qtbot: QtBot, codebook: Codebook) -> None:
    view = DocumentView()
    qtbot.addWidget(view)
    view.set_document(TEXT, [ann(1, "RETIRED_LABEL", find("Strike"))], codebook)
    view.show()
    view.viewport().grab()
    fmt = format_at(view, 0)
    assert fmt is not None
    assert near(fmt.background().color(), "#dddddd")  # 30 % neutral #8c8c8c on white


def test_search_hits_are_extra_selections_on_the_right_characters(view: DocumentView) -> None:
    hits = [find("15", 0), find("15", 1)]
    view.set_search_hits(hits)
    selections = view.extraSelections()
    assert [s.cursor.selectedText() for s in selections] == ["15", "15"]
    view.set_search_hits([])
    assert view.extraSelections() == []


# ------------------------------------------------------------ long documents and scrolling


def long_text(paragraphs: int = 400) -> str:
    return "\n\n".join(
        f"Paragraph {i} 😢 reports {i} killed in town {i}." for i in range(paragraphs)
    )


def test_far_blocks_are_highlighted_when_they_come_into_view(
    qtbot: QtBot, codebook: Codebook
) -> None:
    text = long_text()
    far = text.index("Paragraph 390 ")
    target = ann(1, "EVENT", (far + 16, far + 23))  # "reports"
    assert text[target.start : target.end] == "reports"
    view = DocumentView()
    qtbot.addWidget(view)
    view.resize(600, 300)
    done = count_rehighlights(view)
    view.set_document(text, [ann(2, "ACTOR", (0, 9)), target], codebook)
    view.show()
    qtbot.waitExposed(view)
    view.viewport().grab()
    assert 0 < len(done) < 60  # a screenful of 800 blocks
    block = view.document().findBlock(view._offsets.to_utf16(far))
    assert block.layout().formats() == []  # not painted yet
    view.scroll_to_cp(target.start)
    view.viewport().grab()
    first = view.firstVisibleBlock().blockNumber()
    assert first <= block.blockNumber() <= first + 20
    assert [f.start for f in block.layout().formats()] == [view._offsets.to_utf16(target.start)
                                                          - block.position()]  # fmt: skip
    # A change in a block never painted is left for its first paint.
    calls = len(done)
    view.add_or_update(
        ann(3, "ACTOR", (text.index("Paragraph 200 "), text.index("Paragraph 200 ") + 9))
    )
    assert len(done) == calls


def test_set_current_scrolls_the_span_into_view(qtbot: QtBot, codebook: Codebook) -> None:
    text = long_text()
    far = text.index("Paragraph 300 ")
    view = DocumentView()
    qtbot.addWidget(view)
    view.resize(600, 300)
    view.set_document(text, [ann(1, "LOCATION", (far, far + 9))], codebook)
    view.show()
    qtbot.waitExposed(view)
    assert view.firstVisibleBlock().blockNumber() == 0
    view.set_current(1)
    target = view._offsets.block_of(far)
    first = view.firstVisibleBlock().blockNumber()
    assert first <= target <= first + 20
    assert view.cursor_cp() == far  # the cursor moved to the span
    before = view.verticalScrollBar().value()
    view.scroll_to_cp(far + 3)  # already visible: no jump
    assert view.verticalScrollBar().value() == before


def test_zoom_is_an_absolute_level_within_bounds(view: DocumentView) -> None:
    base = view.font().pointSizeF()
    view.zoom(2)
    assert view.font().pointSizeF() == base + 2
    view.zoom(2)
    assert view.font().pointSizeF() == base + 2
    view.zoom(100)
    assert view.font().pointSizeF() == 40
    view.zoom(-100)
    assert view.font().pointSizeF() == 6
    view.zoom(0)
    assert view.font().pointSizeF() == base
    assert view.zoom_level() == 0


def test_set_document_again_resets_marks(view: DocumentView, codebook: Codebook) -> None:
    view.set_current(PLACE.id)
    view.set_role_fillers([CASUALTY.id])
    view.set_document("Another text.", [], codebook)
    assert view.current() is None
    assert view.highlighter.spans.fillers == frozenset()
    assert view.annotations_at(0) == []
    assert view.text == "Another text."


def test_mostly_arabic_articles_are_right_aligned(qtbot: QtBot, codebook: Codebook) -> None:
    view = DocumentView()
    qtbot.addWidget(view)
    view.set_document("قتل 15 مدنياً في إدلب بحسب المرصد السوري.", [], codebook)
    assert view.document().defaultTextOption().alignment() & Qt.AlignmentFlag.AlignRight
    view.set_document(TEXT, [], codebook)
    assert view.document().defaultTextOption().alignment() & Qt.AlignmentFlag.AlignLeft


def test_offscreen_render(view: DocumentView, codebook: Codebook) -> None:
    view.set_current(EVENT.id)
    view.set_role_fillers([ARABIC.id])
    view.set_search_hits([find("dawn")])
    image = view.grab().toImage()
    assert not image.isNull() and image.width() == view.width()
    # The pixel just inside the top of "Idlib"'s line box is the span's tint.
    pos = center_of(view, find("Idlib")[0] + 2)
    cursor = QTextCursor(view.document())
    cursor.setPosition(view._offsets.to_utf16(find("Idlib")[0] + 2))
    top = view.cursorRect(cursor).top() + 1
    pixel = view.viewport().grab().toImage().pixelColor(pos.x(), top)
    expected = QColor(LOCATION_TINT)
    assert abs(pixel.red() - expected.red()) <= 2
    assert abs(pixel.green() - expected.green()) <= 2
    assert abs(pixel.blue() - expected.blue()) <= 2


def test_text_imported_with_crlf_maps_exactly(qtbot: QtBot, codebook: Codebook) -> None:
    from annotator.core.text import normalise

    stored = normalise("Line one 😢\r\nقتل 15\r\n\r\nThe end, Idlib.\r\n").text
    start = stored.index("Idlib")
    view = DocumentView()
    qtbot.addWidget(view)
    view.set_document(stored, [ann(1, "LOCATION", (start, start + 5))], codebook)
    view.show()
    view.viewport().grab()
    assert view.document().blockCount() == stored.count("\n") + 1
    view.select_cp(start, start + 5)
    assert view.textCursor().selectedText() == "Idlib"
    assert format_at(view, start) is not None and format_at(view, start - 1) is None
