"""The article being coded: a read-only text view that shows annotations and reports clicks.

``DocumentView`` keeps the stored text, an ``OffsetMap`` and a ``SpanIndex``; everything it
says or is told is in code points. It holds no business logic: it reports what the coder points
at (``spanClicked``, ``selectionChangedCp``, ``contextMenuForSpans``) and repaints what the main
window tells it changed. Label shortcut keys belong to the main window's actions, not to it.

Painting: the ``SpanHighlighter`` puts backgrounds and one underline per character into the
block formats; ``paintEvent`` adds what a character format cannot carry, for the visible blocks
only: an outline around the current span and thin stacked lines for a third or deeper overlap.
Search hits are the only extra selections (a few at most).

Tags and arcs (gui/arcs.py holds their geometry): a band above every line holds the label
tags of the spans starting on it and the arcs of role links and relations. QPlainTextEdit's
layout honours neither line height nor block margins, so the band is made by moving each line
of a block down (``_make_room``) before the block is painted; the lines keep their text, so
offsets, the cursor and hit tests stay exact. With tags off and no links there is no band.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterator, Sequence
from typing import NamedTuple, cast

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QRegion,
    QResizeEvent,
    QTextBlock,
    QTextCharFormat,
    QTextCursor,
    QTextLine,
    QTextOption,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QTextEdit, QToolTip, QWidget

from annotator.core.codebook import Codebook
from annotator.core.records import Annotation, Link
from annotator.core.spans import SpanIndex
from annotator.gui.arcs import Arc, ArcIndex, levels, make_arcs, place_tags, shown_arcs, tag_text
from annotator.gui.highlighter import SpanHighlighter
from annotator.gui.offsets import OffsetMap

MoveMode = QTextCursor.MoveMode
SEARCH_HIT_COLOR = "#ffd43b"
SUGGESTION_COLOR = "#6a3d9a"  # dashed outlines of suggested spans
MAX_SEARCH_HITS = 2000  # extra selections are repainted one by one: keep them few
READING_MEASURE = 95  # widest text column, in average characters, before side margins grow
MIN_POINT_SIZE, MAX_POINT_SIZE = 6.0, 40.0
LANE_STEP, MAX_LANE = 4.0, 2  # arcs nest in up to three lanes this far apart (pixels)


Tag = tuple[float, float, str, str, int]  # left, width, label, text, span id


class BlockMarks(NamedTuple):
    """The spans starting in one block: their (line number, x where their arcs end), and
    the tags of each line."""

    starts: dict[int, tuple[int, float]]
    tags: list[tuple[int, list[Tag]]]


class DocumentView(QPlainTextEdit):
    spanClicked = Signal(int)  # annotation id under a click (innermost); -1 for none
    selectionChangedCp = Signal(int, int)  # selection as code points (start, end); (p, p) if empty
    contextMenuForSpans = Signal(list, QPoint)  # annotation ids under the right-click, global pos
    zoomChanged = Signal(int)  # zoom level after a Ctrl+wheel (see zoom())

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.document().setDocumentMargin(14)
        # The side margins of a wide window are part of the page, not a grey frame.
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setAutoFillBackground(True)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
        font.setPointSizeF(max(11.0, font.pointSizeF() * 1.2))
        font.setStyleHint(QFont.StyleHint.SansSerif)
        self.setFont(font)
        self._base_point_size = font.pointSizeF()
        self._zoom_steps = 0

        self._text = ""
        self._offsets = OffsetMap("")
        self._index = SpanIndex()
        self._annotations: dict[int, Annotation] = {}
        self._codebook_colors: dict[str, str] = {}
        self._color_overrides: dict[str, str] = {}
        self._current: int | None = None
        self._fillers: frozenset[int] = frozenset()
        self._suggestions: list[tuple[int, int]] = []  # suggested spans (code points)
        self._suggestion_current = 0
        self._last_selection = (0, 0)
        self._press_pos: QPoint | None = None
        # Tags and arcs (see the module's docstring)
        self._links: dict[int, Link] = {}
        self._relations: frozenset[str] = frozenset()
        self._number_attr: dict[str, str] = {}  # label -> the attribute its tag shows
        self._attr_order: dict[str, tuple[str, ...]] = {}  # label -> its attributes' order
        self._event: int | None = None  # the selected event: its role arcs always show
        self._arcs_on = True
        self._tags_on = True
        self._arc_index: ArcIndex | None = None  # rebuilt when links or spans change
        self._marks_cache: dict[int, tuple[tuple[int, float, bool], BlockMarks]] = {}
        self._small = QFont()
        self._small_height = 0.0
        self._band = 0.0
        self._ever_banded = False  # lines may have moved: the scroll range must follow them
        self._settling = False
        self._rtl = False  # a right-to-left article: its arcs' gutter is on the right
        self._highlighter = SpanHighlighter(self.document())
        self._look = self._highlighter.spans  # index, offsets, marks and colours, shared
        self._apply_colors()
        self._update_band()
        self.document().documentLayout().documentSizeChanged.connect(self._settle_end)
        self.selectionChanged.connect(self._selection_moved)
        self.cursorPositionChanged.connect(self._selection_moved)

    # ------------------------------------------------------------------------ document

    def set_document(
        self, text: str, annotations: Sequence[Annotation], codebook: Codebook
    ) -> None:
        """Show ``text`` with its annotations; resets current span, role fillers and hits."""
        self._text = text
        self._offsets = OffsetMap(text)
        self._annotations = {a.id: a for a in annotations}
        self._index = SpanIndex(self._annotations.values())
        self._codebook_colors = {label.name: label.color for label in codebook.labels}
        self._relations = frozenset(r.name for r in codebook.relations)
        self._number_attr = {}
        # the tooltip lists required attributes first, then the others in codebook order
        self._attr_order = {
            label.name: tuple(
                a.name for a in sorted(label.attributes, key=lambda a: not a.required)
            )
            for label in codebook.labels
        }
        for label in codebook.labels:
            # the tag shows a count (an integer without an upper bound: not a precision scale)
            number = next(
                (a.name for a in label.attributes if a.type == "integer" and a.max is None), None
            )
            if number is not None:
                self._number_attr[label.name] = number
        self._links = {}
        self._event = None
        self._arc_index = None
        self._marks_cache.clear()
        self._update_band()
        self._current = None
        self._fillers = frozenset()
        self._suggestions = []
        look = self._look
        look.index = self._index
        look.offsets = self._offsets
        look.current = None
        look.fillers = self._fillers
        self._apply_colors()
        self.setExtraSelections([])
        self._apply_direction(text)
        # setPlainText would highlight all blocks at once; the visible ones are highlighted
        # when painted instead (paintEvent), so a long article opens in the time of a short one.
        self._highlighter.defer_all()
        look.deferring = True
        try:
            self.setPlainText(self._offsets.qt_text)
        finally:
            look.deferring = False
        self._settle_end()
        self._selection_moved()

    @property
    def text(self) -> str:
        """The stored text shown (never read back from the widget)."""
        return self._text

    @property
    def highlighter(self) -> SpanHighlighter:
        return self._highlighter

    def annotation(self, annotation_id: int) -> Annotation | None:
        return self._annotations.get(annotation_id)

    def add_or_update(self, annotation: Annotation) -> None:
        """Show a new or changed annotation; repaints only the blocks it was and is in."""
        old = self._annotations.get(annotation.id)
        self._annotations[annotation.id] = annotation
        self._index.add(annotation)
        ranges = [(annotation.start, annotation.end)]
        moved_from = None
        if old is not None:
            ranges.append((old.start, old.end))
            if old.start != annotation.start:
                self._arc_index = None
                moved_from = old.start  # where its arcs were anchored
        self._repaint_ranges(ranges, (annotation.id,), moved_from)

    def remove(self, annotation_id: int) -> None:
        old = self._annotations.pop(annotation_id, None)
        if old is None:
            return
        self._index.remove(annotation_id)
        if self._current == annotation_id:
            self._current = self._look.current = None
        if annotation_id in self._fillers:
            self._fillers = self._look.fillers = self._fillers - {annotation_id}
        self._arc_index = None
        self._repaint_ranges([(old.start, old.end)], (annotation_id,), old.start)

    def set_current(self, annotation_id: int | None) -> None:
        """Mark the current span and scroll it into view.

        The text cursor moves to the span's start unless it is already inside the span (a click
        or Tab put it there), so Tab keeps cycling where the coder is.
        """
        if annotation_id is not None and annotation_id not in self._annotations:
            annotation_id = None
        old = self._current
        if annotation_id != old:
            self._current = self._look.current = annotation_id
            self._repaint_ids([i for i in (old, annotation_id) if i is not None])
        if annotation_id is None:
            return
        ann = self._annotations[annotation_id]
        cursor = self.cursor_cp()
        if not ann.start <= cursor <= ann.end:
            self.select_cp(ann.start, ann.start)
        self._ensure_visible(ann.start)

    def current(self) -> int | None:
        return self._current

    def set_suggestions(self, ranges: Sequence[tuple[int, int]], current: int = 0) -> None:
        """Suggested spans, not yet in the layer: dashed outlines (the current one bolder)."""
        old = list(self._suggestions)
        self._suggestions = list(ranges)
        self._suggestion_current = current
        self._repaint_ranges(old + self._suggestions)

    def set_role_fillers(self, ids: Sequence[int]) -> None:
        """Mark the spans linked to the selected event (a wavy underline in their colour)."""
        new = frozenset(i for i in ids if i in self._annotations)
        changed = new ^ self._fillers
        self._fillers = self._look.fillers = new
        self._repaint_ids(list(changed))

    def set_links(self, links: Sequence[Link], event: int | None = None) -> None:
        """The document's role links and relations, drawn as arcs; ``event`` is the selected
        event, whose role arcs show even when the full arc set is off."""
        old_links, old_event = self._links, self._event
        self._links = {k.id: k for k in links}
        self._event = event
        self._arc_index = None
        band = self._band
        self._update_band()
        if band != self._band:  # _update_band repainted everything
            return
        changed = set(old_links.values()) ^ set(self._links.values())
        if event != old_event:  # the selected event's arcs show even with the full set off
            changed.update(
                k for k in (*old_links.values(), *links) if k.from_id in (old_event, event)
            )
        ends = [
            ann.start
            for link in changed
            for end in (link.from_id, link.to_id)
            if (ann := self._annotations.get(end)) is not None
        ]
        if ends:
            self.viewport().update(self._changed_region([], ends))

    def show_arcs(self, on: bool) -> None:
        """All arcs of the visible text (on), or only the selected event's and relations."""
        self._arcs_on = on
        self.viewport().update()

    def arcs_shown(self) -> bool:
        return self._arcs_on

    def show_tags(self, on: bool) -> None:
        """Label tags above the spans."""
        self._tags_on = on
        self._update_band()
        self.viewport().update()

    def tags_shown(self) -> bool:
        return self._tags_on

    def set_search_hits(self, ranges: Sequence[tuple[int, int]]) -> None:
        """Show search hits as extra selections (the first MAX_SEARCH_HITS of them)."""
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(SEARCH_HIT_COLOR))
        fmt.setForeground(QColor("#000000"))
        selections = []
        for start, end in ranges[:MAX_SEARCH_HITS]:
            sel = QTextEdit.ExtraSelection()
            sel.cursor = self._cursor_for(start, end)
            sel.format = fmt
            selections.append(sel)
        self.setExtraSelections(selections)

    def set_label_colors(self, colors: dict[str, str]) -> None:
        """Override label colours (``{"ACTOR": "#4e79a7"}``); repaints the whole text."""
        self._color_overrides.update(colors)
        self._apply_colors()
        self._highlighter.defer_all()  # visible blocks are re-highlighted as they are painted
        self.viewport().update()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # Tints are mixed with the background colour: a theme change re-tints (lazily).
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "_look"):
            self._apply_colors()
            self._highlighter.defer_all()
            self.viewport().update()

    def _apply_direction(self, text: str) -> None:
        """Right-align a mostly right-to-left article.

        QPlainTextEdit shapes each paragraph in its own direction but aligns all of them the
        same way (it ignores per-block alignment), so the majority script decides.
        """
        sample = text[:4000]
        rtl = sum(1 for ch in sample if "\u0590" <= ch <= "\u08ff" or "\ufb1d" <= ch <= "\ufefc")
        letters = sum(1 for ch in sample if ch.isalpha())
        option = self.document().defaultTextOption()
        self._rtl = rtl * 2 > letters
        align = Qt.AlignmentFlag.AlignRight if self._rtl else Qt.AlignmentFlag.AlignLeft
        if option.alignment() != align:
            option.setAlignment(align)
            self.document().setDefaultTextOption(option)

    def _apply_colors(self) -> None:
        colors = {**self._codebook_colors, **self._color_overrides}
        self._look.set_colors(colors, self.palette().color(QPalette.ColorRole.Base))

    def _repaint_ids(self, ids: Sequence[int]) -> None:
        ranges = [(a.start, a.end) for i in ids if (a := self._annotations.get(i)) is not None]
        self._repaint_ranges(ranges, ids)

    def _repaint_ranges(
        self,
        ranges: Sequence[tuple[int, int]],
        ids: Sequence[int] = (),
        gone_start: int | None = None,
    ) -> None:
        """Re-highlight the blocks of ``ranges`` and repaint what the change of the spans
        there (``ids``; ``gone_start``: where a removed one started) can alter on screen."""
        for start, end in ranges:
            for number in self._offsets.blocks_in(start, end):
                self._marks_cache.pop(number, None)
        if not ranges:
            return
        # Re-highlighting lays the blocks out again (lines back at 0, the band gone until
        # _make_room restores it), and the layout, seeing their height change, would have the
        # whole viewport repainted: its signals wait until the heights are back, and only
        # if one is not is the whole text repainted.
        doc = self.document()
        layout = doc.documentLayout()
        numbers = sorted({n for start, end in ranges for n in self._offsets.blocks_in(start, end)})
        heights = [self.blockBoundingRect(doc.findBlockByNumber(n)).height() for n in numbers]
        blocked = layout.blockSignals(True)
        try:
            self._highlighter.rehighlight_ranges(ranges)
            if self._band:  # lays each block out first if the change left it unlaid
                for number in numbers:
                    self._make_room(doc.findBlockByNumber(number))
        finally:
            layout.blockSignals(blocked)
        after = [self.blockBoundingRect(doc.findBlockByNumber(n)).height() for n in numbers]
        if after != heights:
            layout.documentSizeChanged.emit(layout.documentSize())
            self.viewport().update()
            return
        # The outline and stacked lines are painted by paintEvent, not by the formats.
        ends: list[int] = []  # where the arcs touching the spans start and end
        if self._links and self._band:
            touched = set(ids)
            for link in self._links.values():
                if link.from_id in touched or link.to_id in touched:
                    for end in (link.from_id, link.to_id):
                        ann = self._annotations.get(end)
                        if ann is not None:
                            ends.append(ann.start)
                    if gone_start is not None:
                        ends.append(gone_start)
        self.viewport().update(self._changed_region(ranges, ends))

    def _changed_region(self, ranges: Sequence[tuple[int, int]], ends: Sequence[int]) -> QRegion:
        """The viewport area a change of the spans in ``ranges`` or of arcs ending at the code
        points ``ends`` can alter: the lines of both, each with the band above it (tags,
        arcs' lanes and names) and room below for stacked underlines, and, when there are arcs,
        the gutter the arcs between lines run through (an arc's own part between the lines
        lies there; its ends run in its lines' bands)."""
        region = QRegion()
        if not ranges and not ends:
            return region
        width = self.viewport().width()
        tops = {b.blockNumber(): top for b, top in self._visible_blocks()}
        for start, end in [*ranges, *((cp, cp) for cp in ends)]:
            depth = max((len(seg.ids) for seg in self._index.segments(start, end)), default=1)
            below = 4.0 + 2.0 * depth  # stacked underlines under the deepest nesting
            for number in self._offsets.blocks_in(start, end):
                top = tops.get(number)
                if top is None:  # off screen or hidden
                    continue
                block = self.document().findBlockByNumber(number)
                layout = block.layout()
                s16 = self._offsets.to_utf16(start) - block.position()
                e16 = self._offsets.to_utf16(end) - block.position()
                for i in range(layout.lineCount()):
                    line = layout.lineAt(i)
                    a, b = line.textStart(), line.textStart() + line.textLength()
                    if e16 < a or s16 > b or (e16 == a and s16 < e16):
                        continue
                    y1 = top + line.y() - self._band - 1.0
                    y2 = top + line.y() + line.height() + below
                    region += QRect(0, math.floor(y1), width, math.ceil(y2 - y1) + 1)
        if self._links and self._band:
            region += self._gutter_rect()
        return region.intersected(self.viewport().rect())

    def _gutter_x(self) -> float:
        """x of the arcs' gutter column 0: left of the text, right of it when it is RTL."""
        margin = self.document().documentMargin()
        if self._rtl:
            return self.viewport().width() - margin + 3.0
        return margin - 3.0

    def _gutter_rect(self) -> QRect:
        x = round(self._gutter_x())
        return QRect(x - 14, 0, 28, self.viewport().height())

    # ---------------------------------------------------------------- selection and cursor

    def _cursor_for(self, start: int, end: int) -> QTextCursor:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._offsets.to_utf16(start))
        cursor.setPosition(self._offsets.to_utf16(end), MoveMode.KeepAnchor)
        return cursor

    def selection_cp(self) -> tuple[int, int]:
        cursor = self.textCursor()
        return self._offsets.range_to_cp(cursor.selectionStart(), cursor.selectionEnd())

    def select_cp(self, start: int, end: int) -> None:
        """Select ``[start, end)`` (the cursor ends at ``end``); equal offsets place the cursor."""
        self.setTextCursor(self._cursor_for(start, end))

    def cursor_cp(self) -> int:
        return self._offsets.to_cp(self.textCursor().position())

    def annotations_at(self, cp: int) -> list[int]:
        """Ids of the annotations covering code point ``cp``, innermost first."""
        return self._index.ids_at(cp)

    def _selection_moved(self) -> None:
        selection = self.selection_cp()
        if selection != self._last_selection:
            self._last_selection = selection
            self.selectionChangedCp.emit(*selection)

    def _ids_at_cursor(self) -> list[int]:
        cp = self.cursor_cp()
        ids = self._index.ids_at(cp)
        if not ids and cp > 0:  # the cursor just after a span's last character
            ids = self._index.ids_at(cp - 1)
        return ids

    def cycle_at_cursor(self, backwards: bool = False) -> int | None:
        """Make the next (or previous) of the spans at the cursor current; returns its id."""
        ids = self._ids_at_cursor()
        if not ids:
            return None
        if self._current in ids:
            step = -1 if backwards else 1
            chosen = ids[(ids.index(self._current) + step) % len(ids)]
        else:
            chosen = ids[-1] if backwards else ids[0]
        self.set_current(chosen)
        return chosen

    # -------------------------------------------------------------------------- scrolling

    def scroll_to_cp(self, cp: int) -> None:
        """Scroll so that code point ``cp`` is visible (no scroll if it already is)."""
        self._ensure_visible(cp)

    def _ensure_visible(self, cp: int) -> None:
        u16 = self._offsets.to_utf16(cp)
        doc = self.document()
        block = doc.findBlock(u16)
        if not block.isValid():
            return
        # Lay out that one block (not the ones between it and the screen) to find its line.
        self._make_room(block)
        line = block.layout().lineForTextPosition(u16 - block.position())
        line_in_block = line.lineNumber() if line.isValid() else 0
        for visible, top in self._visible_blocks():
            if visible == block:
                line_top = top + (line.y() if line.isValid() else 0.0)
                line_height = line.height() if line.isValid() else 0.0
                if line_top >= 0 and line_top + line_height <= self.viewport().height():
                    return
                break
        line_height = max(1.0, float(self.fontMetrics().lineSpacing()) + self._band)
        context = int(self.viewport().height() / line_height) // 3
        bar = self.verticalScrollBar()
        bar.setValue(max(0, block.firstLineNumber() + line_in_block - context))

    def _visible_blocks(self, rect: QRect | None = None) -> Iterator[tuple[QTextBlock, float]]:
        """The blocks painted in the viewport (or ``rect``) and the y of their top edge."""
        bottom = (rect or self.viewport().rect()).bottom()
        block = self.firstVisibleBlock()
        if not block.isValid():
            return
        top = self.blockBoundingGeometry(block).translated(self.contentOffset()).top()
        while block.isValid() and top <= bottom:
            height = self.blockBoundingRect(block).height()
            if block.isVisible():
                yield block, top
            top += height
            block = block.next()

    def zoom(self, steps: int) -> None:
        """Show the text ``steps`` points larger than the base size (0 restores it).

        The level is absolute, so the main window can restore a saved preference; the font stays
        within 6–40 pt.
        """
        size = min(max(self._base_point_size + steps, MIN_POINT_SIZE), MAX_POINT_SIZE)
        self._zoom_steps = round(size - self._base_point_size)
        font = self.font()
        if font.pointSizeF() != size:
            font.setPointSizeF(size)
            self.setFont(font)
            self._update_margins()
            self._update_band()

    def zoom_level(self) -> int:
        return self._zoom_steps

    def wheelEvent(self, event: QWheelEvent) -> None:
        # Ctrl+wheel zooms (QPlainTextEdit would zoom without bounds); zoomChanged lets the
        # window keep its preference in step.
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            delta = event.angleDelta().y()
            if delta:
                self.zoom(self._zoom_steps + (1 if delta > 0 else -1))
                self.zoomChanged.emit(self._zoom_steps)
            event.accept()
            return
        super().wheelEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # The scroll area forwards the viewport's resizes here too; margins depend on the
        # widget's own width only, so the nested resize they cause changes nothing further.
        # Margins first: the base class lays the text out for the viewport's width.
        self._update_margins()
        super().resizeEvent(event)
        self._settle_end()

    def _update_margins(self) -> None:
        """Keep lines at a readable length: wide windows get side margins, not longer lines."""
        measure = QFontMetricsF(self.font()).averageCharWidth() * READING_MEASURE
        scrollbar = self.verticalScrollBar().sizeHint().width()
        side = max(0, int(self.width() - 2 * self.frameWidth() - scrollbar - measure) // 2)
        margins = self.viewportMargins()
        if margins.left() != side or margins.right() != side:
            self.setViewportMargins(side, 0, side, 0)

    # ------------------------------------------------------------------------- pointing

    def _cp_at(self, point: QPoint) -> int | None:
        """Code point of the character under a viewport point; None off the text."""
        for block, top in self._visible_blocks():
            layout = block.layout()
            y = point.y() - top
            if y < 0:
                return None
            for i in range(layout.lineCount()):
                line = layout.lineAt(i)
                if line.y() <= y < line.y() + line.height():
                    natural = line.naturalTextRect()
                    if not natural.left() <= point.x() < natural.right():
                        return None
                    pos = line.xToCursor(point.x(), QTextLine.CursorPosition.CursorOnCharacter)
                    if pos >= line.textStart() + line.textLength():
                        return None
                    return self._offsets.to_cp(block.position() + pos)
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press_pos = event.position().toPoint()
        if (
            event.button() == Qt.MouseButton.LeftButton
            and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            and self.textCursor().hasSelection()
        ):
            # Text drag-and-drop is off in the article: a press inside the selection would
            # start dragging it; drop the selection so the press starts a new one instead.
            cursor = self.textCursor()
            cursor.clearSelection()
            self.setTextCursor(cursor)
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        press, self._press_pos = self._press_pos, None
        if event.button() != Qt.MouseButton.LeftButton or press is None:
            return
        point = event.position().toPoint()
        moved = (point - press).manhattanLength() >= QApplication.startDragDistance()
        if moved or self.textCursor().hasSelection():
            return  # a drag selects text, as usual
        cp = self._cp_at(point)
        ids = self._index.ids_at(cp) if cp is not None else []
        chosen = ids[0] if ids else self._tag_at(point)  # a click on a tag chooses its span
        self.set_current(chosen)
        self.spanClicked.emit(chosen if chosen is not None else -1)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if event.reason() == QContextMenuEvent.Reason.Mouse:
            cp = self._cp_at(event.pos())
            ids = self._index.ids_at(cp) if cp is not None else []
            where = event.globalPos()
        else:  # the menu key: the spans at the text cursor
            ids = self._ids_at_cursor()
            where = self.viewport().mapToGlobal(self.cursorRect().bottomLeft())
        self.contextMenuForSpans.emit(ids, where)
        event.accept()

    def event(self, event: QEvent) -> bool:
        # Tab and Shift+Tab cycle through the spans at the cursor instead of moving focus.
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            mods = event.modifiers()
            blocked = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
            if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and not mods & blocked:
                backwards = key == Qt.Key.Key_Backtab or bool(
                    mods & Qt.KeyboardModifier.ShiftModifier
                )
                chosen = self.cycle_at_cursor(backwards)
                if chosen is not None:
                    self.spanClicked.emit(chosen)
                event.accept()
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        super().keyPressEvent(event)
        self._show_cursor_line()

    def _show_cursor_line(self) -> None:
        """Scroll on until the cursor's line is whole: QPlainTextEdit stops scrolling once a
        line's text shows, not counting the band over the top line."""
        if not self._band:
            return
        bar = self.verticalScrollBar()
        for _ in range(3):
            self._make_room_visible()
            if self.cursorRect().bottom() < self.viewport().height():
                return
            if bar.value() >= bar.maximum():
                return
            bar.setValue(bar.value() + 1)

    def focusNextPrevChild(self, next: bool) -> bool:
        return False  # Tab belongs to span cycling (see event())

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            pos = event.pos()  # type: ignore[attr-defined]
            cp = self._cp_at(pos)
            ids = self._index.ids_at(cp) if cp is not None else []
            tag = self._tag_at(pos) if not ids else None
            tip = self._tooltip(ids if tag is None else [tag])
            if tip:
                QToolTip.showText(event.globalPos(), tip, self.viewport())  # type: ignore[attr-defined]
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def _tooltip(self, ids: Sequence[int]) -> str:
        lines = []
        for span_id in ids:
            ann = self._annotations.get(span_id)
            if ann is None:
                continue
            color = self._look.color(ann.label).name()
            quote = self._text[ann.start : ann.end]
            if len(quote) > 40:
                quote = quote[:37] + "…"
            order = self._attr_order.get(ann.label, ())
            names = [n for n in order if n in ann.attributes]
            names += [n for n in ann.attributes if n not in order]
            values = [(n, ann.attributes[n]) for n in names]
            attrs = ", ".join(f"{k}: {v}" for k, v in values if v not in ("", None, []))
            if len(attrs) > 160:
                attrs = attrs[:159] + "…"
            line = (
                f'<span style="color:{color}">■</span> <b>{html.escape(ann.label)}</b> '
                f"“{html.escape(quote)}”"
            )
            if attrs:
                line += f"<br>&nbsp;&nbsp;&nbsp;<small>{html.escape(attrs)}</small>"
            roles = self._roles_of(span_id)
            if roles:
                line += f"<br>&nbsp;&nbsp;&nbsp;<small>{html.escape(roles)}</small>"
            lines.append(line)
        return "<br>".join(lines)

    def _roles_of(self, span_id: int) -> str:
        """The span's links in words: "actor1 → ACTOR “regime”; casualties of ← EVENT “kills”"."""
        out = []
        for link in sorted(self._links.values(), key=lambda k: k.id):
            if link.from_id == span_id:
                other, arrow = self._annotations.get(link.to_id), "→"
                text = f"{link.role} {arrow} "
            elif link.to_id == span_id:
                other, arrow = self._annotations.get(link.from_id), "←"
                text = f"{link.role} of {arrow} "
            else:
                continue
            if other is None:
                continue
            quote = self._text[other.start : other.end]
            if len(quote) > 24:
                quote = quote[:21] + "…"
            out.append(f"{text}{other.label} “{quote}”")
            if len(out) == 6:
                break
        return "; ".join(out)

    # --------------------------------------------------------------------------- painting

    def ensure_highlighted(self, start: int, end: int) -> None:
        """Highlight now the blocks of ``[start, end)`` that have not been painted yet."""
        doc = self.document()
        blocks = self._offsets.blocks_in(start, end)
        self._highlighter.highlight_pending(doc.findBlockByNumber(n) for n in blocks)

    def paintEvent(self, event: QPaintEvent) -> None:
        # Blocks are highlighted the first time they are painted (see set_document).
        self._highlighter.highlight_pending(b for b, _ in self._visible_blocks(event.rect()))
        self._make_room_visible()
        super().paintEvent(event)
        if not len(self._index) and not self._suggestions:
            return
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_spans(painter, event)
        if self._band:
            blocks = list(self._visible_blocks())
            if self._tags_on:
                self._paint_tags(painter, blocks)
            if self._links:
                self._paint_arcs(painter, blocks)
        painter.end()

    def _paint_spans(self, painter: QPainter, event: QPaintEvent) -> None:
        hl = self._look
        underline = float(self.fontMetrics().underlinePos())
        current = self._annotations.get(self._current) if self._current is not None else None
        for block, top in self._visible_blocks(event.rect()):
            start, end = self._offsets.block_range(block.blockNumber())
            origin = QPointF(0.0, top)
            for seg in self._index.segments(start, end):
                if len(seg.ids) < 3 and not self._fillers:
                    continue
                extra = hl.decoration(seg.ids).extra
                for level, span_id in enumerate(extra):
                    painter.setPen(QPen(hl.color(hl.label_of(span_id)), 1.0))
                    for rect, ascent in self._fragments(block, origin, seg.start, seg.end):
                        y = rect.top() + ascent + underline + 2.0 * (level + 1) + 0.5
                        painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
            for filler in self._fillers:
                ann = self._annotations[filler]
                if ann.start < end and ann.end > start and filler != self._current:
                    pen = QPen(hl.color(ann.label).darker(120), 1.3, Qt.PenStyle.DashLine)
                    self._outline(painter, pen, block, origin, ann)
            if current is not None and current.start < end and current.end > start:
                pen = QPen(hl.color(current.label).darker(130), 1.6)
                self._outline(painter, pen, block, origin, current)
            for i, (s_start, s_end) in enumerate(self._suggestions):
                if s_start < end and s_end > start:
                    width = 2.2 if i == self._suggestion_current else 1.2
                    pen = QPen(QColor(SUGGESTION_COLOR), width, Qt.PenStyle.DashLine)
                    self._outline_range(painter, pen, block, origin, s_start, s_end)

    # ------------------------------------------------------------------ tags and arcs

    def _update_band(self) -> None:
        """The band above each line: a row for arcs (when there are links), one for tags."""
        small = QFont(self.font())
        small.setPointSizeF(max(5.0, self.font().pointSizeF() * 0.66))
        small.setBold(True)
        self._small = small
        self._small_height = float(math.ceil(QFontMetricsF(small).height()))
        band = self._small_height + 2.0 if self._tags_on else 0.0
        if self._links:  # lanes under the arcs' names (see _paint_arcs)
            band += self._small_height + 1.0 + LANE_STEP * MAX_LANE
        if band != self._band:
            self._band = band
            self._ever_banded = self._ever_banded or band > 0
            self._make_room_visible()
            self._settle_end()
            self.viewport().update()

    def _make_room_visible(self) -> None:
        """Leave the band above every line of the blocks on screen (see ``_make_room``)."""
        block = self.firstVisibleBlock()
        if not block.isValid():
            return
        top = self.blockBoundingGeometry(block).translated(self.contentOffset()).top()
        bottom = self.viewport().rect().bottom()
        while block.isValid() and top <= bottom:
            self._make_room(block)
            top += self.blockBoundingRect(block).height()
            block = block.next()

    def _make_room(self, block: QTextBlock) -> bool:
        """Move the block's lines down so each has the band above it; whether they moved.
        Idempotent; the layout puts them back at 0 whenever it lays the block out again."""
        layout = block.layout()
        if not layout.lineCount():
            self.blockBoundingRect(block)  # lays the block out
        n = layout.lineCount()
        band = self._band if block.length() > 1 else 0.0  # blank lines get no band
        if not n or layout.lineAt(0).y() == band:
            return False
        y = 0.0
        for i in range(n):
            line = layout.lineAt(i)
            y += band
            line.setPosition(QPointF(line.x(), y))
            y += line.height()
        return True

    def _settle_end(self, *_args: object) -> None:
        """Make room in the last page's blocks, then have the scroll bar measured again.

        QPlainTextEdit sizes its scroll range from the heights of the last blocks; measured
        before their lines moved down, the end of the text could not be scrolled to.
        """
        if self._settling or (not self._band and not self._ever_banded):
            return
        block = self.document().lastBlock()
        limit = float(self.viewport().height())
        height = 0.0
        changed = False
        while block.isValid() and height <= limit:
            changed = self._make_room(block) or changed
            height += self.blockBoundingRect(block).height()
            block = block.previous()
        if changed:
            self._settling = True
            try:
                layout = self.document().documentLayout()
                layout.documentSizeChanged.emit(layout.documentSize())
            finally:
                self._settling = False
        self._fit_scroll_range()

    def _fit_scroll_range(self) -> None:
        """Let the scroll bar reach the last line with its band.

        QPlainTextEdit counts the lines that fit on the last page from where their text
        starts, but shows a top line from where its band starts: with a band, its count can be
        one line too many, leaving the last line cut.
        """
        doc = self.document()
        visible = self.viewport().height() - doc.documentMargin() - 1.0
        below = 0.0  # height of the blocks after this one
        fit = 0
        block = doc.lastBlock()
        while block.isValid():
            layout = block.layout()
            height = self.blockBoundingRect(block).height()
            band = self._band if block.length() > 1 else 0.0
            for i in reversed(range(layout.lineCount())):
                if below + height - (layout.lineAt(i).y() - band) > visible:
                    block = QTextBlock()
                    break
                fit += 1
            else:
                below += height
                block = block.previous()
        bar = self.verticalScrollBar()
        wanted = max(0, doc.lineCount() - fit)
        if bar.maximum() < wanted:
            bar.setMaximum(wanted)

    def _tag_of(self, ann: Annotation) -> str:
        attr = self._number_attr.get(ann.label)
        return tag_text(ann.label, ann.attributes.get(attr) if attr else None)

    def _marks(self, block: QTextBlock) -> BlockMarks:
        """Where the spans starting in ``block`` start (line, x) and their tags, per line;
        cached per block until the block is repainted for a change or the layout changes."""
        number = block.blockNumber()
        key = (self.viewport().width(), self.font().pointSizeF(), self._tags_on)
        cached = self._marks_cache.get(number)
        if cached is not None and cached[0] == key:
            return cached[1]
        start, end = self._offsets.block_range(number)
        anns = [self._annotations[i] for i in self._index.ids_in(start, end)]
        anns.sort(key=lambda a: (a.start, -a.end, a.id))
        layout = block.layout()
        base = block.position()
        metrics = QFontMetricsF(self._small)
        starts: dict[int, tuple[int, float]] = {}
        lines: dict[int, list[Tag]] = {}
        for ann in anns:
            if not start <= ann.start < end:
                continue
            pos = self._offsets.to_utf16(ann.start) - base
            line = layout.lineForTextPosition(pos)
            if not line.isValid():
                continue
            x = _x_of(line, pos)
            # A right-to-left span starts at its right edge: its tag ends there, its arcs
            # land just inside it.
            after = min(
                self._offsets.to_utf16(ann.end) - base, line.textStart() + line.textLength()
            )
            rtl = after > pos and _x_of(line, after) < x
            starts[ann.id] = (line.lineNumber(), round(x) - 3.0 if rtl else round(x) + 3.0)
            text = self._tag_of(ann)
            width = math.ceil(metrics.horizontalAdvance(text)) + 4.0
            left = x - width if rtl else x
            lines.setdefault(line.lineNumber(), []).append((left, width, ann.label, text, ann.id))
        tags: list[tuple[int, list[Tag]]] = []
        for line_number, row in lines.items():
            lefts = place_tags([(tag[0], tag[1]) for tag in row])
            placed = [
                (float(round(left)), w, lab, t, i)
                for left, (_, w, lab, t, i) in zip(lefts, row, strict=True)
            ]
            tags.append((line_number, placed))
        marks = BlockMarks(starts, tags)
        if len(self._marks_cache) > 2000:  # a long scroll: keep the cache small
            self._marks_cache.clear()
        self._marks_cache[number] = (key, marks)
        return marks

    def _tag_at(self, point: QPoint) -> int | None:
        """The span whose tag is under a viewport point (tags are drawn only while shown)."""
        if not self._tags_on:
            return None
        height = self._small_height
        for block, top in self._visible_blocks():
            layout = block.layout()
            for number, row in self._marks(block).tags:
                y = round(top + layout.lineAt(number).y() - height - 1.0)
                if not y <= point.y() < y + height:
                    continue
                for left, width, _, _, span_id in row:
                    if left <= point.x() < left + width:
                        return span_id
        return None

    def _paint_tags(self, painter: QPainter, blocks: Sequence[tuple[QTextBlock, float]]) -> None:
        """Each span's tag, in its label colour, right above its first character."""
        hl = self._look
        height = self._small_height
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setFont(self._small)
        for block, top in blocks:
            marks = self._marks(block)
            if not marks.tags:
                continue
            layout = block.layout()
            for number, row in marks.tags:
                y = round(top + layout.lineAt(number).y() - height - 1.0)
                for left, width, label, text, _ in row:
                    rect = QRectF(left, y, width, height)
                    color = hl.color(label)
                    painter.fillRect(rect, color)
                    painter.setPen(QColor(text_color_on(color)))
                    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def _arcs(self) -> ArcIndex:
        if self._arc_index is None:
            starts = {i: a.start for i, a in self._annotations.items()}
            links = ((k.id, k.from_id, k.to_id, k.role) for k in self._links.values())
            self._arc_index = ArcIndex(make_arcs(links, starts, self._relations))
        return self._arc_index

    def visible_arcs(self) -> list[Arc]:
        """The arcs drawn for the text on screen (the full set, or the focused ones)."""
        blocks = list(self._visible_blocks())
        if not blocks:
            return []
        lo = self._offsets.block_range(blocks[0][0].blockNumber())[0]
        hi = self._offsets.block_range(blocks[-1][0].blockNumber())[1]
        return shown_arcs(self._arcs().visible(lo, hi), self._arcs_on, self._event)

    def _paint_arcs(self, painter: QPainter, blocks: Sequence[tuple[QTextBlock, float]]) -> None:
        """Arcs in the band's upper row: within a line over the text, between lines through
        the gutter beside the text (left; right in a right-to-left article); an arrow drops onto
        the target, the role or relation names the arc."""
        if not blocks:
            return
        lo = self._offsets.block_range(blocks[0][0].blockNumber())[0]
        hi = self._offsets.block_range(blocks[-1][0].blockNumber())[1]
        arcs = shown_arcs(self._arcs().visible(lo, hi), self._arcs_on, self._event)
        if not arcs:
            return
        shown = {b.blockNumber(): (b, top) for b, top in blocks}
        anchors: dict[int, tuple[float, float]] = {}  # span id -> (x, top of its line)
        for span_id in {a.source for a in arcs} | {a.target for a in arcs}:
            ann = self._annotations.get(span_id)
            if ann is None:
                continue
            found = shown.get(self._offsets.block_of(ann.start))
            if found is None:
                continue
            block, top = found
            where = self._marks(block).starts.get(span_id)
            if where is not None:
                line_number, x = where
                anchors[span_id] = (x, top + block.layout().lineAt(line_number).y())
        height = float(self.viewport().height())
        gutter = self._gutter_x()
        step = 4.0 if self._rtl else -4.0  # further columns lie away from the text
        half = self._small_height / 2.0
        tags = self._small_height + 2.0 if self._tags_on else 0.0

        def lane(line_top: float, level: int = 0) -> float:
            return float(round(line_top - tags - half - 1.0 - LANE_STEP * min(level, MAX_LANE)))

        same: list[tuple[Arc, float, float, float]] = []  # arc, x1, x2, line top
        across: list[tuple[Arc, float, float]] = []  # arc, y1, y2 (lanes or screen edges)
        for arc in arcs:
            a, b = anchors.get(arc.source), anchors.get(arc.target)
            if a is not None and b is not None and a[1] == b[1]:
                same.append((arc, a[0], b[0], a[1]))
                continue
            edge = -4.0 if arc.lo < lo else height + 4.0  # where the missing end is
            y1 = lane(a[1]) if a is not None else edge
            y2 = lane(b[1]) if b is not None else edge
            if a is None and b is None:
                y1, y2 = -4.0, height + 4.0
            across.append((arc, y1, y2))
        labels: dict[float, list[tuple[float, float, float, Arc]]] = {}  # line top -> labels
        metrics = QFontMetricsF(self._small)
        painter.save()
        # Arcs within one line share lanes only with arcs of that line: the line's top moves
        # each line's intervals apart.
        ups = levels([(x1 + top * 1e5, x2 + top * 1e5) for _, x1, x2, top in same], 6.0)
        for (arc, x1, x2, top), level in zip(same, ups, strict=True):
            y = lane(top, level)
            self._arc_path(painter, arc, [(x1, top), (x1, y), (x2, y), (x2, top)])
            width = metrics.horizontalAdvance(arc.name) + 4.0
            labels.setdefault(top, []).append(((x1 + x2 - width) / 2.0, width, y, arc))
        cols = levels([(y1, y2) for _, y1, y2 in across], 3.0)
        for (arc, y1, y2), level in zip(across, cols, strict=True):
            x = gutter + step * min(level, 2)
            a, b = anchors.get(arc.source), anchors.get(arc.target)
            points = [(a[0], a[1]), (a[0], y1)] if a is not None else []
            points += [(x, y1), (x, y2)]
            if b is not None:
                points += [(b[0], y2), (b[0], b[1])]
                width = metrics.horizontalAdvance(arc.name) + 4.0
                labels.setdefault(b[1], []).append((b[0] - width - 5.0, width, y2, arc))
            self._arc_path(painter, arc, points, arrow=b is not None)
        # Names on their arcs, pushed apart along the line so that none hides another.
        painter.setFont(self._small)
        base = self.palette().color(QPalette.ColorRole.Base)
        for row in labels.values():
            lefts = place_tags([(x, w) for x, w, _, _ in row], 3.0)
            for left, (_, width, y, arc) in zip(lefts, row, strict=True):
                rect = QRectF(left, y - half, width, self._small_height)
                painter.fillRect(rect, base)
                painter.setPen(self._arc_pen(arc).color().darker(130))
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, arc.name)
        painter.restore()

    def _arc_pen(self, arc: Arc) -> QPen:
        color = self._look.color(self._look.label_of(arc.source))
        style = Qt.PenStyle.DashLine if arc.relation else Qt.PenStyle.SolidLine
        return QPen(color, 2.0, style, Qt.PenCapStyle.FlatCap, Qt.PenJoinStyle.MiterJoin)

    def _arc_path(
        self, painter: QPainter, arc: Arc, points: Sequence[tuple[float, float]], arrow: bool = True
    ) -> None:
        pen = self._arc_pen(arc)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPolyline([QPointF(x, y) for x, y in points])
        if arrow and points:
            x, y = points[-1]
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(pen.color())
            painter.drawPolygon(
                [QPointF(x - 3.5, y - 5.0), QPointF(x + 3.5, y - 5.0), QPointF(x, y)]
            )

    def _outline(
        self, painter: QPainter, pen: QPen, block: QTextBlock, origin: QPointF, ann: Annotation
    ) -> None:
        self._outline_range(painter, pen, block, origin, ann.start, ann.end)

    def _outline_range(
        self, painter: QPainter, pen: QPen, block: QTextBlock, origin: QPointF, start: int, end: int
    ) -> None:
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for rect, _ in self._fragments(block, origin, start, end):
            painter.drawRoundedRect(rect.adjusted(-1.0, 0.5, 1.0, -0.5), 3.0, 3.0)

    def _fragments(
        self, block: QTextBlock, origin: QPointF, start: int, end: int
    ) -> Iterator[tuple[QRectF, float]]:
        """Rectangles (viewport coordinates) of ``[start, end)`` in a block, one per line, each
        with its line's ascent (the baseline's distance from the rectangle's top)."""
        base = block.position()
        s16 = self._offsets.to_utf16(start) - base
        e16 = self._offsets.to_utf16(end) - base
        layout = block.layout()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            first = line.textStart()
            last = first + line.textLength()
            if e16 <= first or s16 >= last:
                continue
            x1 = _x_of(line, max(s16, first))
            x2 = _x_of(line, min(e16, last))
            left, right = min(x1, x2), max(x1, x2)
            rect = QRectF(left, line.y(), right - left, line.height()).translated(origin)
            yield rect, line.ascent()


def text_color_on(color: QColor) -> str:
    """Black or white, whichever reads better on ``color`` (a tag's text)."""
    luma = 0.299 * color.redF() + 0.587 * color.greenF() + 0.114 * color.blueF()
    return "#000000" if luma > 0.55 else "#ffffff"


def _x_of(line: QTextLine, pos: int) -> float:
    """x of a cursor position in a line (PySide returns ``(x, pos)``)."""
    x, _ = cast(tuple[float, int], line.cursorToX(pos))
    return x
