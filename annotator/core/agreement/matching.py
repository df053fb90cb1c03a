"""One-to-one matching of two sets of spans on a line of text.

Spans are given as numpy arrays of offsets on one line (documents laid end to end, so spans of
different documents never overlap). Two steps:

* `overlap_edges` finds every pair that shares at least one character, vectorised;
* `max_matching` picks the best matching under one rule, for any size of tangle (see
  docs/agreement.md, "Alignment"): as many pairs as possible; among those, as many preferred
  pairs (same label) as possible; among those, the largest total weight (characters of
  overlap). Pairs that only overlap each other are matched directly (the common case); the
  tangled edges fall into independent groups, each solved exactly as an assignment problem
  whose values encode the three levels so that each strictly outranks the next: a star (one
  span on one side) takes its best edge, small groups go to an integer Hungarian method
  (`assignment`), large ones to scipy's sparse Jonker-Volgenant solver.

Ties left after the three levels are broken by a fixed procedure (docs/agreement.md): the
solvers see the spans in the order they are given (the agreement engine gives them by document,
start, end, label, coder and creation order), a star takes the first of its equally good
edges, a tangle of up to `SMALL_GROUP` spans a side the matching holding the earliest pairs
(an exact fourth level), and scipy's solver, for larger ones, is deterministic: the same data
always gives the same matching.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from annotator.core.agreement.assignment import SMALL_GROUP, best_assignment, components

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

    n_groups, group_of = components(r, c, n_r, n_c)
    group = group_of[r]
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
    size = np.maximum(
        np.bincount(group_of[:n_r], minlength=n_groups),
        np.bincount(group_of[n_r:], minlength=n_groups),
    )[group]
    square = np.flatnonzero(~star & (size == 2))
    small = np.flatnonzero(~star & (size > 2) & (size <= SMALL_GROUP))
    large = np.flatnonzero(~star & (size > SMALL_GROUP))
    chosen = [
        best,
        square[_assign_square(r[square], c[square], group[square], value[square])],
        small[_assign_small(r[small], c[small], group[small], value[small])],
    ]
    if large.size:
        chosen.append(large[_assign(r[large], c[large], group[large], value[large])])
    return np.sort(edges[np.concatenate(chosen)]).astype(np.int64)


def _assign_square(r: IntArray, c: IntArray, group: IntArray, value: IntArray) -> IntArray:
    """Positions of the best edges in groups of two spans a side (most tangles), at once.

    Such a group has three or four edges and one or two ways to pair both sides: (first row,
    first column) with (second, second), or the crossed pair. The more valuable wins; on a tie
    the first, which holds the earliest pair (the tie rule of `_assign_small`)."""
    if r.size == 0:
        return np.zeros(0, dtype=np.int64)
    _, g = np.unique(group, return_inverse=True)
    n = int(g.max()) + 1
    first_r = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    first_c = first_r.copy()
    np.minimum.at(first_r, g, r)
    np.minimum.at(first_c, g, c)
    slot = (r != first_r[g]) * 2 + (c != first_c[g])  # 0: (r0, c0), 1: (r0, c1), 2, 3
    worth = np.zeros((n, 4), dtype=np.int64)
    edge = np.full((n, 4), -1, dtype=np.int64)
    worth[g, slot] = value
    edge[g, slot] = np.arange(r.size, dtype=np.int64)
    straight = (edge[:, 0] >= 0) & (edge[:, 3] >= 0)
    crossed = (edge[:, 1] >= 0) & (edge[:, 2] >= 0)
    keep = straight & (~crossed | (worth[:, 0] + worth[:, 3] >= worth[:, 1] + worth[:, 2]))
    picked = np.where(keep[:, None], edge[:, [0, 3]], edge[:, [1, 2]])
    return picked.ravel()


def _assign_small(r: IntArray, c: IntArray, group: IntArray, value: IntArray) -> IntArray:
    """Positions of the edges in a maximum-value matching of small groups, one at a time."""
    if r.size == 0:
        return np.zeros(0, dtype=np.int64)
    by_group = np.argsort(group, kind="stable")
    bounds = np.flatnonzero(np.diff(group[by_group])) + 1
    rows, cols, values = r.tolist(), c.tolist(), value.tolist()
    chosen: list[int] = []
    for members in np.split(by_group, bounds):
        edges = members.tolist()
        mine_r = sorted({rows[k] for k in edges})
        mine_c = sorted({cols[k] for k in edges})
        flip = len(mine_r) > len(mine_c)  # the solver wants rows <= columns
        if flip:
            mine_r, mine_c = mine_c, mine_r
        at_r = {x: i for i, x in enumerate(mine_r)}
        at_c = {x: j for j, x in enumerate(mine_c)}
        matrix = [[0] * len(mine_c) for _ in mine_r]
        edge_at: dict[tuple[int, int], int] = {}
        # The tie-break level (docs/agreement.md): edge number n of the group in (row, column)
        # order is worth 2**(last - n), less than any step of the levels above, so among
        # equally good matchings the one holding the earliest pair possible wins, then the
        # next earliest, and so on. Python integers keep this exact at any size.
        ranked = sorted(edges, key=lambda k: (rows[k], cols[k]))
        last = len(ranked) - 1
        for n, k in enumerate(ranked):
            i, j = (at_r[cols[k]], at_c[rows[k]]) if flip else (at_r[rows[k]], at_c[cols[k]])
            matrix[i][j] = (values[k] << len(ranked)) + (1 << (last - n))
            edge_at[(i, j)] = k
        for i, j in enumerate(best_assignment(matrix)):
            if j >= 0:
                chosen.append(edge_at[(i, j)])
    return np.array(chosen, dtype=np.int64)


ROWS_PER_SOLVE = 256
"""Rows per call of the sparse solver: its running time grows with the square of the rows of
one call, so independent groups are solved a few hundred rows at a time."""


def _assign(r: IntArray, c: IntArray, group: IntArray, value: IntArray) -> IntArray:
    """Positions of the edges in a maximum-value matching (every value positive).

    Rows and columns are renumbered group by group, so a batch of whole groups holds a
    contiguous block of each. Every row also gets a private dummy column worth nothing, so a
    full assignment of the batch's rows always exists; rows left on their dummy are unmatched.
    """
    # scipy.sparse costs a fifth of a second to import: only a large tangle pays for it.
    from scipy.sparse import csr_matrix
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
