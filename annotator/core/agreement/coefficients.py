"""Chance-corrected agreement coefficients on coded units: Cohen, Fleiss, Krippendorff.

Every function returns a `Coefficient`: the value, the number of units it rests on, and, when the
value is undefined (too few units, no variation), `None` with a reason a reader can act on.

Krippendorff's alpha is computed here rather than with the `krippendorff` package: that package
builds an N x V x V array (units x values x values), which for casualty counts with hundreds of
distinct values over tens of thousands of units needs gigabytes. This version builds the
coincidences from coder pairs directly (O(units x coders^2) time, O(values) memory for the
nominal and interval metrics) and is pinned against the package in the tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

Metric = Literal["nominal", "ordinal", "interval", "ratio"]
METRICS: tuple[Metric, ...] = ("nominal", "ordinal", "interval", "ratio")

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Coefficient:
    """A coefficient's value (None when undefined), its n, and why it is undefined."""

    value: float | None
    n: int
    reason: str | None = None


def cohen_kappa(a: IntArray, b: IntArray) -> Coefficient:
    """Cohen's (1960) kappa for two coders' category codes (>= 0) on the same units."""
    n = int(a.size)
    if n == 0:
        return Coefficient(None, 0, "no unit coded by both coders")
    k = int(max(a.max(), b.max())) + 1
    table = np.bincount(a * k + b, minlength=k * k).reshape(k, k)
    agree = int(np.trace(table))
    # Integer arithmetic keeps the "no variation" test exact: p_e == 1 iff both coders used
    # the same single category for every unit.
    chance = int(table.sum(axis=1) @ table.sum(axis=0))
    if chance == n * n:
        return Coefficient(None, n, "no variation: both coders gave every unit the same value")
    p_o = agree / n
    p_e = chance / (n * n)
    return Coefficient((p_o - p_e) / (1.0 - p_e), n)


def fleiss_kappa(counts: IntArray) -> Coefficient:
    """Fleiss' (1971) kappa from a units x categories table of how many coders chose each.

    Every row must sum to the same number of coders m >= 2.
    """
    n_units = int(counts.shape[0])
    if n_units == 0:
        return Coefficient(None, 0, "no unit coded by every coder")
    m = int(counts[0].sum())
    if m < 2:
        return Coefficient(None, n_units, "needs two or more coders")
    if np.any(counts.sum(axis=1) != m):
        raise ValueError("fleiss_kappa: every unit needs the same number of ratings")
    column = counts.sum(axis=0)
    total = n_units * m
    if int(column @ column) == total * total:
        return Coefficient(None, n_units, "no variation: every coder gave every unit one value")
    p_units = ((counts * counts).sum(axis=1) - m) / (m * (m - 1))
    p_bar = float(p_units.mean())
    shares = column / total
    p_e = float(shares @ shares)
    return Coefficient((p_bar - p_e) / (1.0 - p_e), n_units)


def fleiss_from_codes(codes: IntArray) -> Coefficient:
    """Fleiss' kappa from a coders x units matrix of codes (-1 = missing).

    Only units coded by every coder count (Fleiss' kappa has no notion of missing data).
    """
    n_coders = codes.shape[0]
    if n_coders < 2:
        return Coefficient(None, 0, "needs two or more coders")
    complete = codes[:, np.all(codes >= 0, axis=0)]
    n_units = complete.shape[1]
    if n_units == 0:
        return Coefficient(None, 0, "no unit coded by every coder")
    k = int(complete.max()) + 1
    flat = (np.arange(n_units)[np.newaxis, :] * k + complete).ravel()
    counts = np.bincount(flat, minlength=n_units * k).reshape(n_units, k).astype(np.int64)
    return fleiss_kappa(counts)


def _pairable(data: FloatArray) -> tuple[FloatArray, npt.NDArray[np.bool_], IntArray]:
    """The units (columns) with values from two or more coders, their mask and value counts."""
    present = ~np.isnan(data)
    per_unit = present.sum(axis=0)
    keep = per_unit >= 2
    return data[:, keep], present[:, keep], per_unit[keep].astype(np.int64)


def percent_agreement(data: FloatArray) -> Coefficient:
    """Mean over units (with two or more values) of the share of coder pairs that agree.

    With two coders this is the share of units on which they agree. `data` is coders x units,
    NaN where a coder gave no value.
    """
    values, present, per_unit = _pairable(data)
    n_units = int(per_unit.size)
    if n_units == 0:
        return Coefficient(None, 0, "no unit has values from two or more coders")
    agreeing = np.zeros(n_units)
    n_coders = values.shape[0]
    for i in range(n_coders):
        for j in range(i + 1, n_coders):
            both = present[i] & present[j]
            agreeing += both & (values[i] == values[j])
    pairs = per_unit * (per_unit - 1) / 2
    return Coefficient(float((agreeing / pairs).mean()), n_units)


def krippendorff_alpha(
    data: FloatArray, metric: Metric = "nominal", names: Sequence[str] | None = None
) -> Coefficient:
    """Krippendorff's alpha for a coders x units matrix, NaN where a value is missing.

    Nominal data is passed as integer codes, with `names[code]` used to say which value it
    was when there is no variation. Units with fewer than two values are not pairable and drop
    out, as in Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability".
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}: use one of {', '.join(METRICS)}")
    values, present, per_unit = _pairable(data)
    n_units = int(per_unit.size)
    if n_units == 0:
        return Coefficient(None, 0, "no unit has values from two or more coders")
    pooled = values[present]
    domain, counts = np.unique(pooled, return_counts=True)
    if domain.size < 2:
        only = float(domain[0])
        said = names[int(only)] if names is not None else f"{only:g}"
        return Coefficient(None, n_units, f"no variation: every value is {said}")
    n = float(pooled.size)
    counts_f = counts.astype(np.float64)
    index = np.searchsorted(domain, np.where(present, values, domain[0]))
    cumulative = np.cumsum(counts_f)
    weight = 1.0 / (per_unit - 1)

    observed = 0.0
    n_coders = values.shape[0]
    for i in range(n_coders):
        for j in range(i + 1, n_coders):
            both = present[i] & present[j]
            if not both.any():
                continue
            delta = _distance(
                metric,
                values[i, both],
                values[j, both],
                index[i, both],
                index[j, both],
                counts_f,
                cumulative,
            )
            # Each unordered pair stands for the two ordered pairs of the coincidence matrix.
            observed += 2.0 * float((weight[both] * delta).sum())
    expected = _expected(metric, domain, counts_f, cumulative)
    d_o = observed / n
    d_e = expected / (n * (n - 1.0))
    return Coefficient(1.0 - d_o / d_e, n_units)


def _distance(
    metric: Metric,
    x: FloatArray,
    y: FloatArray,
    ix: IntArray,
    iy: IntArray,
    counts: FloatArray,
    cumulative: FloatArray,
) -> FloatArray:
    """Squared distance (Krippendorff's delta^2) between paired values."""
    if metric == "nominal":
        differ: FloatArray = (x != y).astype(np.float64)
        return differ
    if metric == "interval":
        squared: FloatArray = (x - y) ** 2
        return squared
    if metric == "ratio":
        total = x + y
        safe = np.where(total == 0, 1.0, total)
        return np.where(total == 0, 0.0, ((x - y) / safe) ** 2)
    low = np.minimum(ix, iy)
    high = np.maximum(ix, iy)
    between = cumulative[high] - cumulative[low] + counts[low]
    return (between - (counts[low] + counts[high]) / 2.0) ** 2


def _expected(
    metric: Metric, domain: FloatArray, counts: FloatArray, cumulative: FloatArray
) -> float:
    """Sum over value pairs c, k of n_c * n_k * delta^2(c, k)."""
    n = float(counts.sum())
    if metric == "nominal":
        return n * n - float(counts @ counts)
    if metric == "interval":
        centred = domain - float(counts @ domain) / n  # shift-invariant; avoids cancellation
        return 2.0 * n * float(counts @ (centred * centred))
    index = np.arange(domain.size)
    delta = _distance(
        metric,
        domain[:, np.newaxis],
        domain[np.newaxis, :],
        index[:, np.newaxis],
        index[np.newaxis, :],
        counts,
        cumulative,
    )
    return float(counts @ delta @ counts)
