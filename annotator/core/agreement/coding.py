"""Agreement on what coders said about aligned units: their labels and attribute values."""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np
import numpy.typing as npt

from annotator.core.agreement.alignment import Units
from annotator.core.agreement.coefficients import (
    Coefficient,
    Metric,
    cohen_kappa,
    fleiss_from_codes,
    krippendorff_alpha,
    percent_agreement,
)
from annotator.core.records import Annotation

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def nominal_value(raw: Any) -> Hashable | None:
    """A value compared for equality; None when the coder left the field empty.

    Lists (multi_choice) compare as sorted tuples; booleans stay distinct from 0 and 1.
    """
    if raw is None or raw == "" or (isinstance(raw, list | tuple | set) and not raw):
        return None
    if isinstance(raw, list | tuple | set):
        return tuple(sorted(str(x) for x in raw))
    if isinstance(raw, bool):
        return ("bool", raw)
    if isinstance(raw, float) and math.isnan(raw):
        return None
    if isinstance(raw, Hashable):
        return raw
    return repr(raw)


def numeric_value(raw: Any) -> float | None:
    """A number for interval/ratio metrics; None for empty or non-numeric values."""
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str):
        try:
            value = float(raw.replace(",", ""))
        except ValueError:
            return None
    else:
        return None
    return value if math.isfinite(value) else None


def as_float(codes: IntArray) -> FloatArray:
    """Codes (-1 = missing) as floats with NaN for missing, the form alpha takes."""
    data = codes.astype(np.float64)
    data[codes < 0] = np.nan
    return data


def cohen_pairs(codes: IntArray) -> list[tuple[int, int, Coefficient]]:
    """Cohen's kappa for every pair of coders, on the units both coded."""
    result = []
    for a, b in combinations(range(codes.shape[0]), 2):
        both = (codes[a] >= 0) & (codes[b] >= 0)
        result.append((a, b, cohen_kappa(codes[a, both], codes[b, both])))
    return result


def mean_of(values: Sequence[Coefficient], none_reason: str) -> Coefficient:
    """The mean of the defined coefficients, with the summed n."""
    defined = [c.value for c in values if c.value is not None]
    n = sum(c.n for c in values)
    if not defined:
        reasons = sorted({c.reason for c in values if c.reason})
        return Coefficient(None, n, "; ".join(reasons) or none_reason)
    return Coefficient(float(np.mean(defined)), n)


def label_agreement(codes: IntArray, names: Sequence[str]) -> dict[str, Any]:
    """Cohen (pairwise mean), Fleiss, nominal alpha and percent agreement on unit labels."""
    n_coders = codes.shape[0]
    data = as_float(codes)
    per_unit = (codes >= 0).sum(axis=0)
    if n_coders < 2:
        two = "needs two or more coders"
        cohen = fleiss = alpha = percent = Coefficient(None, 0, two)
    else:
        cohen = mean_of([c for _, _, c in cohen_pairs(codes)], "no pair of coders")
        fleiss = fleiss_from_codes(codes)
        alpha = krippendorff_alpha(data, "nominal", names)
        percent = percent_agreement(data)
    found = {
        "cohen_kappa": cohen,
        "fleiss_kappa": fleiss,
        "alpha_nominal": alpha,
        "percent_agreement": percent,
    }
    out: dict[str, Any] = {name: c.value for name, c in found.items()}
    out["n_units"] = int((per_unit >= 2).sum())
    out["n_units_all_coders"] = int((per_unit == n_coders).sum()) if n_coders else 0
    out["n_units_total"] = int(codes.shape[1])
    out["n"] = {name: c.n for name, c in found.items()}
    out["reasons"] = {name: c.reason for name, c in found.items() if c.value is None}
    return out


@dataclass(frozen=True)
class LabelValues:
    """Where the spans of one label sit (coder row, unit column) and, per attribute, which of
    them carry a value: attribute -> (positions into rows/cols, raw values)."""

    shape: tuple[int, int]
    rows: IntArray
    cols: IntArray
    by_attribute: dict[str, tuple[list[int], list[Any]]]


def label_values(
    annotations: Sequence[Annotation], units: Units, span_label: IntArray, label: int
) -> LabelValues:
    """Every attribute value of the spans with `label`, read in one pass over those spans."""
    member = units.member
    rows, cols = np.nonzero(member >= 0)
    spans = member[rows, cols]
    keep = span_label[spans] == label
    rows, cols, spans = rows[keep], cols[keep], spans[keep]
    by_attribute: dict[str, tuple[list[int], list[Any]]] = {}
    for k, s in enumerate(spans.tolist()):
        for key, raw in annotations[s].attributes.items():
            if raw is None:
                continue
            found = by_attribute.get(key)
            if found is None:
                by_attribute[key] = ([k], [raw])
            else:
                found[0].append(k)
                found[1].append(raw)
    return LabelValues(member.shape, rows, cols, by_attribute)


def attribute_matrix(
    values: LabelValues, attribute: str, metric: Metric
) -> tuple[FloatArray, list[str]]:
    """Coders x units values of one attribute, NaN where the coder has no such value.

    A coder counts only where their span in the unit carries the label; nominal values are
    coded as integers in order of first appearance, and their names returned alongside.
    """
    data = np.full(values.shape, np.nan)
    positions, raws = values.by_attribute.get(attribute, ([], []))
    codes: dict[Hashable, int] = {}
    names: list[str] = []

    def code(raw: Any) -> float:
        if metric != "nominal":
            # Ordinal, interval and ratio values are numbers (integer or number attributes).
            number = numeric_value(raw)
            return np.nan if number is None else number
        value = nominal_value(raw)
        if value is None:
            return np.nan
        if value not in codes:
            codes[value] = len(codes)
            names.append(_name(raw))
        return codes[value]

    # Spans repeat a handful of distinct values: each is coded once, in order of first
    # appearance (keyed by type too, so True and 1 stay apart).
    seen: dict[tuple[type, Any], float] = {}
    coded = np.full(len(raws), np.nan)
    for k, raw in enumerate(raws):
        try:
            key = (raw.__class__, raw)
            coded[k] = seen[key] if key in seen else seen.setdefault(key, code(raw))
        except TypeError:  # unhashable (a multi_choice list)
            coded[k] = code(raw)
    at = np.asarray(positions, dtype=np.int64)
    data[values.rows[at], values.cols[at]] = coded
    return data, names


def _name(raw: Any) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, list | tuple | set):
        return "[" + ", ".join(sorted(str(x) for x in raw)) + "]"
    return str(raw)


def attribute_agreement(
    data: FloatArray, metric: Metric, names: Sequence[str] | None = None
) -> dict[str, Any]:
    """Alpha with the attribute's metric and percent agreement on one attribute's values."""
    n_coders = data.shape[0]
    if n_coders < 2:
        alpha = percent = Coefficient(None, 0, "needs two or more coders")
    else:
        alpha = krippendorff_alpha(data, metric, names if metric == "nominal" else None)
        percent = percent_agreement(data)
    return {
        "metric": metric,
        "alpha": alpha.value,
        "percent_agreement": percent.value,
        "n_units": alpha.n,
        "n_values": int((~np.isnan(data)).sum()),
        "reason": alpha.reason,
    }
