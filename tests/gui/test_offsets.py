"""Code points ↔ Qt positions, checked against what Qt itself builds from the same text."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextCursor, QTextDocument

from annotator.core.text import normalise
from annotator.gui.offsets import OffsetMap

EMOJI = "Strike 😢 on 🏥 hospital\n👨\u200d👩\u200d👧 family of 3"
ARABIC = "قتل 15 مدنياً في إدلب\nالمرصد السوري لحقوق الإنسان"
COMBINING = "cafe\u0301 and Zoe\u0308 in Ha\u0300 Noi\u0302"
MIXED = "Idlib إدلب 😢 e\u0301\n\nThe end 🎉"
TEXTS = [EMOJI, ARABIC, COMBINING, MIXED, "", "\n", "plain ascii\nlines\n", "x\u2029y"]


def qt_document(omap: OffsetMap) -> QTextDocument:
    doc = QTextDocument()
    doc.setPlainText(omap.qt_text)
    return doc


def qt_slice(doc: QTextDocument, start: int, end: int) -> str:
    cursor = QTextCursor(doc)
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    return cursor.selectedText().replace("\u2029", "\n")


@pytest.mark.parametrize("text", TEXTS)
def test_every_code_point_maps_to_the_same_character_in_qt(text: str, qtbot: object) -> None:
    omap = OffsetMap(text)
    doc = qt_document(omap)
    assert doc.characterCount() == omap.utf16_length + 1  # Qt adds a final paragraph mark
    for cp in range(len(text)):
        expected = text[cp].replace("\u2029", "\n")  # Qt reports every separator as U+2029
        assert qt_slice(doc, omap.to_utf16(cp), omap.to_utf16(cp + 1)) == expected
        assert omap.to_cp(omap.to_utf16(cp)) == cp
    assert omap.to_utf16(len(text)) == omap.utf16_length
    assert omap.to_cp(omap.utf16_length) == len(text)


@pytest.mark.parametrize("text", TEXTS)
def test_blocks_match_qt_blocks(text: str, qtbot: object) -> None:
    omap = OffsetMap(text)
    doc = qt_document(omap)
    assert doc.blockCount() == omap.block_count
    block = doc.firstBlock()
    for n in range(omap.block_count):
        start, end = omap.block_range(n)
        assert block.blockNumber() == n
        assert block.position() == omap.block_utf16_start(n)
        assert block.text() == text[start:end]
        for cp in range(start, end):
            assert omap.block_of(cp) == n
        block = block.next()
    assert not block.isValid()


def test_astral_conversion_and_surrogate_halves() -> None:
    text = "a😢b🎉c"
    omap = OffsetMap(text)
    assert omap.has_astral
    assert [omap.to_utf16(i) for i in range(6)] == [0, 1, 3, 4, 6, 7]
    assert omap.utf16_length == 7
    # Position 2 sits between the halves of 😢: it belongs to that character.
    assert omap.to_cp(2) == 1
    assert omap.to_cp(2, round_up=True) == 2
    assert omap.range_to_cp(2, 5) == (1, 4)
    assert omap.range_to_utf16(1, 4) == (1, 6)
    # Out of range positions are clamped.
    assert omap.to_utf16(-3) == 0 and omap.to_utf16(99) == 7
    assert omap.to_cp(-1) == 0 and omap.to_cp(99) == 5


def test_fast_path_without_astral_characters() -> None:
    omap = OffsetMap(ARABIC + COMBINING)
    assert not omap.has_astral
    assert all(omap.to_utf16(i) == i for i in range(len(ARABIC + COMBINING) + 1))


def test_text_that_had_crlf_before_import(qtbot: object) -> None:
    raw = "Line one 😢\r\nLine two, قتل 15\r\n\r\nLine four\r\n"
    stored = normalise(raw).text
    assert "\r" not in stored
    omap = OffsetMap(stored)
    doc = qt_document(omap)
    assert doc.blockCount() == omap.block_count == 5
    start = stored.index("قتل")
    u_start, u_end = omap.range_to_utf16(start, start + 3)
    assert qt_slice(doc, u_start, u_end) == "قتل"
    assert omap.block_of(start) == 1
    four = stored.index("four")
    assert omap.blocks_in(start, four + 4) == range(1, 4)


def test_stray_carriage_returns_and_qt_markers_keep_the_mapping_exact(qtbot: object) -> None:
    # The store never holds "\r", but the view must not drift if one slips through: Qt would
    # fold "\r\n" into one separator and shift every later position.
    text = "a\r\nb\rc\ufdd0d"
    omap = OffsetMap(text)
    assert len(omap.qt_text) == len(text)
    doc = qt_document(omap)
    assert doc.characterCount() == omap.utf16_length + 1
    assert doc.blockCount() == omap.block_count == 4
    d = text.index("d")
    assert qt_slice(doc, omap.to_utf16(d), omap.to_utf16(d + 1)) == "d"


def test_blocks_in_a_range() -> None:
    omap = OffsetMap("ab\ncd\n\nef")
    assert omap.block_range(0) == (0, 2)
    assert omap.block_range(2) == (6, 6)
    assert omap.block_range(3) == (7, 9)
    assert omap.blocks_in(0, 2) == range(0, 1)
    assert omap.blocks_in(1, 4) == range(0, 2)
    assert omap.blocks_in(2, 3) == range(0, 1)  # the separator belongs to its line
    assert omap.blocks_in(8, 8) == range(3, 4)  # an empty range: the block holding it
