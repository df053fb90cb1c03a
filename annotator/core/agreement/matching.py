"""One-to-one matching of two sets of spans on a line of text.

Spans are given as numpy arrays of offsets on one line (documents laid end to end, so spans of
different documents never overlap). Two steps:

* `overlap_edges` finds every pair that shares at least one character, vectorised;
* `max_matching` picks the best matching under one rule, for any size of tangle (see
  docs/agreement.md, "Alignment"): as many pairs as possible; among those, as many preferred
  pairs (same label) as possible; among those, the largest total weight (characters of
  overlap). Pairs that only overlap each other are matched directly (the common case); all
  tangled edges go to one exact assignment solve (scipy's sparse Jonker-Volgenant), whose
  costs encode the three levels so that each strictly outranks the next.

Ties left after the three levels are broken by position: the solver sees the spans in the
order they are given (the agreement engine gives them by document, start, end, label, coder and
creation order), and it is deterministic, so the same data always gives the same matching.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

EXACT_LIMIT = 2**52
"""Largest cost total the solver may add up: float64 holds every integer below 2**53 exactly,
so the three levels never blur into one another."""


def overlap_edges(
    a_start: IntArray, a_end: IntArray, b_start: IntArray, b_end: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """All pairs (i, j) where span a[i] and span b[j] share a character, with the overlap."""
    empty = np.zeros(0, dtype=np.int64)
    if a_start.size == 0 or b_start.size == 0:
        return empty, empty, empty
    order = np.argsort(b_start, kind="stable")
    bs = b_start[order]
    be = b_end[order]
    # Candidates for a[i] are the b spans starting before a[i] ends, from the first one whose
    # running maximum end passes a[i]'s start: nothing before that can reach a[i].
    reach = np.maximum.accumulate(be)
    hi = np.searchsorted(bs, a_end, side="left")
    lo = np.searchsorted(reach, a_start, side="right")
    sizes = np.maximum(hi - lo, 0)
    total = int(sizes.sum())
    if total == 0:
        return empty, empty, empty
    ia = np.repeat(np.arange(a_start.size, dtype=np.int64), sizes)
    first = np.repeat(lo - np.cumsum(sizes) + sizes, sizes)
    pos = first + np.arange(total, dtype=np.int64)
    overlap = np.minimum(a_end[ia], be[pos]) - np.maximum(a_start[ia], bs[pos])
    keep = overlap > 0
    return ia[keep], order[pos[keep]].astype(np.int64), overlap[keep].astype(np.int64)


def max_matching(
    ia: IntArray,
    ib: IntArray,
    weight: IntArray,
    preferred: BoolArray | None = None,
) -> IntArray:
    """Indices of the edges (ia[k], ib[k]) that form the best matching (module docstring).

    `weight` (e.g. characters of overlap) must be positive; `preferred` marks the edges that
    count first (e.g. same label), none by default.
    """
    if ia.size == 0:
        return np.zeros(0, dtype=np.int64)
    if preferred is None:
        preferred = np.zeros(ia.size, dtype=bool)
    deg_a = np.bincount(ia)
    deg_b = np.bincount(ib)
    alone = (deg_a[ia] == 1) & (deg_b[ib] == 1)
    chosen = [np.flatnonzero(alone).astype(np.int64)]
    rest = np.flatnonzero(~alone).astype(np.int64)
    if rest.size:
        picked = _solve(ia[rest], ib[rest], weight[rest], preferred[rest])
        chosen.append(rest[picked])
    return np.sort(np.concatenate(chosen))


def _solve(ia: IntArray, ib: IntArray, weight: IntArray, preferred: BoolArray) -> IntArray:
    """The best matching of tangled edges, exactly; returns positions in the given edges.

    Edges fall into connected groups (tangles), which are independent problems. Each edge is
    worth `pair + preferred * bonus + weight`, with `pair` and `bonus` set per group so that
    one more pair outweighs any gain in preferred pairs and weight, and one more preferred pair
    outweighs any gain in weight: the largest total value is then the best matching under the
    rule. A star (one span on one side) simply takes its most valuable edge; other groups are
    solved as assignment problems, batched (see `_assign`).
    """
    # scipy.sparse costs a fifth of a second to import: only agreement pays for it, not every
    # command and window that imports this package.
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    rows, r = np.unique(ia, return_inverse=True)
    cols, c = np.unique(ib, return_inverse=True)
    r, c = r.astype(np.int64), c.astype(np.int64)
    n_r, n_c = rows.size, cols.size
    # Keep one edge per (row, column): the most valuable, then the first given.
    key = r * n_c + c
    order = np.lexsort((np.arange(key.size), -weight, -preferred.astype(np.int64), key))
    first = np.ones(order.size, dtype=bool)
    first[1:] = key[order][1:] != key[order][:-1]
    edges = order[first]
    r, c = r[edges], c[edges]
    w = weight[edges].astype(np.int64)
    p = preferred[edges].astype(np.int64)

    nodes = coo_matrix((np.ones(r.size), (r, n_r + c)), shape=(n_r + n_c, n_r + n_c))
    n_groups, group_of = connected_components(nodes, directed=False)
    group = group_of[r].astype(np.int64)
    pairs_max = np.minimum(
        np.bincount(group_of[:n_r], minlength=n_groups),
        np.bincount(group_of[n_r:], minlength=n_groups),
    ).astype(np.int64)
    heaviest = np.zeros(n_groups, dtype=np.int64)
    np.maximum.at(heaviest, group, w)
    weight_bound = pairs_max * heaviest  # no matching in the group weighs more
    bonus = weight_bound + 1
    pair = pairs_max * bonus + weight_bound + 1
    if int((pairs_max * (pair + bonus + heaviest)).max()) >= EXACT_LIMIT:
        raise ValueError(
            f"agreement: a tangle of {int(pairs_max.max())} overlapping spans is too large to "
            "match exactly"
        )
    value = pair[group] + p * bonus[group] + w

    by_group = np.lexsort((np.arange(group.size), -value, group))
    lead = np.ones(by_group.size, dtype=bool)
    lead[1:] = group[by_group][1:] != group[by_group][:-1]
    star = pairs_max[group] == 1
    best = by_group[lead & star[by_group]]
    rest = np.flatnonzero(~star)
    solved = rest[_assign(r[rest], c[rest], group[rest], value[rest])] if rest.size else rest
    return np.sort(edges[np.concatenate([best, solved])]).astype(np.int64)


ROWS_PER_SOLVE = 256
"""Rows per call of the sparse solver: its running time grows with the square of the rows of
one call, so independent groups are solved a few hundred rows at a time."""


def _assign(r: IntArray, c: IntArray, group: IntArray, value: IntArray) -> IntArray:
    """Positions of the edges in a maximum-value matching (every value positive).

    Rows and columns are renumbered group by group, so a batch of whole groups holds a
    contiguous block of each. Every row also gets a private dummy column worth nothing, so a
    full assignment of the batch's rows always exists; rows left on their dummy are unmatched.
    """
    from scipy.sparse import csr_matrix  # imported here: see `_solve`
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    row_id = np.unique(group * (int(r.max()) + 1) + r, return_inverse=True)[1].astype(np.int64)
    col_id = np.unique(group * (int(c.max()) + 1) + c, return_inverse=True)[1].astype(np.int64)
    # Rows and columns are numbered in group order, so each group's block starts where the
    # previous one ends; a batch closes at the first group that starts past its row budget.
    first_row = np.full(int(group.max()) + 1, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_row, group, row_id)
    batch = first_row[group] // ROWS_PER_SOLVE
    top = int(value.max()) + 1  # a cost is top - value > 0; a dummy costs top
    by_batch = np.argsort(batch, kind="stable")
    bounds = np.flatnonzero(np.diff(batch[by_batch])) + 1
    chosen: list[IntArray] = []
    for members in np.split(by_batch, bounds):
        rows, cols = row_id[members], col_id[members]
        row0, col0 = int(rows.min()), int(cols.min())
        rows, cols = rows - row0, cols - col0
        n_rows, n_cols = int(rows.max()) + 1, int(cols.max()) + 1
        cost = csr_matrix(
            (
                np.concatenate([top - value[members], np.full(n_rows, top)]).astype(np.float64),
                (
                    np.concatenate([rows, np.arange(n_rows)]),
                    np.concatenate([cols, n_cols + np.arange(n_rows)]),
                ),
            ),
            shape=(n_rows, n_cols + n_rows),
        )
        row_ind, col_ind = min_weight_full_bipartite_matching(cost)
        real = col_ind < n_cols
        found = row_ind[real].astype(np.int64) * n_cols + col_ind[real].astype(np.int64)
        local = rows * n_cols + cols  # unique: one edge per (row, column)
        by_key = np.argsort(local, kind="stable")
        chosen.append(members[by_key[np.searchsorted(local[by_key], found)]])
    return np.concatenate(chosen)
