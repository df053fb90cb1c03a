"""Code points ↔ Qt positions: the one place the GUI converts offsets (docs/formats.md, "Text
and offsets").

Stored offsets are Python ``str`` indices (code points). Qt counts UTF-16 code units, so every
character above U+FFFF (emoji, some CJK, historic scripts) takes two Qt positions. Qt also
turns some characters into block separators when it is given plain text; ``qt_text`` is the
stored text with those few characters replaced one for one, so that the document Qt builds has
exactly one position per code unit and one block per line, and the mapping here stays exact.

The view never reads text back from its widget: it keeps the stored text and this map.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

# Characters Qt's plain-text insertion ends a block on. The stored text only has "\n" (import
# folds "\r\n" and "\r"), but Qt would fold a stray "\r\n" into one separator and shift
# everything after it, so a "\r" is shown as a line break of its own.
_SEPARATORS = re.compile("[\n\r\u2029]")
# Qt's frame markers (non-characters) would be taken for document structure; show U+FFFD.
_QT_SPECIAL = str.maketrans({"\r": "\n", "\ufdd0": "\ufffd", "\ufdd1": "\ufffd"})
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class OffsetMap:
    """Conversions for one stored text: code points ↔ UTF-16 positions, blocks ↔ code points.

    Conversions are O(log a) in the number of astral characters (O(1) when there are none);
    block lookups are O(log b) in the number of blocks.
    """

    __slots__ = ("_astral_cp", "_astral_u16", "_block_starts", "length", "qt_text", "utf16_length")

    def __init__(self, text: str) -> None:
        self.length = len(text)
        astral = [] if text.isascii() else [m.start() for m in _ASTRAL.finditer(text)]
        self._astral_cp: list[int] = astral
        # UTF-16 position of each astral character: its code point index plus the astral
        # characters before it.
        self._astral_u16: list[int] = [cp + k for k, cp in enumerate(astral)]
        self.utf16_length = self.length + len(astral)
        self.qt_text = text.translate(_QT_SPECIAL) if _needs_translation(text) else text
        if "\r" in text or "\u2029" in text:
            starts = [0] + [m.end() for m in _SEPARATORS.finditer(text)]
        else:
            starts = [0]
            i = text.find("\n")
            while i != -1:
                starts.append(i + 1)
                i = text.find("\n", i + 1)
        self._block_starts: list[int] = starts

    @property
    def has_astral(self) -> bool:
        return bool(self._astral_cp)

    # ------------------------------------------------------------------ code points ↔ UTF-16

    def to_utf16(self, cp: int) -> int:
        """Qt position of code point offset ``cp`` (clamped to the text)."""
        cp = min(max(cp, 0), self.length)
        if not self._astral_cp:
            return cp
        return cp + bisect_left(self._astral_cp, cp)

    def to_cp(self, pos: int, *, round_up: bool = False) -> int:
        """Code point offset of Qt position ``pos`` (clamped).

        A position between the two halves of a surrogate pair belongs to that character: it maps
        to the character's start, or its end with ``round_up`` (for the end of a range).
        """
        pos = min(max(pos, 0), self.utf16_length)
        if not self._astral_u16:
            return pos
        before = bisect_left(self._astral_u16, pos)  # astral characters starting before pos
        if before and self._astral_u16[before - 1] + 1 == pos:
            return self._astral_cp[before - 1] + (1 if round_up else 0)
        return pos - before

    def astral_between(self, start: int, end: int) -> bool:
        """Whether any character in ``[start, end)`` takes two Qt positions."""
        astral = self._astral_cp
        return bool(astral) and bisect_left(astral, start) != bisect_left(astral, end)

    def range_to_utf16(self, start: int, end: int) -> tuple[int, int]:
        return self.to_utf16(start), self.to_utf16(end)

    def range_to_cp(self, start: int, end: int) -> tuple[int, int]:
        """A Qt range as code points, widened to whole characters."""
        return self.to_cp(start), self.to_cp(end, round_up=True)

    # -------------------------------------------------------------------------------- blocks

    @property
    def block_count(self) -> int:
        return len(self._block_starts)

    def block_of(self, cp: int) -> int:
        """Number of the block holding code point ``cp`` (a separator belongs to its line)."""
        cp = min(max(cp, 0), self.length)
        return bisect_right(self._block_starts, cp) - 1

    def block_start(self, block: int) -> int:
        return self._block_starts[block]

    def block_end(self, block: int) -> int:
        """Code point offset just past the block's last character (its separator excluded)."""
        if block + 1 < len(self._block_starts):
            return self._block_starts[block + 1] - 1
        return self.length

    def block_range(self, block: int) -> tuple[int, int]:
        return self.block_start(block), self.block_end(block)

    def blocks_in(self, start: int, end: int) -> range:
        """Numbers of the blocks sharing a character with ``[start, end)``.

        An empty range gives the block holding ``start``.
        """
        first = self.block_of(start)
        last = self.block_of(max(start, end - 1))
        return range(first, last + 1)

    def block_utf16_start(self, block: int) -> int:
        """Qt position of the block's first character (``QTextBlock.position()``)."""
        return self.to_utf16(self._block_starts[block])


def _needs_translation(text: str) -> bool:
    return "\r" in text or "\ufdd0" in text or "\ufdd1" in text
