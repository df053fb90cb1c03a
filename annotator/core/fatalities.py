"""How many people an event killed, injured or displaced, from its CASUALTY spans
(docs/fatalities.md).

The rules, for one kind (``killed`` for fatalities, ``injured``, ``displaced``):

1. take the event's casualties of that kind whose ``count_scope`` is ``event``; ``cumulative``
   figures (a war's death toll) never count, and neither does a figure whose scope was left
   blank (it is listed as needing attention instead of being guessed);
2. drop those that a later report supersedes (the target of an ``updates`` link from another
   of them: "rose to 31" updates "25"), so only the latest figure of such a chain counts;
3. drop those that are ``subset_of`` another of them ("two children" within "15 civilians");
4. casualties joined by ``alternative_to`` (either direction, transitively) are one group:
   different reports of the same victims;
5. best = sum over groups of the group's smallest ``best`` (ACLED's conservative rule);
   low = sum of the smallest ``low`` (a casualty without ``low`` offers its ``best``);
   high = sum of the largest ``high`` (a casualty without ``high`` offers its ``best``).

A group with no number for a figure adds nothing to it; a figure no group has a number for is
``None`` (unknown, shown as an empty cell). An explicit zero ("no one was killed": best 0) is
0, not unknown. Pure: the GUI shows the same breakdown, and ``claims.csv`` says for every figure
whether it was counted and why not (:meth:`Tally.reason`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from annotator.core.records import Annotation, Link

SUBSET_OF = "subset_of"
ALTERNATIVE_TO = "alternative_to"
UPDATES = "updates"
RELATIONS = (SUBSET_OF, ALTERNATIVE_TO, UPDATES)
"""The relations the tally reads."""
EVENT_SCOPE = "event"
TALLIED_KINDS = {"fatalities": "killed", "injured": "injured", "displaced": "displaced"}
"""Column prefix in events.csv -> CASUALTY ``kind`` it sums."""

Number = int | float


@dataclass(frozen=True, slots=True)
class Tally:
    """The three figures for one kind, and which casualties they came from."""

    kind: str
    best: Number | None = None
    low: Number | None = None
    high: Number | None = None
    groups: tuple[tuple[Annotation, ...], ...] = ()  # counted: reports of the same victims
    subsets: tuple[Annotation, ...] = ()  # left out: within another counted figure
    out_of_scope: tuple[Annotation, ...] = ()  # left out: cumulative figures
    unscoped: tuple[Annotation, ...] = ()  # left out: count_scope left blank
    superseded: tuple[Annotation, ...] = ()  # left out: a later report updates it

    def reason(self, casualty: Annotation) -> str:
        """Why ``casualty`` (of this tally's kind) was or was not counted: ``counted``,
        ``counted_alternative`` (one of several reports of the same victims: the group
        contributes its smallest best), ``subset``, ``superseded``, ``cumulative``,
        ``no_scope``."""
        if any(casualty.id == c.id for c in self.unscoped):
            return "no_scope"
        if any(casualty.id == c.id for c in self.out_of_scope):
            return "cumulative"
        if any(casualty.id == c.id for c in self.superseded):
            return "superseded"
        if any(casualty.id == c.id for c in self.subsets):
            return "subset"
        for group in self.groups:
            if any(casualty.id == c.id for c in group):
                return "counted" if len(group) == 1 else "counted_alternative"
        return "other_kind"


def _number(value: object) -> Number | None:
    if type(value) is int:
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value) if isinstance(value, float) and value.is_integer() else value


def in_event_scope(casualty: Annotation) -> bool:
    return casualty.attributes.get("count_scope") == EVENT_SCOPE


def scope_missing(casualty: Annotation) -> bool:
    return casualty.attributes.get("count_scope") in (None, "")


def tally(casualties: Sequence[Annotation], links: Iterable[Link], kind: str = "killed") -> Tally:
    """Sum one kind over an event's casualties; ``links`` may hold any links of the document."""
    of_kind = [c for c in casualties if c.attributes.get("kind") == kind]
    if not of_kind:
        return Tally(kind)
    scoped = [c for c in of_kind if in_event_scope(c)]
    unscoped = tuple(c for c in of_kind if scope_missing(c))
    out_of_scope = tuple(c for c in of_kind if not in_event_scope(c) and not scope_missing(c))
    ids = {c.id for c in scoped}
    subset_ids: set[int] = set()
    superseded_ids: set[int] = set()
    alternatives: list[tuple[int, int]] = []
    for link in links:
        if link.from_id not in ids or link.to_id not in ids or link.from_id == link.to_id:
            continue
        if link.role == SUBSET_OF:
            subset_ids.add(link.from_id)
        elif link.role == ALTERNATIVE_TO:
            alternatives.append((link.from_id, link.to_id))
        elif link.role == UPDATES:
            superseded_ids.add(link.to_id)
    subset_ids -= superseded_ids
    kept = [c for c in scoped if c.id not in subset_ids and c.id not in superseded_ids]
    groups = _groups(kept, alternatives) if alternatives else [[c] for c in kept]
    best = low = high = None
    for group in groups:
        b, lo, hi = _figures(group)
        if b is not None:
            best = b if best is None else best + b
        if lo is not None:
            low = lo if low is None else low + lo
        if hi is not None:
            high = hi if high is None else high + hi
    return Tally(
        kind=kind,
        best=best,
        low=low,
        high=high,
        groups=tuple(tuple(g) for g in groups),
        subsets=tuple(c for c in scoped if c.id in subset_ids),
        out_of_scope=out_of_scope,
        unscoped=unscoped,
        superseded=tuple(c for c in scoped if c.id in superseded_ids),
    )


def event_tallies(casualties: Sequence[Annotation], links: Sequence[Link]) -> dict[str, Tally]:
    """``{"fatalities": ..., "injured": ..., "displaced": ...}`` for one event."""
    return {prefix: tally(casualties, links, kind) for prefix, kind in TALLIED_KINDS.items()}


def _groups(kept: list[Annotation], pairs: list[tuple[int, int]]) -> list[list[Annotation]]:
    """Connected components of ``alternative_to``, in the order their first member comes."""
    parent = {c.id: c.id for c in kept}

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        if a in parent and b in parent:
            ra, rb = root(a), root(b)
            if ra != rb:
                parent[rb] = ra
    by_root: dict[int, list[Annotation]] = {}
    for c in kept:
        by_root.setdefault(root(c.id), []).append(c)
    return list(by_root.values())


def _figures(group: list[Annotation]) -> tuple[Number | None, Number | None, Number | None]:
    """A group's smallest best, smallest low (else best) and largest high (else best)."""
    best = low = high = None
    for c in group:
        attrs = c.attributes
        b = _number(attrs.get("best"))
        lo = _number(attrs.get("low"))
        hi = _number(attrs.get("high"))
        if lo is None:
            lo = b
        if hi is None:
            hi = b
        if b is not None and (best is None or b < best):
            best = b
        if lo is not None and (low is None or lo < low):
            low = lo
        if hi is not None and (high is None or hi > high):
            high = hi
    return best, low, high


# Words that make a figure a running total rather than one event's victims. Matched in the
# figure's own clause (docs/fatalities.md, "Prefill").
_CUMULATIVE = re.compile(
    r"\b(?:since|so far|to date|thus far|in total|altogether|overall|cumulative|"
    r"death toll (?:of|in) the (?:war|conflict)|"
    r"(?:this|last|past) (?:year|month|week)s?|"
    r"(?:over|in|during) the (?:past|last) (?:\w+ )?(?:weeks|months|years)|"
    r"(?:since|from) the (?:start|beginning|outbreak) of|"
    r"(?:throughout|during) the (?:war|conflict|offensive|campaign|uprising))\b",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[.;!?\n]")


def scope_hint(text: str, start: int, end: int) -> str | None:
    """``cumulative`` when the clause around a casualty figure says it is a running total
    ("more than 600 people have been killed since April", "so far this year", "since 2011");
    otherwise None: a figure is put in an event's scope by linking it as the event's
    casualties, never guessed from silence."""
    left = 0
    for m in _CLAUSE_END.finditer(text, 0, start):
        left = m.end()
    right_match = _CLAUSE_END.search(text, end)
    right = right_match.start() if right_match else len(text)
    return "cumulative" if _CUMULATIVE.search(text, left, right) else None
