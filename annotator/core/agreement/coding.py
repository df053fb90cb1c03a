"""Agreement on what coders said about aligned units: their labels and attribute values."""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from operator import methodcaller
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
class LabelSpans:
    """Where the spans of one label sit in the units (coder row, unit column), their
    attributes in the same order, and every attribute name any of them uses.

    Spans often share one attributes object (the store's reader decodes each distinct stored
    value once): `groups[i]` is then the position in `shared` of span i's object, in order of
    first appearance, so each attribute is coded once per object rather than once per span;
    `groups` is None when the objects are mostly distinct."""

    shape: tuple[int, int]
    rows: IntArray
    cols: IntArray
    attributes: list[Mapping[str, Any]]
    used: set[str]
    groups: IntArray | None = None
    shared: list[Mapping[str, Any]] | None = None


def label_spans(
    attributes: Sequence[Mapping[str, Any]], units: Units, span_label: IntArray, label: int
) -> LabelSpans:
    """The spans with `label` in the units, in coder-major order; `attributes[i]` are span
    i's attributes."""
    member = units.member
    rows, cols = np.nonzero(member >= 0)
    spans = member[rows, cols]
    keep = span_label[spans] == label
    mine = list(map(attributes.__getitem__, spans[keep].tolist()))
    keys = list(map(id, mine))  # the objects are alive meanwhile: an id names one
    by_id = dict(zip(keys, mine, strict=True))
    if len(by_id) * 2 > len(mine):
        return LabelSpans(member.shape, rows[keep], cols[keep], mine, set().union(*mine))
    position = {key: i for i, key in enumerate(by_id)}  # dicts keep first-appearance order
    groups = np.fromiter(map(position.__getitem__, keys), dtype=np.int64, count=len(keys))
    shared = list(by_id.values())
    return LabelSpans(
        member.shape, rows[keep], cols[keep], mine, set().union(*shared), groups, shared
    )


def attribute_matrix(
    placed: LabelSpans, attribute: str, metric: Metric
) -> tuple[FloatArray, list[str]]:
    """Coders x units values of one attribute, NaN where the coder has no such value.

    A coder counts only where their span in the unit carries the label; nominal values are
    coded as integers in order of first appearance, and their names returned alongside.
    """
    data = np.full(placed.shape, np.nan)
    if attribute not in placed.used:  # most of a codebook's attributes are rarely filled
        return data, []
    if placed.groups is not None and placed.shared is not None:
        groups, shared = placed.groups, placed.shared
        return _shared_attribute_matrix(data, placed, groups, shared, attribute, metric)
    said = list(map(methodcaller("get", attribute), placed.attributes))  # in C, not a loop
    if None in said:
        where = [k for k, raw in enumerate(said) if raw is not None]
        raws = [said[k] for k in where]
    else:  # the usual case: every span of the label carries the attribute
        where, raws = list(range(len(said))), said
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
    # appearance. Values are their own keys unless booleans are among them (True == 1), then
    # keyed with their type.
    kinds = set(map(type, raws))
    typed = bool in kinds
    keys: list[Any] = list(zip(map(type, raws), raws, strict=True)) if typed else raws
    try:
        distinct: dict[Any, float] = dict.fromkeys(keys, np.nan)
    except TypeError:  # an unhashable value (a multi_choice list): code them one by one
        coded = np.array([code(raw) for raw in raws], dtype=np.float64)
    else:
        for key in distinct:
            distinct[key] = code(key if keys is raws else key[1])
        coded = np.fromiter(map(distinct.__getitem__, keys), dtype=np.float64, count=len(keys))
    at = np.asarray(where, dtype=np.int64)
    data[placed.rows[at], placed.cols[at]] = coded
    return data, names


def _shared_attribute_matrix(
    data: FloatArray,
    placed: LabelSpans,
    groups: IntArray,
    shared: list[Mapping[str, Any]],
    attribute: str,
    metric: Metric,
) -> tuple[FloatArray, list[str]]:
    """`attribute_matrix` coding each shared attributes object once, in order of first
    appearance (so nominal codes and names come in the same order as span by span)."""
    codes: dict[Hashable, int] = {}
    names: list[str] = []
    values = np.full(len(shared), np.nan)
    for i, attributes in enumerate(shared):
        raw = attributes.get(attribute)
        if raw is None:
            continue
        if metric != "nominal":
            number = numeric_value(raw)
            values[i] = np.nan if number is None else number
            continue
        value = nominal_value(raw)
        if value is None:
            continue
        if value not in codes:
            codes[value] = len(codes)
            names.append(_name(raw))
        values[i] = codes[value]
    data[placed.rows, placed.cols] = values[groups]
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
