"""Span F1 between two coders: exact or overlapping offsets, with or without the label.

Each coder's spans are matched one-to-one with the other's. Exact: same offsets (and label);
this is a multiset intersection. Overlap: at least one shared character; a maximum matching
that prefers larger overlaps (see `matching`). F1 = 2 * matched / (spans of a + spans of b),
micro-averaged over documents (counts are summed before dividing).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from annotator.core.agreement.matching import max_matching, overlap_edges
from annotator.core.agreement.model import Spans

IntArray = npt.NDArray[np.int64]

VARIANTS: tuple[str, ...] = (
    "exact_labeled",
    "exact_unlabeled",
    "overlap_labeled",
    "overlap_unlabeled",
)
LABELED: tuple[str, ...] = ("exact_labeled", "overlap_labeled")


@dataclass(frozen=True)
class PairCounts:
    """Matched spans per variant (overall and per label) and span counts of the two coders."""

    n_a: int
    n_b: int
    matched: dict[str, int]
    n_a_by_label: IntArray
    n_b_by_label: IntArray
    matched_by_label: dict[str, IntArray] = field(default_factory=dict)


def _rows_intersection(a_rows: IntArray, b_rows: IntArray) -> tuple[IntArray, IntArray]:
    """Multiset intersection of two row sets: the distinct shared rows and how often each."""
    if a_rows.shape[0] == 0 or b_rows.shape[0] == 0:
        return np.zeros((0, a_rows.shape[1]), dtype=np.int64), np.zeros(0, dtype=np.int64)
    both = np.concatenate([a_rows, b_rows])
    # Sorting rows lexicographically (lexsort) is far faster than np.unique(axis=0).
    order = np.lexsort(both.T[::-1])
    ordered = both[order]
    new_row = np.ones(order.size, dtype=bool)
    new_row[1:] = np.any(ordered[1:] != ordered[:-1], axis=1)
    distinct = ordered[new_row]
    inverse = np.empty(order.size, dtype=np.int64)
    inverse[order] = np.cumsum(new_row) - 1
    size = distinct.shape[0]
    count_a = np.bincount(inverse[: a_rows.shape[0]], minlength=size)
    count_b = np.bincount(inverse[a_rows.shape[0] :], minlength=size)
    shared = np.minimum(count_a, count_b)
    keep = shared > 0
    return distinct[keep].astype(np.int64), shared[keep].astype(np.int64)


def pair_counts(spans: Spans, a: int, b: int, n_labels: int) -> PairCounts:
    """Match coder a's spans with coder b's under every variant."""
    ia = np.flatnonzero(spans.coder == a)
    ib = np.flatnonzero(spans.coder == b)
    sa, ea, la = spans.start[ia], spans.end[ia], spans.label[ia]
    sb, eb, lb = spans.start[ib], spans.end[ib], spans.label[ib]
    matched: dict[str, int] = {}
    by_label: dict[str, IntArray] = {}

    rows, shared = _rows_intersection(np.column_stack([sa, ea, la]), np.column_stack([sb, eb, lb]))
    matched["exact_labeled"] = int(shared.sum())
    by_label["exact_labeled"] = np.bincount(rows[:, 2], weights=shared, minlength=n_labels).astype(
        np.int64
    )
    _, shared = _rows_intersection(np.column_stack([sa, ea]), np.column_stack([sb, eb]))
    matched["exact_unlabeled"] = int(shared.sum())

    pa, pb, overlap = overlap_edges(sa, ea, sb, eb)
    chosen = max_matching(pa, pb, overlap)
    matched["overlap_unlabeled"] = int(chosen.size)
    same = la[pa] == lb[pb]
    pa, pb, overlap = pa[same], pb[same], overlap[same]
    chosen = max_matching(pa, pb, overlap)
    matched["overlap_labeled"] = int(chosen.size)
    by_label["overlap_labeled"] = np.bincount(la[pa[chosen]], minlength=n_labels).astype(np.int64)

    return PairCounts(
        n_a=int(ia.size),
        n_b=int(ib.size),
        matched=matched,
        n_a_by_label=np.bincount(la, minlength=n_labels).astype(np.int64),
        n_b_by_label=np.bincount(lb, minlength=n_labels).astype(np.int64),
        matched_by_label=by_label,
    )


def f1(matched: int, n_a: int, n_b: int) -> float | None:
    """2 * matched / (n_a + n_b), or None when neither coder marked anything."""
    if n_a + n_b == 0:
        return None
    return 2.0 * matched / (n_a + n_b)
