"""events.csv: one row per EVENT span (per coder), in the style of ACLED/UCDP (docs/fatalities.md).

Columns: ``document_id, event_id, coder, trigger_text, trigger_start, trigger_end``; every
attribute of EVENT (plain names, ``EVENT.name`` if one clashes with another column); for each
role of EVENT in codebook order (``actor1, actor2, assoc_actor, casualties, place, time,
source`` in the default codebook) the fillers' texts and their annotation ids (``actor1``,
``actor1_ids``; several in text order, joined with ``; ``); ``date_start, date_end,
time_precision`` from the DATE spans in the ``time`` role; then ``fatalities_best/low/high``,
``injured_best/low/high``, ``displaced_best/low/high`` by the rules in
:mod:`annotator.core.fatalities`. Every figure can be traced to its spans through the ``_ids``
columns.

Several DATEs in the ``time`` role: ``date_start`` is the earliest start, ``date_end`` the
latest end (a DATE without ``end`` ends on its start), ``time_precision`` the coarsest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from annotator.core.codebook import Codebook
from annotator.core.export import schema
from annotator.core.export.acled import COLUMNS as ACLED_COLUMNS
from annotator.core.export.acled import HEADER as ACLED_HEADER
from annotator.core.export.acled import AcledColumns, References
from annotator.core.export.cells import Cell, join_cell, text_cell, typed_cell
from annotator.core.fatalities import RELATIONS, TALLIED_KINDS, Tally, tally
from annotator.core.records import Annotation, Link

EVENT_LABEL = "EVENT"
DATE_LABEL = "DATE"
TIME_ROLE = "time"
CASUALTIES_ROLE = "casualties"
EVENT_COLUMNS = (
    "document_id", "event_id", "coder", "trigger_text", "trigger_start", "trigger_end",
)  # fmt: skip
DATE_COLUMNS = ("date_start", "date_end", "time_precision")
ACTOR_ROLES = {"actor1", "actor2", "assoc_actor", "assoc_actor1", "assoc_actor2"}
"""Roles whose column holds canonical actor names (the span text where none is linked)."""
TALLY_COLUMNS = tuple(
    f"{prefix}_{figure}" for prefix in TALLIED_KINDS for figure in ("best", "low", "high")
)


@dataclass(frozen=True)
class EventTable:
    header: tuple[str, ...]
    attributes: tuple[str, ...]  # EVENT attribute names, in column order
    kinds: tuple[str, ...]  # their column types (schema.json)
    roles: tuple[str, ...]
    columns: tuple[schema.Column, ...]  # name, type, meaning of every column
    acled: AcledColumns

    @classmethod
    def from_codebook(cls, codebook: Codebook, references: References | None = None) -> EventTable:
        label = codebook.label(EVENT_LABEL)
        roles = tuple(r.name for r in label.roles) if label is not None else ()
        role_columns = tuple(c for r in roles for c in (r, f"{r}_ids"))
        fixed = {*EVENT_COLUMNS, *role_columns, *DATE_COLUMNS, *TALLY_COLUMNS, *ACLED_HEADER}
        attrs = label.attributes if label is not None else ()
        attr_columns = tuple(
            f"{EVENT_LABEL}.{a.name}" if a.name in fixed else a.name for a in attrs
        )
        header = (
            *EVENT_COLUMNS, *attr_columns, *role_columns, *DATE_COLUMNS, *TALLY_COLUMNS,
            *ACLED_HEADER,
        )  # fmt: skip
        kinds = tuple(schema.attribute_kind(a) for a in attrs)
        columns = (
            ("document_id", "string", "documents.csv id"),
            ("event_id", "string", "annotation_id of the EVENT span"),
            ("coder", "string", "who coded it"),
            ("trigger_text", "string", "the EVENT span's text" + schema.GUARD),
            ("trigger_start", "integer", "its start, a code point offset into text_file"),
            ("trigger_end", "integer", "its end (code points)"),
            *(
                (c, k, schema.attribute_meaning([EVENT_LABEL], a))
                for c, k, a in zip(attr_columns, kinds, attrs, strict=True)
            ),
            *(
                col
                for r in roles
                for col in (
                    (
                        r,
                        "string",
                        f"canonical actor names of the {r} role's fillers (the span text where "
                        "none is linked), '; '-joined"
                        if r in ACTOR_ROLES
                        else f"texts of the {r} role's fillers in text order, '; '-joined",
                    ),
                    (f"{r}_ids", "string", "their annotation_ids, '; '-joined"),
                )
            ),
            ("date_start", "date", "earliest start of the DATEs in the time role"),
            ("date_end", "date", "latest end of those DATEs"),
            (
                "time_precision",
                "integer",
                "coarsest time_precision of those DATEs (docs/numbers-and-dates.md)",
            ),
            *((c, "integer", f"{c.replace('_', ' ')} (docs/fatalities.md)") for c in TALLY_COLUMNS),
            *ACLED_COLUMNS,
        )
        return cls(
            header, tuple(a.name for a in attrs), kinds, roles, columns, AcledColumns(references)
        )

    def rows(
        self,
        text: str,
        spans: Sequence[Annotation],
        links: Sequence[Link],
        by_id: dict[int, Annotation],
        doc_id: str,
        published: str = "",
    ) -> list[list[Cell]]:
        """The rows of one document; ``spans`` and ``links`` already in export order."""
        events = [a for a in spans if a.label == EVENT_LABEL]
        if not events:
            return []
        fillers: dict[int, dict[str, list[Annotation]]] = {}
        for k in links:
            if k.role in self.roles:
                fillers.setdefault(k.from_id, {}).setdefault(k.role, []).append(by_id[k.to_id])
        relations = [k for k in links if k.role in RELATIONS]
        rows: list[list[Cell]] = []
        none: dict[str, list[Annotation]] = {}
        unknown = ("", "", "")
        for ev in events:
            roles = fillers.get(ev.id, none)
            row: list[Cell] = [
                doc_id,
                text_cell(ev.uid),
                text_cell(ev.coder),
                text_cell(text[ev.start : ev.end]),
                ev.start,
                ev.end,
            ]
            attrs = ev.attributes
            for name, kind in zip(self.attributes, self.kinds, strict=True):
                cell = typed_cell(kind, attrs.get(name))
                row.append("" if cell is None else cell)  # a misfit: other_attributes has it
            unlinked: list[str] = []
            for role in self.roles:
                found = roles.get(role)  # in text order already: links come sorted
                if found and role in ACTOR_ROLES:
                    row.append(self.acled.actor_cell(found, text, role, unlinked))
                    row.append(join_cell([a.uid for a in found]))
                elif found:
                    row.append(join_cell([text[a.start : a.end] for a in found]))
                    row.append(join_cell([a.uid for a in found]))
                else:
                    row += ("", "")
            dates = _dates(roles.get(TIME_ROLE, []))
            row.extend(dates)
            casualties = roles.get(CASUALTIES_ROLE, [])
            kinds = {c.attributes.get("kind") for c in casualties}
            killed = Tally("killed")
            for kind in TALLIED_KINDS.values():
                if kind not in kinds:
                    row += unknown
                    continue
                t = tally(casualties, relations, kind)
                if kind == "killed":
                    killed = t
                row += ("" if t.best is None else t.best, "" if t.low is None else t.low,
                        "" if t.high is None else t.high)  # fmt: skip
            row.extend(self.acled.cells(ev, roles, text, published, dates[0], killed, unlinked))
            rows.append(row)
        return rows


def _dates(times: list[Annotation]) -> list[Cell]:
    starts: list[str] = []
    ends: list[str] = []
    precisions: list[int] = []
    for d in times:
        if d.label != DATE_LABEL:
            continue
        start, end = d.attributes.get("start"), d.attributes.get("end")
        if isinstance(start, str) and start:
            starts.append(start)
            ends.append(end if isinstance(end, str) and end else start)
        elif isinstance(end, str) and end:
            ends.append(end)
        p = d.attributes.get("time_precision")
        if isinstance(p, str) and p.isdigit():  # a codebook may make it a choice of "1".."3"
            p = int(p)
        if isinstance(p, int) and not isinstance(p, bool):
            precisions.append(p)
    return [
        text_cell(min(starts)) if starts else "",
        text_cell(max(ends)) if ends else "",
        max(precisions) if precisions else "",
    ]
