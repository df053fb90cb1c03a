"""Geometry of the article view's arcs and span tags, as pure functions (no Qt, no painting).

The view draws, in a band above every text line, the label tag of each span starting on that
line ("ACT", "CAS 15") and the arcs of role links and relations: an arc rises from its source
span into the band, runs along it and drops onto its target; an arc between two lines runs
through the gutter on the text's leading side (left; right in a right-to-left article). What
is computed here, and unit-tested:

- ``ArcIndex``: which arcs touch the visible text (a bisect over arcs sorted by their first
  offset, so a repaint looks at the visible arcs only, not at every link of the article);
- ``levels``: a level per interval such that overlapping intervals never share one (arcs in
  one band, gutter columns);
- ``place_tags``: tag positions on a line, pushed right so that tags never overlap;
- ``tag_text``: the tag's words.

Offsets are code points, as everywhere outside ``gui/offsets.py``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

TAG_LETTERS = 3  # "ACTOR" -> "ACT"


@dataclass(frozen=True, slots=True)
class Arc:
    """A role link or relation between two spans: ``source`` -> ``target`` (annotation ids)."""

    id: int
    source: int
    target: int
    name: str
    relation: bool  # a relation between spans (subset_of ...), not an event role
    lo: int = 0  # first and last code point the arc touches (the two spans' starts)
    hi: int = 0


class ArcIndex:
    """Arcs sorted by their first offset; ``visible(lo, hi)`` finds those touching [lo, hi)."""

    __slots__ = ("_arcs", "_longest", "_los")

    def __init__(self, arcs: Iterable[Arc] = ()) -> None:
        self._arcs = sorted(arcs, key=lambda a: (a.lo, a.hi, a.id))
        self._los = [a.lo for a in self._arcs]
        self._longest = max((a.hi - a.lo for a in self._arcs), default=0)

    def __len__(self) -> int:
        return len(self._arcs)

    def visible(self, lo: int, hi: int) -> list[Arc]:
        """Arcs with an end in ``[lo, hi)`` or passing over it (one end before, one after)."""
        first = bisect_left(self._los, lo - self._longest)
        last = bisect_left(self._los, hi)
        return [a for a in self._arcs[first:last] if a.hi >= lo]


def make_arcs(
    links: Iterable[tuple[int, int, int, str]],
    starts: Mapping[int, int],
    relations: Iterable[str],
) -> list[Arc]:
    """Arcs from ``(link id, from id, to id, role)``; links to spans not shown are dropped."""
    names = set(relations)
    out = []
    for link_id, source, target, role in links:
        a, b = starts.get(source), starts.get(target)
        if a is None or b is None:
            continue
        out.append(Arc(link_id, source, target, role, role in names, min(a, b), max(a, b)))
    return out


def shown_arcs(arcs: Sequence[Arc], show_all: bool, event: int | None) -> list[Arc]:
    """The arcs drawn: all of them when the full set is on; else the relations and the role
    links of the selected ``event`` (the frame being coded)."""
    if show_all:
        return list(arcs)
    return [a for a in arcs if a.relation or (event is not None and a.source == event)]


def levels(intervals: Sequence[tuple[float, float]], gap: float = 0.0) -> list[int]:
    """A level for each closed interval ``(a, b)`` (either order) such that two intervals
    that overlap, touch or come within ``gap`` of each other never share a level; shorter
    intervals get lower levels (they sit inside the longer ones, as brat nests its arcs)."""
    order = sorted(
        range(len(intervals)),
        key=lambda i: (abs(intervals[i][1] - intervals[i][0]), min(intervals[i]), i),
    )
    taken: list[list[tuple[float, float]]] = []
    out = [0] * len(intervals)
    for i in order:
        a, b = sorted(intervals[i])
        level = 0
        while level < len(taken) and any(a <= q + gap and p <= b + gap for p, q in taken[level]):
            level += 1
        if level == len(taken):
            taken.append([])
        taken[level].append((a, b))
        out[i] = level
    return out


def place_tags(tags: Sequence[tuple[float, float]], gap: float = 2.0) -> list[float]:
    """Left edges for tags wanted at ``(x, width)`` on one line, in the same order: each tag
    sits at its span's start unless the tag before it (left to right) is in the way."""
    order = sorted(range(len(tags)), key=lambda i: (tags[i][0], i))
    out = [0.0] * len(tags)
    right = float("-inf")
    for i in order:
        x, width = tags[i]
        left = max(x, right + gap)
        out[i] = left
        right = left + width
    return out


def tag_text(label: str, number: object = None) -> str:
    """A span's tag: the label's first letters, then its main figure if it has one."""
    short = label[:TAG_LETTERS].upper()
    if number is None or number == "" or isinstance(number, bool):
        return short
    return f"{short} {number}"
