"""Spans over a text: an index of overlap segments for highlighting, and word snapping.

The highlighter asks, for each text block, which annotations cover which characters. The answer
is a list of *segments*: maximal runs of characters covered by the same set of annotation ids.
``SpanIndex`` keeps the text cut at every span boundary (a sorted boundary array and, for each
elementary interval between two boundaries, the set of ids covering it), so a query is a bisect
plus a walk over the intervals it returns: O(log n + k). Adding or removing one span touches only
the intervals that span covers.

All offsets are code points into the stored text, start inclusive, end exclusive
(docs/formats.md, "Text and offsets").
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import attrgetter
from typing import NamedTuple, Protocol

_EMPTY: tuple[int, ...] = ()


class SpanLike(Protocol):
    """Anything with an id, a label and code point offsets (an ``Annotation``, a ``Span``)."""

    @property
    def id(self) -> int: ...
    @property
    def label(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Span:
    id: int
    label: str
    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start


class Segment(NamedTuple):
    """A run of characters ``[start, end)`` covered by exactly the spans ``ids``.

    ``ids`` is ordered innermost first: shortest span first, ties by lower id.
    """

    start: int
    end: int
    ids: tuple[int, ...]


_new_tuple = tuple.__new__  # builds a Segment without the NamedTuple constructor's Python call


class SpanIndex:
    """Overlap segments of a set of spans, with incremental add and remove.

    Invariants: ``_bounds`` is sorted and holds no redundant boundary (the covers on either side
    of every boundary differ); ``_covers[i]`` holds the ids covering
    ``[_bounds[i], _bounds[i + 1])``, sorted by id; before the first boundary and from the last
    one on nothing is covered (``_covers[-1] == ()``). Empty spans (start >= end) are kept but
    cover nothing. The spans themselves are stored as given, so they must not change (the
    records in ``annotator.core.records`` are frozen).
    """

    __slots__ = ("_bounds", "_covers", "_spans")

    def __init__(self, spans: Iterable[SpanLike] = ()) -> None:
        self._spans: dict[int, SpanLike] = {}
        for span in spans:
            self._spans[span.id] = span
        self._bounds: list[int] = []
        self._covers: list[tuple[int, ...]] = []
        self._build()

    def _build(self) -> None:
        """One pass over the spans sorted by start, cluster by cluster.

        A cluster is a maximal group of spans chained by overlaps. Most spans are alone in theirs
        (two boundaries, no sweep), pairs are written out directly, and only larger clusters are
        swept event by event: this keeps building 10,000 spans at a few milliseconds.
        """
        live = [s for s in self._spans.values() if s.end > s.start]
        live.sort(key=attrgetter("start"))
        bounds: list[int] = []
        covers: list[tuple[int, ...]] = []
        n = len(live)
        i = 0
        while i < n:
            first = live[i]
            end = first.end
            j = i + 1
            while j < n:
                nxt = live[j]
                if nxt.start >= end:
                    break
                if nxt.end > end:
                    end = nxt.end
                j += 1
            if bounds and bounds[-1] == first.start:  # the previous cluster ends where this starts
                bounds.pop()
                covers.pop()
            if j == i + 1:
                bounds.append(first.start)
                covers.append((first.id,))
            elif j == i + 2:
                _pair(first, live[i + 1], bounds, covers)
            else:
                _sweep(live[i:j], bounds, covers)
            bounds.append(end)
            covers.append(_EMPTY)
            i = j
        self._bounds = bounds
        self._covers = covers

    # ------------------------------------------------------------------------------ lookups

    def __len__(self) -> int:
        return len(self._spans)

    def __contains__(self, span_id: object) -> bool:
        return span_id in self._spans

    def __iter__(self) -> Iterator[SpanLike]:
        return iter(self._spans.values())

    def get(self, span_id: int) -> SpanLike | None:
        return self._spans.get(span_id)

    def _rank(self, span_id: int) -> tuple[int, int]:
        span = self._spans[span_id]
        return (span.end - span.start, span_id)

    def _innermost_first(self, cover: tuple[int, ...]) -> tuple[int, ...]:
        if len(cover) < 2:
            return cover
        return tuple(sorted(cover, key=self._rank))

    def segments(self, start: int, end: int) -> list[Segment]:
        """The covered runs intersecting ``[start, end)``, clipped to it, in text order.

        Uncovered characters belong to no segment.
        """
        bounds = self._bounds
        covers = self._covers
        last = len(bounds) - 1  # covers[last] is always empty
        i = max(bisect_right(bounds, start) - 1, 0)
        out: list[Segment] = []
        # This runs for every text block the view paints: plain loop, no per-segment calls.
        while i < last and bounds[i] < end:
            cover = covers[i]
            if cover:
                seg_start = bounds[i] if bounds[i] > start else start
                seg_end = bounds[i + 1] if bounds[i + 1] < end else end
                if seg_start < seg_end:
                    if len(cover) > 1:
                        cover = tuple(sorted(cover, key=self._rank))
                    out.append(_new_tuple(Segment, (seg_start, seg_end, cover)))
            i += 1
        return out

    def ids_at(self, pos: int) -> list[int]:
        """Ids of the spans covering the character at ``pos``, innermost first."""
        i = bisect_right(self._bounds, pos) - 1
        if i < 0:
            return []
        return list(self._innermost_first(self._covers[i]))

    def ids_in(self, start: int, end: int) -> set[int]:
        """Ids of the spans sharing at least one character with ``[start, end)``."""
        found: set[int] = set()
        for seg in self.segments(start, end):
            found.update(seg.ids)
        return found

    # ---------------------------------------------------------------------------- changes

    def add(self, span: SpanLike) -> None:
        """Add a span, or move/relabel it if its id is already indexed."""
        if span.id in self._spans:
            self.remove(span.id)
        self._spans[span.id] = span
        if span.end <= span.start:
            return
        first = self._split(span.start)
        stop = self._split(span.end)
        covers = self._covers
        sid = span.id
        for k in range(first, stop):
            covers[k] = tuple(sorted((*covers[k], sid)))

    def remove(self, span_id: int) -> SpanLike | None:
        """Drop a span; returns it (None if it was not indexed)."""
        span = self._spans.pop(span_id, None)
        if span is None or span.end <= span.start:
            return span
        bounds = self._bounds
        covers = self._covers
        first = bisect_left(bounds, span.start)
        stop = bisect_left(bounds, span.end)
        for k in range(first, stop):
            covers[k] = tuple(x for x in covers[k] if x != span_id)
        self._merge(stop)
        self._merge(first)
        return span

    def _split(self, pos: int) -> int:
        """Make ``pos`` a boundary; returns its index."""
        bounds = self._bounds
        i = bisect_left(bounds, pos)
        if i < len(bounds) and bounds[i] == pos:
            return i
        bounds.insert(i, pos)
        self._covers.insert(i, self._covers[i - 1] if i > 0 else _EMPTY)
        return i

    def _merge(self, i: int) -> None:
        """Drop boundary ``i`` if the covers on both sides of it are now equal."""
        if i >= len(self._bounds):
            return
        before = self._covers[i - 1] if i > 0 else _EMPTY
        if before == self._covers[i]:
            del self._bounds[i]
            del self._covers[i]


def _pair(a: SpanLike, b: SpanLike, bounds: list[int], covers: list[tuple[int, ...]]) -> None:
    """Boundaries of two overlapping spans, ``a.start <= b.start < a.end`` (the end excluded)."""
    both = (a.id, b.id) if a.id < b.id else (b.id, a.id)
    if a.start < b.start:
        bounds.append(a.start)
        covers.append((a.id,))
    bounds.append(b.start)
    covers.append(both)
    if a.end < b.end:
        bounds.append(a.end)
        covers.append((b.id,))
    elif b.end < a.end:
        bounds.append(b.end)
        covers.append((a.id,))


def _sweep(cluster: list[SpanLike], bounds: list[int], covers: list[tuple[int, ...]]) -> None:
    """Boundaries of a cluster of overlapping spans, in order (its end excluded)."""
    events: list[tuple[int, int, int]] = []
    for span in cluster:
        events.append((span.start, 1, span.id))
        events.append((span.end, 0, span.id))
    events.sort()
    active: set[int] = set()
    last = events[0][0]
    for pos, opens, sid in events:
        if pos != last:
            bounds.append(last)
            covers.append(tuple(sorted(active)))
            last = pos
        if opens:
            active.add(sid)
        else:
            active.discard(sid)


# ------------------------------------------------------------------------------ word snapping

# Characters that join two word characters into one word ("de-escalation", "don't").
_JOINERS = frozenset("'’ʼ-‐‑")
# Characters that join two digits into one number ("25,000", "1.2", Arabic separators).
_DIGIT_JOINERS = frozenset(",.٫٬")
# Zero-width (non-)joiners belong to the word around them (Persian, Arabic, emoji sequences).
_ZW = frozenset("\u200c\u200d")


def _is_word(ch: str) -> bool:
    if ch.isalnum() or ch == "_" or ch in _ZW:
        return True
    return unicodedata.category(ch)[0] == "M"  # combining marks belong to their letter


def _is_trimmed(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch)[0] in "PZC"


def _is_extender(ch: str) -> bool:
    """Characters that never start a grapheme: marks, variation selectors, skin tones, tags."""
    if unicodedata.category(ch)[0] == "M" or ch in _ZW:
        return True
    cp = ord(ch)
    return 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F


def _joins(text: str, i: int) -> bool:
    """Whether ``text[i]`` glues the characters on either side of it into one word."""
    if i <= 0 or i + 1 >= len(text):
        return False
    ch, before, after = text[i], text[i - 1], text[i + 1]
    if ch in _JOINERS:
        if not (_is_word(before) and _is_word(after)):
            return False
        # The possessive "'s" ends a word: "Idlib's" is "Idlib" + "'s" for a coder.
        if ch == "-" or after not in "sS":
            return True
        return i + 2 < len(text) and _is_word(text[i + 2])
    if ch in _DIGIT_JOINERS:
        return before.isdigit() and after.isdigit()
    return False


def _cuts(text: str, i: int) -> bool:
    """Whether a boundary next to ``text[i]`` (a neighbour of a word character) splits a word."""
    return _is_word(text[i]) or (text[i] in _DIGIT_JOINERS and _joins(text, i))


def trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``[start, end)`` without surrounding whitespace and punctuation; None if nothing is left.

    Offsets are clamped to the text first.
    """
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    while start < end and _is_trimmed(text[start]):
        start += 1
    while end > start and _is_trimmed(text[end - 1]):
        end -= 1
    return (start, end) if start < end else None


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim ``[start, end)``, then widen it to whole words (never across a line break).

    Word characters are Unicode letters, digits and combining marks; apostrophes and hyphens
    between two word characters and separators between two digits belong to the word. A
    selection that starts or ends exactly at a hyphen or apostrophe ("Idlib" in "Idlib's",
    "government" in "pro-government") is taken as meant and kept.
    """
    trimmed = trim(text, start, end)
    if trimmed is None:
        return None
    start, end = trimmed
    n = len(text)
    # A start on a combining mark or skin tone was cut from its base: keep whole graphemes.
    while start > 0 and _is_extender(text[start]) and text[start - 1] != "\n":
        start -= 1
    # Widen only where the boundary cuts through a word: two word characters meet there, or
    # two digits of one number. A boundary at a hyphen or apostrophe is taken as meant.
    if start > 0 and _is_word(text[start]) and _cuts(text, start - 1):
        while start > 0 and (_is_word(text[start - 1]) or _joins(text, start - 1)):
            start -= 1
    if end < n and _is_word(text[end - 1]) and _cuts(text, end):
        while end < n and (_is_word(text[end]) or _joins(text, end)):
            end += 1
    # Never leave a combining mark, ZWJ sequence part or skin tone behind.
    while end < n and _is_extender(text[end]):
        end += 2 if text[end] == "\u200d" and end + 1 < n and text[end + 1] != "\n" else 1
    return start, end
