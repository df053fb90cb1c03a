"""Krippendorff's unitizing alpha (u-alpha), per label and over all labels.

Krippendorff (1995) "On the reliability of unitizing continuous data", Sociological Methodology
25:47-76, and Krippendorff (2004) "Content Analysis", 2nd ed., ch. 12, in the form implemented
by DKPro Statistics' `KrippendorffAlphaUnitizingAgreement` (Meyer & Stab), whose published test
values pin this code.

For one label, each coder's spans cut the continuum into sections: units (the label) and the
gaps between them. Observed disagreement sums, over every pair of coders and every pair of
their sections that overlap, delta^2 = (difference of starts)^2 + (difference of ends)^2 for two
units, and length^2 for a unit lying wholly inside the other coder's gap; it is normalised by
R(R-1)L^2. Expected disagreement considers every way the same units and gaps could be placed on
the continuum (see `_expected`). Overall alpha is 1 - sum(D_o) / sum(D_e) over the labels that
have units (DKPro averages both over categories; the ratio is the same).

A coder's overlapping spans of one label are merged into one unit first (u-alpha assumes a
coder's units of one category do not overlap); touching spans stay separate units.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from annotator.core.agreement.coefficients import Coefficient

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Disagreement:
    """Observed and expected disagreement of one label, and its number of units."""

    observed: float
    expected: float
    n_units: int


def merge_overlaps(start: IntArray, end: IntArray) -> tuple[IntArray, IntArray]:
    """Sorted units of one coder and label, overlapping ones merged, empty ones dropped."""
    keep = end > start
    start, end = start[keep], end[keep]
    if start.size == 0:
        return start, end
    order = np.lexsort((end, start))
    start, end = start[order], end[order]
    reach = np.maximum.accumulate(end)
    opens = np.ones(start.size, dtype=bool)
    opens[1:] = start[1:] >= reach[:-1]
    group = np.cumsum(opens) - 1
    merged_end = np.zeros(int(group[-1]) + 1, dtype=np.int64)
    np.maximum.at(merged_end, group, end)
    return start[opens], merged_end


def _distinct(values: IntArray) -> IntArray:
    """Sorted distinct values (np.unique's hashing is slower on these already ordered runs)."""
    ordered = np.sort(values)
    keep = np.ones(ordered.size, dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]


def sections(start: IntArray, end: IntArray, length: int) -> tuple[IntArray, IntArray, BoolArray]:
    """Cut [0, length) into the given (sorted, non-overlapping) units and the gaps between."""
    points = _distinct(np.concatenate([[0, length], start, end]).astype(np.int64))
    sec_start, sec_end = points[:-1], points[1:]
    is_unit = np.isin(sec_start, start)
    return sec_start, sec_end, is_unit


def _pair_disagreement(
    first: tuple[IntArray, IntArray, BoolArray], second: tuple[IntArray, IntArray, BoolArray]
) -> float:
    """Sum of delta^2 over the overlapping sections of two coders (one label)."""
    s1, e1, u1 = first
    s2, e2, u2 = second
    # Every stretch between two consecutive boundaries of either coder lies in exactly one
    # section of each, and consecutive stretches differ in at least one: so this visits each
    # overlapping pair of sections exactly once.
    cuts = _distinct(np.concatenate([s1, s2]))
    i = np.searchsorted(s1, cuts, side="right") - 1
    j = np.searchsorted(s2, cuts, side="right") - 1
    b1, f1, k1 = s1[i], e1[i], u1[i]
    b2, f2, k2 = s2[j], e2[j], u2[j]
    both = k1 & k2
    total = float((((b1 - b2) ** 2 + (f1 - f2) ** 2)[both]).sum())
    inside_gap2 = k1 & ~k2 & (b1 >= b2) & (f1 <= f2)
    total += float((((f1 - b1) ** 2)[inside_gap2]).sum())
    inside_gap1 = ~k1 & k2 & (b2 >= b1) & (f2 <= f1)
    total += float((((f2 - b2) ** 2)[inside_gap1]).sum())
    return total


def _expected(lengths: FloatArray, gaps: FloatArray, n_coders: int, length: int) -> float:
    """Krippendorff's expected disagreement for one label (DKPro's formula).

    sum over units g of [(N-1)/3 * (2l^3 - 3l^2 + l) + l^2 * sum over gaps h >= l of (h-l+1)],
    times 2/L, divided by RL(RL-1) - sum over units of l(l-1).
    """
    n = float(lengths.size)
    within = (n - 1.0) / 3.0 * (2.0 * lengths**3 - 3.0 * lengths**2 + lengths)
    gaps = np.sort(gaps)
    tail = np.concatenate([np.cumsum(gaps[::-1])[::-1], [0.0]])
    first = np.searchsorted(gaps, lengths, side="left")
    count = gaps.size - first
    placements = tail[first] - count * (lengths - 1.0)
    total = float((within + lengths**2 * placements).sum())
    total_length = float(n_coders) * float(length)
    denominator = total_length * (total_length - 1.0) - float((lengths * (lengths - 1.0)).sum())
    if denominator <= 0.0:
        return 0.0
    return total * 2.0 / float(length) / denominator


def label_disagreement(
    coder: IntArray, start: IntArray, end: IntArray, n_coders: int, length: int
) -> Disagreement:
    """Observed and expected disagreement for the spans of one label."""
    layouts = []
    unit_lengths: list[IntArray] = []
    gap_lengths: list[IntArray] = []
    for c in range(n_coders):
        mine = coder == c
        s, e = merge_overlaps(start[mine], end[mine])
        layout = sections(s, e, length)
        layouts.append(layout)
        sec_start, sec_end, is_unit = layout
        unit_lengths.append(e - s)
        gap_lengths.append((sec_end - sec_start)[~is_unit])
    observed = 0.0
    for c1 in range(n_coders):
        for c2 in range(c1 + 1, n_coders):
            observed += _pair_disagreement(layouts[c1], layouts[c2])
    observed = 2.0 * observed / (n_coders * (n_coders - 1) * float(length) ** 2)
    lengths = np.concatenate(unit_lengths).astype(np.float64)
    expected = _expected(lengths, np.concatenate(gap_lengths).astype(np.float64), n_coders, length)
    return Disagreement(observed, expected, int(lengths.size))


def _ratio(observed: float, expected: float, n_units: int) -> Coefficient:
    if expected <= 0.0:
        return Coefficient(None, n_units, "no expected disagreement (units fill the continuum)")
    return Coefficient(1.0 - observed / expected, n_units)


def unitizing_alpha(
    coder: IntArray,
    start: IntArray,
    end: IntArray,
    label: IntArray,
    n_coders: int,
    n_labels: int,
    length: int,
) -> tuple[Coefficient, list[Coefficient]]:
    """Overall and per-label u-alpha. Offsets are positions on the continuum [0, length)."""
    if n_coders < 2:
        reason = "needs two or more coders"
        return Coefficient(None, 0, reason), [Coefficient(None, 0, reason)] * n_labels
    if length <= 0:
        reason = "no text"
        return Coefficient(None, 0, reason), [Coefficient(None, 0, reason)] * n_labels
    per_label: list[Coefficient] = []
    observed = expected = 0.0
    n_total = 0
    for k in range(n_labels):
        mine = label == k
        if not np.any(mine & (end > start)):
            per_label.append(Coefficient(None, 0, "no spans with this label"))
            continue
        d = label_disagreement(coder[mine], start[mine], end[mine], n_coders, length)
        per_label.append(_ratio(d.observed, d.expected, d.n_units))
        observed += d.observed
        expected += d.expected
        n_total += d.n_units
    if n_total == 0:
        return Coefficient(None, 0, "no spans"), per_label
    return _ratio(observed, expected, n_total), per_label
