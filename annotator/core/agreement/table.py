"""The agreement report as a terminal table and as flat CSV rows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from annotator.core.agreement.spans import LABELED, VARIANTS

LABEL_COEFFICIENTS = {
    "cohen_kappa": "Cohen's kappa",
    "fleiss_kappa": "Fleiss' kappa",
    "alpha_nominal": "Krippendorff's alpha (nominal)",
    "percent_agreement": "percent agreement",
}
DASH = "—"


def _number(value: Any) -> str:
    return DASH if value is None else f"{value:.3f}"


def _counts(by_coder: Mapping[str, int]) -> str:
    return " · ".join(f"{name} {n}" for name, n in by_coder.items())


def _grid(rows: list[list[str]], indent: str = "  ") -> list[str]:
    """Left-aligned columns, two spaces apart; trailing blanks removed."""
    if not rows:
        return []
    widths = [max(len(row[i]) for row in rows if i < len(row)) for i in range(len(rows[0]))]
    return [
        (indent + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row))).rstrip()
        for row in rows
    ]


def _why(reasons: Mapping[str, Any], key: str) -> str:
    reason = reasons.get(key)
    return f"({reason})" if isinstance(reason, str) else ""


def format_table(report: Mapping[str, Any]) -> str:
    """A readable plain-text rendering of `agreement_report`'s result."""

    def _count(n: int, noun: str) -> str:
        return f"{n} {noun}{'s' if n != 1 else ''}"

    coders = report["coders"]
    lines = [
        f"Agreement of {len(coders)} coder{'s' if len(coders) != 1 else ''} "
        f"({', '.join(coders) or 'none'}) on {_count(report['documents'], 'document')}, "
        f"{_count(report['annotations'], 'annotation')}",
        "",
    ]
    spans = report["spans"]
    lines.append("Span F1 (mean over pairs of coders)")
    rows = [["", "F1", "n spans", ""]]
    for variant in VARIANTS:
        rows.append(
            [
                variant.replace("_", ", "),
                _number(spans["f1"][variant]),
                _counts(spans["n_spans"]),
                _why(spans["reasons"], variant),
            ]
        )
    lines += _grid(rows)
    lines.append("")

    u_alpha = spans["unitizing_alpha"]
    u_reasons = u_alpha["reasons"]
    lines.append("By label")
    rows = [["label", "exact F1", "overlap F1", "u-alpha", "n units", "n spans", ""]]
    for label, entry in spans["f1_by_label"].items():
        why = [_why(entry["reasons"], v) for v in LABELED if entry[v] is None] + [
            _why(u_reasons.get("by_label", {}), label)
        ]
        rows.append(
            [
                label,
                _number(entry["exact_labeled"]),
                _number(entry["overlap_labeled"]),
                _number(u_alpha["by_label"].get(label)),
                str(u_alpha["n_units"]["by_label"].get(label, 0)),
                _counts(entry["n_spans"]),
                " ".join(sorted({w for w in why if w})),
            ]
        )
    rows.append(
        [
            "all labels",
            _number(spans["f1"]["exact_labeled"]),
            _number(spans["f1"]["overlap_labeled"]),
            _number(u_alpha["overall"]),
            str(u_alpha["n_units"]["overall"]),
            _counts(spans["n_spans"]),
            _why(u_reasons, "overall"),
        ]
    )
    lines += _grid(rows)
    lines.append("")

    labels = report["labels"]
    lines.append(
        f"Labels on aligned units ({labels['n_units']} units with two or more coders, "
        f"{labels['n_units_all_coders']} with all)"
    )
    rows = [["", "value", "n units", ""]]
    for key, title in LABEL_COEFFICIENTS.items():
        rows.append(
            [title, _number(labels[key]), str(labels["n"][key]), _why(labels["reasons"], key)]
        )
    lines += _grid(rows)
    lines.append("")

    attributes = report["attributes"]
    if attributes:
        lines.append("Attributes")
        rows = [["attribute", "metric", "alpha", "% agree", "n units", ""]]
        for key, entry in attributes.items():
            reason = entry.get("reason")
            rows.append(
                [
                    key,
                    entry["metric"],
                    _number(entry["alpha"]),
                    _number(entry["percent_agreement"]),
                    str(entry["n_units"]),
                    f"({reason})" if reason else "",
                ]
            )
        lines += _grid(rows)
        lines.append("")

    events = report["events"]
    lines.append(f"Events: {events['aligned']} aligned by trigger")
    if events["role_f1"]:
        rows = [["role", "F1", "n fillers"]]
        for role, value in events["role_f1"].items():
            rows.append([role, _number(value), str(events["n_fillers"].get(role, 0))])
        lines += _grid(rows)
    else:
        lines.append("  role F1: " + DASH + " " + _why(events["reasons"], "role_f1"))
    lines.append("")

    if report["pairs"]:
        lines.append("Pairs")
        rows = [["coders", "exact F1", "overlap F1", "Cohen's kappa", "n units", "events"]]
        for pair in report["pairs"]:
            rows.append(
                [
                    " – ".join(pair["coders"]),
                    _number(pair["f1"]["exact_labeled"]),
                    _number(pair["f1"]["overlap_labeled"]),
                    _number(pair["cohen_kappa"]),
                    str(pair["n_units"]),
                    str(pair["events"]["aligned"]),
                ]
            )
        lines += _grid(rows)
    return "\n".join(lines).rstrip() + "\n"


def _row(metric: str, scope: str, value: Any, n: int, reason: Any) -> dict[str, Any]:
    return {
        "metric": metric,
        "scope": scope,
        "value": value,
        "n": n,
        "reason": reason if value is None and isinstance(reason, str) else "",
    }


def report_csv_rows(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The report as flat rows (metric, scope, value, n, reason) for `--format csv`.

    Scopes: `all`, `label:NAME`, `labels`, `attribute:LABEL.attr`, `events`, `role:NAME`,
    `pair:A,B`. `n` is spans for F1, units for unit-based figures and fillers for role F1.
    """
    rows: list[dict[str, Any]] = []
    spans = report["spans"]
    n_spans = sum(spans["n_spans"].values())
    for variant in VARIANTS:
        rows.append(
            _row(
                f"span_f1.{variant}",
                "all",
                spans["f1"][variant],
                n_spans,
                spans["reasons"].get(variant),
            )
        )
    for label, entry in spans["f1_by_label"].items():
        for variant in LABELED:
            rows.append(
                _row(
                    f"span_f1.{variant}",
                    f"label:{label}",
                    entry[variant],
                    sum(entry["n_spans"].values()),
                    entry["reasons"].get(variant),
                )
            )
    u_alpha = spans["unitizing_alpha"]
    rows.append(
        _row(
            "unitizing_alpha",
            "all",
            u_alpha["overall"],
            u_alpha["n_units"]["overall"],
            u_alpha["reasons"].get("overall"),
        )
    )
    for label, value in u_alpha["by_label"].items():
        rows.append(
            _row(
                "unitizing_alpha",
                f"label:{label}",
                value,
                u_alpha["n_units"]["by_label"][label],
                u_alpha["reasons"].get("by_label", {}).get(label),
            )
        )
    labels = report["labels"]
    for key in LABEL_COEFFICIENTS:
        rows.append(_row(key, "labels", labels[key], labels["n"][key], labels["reasons"].get(key)))
    for key, entry in report["attributes"].items():
        rows.append(
            _row(
                f"alpha_{entry['metric']}",
                f"attribute:{key}",
                entry["alpha"],
                entry["n_units"],
                entry["reason"],
            )
        )
        rows.append(
            _row(
                "percent_agreement",
                f"attribute:{key}",
                entry["percent_agreement"],
                entry["n_units"],
                entry["reason"],
            )
        )
    events = report["events"]
    rows.append(_row("aligned_events", "events", events["aligned"], events["aligned"], None))
    for role, value in events["role_f1"].items():
        rows.append(_row("role_f1", f"role:{role}", value, events["n_fillers"].get(role, 0), None))
    for pair in report["pairs"]:
        scope = "pair:" + ",".join(pair["coders"])
        n_pair = sum(pair["n_spans"].values())
        for variant in VARIANTS:
            rows.append(
                _row(
                    f"span_f1.{variant}",
                    scope,
                    pair["f1"][variant],
                    n_pair,
                    pair["reasons"].get(variant),
                )
            )
        rows.append(
            _row(
                "cohen_kappa",
                scope,
                pair["cohen_kappa"],
                pair["n_units"],
                pair["reasons"].get("cohen_kappa"),
            )
        )
    return rows
