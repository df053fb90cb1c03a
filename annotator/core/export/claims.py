"""claims.csv: one row per casualty figure and the event it is a figure of, with its sources,
what it is a subset of, what supersedes it, and whether it was counted in the event's totals
and why not (docs/fatalities.md, docs/formats.md).

The totals of events.csv can be recomputed from this table alone: for one event and kind, take
the rows with ``counted`` true, group them by ``group``, take each group's smallest ``best``
(smallest ``low``, largest ``high``; a missing low or high stands in with best) and add the groups
up.
"""

from __future__ import annotations

from collections.abc import Sequence

from annotator.core.export import schema
from annotator.core.export.cells import Cell, join_cell, text_cell
from annotator.core.fatalities import (
    RELATIONS,
    SUBSET_OF,
    TALLIED_KINDS,
    UPDATES,
    Tally,
    tally,
)
from annotator.core.records import Annotation, Link

CASUALTY = "CASUALTY"
EVENT = "EVENT"
REPORTED_BY = "reported_by"
CITES = "cites"
COLUMNS: tuple[schema.Column, ...] = (
    ("document_id", "string", "documents.csv id"),
    ("claim_id", "string", "annotation_id of the CASUALTY span"),
    ("coder", "string", "who coded it"),
    ("text", "string", "the span's text" + schema.GUARD),
    ("start", "integer", "its start, a code point offset into text_file"),
    ("end", "integer", "its end (code points)"),
    ("event_id", "string", "annotation_id of the EVENT whose casualties role it fills (one row "
     "per event; empty when it fills none)"),
    ("kind", "string", "killed, injured, displaced... (the CASUALTY's kind)"),
    ("victim", "string", "who the victims are"),
    ("best", "integer", "best estimate"),
    ("low", "integer", "low estimate"),
    ("high", "integer", "high estimate"),
    ("qualifier", "string", "exact, at_least, approx, range, vague..."),
    ("count_scope", "string", "event or cumulative (empty: not filled)"),
    ("sources", "string", "texts of the SOURCE spans it is reported_by (else the event's "
     "source role), followed along cites, '; '-joined"),
    ("source_ids", "string", "their annotation_ids, '; '-joined"),
    ("published", "string", "the article's publication date"),
    ("subset_of", "string", "annotation_ids of the figures it is a subset of"),
    ("superseded_by", "string", "annotation_ids of the later figures that update it"),
    ("group", "string", "alternative reports of the same victims share a group (the first "
     "member's annotation_id)"),
    ("counted", "boolean", "whether it is counted in the event's totals"),
    ("reason", "string", "counted, counted_alternative (its group adds its smallest best), "
     "subset, superseded, cumulative, no_scope, not_tallied (a kind events.csv does not sum), "
     "no_event"),
)  # fmt: skip
HEADER = tuple(c[0] for c in COLUMNS)


def claim_rows(
    text: str,
    spans: Sequence[Annotation],
    links: Sequence[Link],
    by_id: dict[int, Annotation],
    doc_id: str,
    published: str,
) -> list[list[Cell]]:
    """The rows of one document; ``spans`` and ``links`` already in export order."""
    casualties = [a for a in spans if a.label == CASUALTY]
    if not casualties:
        return []
    relations = [k for k in links if k.role in RELATIONS]
    events_of: dict[int, list[Annotation]] = {}
    fillers: dict[int, list[Annotation]] = {}
    event_sources: dict[int, list[Annotation]] = {}
    reported: dict[int, list[Annotation]] = {}
    cites: dict[int, list[Annotation]] = {}
    subset_of: dict[int, list[str]] = {}
    superseded_by: dict[int, list[str]] = {}
    for k in links:
        src, dst = by_id[k.from_id], by_id[k.to_id]
        if k.role == "casualties" and src.label == EVENT:
            events_of.setdefault(dst.id, []).append(src)
            fillers.setdefault(src.id, []).append(dst)
        elif k.role == "source" and src.label == EVENT:
            event_sources.setdefault(src.id, []).append(dst)
        elif k.role == REPORTED_BY:
            reported.setdefault(src.id, []).append(dst)
        elif k.role == CITES:
            cites.setdefault(src.id, []).append(dst)
        elif k.role == SUBSET_OF:
            subset_of.setdefault(src.id, []).append(dst.uid)
        elif k.role == UPDATES:
            superseded_by.setdefault(dst.id, []).append(src.uid)
    tallies: dict[tuple[int, str], Tally] = {}
    rows: list[list[Cell]] = []
    for c in casualties:
        events: list[Annotation | None] = list(events_of.get(c.id, [])) or [None]
        for ev in events:
            kind = c.attributes.get("kind")
            if ev is None:
                counted, reason, group = False, "no_event", c.uid
                sources = reported.get(c.id, [])
            else:
                sources = reported.get(c.id) or event_sources.get(ev.id, [])
                if kind not in TALLIED_KINDS.values():
                    counted, reason, group = False, "not_tallied", c.uid
                else:
                    key = (ev.id, str(kind))
                    if key not in tallies:
                        tallies[key] = tally(fillers[ev.id], relations, str(kind))
                    t = tallies[key]
                    reason = t.reason(c)
                    counted = reason in ("counted", "counted_alternative")
                    group = next((g[0].uid for g in t.groups if any(m.id == c.id for m in g)),
                                 c.uid)  # fmt: skip
            chain = _follow(sources, cites)
            attrs = c.attributes
            rows.append(
                [
                    doc_id,
                    text_cell(c.uid),
                    text_cell(c.coder),
                    text_cell(text[c.start : c.end]),
                    c.start,
                    c.end,
                    text_cell(ev.uid) if ev is not None else "",
                    text_cell(str(kind or "")),
                    text_cell(str(attrs.get("victim") or "")),
                    _number(attrs.get("best")),
                    _number(attrs.get("low")),
                    _number(attrs.get("high")),
                    text_cell(str(attrs.get("qualifier") or "")),
                    text_cell(str(attrs.get("count_scope") or "")),
                    join_cell([text[s.start : s.end] for s in chain]),
                    join_cell([s.uid for s in chain]),
                    text_cell(published),
                    join_cell(subset_of.get(c.id, [])),
                    join_cell(superseded_by.get(c.id, [])),
                    text_cell(group),
                    "true" if counted else "false",
                    reason,
                ]
            )
    return rows


def _follow(sources: list[Annotation], cites: dict[int, list[Annotation]]) -> list[Annotation]:
    """The sources and, after them, whom they cite (and whom those cite), each once."""
    out: list[Annotation] = []
    seen: set[int] = set()
    queue = list(sources)
    while queue:
        s = queue.pop(0)
        if s.id in seen:
            continue
        seen.add(s.id)
        out.append(s)
        queue.extend(cites.get(s.id, []))
    return out


def _number(value: object) -> Cell:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return ""
    return int(value) if isinstance(value, float) and value.is_integer() else value
