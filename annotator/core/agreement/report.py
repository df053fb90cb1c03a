"""The agreement report: every figure of docs/agreement.md in one JSON-ready dict.

Conventions, everywhere in the report:
- an undefined coefficient is `None` (JSON null); its reason sits in the `reasons` map of the
  object that holds it, under the same key (attribute entries, which hold one coefficient, have
  a single `reason`);
- every figure carries its n: span counts per coder for F1, `n_units` for unit-based figures,
  `n_fillers` for role F1;
- with more than two coders, pairwise figures (F1, Cohen's kappa, role F1) are the mean over
  pairs of the pairs where they are defined; each pair is listed in `pairs`.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np

from annotator.core.agreement.alignment import Units, align
from annotator.core.agreement.coding import (
    LabelSpans,
    attribute_agreement,
    attribute_matrix,
    cohen_pairs,
    label_agreement,
    label_spans,
)
from annotator.core.agreement.events import event_units, fillers, role_counts
from annotator.core.agreement.model import AgreementInput, Prepared, prepare
from annotator.core.agreement.spans import LABELED, VARIANTS, PairCounts, f1, pair_counts
from annotator.core.agreement.unitizing import unitizing_alpha

ALIGNMENT = (
    "units: spans of different coders that overlap, at most one span per coder per unit; "
    "coders taken in order, each matched exactly: most spans joined, then most same-label "
    "partners, then the largest total overlap, remaining ties by span order (document, start, "
    "end, label, coder, creation); a coder without a span in a unit is missing there"
)

NEEDS_TWO = "needs two or more coders"


def _mean(values: list[float | None]) -> float | None:
    defined = [v for v in values if v is not None]
    return float(np.mean(defined)) if defined else None


def _pair_f1(counts: PairCounts) -> tuple[dict[str, float | None], dict[str, str]]:
    scores = {v: f1(counts.matched[v], counts.n_a, counts.n_b) for v in VARIANTS}
    reasons = {v: "neither coder marked a span" for v, s in scores.items() if s is None}
    return scores, reasons


def _pair_f1_by_label(counts: PairCounts, labels: list[str], names: list[str]) -> dict[str, Any]:
    """Labeled F1 of one pair per label, with both coders' span counts."""
    result: dict[str, Any] = {}
    for k, label in enumerate(labels):
        n_a, n_b = int(counts.n_a_by_label[k]), int(counts.n_b_by_label[k])
        if n_a + n_b == 0:
            continue
        entry: dict[str, Any] = {
            v: f1(int(counts.matched_by_label[v][k]), n_a, n_b) for v in LABELED
        }
        entry["n_spans"] = {names[0]: n_a, names[1]: n_b}
        result[label] = entry
    return result


def _span_section(
    prepared: Prepared, pairs: list[tuple[int, int]], counts: list[PairCounts]
) -> dict[str, Any]:
    coders, labels = prepared.coders, prepared.labels
    spans = prepared.spans
    per_coder = np.bincount(spans.coder, minlength=len(coders))
    n_spans = {name: int(per_coder[i]) for i, name in enumerate(coders)}
    scores: dict[str, float | None] = {}
    reasons: dict[str, str] = {}
    for variant in VARIANTS:
        values = [f1(c.matched[variant], c.n_a, c.n_b) for c in counts]
        scores[variant] = _mean(values)
        if scores[variant] is None:
            reasons[variant] = NEEDS_TWO if not pairs else "no coder marked a span"
    by_label: dict[str, Any] = {}
    for k, label in enumerate(labels):
        entry: dict[str, Any] = {}
        entry_reasons: dict[str, str] = {}
        for variant in LABELED:
            values = [
                f1(
                    int(c.matched_by_label[variant][k]),
                    int(c.n_a_by_label[k]),
                    int(c.n_b_by_label[k]),
                )
                for c in counts
            ]
            entry[variant] = _mean(values)
            if entry[variant] is None:
                entry_reasons[variant] = NEEDS_TWO if not pairs else "no span with this label"
        per_label = np.bincount(spans.coder[spans.label == k], minlength=len(coders))
        entry["n_spans"] = {name: int(per_label[i]) for i, name in enumerate(coders)}
        entry["reasons"] = entry_reasons
        by_label[label] = entry

    overall, per_label_alpha = unitizing_alpha(
        spans.coder,
        spans.start,
        spans.end,
        spans.label,
        len(coders),
        len(labels),
        prepared.length,
    )
    u_reasons: dict[str, Any] = {}
    if overall.value is None:
        u_reasons["overall"] = overall.reason
    label_reasons = {
        label: c.reason for label, c in zip(labels, per_label_alpha, strict=True) if c.value is None
    }
    if label_reasons:
        u_reasons["by_label"] = label_reasons
    return {
        "f1": scores,
        "n_spans": n_spans,
        "n_pairs": len(pairs),
        "reasons": reasons,
        "f1_by_label": by_label,
        "unitizing_alpha": {
            "overall": overall.value,
            "by_label": {label: c.value for label, c in zip(labels, per_label_alpha, strict=True)},
            "n_units": {
                "overall": overall.n,
                "by_label": {label: c.n for label, c in zip(labels, per_label_alpha, strict=True)},
            },
            "continuum_length": prepared.length,
            "reasons": u_reasons,
        },
    }


def _attribute_section(prepared: Prepared, units: Units) -> dict[str, Any]:
    result: dict[str, Any] = {}
    by_label: dict[str, LabelSpans] = {}
    attributes = prepared.spans.attributes
    for key, metric in prepared.metrics.items():
        label, _, attribute = key.partition(".")
        if label not in prepared.labels:
            result[key] = {
                "metric": metric,
                "alpha": None,
                "percent_agreement": None,
                "n_units": 0,
                "n_values": 0,
                "reason": f"no span labelled {label}",
            }
            continue
        if label not in by_label:
            index = prepared.labels.index(label)
            by_label[label] = label_spans(attributes, units, prepared.spans.label, index)
        data, names = attribute_matrix(by_label[label], attribute, metric)
        result[key] = attribute_agreement(data, metric, names)
    return result


def _role_f1(matched: dict[str, int], n_a: dict[str, int], n_b: dict[str, int]) -> dict[str, Any]:
    scores = {
        role: f1(matched[role], n_a[role], n_b[role]) for role in matched if n_a[role] + n_b[role]
    }
    return {k: v for k, v in scores.items() if v is not None}


def agreement_report(data: AgreementInput) -> dict[str, Any]:
    """Inter-annotator agreement of the input's coders, as a JSON-ready dict (docs/agreement.md)."""
    prepared = prepare(data)
    coders = prepared.coders
    spans = prepared.spans
    pairs = list(combinations(range(len(coders)), 2))
    counts = [pair_counts(spans, a, b, len(prepared.labels)) for a, b in pairs]
    units = align(spans, len(coders))
    codes = units.codes(spans.label)
    kappas = cohen_pairs(codes)
    found = fillers(prepared)
    _, is_event = event_units(prepared, units)
    roles = [role_counts(prepared, units, is_event, found, a, b) for a, b in pairs]

    pair_rows: list[dict[str, Any]] = []
    for (a, b), c, (_, _, kappa), r in zip(pairs, counts, kappas, roles, strict=True):
        scores, reasons = _pair_f1(c)
        if kappa.value is None and kappa.reason:
            reasons["cohen_kappa"] = kappa.reason
        pair_rows.append(
            {
                "coders": [coders[a], coders[b]],
                "f1": scores,
                "n_spans": {coders[a]: c.n_a, coders[b]: c.n_b},
                "matched": dict(c.matched),
                "f1_by_label": _pair_f1_by_label(c, prepared.labels, [coders[a], coders[b]]),
                "cohen_kappa": kappa.value,
                "n_units": kappa.n,
                "events": {
                    "aligned": r.aligned,
                    "role_f1": _role_f1(r.matched, r.n_a, r.n_b),
                    "n_fillers": {
                        role: r.n_a[role] + r.n_b[role]
                        for role in r.n_a
                        if r.n_a[role] + r.n_b[role]
                    },
                },
                "reasons": reasons,
            }
        )

    role_names = sorted({role for row in pair_rows for role in row["events"]["role_f1"]})
    role_f1 = {
        role: _mean([row["events"]["role_f1"].get(role) for row in pair_rows])
        for role in role_names
    }
    events: dict[str, Any] = {
        "aligned": int((is_event.sum(axis=0) >= 2).sum()),
        "role_f1": role_f1,
        "n_fillers": {
            role: int(sum(r.n_a[role] + r.n_b[role] for r in roles)) for role in role_names
        },
        "reasons": {},
    }
    if not pairs:
        events["reasons"]["role_f1"] = NEEDS_TWO
    elif not role_names:
        events["reasons"]["role_f1"] = "no aligned event with role fillers"

    return {
        "coders": list(coders),
        "documents": len(prepared.documents),
        "annotations": int(spans.start.size),
        "labels_compared": list(prepared.labels),
        "alignment": ALIGNMENT,
        "spans": _span_section(prepared, pairs, counts),
        "labels": label_agreement(codes, prepared.labels),
        "attributes": _attribute_section(prepared, units),
        "events": events,
        "pairs": pair_rows,
    }
