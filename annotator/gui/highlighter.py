"""Paints annotations into the text: a QSyntaxHighlighter fed by the core span index.

For each text block the highlighter asks ``SpanIndex`` for the overlap segments in that block
and turns each segment into one character format:

- the innermost (shortest) span tints the background with a light mix of its label colour
  (a stronger mix when it is the current span);
- the next span out is underlined in its label colour; a role filler of the selected event
  takes the underline instead, drawn as a wave so the event's frame stands out;
- any further spans are listed by ``decoration()`` as ``extra`` for the view to draw as thin
  stacked lines (a character format has only one underline).

Nothing here reads text back from Qt: block ranges come from the ``OffsetMap`` of the stored
text. After a change only the blocks that hold the changed ranges are re-highlighted.

The state lives in ``SpanFormats``, a plain Python object: attribute access on a Qt wrapper
object costs a few microseconds, which adds up over thousands of blocks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextBlock, QTextCharFormat, QTextDocument

from annotator.core.spans import SpanIndex
from annotator.gui.offsets import OffsetMap

UnderlineStyle = QTextCharFormat.UnderlineStyle
FormatRange = tuple[int, int, QTextCharFormat]  # block-relative Qt start, Qt length, format
FormatKey = tuple[str, bool, str, bool]  # background label, current?, underline label, wave?

FALLBACK_COLOR = "#8c8c8c"  # labels missing from the codebook (kept after a codebook change)
TINT = 0.30  # share of the label colour in a span's background
CURRENT_TINT = 0.55


def tint(color: QColor, base: QColor, amount: float) -> QColor:
    """``amount`` of ``color`` over ``base`` (the view's background, so dark themes work)."""
    keep = 1.0 - amount
    return QColor.fromRgbF(
        color.redF() * amount + base.redF() * keep,
        color.greenF() * amount + base.greenF() * keep,
        color.blueF() * amount + base.blueF() * keep,
    )


@dataclass(frozen=True, slots=True)
class Decoration:
    """How one overlap segment is drawn; ids are annotation ids."""

    background: int
    underline: int | None = None
    wave: bool = False  # the underline marks a role filler of the selected event
    extra: tuple[int, ...] = ()  # further spans, drawn by the view


def decoration(ids: tuple[int, ...], fillers: frozenset[int]) -> Decoration:
    """Decide what each span covering a segment contributes; ``ids`` innermost first."""
    inner = ids[0]
    rest = ids[1:]
    filler = next((i for i in ids if i in fillers), None)
    if filler is not None:
        return Decoration(inner, filler, True, tuple(i for i in rest if i != filler))
    if not rest:
        return Decoration(inner)
    return Decoration(inner, rest[0], False, rest[1:])


class SpanFormats:
    """What the highlighter and the view's painting need: spans, offsets, marks, colours."""

    __slots__ = (
        "_colors",
        "_formats",
        "base",
        "calls",
        "current",
        "deferring",
        "fillers",
        "index",
        "offsets",
        "pending",
    )

    def __init__(self) -> None:
        self.index = SpanIndex()
        self.offsets = OffsetMap("")
        self.current: int | None = None
        self.fillers: frozenset[int] = frozenset()
        self.base = QColor("#ffffff")
        # Deferred highlighting: while ``deferring``, highlightBlock leaves blocks plain and
        # ``pending[n]`` stays 1 until block n is highlighted (when it is first painted).
        self.deferring = False
        self.pending = bytearray()
        self._colors: dict[str, QColor] = {}
        self._formats: dict[FormatKey, QTextCharFormat] = {}

    def set_colors(self, colors: Mapping[str, str | QColor], base: QColor) -> None:
        self._colors = {label: QColor(c) for label, c in colors.items()}
        self.base = QColor(base)
        self._formats.clear()

    def color(self, label: str) -> QColor:
        return self._colors.get(label) or QColor(FALLBACK_COLOR)

    def label_of(self, span_id: int) -> str:
        span = self.index.get(span_id)
        return span.label if span is not None else ""

    def decoration(self, ids: tuple[int, ...]) -> Decoration:
        return decoration(ids, self.fillers)

    def format_for(self, ids: tuple[int, ...]) -> QTextCharFormat:
        """The character format of a segment covered by ``ids`` (innermost first)."""
        first = ids[0]
        if len(ids) == 1 and first not in self.fillers:  # the common case, kept short
            span = self.index.get(first)
            key: FormatKey = (
                span.label if span is not None else "",
                first == self.current,
                "",
                False,
            )
        else:
            deco = decoration(ids, self.fillers)
            under = self.label_of(deco.underline) if deco.underline is not None else ""
            key = (self.label_of(first), first == self.current, under, deco.wave)
        fmt = self._formats.get(key)
        return fmt if fmt is not None else self._make_format(key)

    def _make_format(self, key: FormatKey) -> QTextCharFormat:
        label, strong, under, wave = key
        fmt = QTextCharFormat()
        fmt.setBackground(tint(self.color(label), self.base, CURRENT_TINT if strong else TINT))
        if under:
            style = UnderlineStyle.WaveUnderline if wave else UnderlineStyle.SingleUnderline
            fmt.setUnderlineStyle(style)
            fmt.setUnderlineColor(self.color(under))
        self._formats[key] = fmt
        return fmt

    def block_formats(self, block: int) -> list[FormatRange]:
        """The format ranges of text block number ``block``, in block-relative Qt units."""
        offsets = self.offsets
        if block >= offsets.block_count:
            return []
        start, end = offsets.block_range(block)
        segments = self.index.segments(start, end)
        if not segments:
            return []
        format_for = self.format_for
        if offsets.has_astral and offsets.astral_between(start, end):
            base = offsets.to_utf16(start)
            to_utf16 = offsets.to_utf16
            out: list[FormatRange] = []
            for seg_start, seg_end, ids in segments:
                a = to_utf16(seg_start)
                out.append((a - base, to_utf16(seg_end) - a, format_for(ids)))
            return out
        # No astral character in this block: Qt units are code points shifted by a constant.
        return [(s - start, e - s, format_for(ids)) for s, e, ids in segments]


class SpanHighlighter(QSyntaxHighlighter):
    """Formats each block from ``self.spans`` (a ``SpanFormats`` the view keeps current).

    Highlighting can be deferred: QSyntaxHighlighter formats every block of a new text at once,
    which for a 1 MB article is most of the time to first paint. With ``defer()`` around
    ``setPlainText`` blocks stay plain and pending; ``highlight_pending()`` formats the ones
    about to be painted.
    """

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.spans = SpanFormats()

    def highlightBlock(self, text: str) -> None:
        spans = self.spans
        if spans.deferring:
            return
        number = self.currentBlock().blockNumber()
        if number < len(spans.pending):
            spans.pending[number] = 0
        set_format = self.setFormat
        for start, length, fmt in spans.block_formats(number):
            set_format(start, length, fmt)

    def defer_all(self) -> None:
        """Mark every block pending (after a text or colour change)."""
        self.spans.pending = bytearray(b"\x01") * self.spans.offsets.block_count

    def highlight_pending(self, blocks: Iterable[QTextBlock]) -> None:
        """Highlight those of ``blocks`` that are still pending."""
        pending = self.spans.pending
        for block in blocks:
            number = block.blockNumber()
            if number < len(pending) and pending[number]:
                self.rehighlightBlock(block)

    def rehighlight_ranges(self, ranges: Iterable[tuple[int, int]]) -> int:
        """Re-highlight the blocks sharing a character with any range; returns how many.

        Pending blocks are skipped: they are highlighted when they are first painted.
        """
        spans = self.spans
        blocks: set[int] = set()
        for start, end in ranges:
            blocks.update(spans.offsets.blocks_in(start, end))
        doc = self.document()
        done = 0
        for number in sorted(blocks):
            if number < len(spans.pending) and spans.pending[number]:
                continue
            self.rehighlightBlock(doc.findBlockByNumber(number))
            done += 1
        return done
