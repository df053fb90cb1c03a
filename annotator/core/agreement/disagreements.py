"""Every place where the coders differ, one row each, for review and adjudication.

Rows come from the same units as the report (see `alignment`); `document` is the document's
external id (the one imported and exported), never a database id. Kinds:
- `missing_span`: some coders marked the unit, others did not;
- `label`: the coders who marked it gave different labels;
- `boundary`: same label, different offsets;
- `attribute` / `number`: coders with the same label gave different values (`number` for
  integer/number attributes, i.e. an interval/ratio metric, or unlisted ones holding numbers).
  An empty value next to a filled one counts as different: the reviewer has to pick one.
  Every attribute present is compared, listed in `attribute_metrics` or not (text fields too);
- `role`: coders who marked the same event linked different fillers for a role.
"""

from __future__ import annotations

from typing import Any

from annotator.core.agreement.alignment import align
from annotator.core.agreement.coding import nominal_value, numeric_value
from annotator.core.agreement.events import Frames, event_units, frames
from annotator.core.agreement.model import EVENT, AgreementInput, Prepared, prepare
from annotator.core.records import Annotation, Document

KINDS: tuple[str, ...] = ("missing_span", "label", "boundary", "attribute", "number", "role")
EMPTY = "(empty)"


def _say(raw: Any) -> str:
    """What a coder said, as text for the coder columns."""
    if raw is None or raw == "" or raw == []:
        return EMPTY
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, list | tuple | set):
        return "; ".join(sorted(str(x) for x in raw))
    return str(raw)


def _span(annotation: Annotation, document: Document) -> str:
    text = document.text[annotation.start : annotation.end]
    return f'{annotation.label} {annotation.start}-{annotation.end} "{text}"'


class _Rows:
    """Collects rows for one prepared input."""

    def __init__(self, prepared: Prepared) -> None:
        self.prepared = prepared
        self.columns = [f"coder:{name}" for name in prepared.coders]
        self.rows: list[tuple[tuple[int, int, int, int, str, str], dict[str, Any]]] = []

    def add(
        self,
        position: int,
        start: int,
        end: int,
        kind: str,
        label: str,
        attribute: str,
        said: dict[int, str],
    ) -> None:
        document = self.prepared.documents[position]
        row: dict[str, Any] = {
            "document": document.ext_id,  # the id users know, not the database's
            "start": start,
            "end": end,
            "text": document.text[start:end],
            "kind": kind,
            "label": label,
            "attribute": attribute,
        }
        for c, column in enumerate(self.columns):
            row[column] = said.get(c, "")
        self.rows.append(((position, start, end, KINDS.index(kind), label, attribute), row))

    def sorted(self) -> list[dict[str, Any]]:
        return [row for _, row in sorted(self.rows, key=lambda item: item[0])]


def _is_number(prepared: Prepared, label: str, attribute: str, raws: list[Any]) -> bool:
    metric = prepared.metrics.get(f"{label}.{attribute}")
    if metric is not None:
        return metric in ("interval", "ratio")
    filled = [r for r in raws if r is not None and r != ""]
    return bool(filled) and all(
        not isinstance(r, str) and numeric_value(r) is not None for r in filled
    )


def _attribute_rows(
    out: _Rows, position: int, start: int, end: int, label: str, said: dict[int, Annotation]
) -> None:
    keys = sorted({key for a in said.values() for key in a.attributes})
    for key in keys:
        raws = {c: a.attributes.get(key) for c, a in said.items()}
        if len({nominal_value(raw) for raw in raws.values()}) < 2:
            continue
        kind = (
            "number" if _is_number(out.prepared, label, key, list(raws.values())) else "attribute"
        )
        out.add(position, start, end, kind, label, key, {c: _say(r) for c, r in raws.items()})


def _role_rows(
    out: _Rows,
    position: int,
    start: int,
    end: int,
    events: dict[int, int],
    found: Frames,
    unit_of: list[int],
) -> None:
    spans = out.prepared.spans
    document = out.prepared.documents[position]
    roles = sorted({role for i in events.values() for role in found.get(i, {})})
    for role in roles:
        fillers = {c: found.get(i, {}).get(role, []) for c, i in events.items()}
        if len({frozenset(unit_of[f] for f in fs) for fs in fillers.values()}) < 2:
            continue
        said = {
            c: "; ".join(_span(spans.annotations[f], document) for f in fs) or EMPTY
            for c, fs in fillers.items()
        }
        out.add(position, start, end, "role", EVENT, role, said)


def disagreements(data: AgreementInput) -> list[dict[str, Any]]:
    """One row per disagreement between the input's coders (see the module docstring)."""
    prepared = prepare(data)
    n_coders = len(prepared.coders)
    out = _Rows(prepared)
    if n_coders < 2:
        return []
    spans = prepared.spans
    units = align(spans, n_coders)
    found = frames(prepared)
    _, is_event = event_units(prepared, units)
    unit_of = units.unit.tolist()
    member = units.member.T.tolist()
    document_of = spans.document.tolist()
    for u, members in enumerate(member):
        present = {c: i for c, i in enumerate(members) if i >= 0}
        first = next(iter(present.values()))
        position = document_of[first]
        document = prepared.documents[position]
        said = {c: spans.annotations[i] for c, i in present.items()}
        start = min(a.start for a in said.values())
        end = max(a.end for a in said.values())
        labels = sorted({a.label for a in said.values()})
        shown = {c: _span(a, document) for c, a in said.items()}
        joined = "/".join(labels)
        if len(present) < n_coders:
            out.add(position, start, end, "missing_span", joined, "", shown)
        if len(labels) > 1:
            out.add(position, start, end, "label", joined, "", shown)
        elif len(present) > 1 and len({(a.start, a.end) for a in said.values()}) > 1:
            out.add(position, start, end, "boundary", joined, "", shown)
        for label in labels:
            same = {c: a for c, a in said.items() if a.label == label}
            if len(same) > 1:
                _attribute_rows(out, position, start, end, label, same)
        events = {c: present[c] for c in present if is_event[c, u]}
        if len(events) > 1:
            _role_rows(out, position, start, end, events, found, unit_of)
    return out.sorted()
