"""One-to-one matching of two sets of spans on a line of text.

Spans are given as numpy arrays of offsets on one line (documents laid end to end, so spans of
different documents never overlap). Two steps:

* `overlap_edges` finds every pair that shares at least one character, vectorised;
* `max_matching` picks a maximum matching: as many pairs as possible, and among those the one
  with the largest total weight (e.g. characters of overlap). Pairs that only overlap each other
  are matched directly (the common case); the few tangled groups are solved exactly with the
  Hungarian method, or greedily by weight when a group is too large for it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]

EXACT_GROUP_LIMIT = 12
"""Largest tangled group (spans on the larger side) solved exactly by the Hungarian method,
which costs O(n^3) in pure Python. Larger groups (a paragraph-long span overlapping dozens of
others) get a maximum matching built from the heaviest edges first: as many pairs as the exact
method, but the total overlap is not guaranteed to be the largest."""


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
    a: tuple[IntArray, IntArray],
    b: tuple[IntArray, IntArray],
    ia: IntArray,
    ib: IntArray,
    weight: IntArray,
) -> IntArray:
    """Indices of the edges (ia[k], ib[k]) that form a maximum, then heaviest, matching.

    `a` and `b` are the (start, end) columns of the two span sets the edges join.
    """
    n_a, n_b = a[0].size, b[0].size
    if ia.size == 0:
        return np.zeros(0, dtype=np.int64)
    deg_a = np.bincount(ia, minlength=n_a)
    deg_b = np.bincount(ib, minlength=n_b)
    alone = (deg_a[ia] == 1) & (deg_b[ib] == 1)
    chosen = [np.flatnonzero(alone).astype(np.int64)]
    rest = np.flatnonzero(~alone)
    if rest.size:
        tangled = _match_tangled(a[0], a[1], b[0], b[1], ia, ib, weight, rest)
        chosen.append(np.asarray(tangled, dtype=np.int64))
    return np.sort(np.concatenate(chosen))


def _match_tangled(
    a_start: IntArray,
    a_end: IntArray,
    b_start: IntArray,
    b_end: IntArray,
    ia: IntArray,
    ib: IntArray,
    weight: IntArray,
    edges: IntArray,
) -> list[int]:
    """Match the edges that share endpoints, one cluster of overlapping spans at a time.

    A cluster (a run of spans of either side that overlap one another) holds whole connected
    groups of the overlap graph, so solving clusters separately loses nothing.
    """
    ia, ib, weight = ia[edges], ib[edges], weight[edges]
    starts = np.concatenate([a_start[ia], b_start[ib]])
    ends = np.concatenate([a_end[ia], b_end[ib]])
    order = np.argsort(starts, kind="stable")
    reach = np.maximum.accumulate(ends[order])
    opens = np.ones(order.size, dtype=bool)
    opens[1:] = starts[order][1:] >= reach[:-1]
    cluster = np.empty(order.size, dtype=np.int64)
    cluster[order] = np.cumsum(opens) - 1
    # Both ends of an edge overlap, so they share a cluster: take the a side's.
    of_edge = cluster[: ia.size]
    by_cluster = np.argsort(of_edge, kind="stable")
    bounds = np.flatnonzero(np.diff(of_edge[by_cluster])) + 1
    a_list, b_list, w_list = ia.tolist(), ib.tolist(), weight.tolist()
    edge_ids = edges.tolist()
    result: list[int] = []
    for group in np.split(by_cluster, bounds):
        members = group.tolist()
        picked = _match_group(
            [a_list[k] for k in members], [b_list[k] for k in members], [w_list[k] for k in members]
        )
        result.extend(edge_ids[members[k]] for k in picked)
    return result


def _match_group(a: list[int], b: list[int], w: list[int]) -> list[int]:
    """Maximum-cardinality, maximum-weight matching of one group; returns edge positions."""
    rows = sorted(set(a))
    cols = sorted(set(b))
    if len(rows) == 1 or len(cols) == 1:  # a star: one match, the heaviest edge
        return [max(range(len(w)), key=lambda k: (w[k], -k))]
    if max(len(rows), len(cols)) > EXACT_GROUP_LIMIT:
        return _greedy_augmented(a, b, w)
    transpose = len(rows) > len(cols)
    if transpose:
        rows, cols, a, b = cols, rows, b, a
    row_of = {x: i for i, x in enumerate(rows)}
    col_of = {x: j for j, x in enumerate(cols)}
    # Each edge is worth `big` plus its weight, so any larger matching beats any heavier one.
    big = sum(w) + 1
    cost = [[0] * len(cols) for _ in rows]
    edge_at: dict[tuple[int, int], int] = {}
    for k, (x, y) in enumerate(zip(a, b, strict=True)):
        i, j = row_of[x], col_of[y]
        if (i, j) not in edge_at or w[k] > w[edge_at[(i, j)]]:
            edge_at[(i, j)] = k
            cost[i][j] = -(big + w[k])
    assignment = _hungarian(cost)
    return [edge_at[(i, j)] for i, j in enumerate(assignment) if (i, j) in edge_at]


def _greedy_augmented(a: list[int], b: list[int], w: list[int]) -> list[int]:
    """Heaviest edges first, then augmenting paths (Kuhn) until the matching is maximum."""
    order = sorted(range(len(w)), key=lambda k: (-w[k], a[k], b[k]))
    partner_of_a: dict[int, int] = {}  # a node -> edge position
    partner_of_b: dict[int, int] = {}
    for k in order:
        if a[k] not in partner_of_a and b[k] not in partner_of_b:
            partner_of_a[a[k]] = partner_of_b[b[k]] = k
    edges_of: dict[int, list[int]] = {}
    for k in order:
        edges_of.setdefault(a[k], []).append(k)

    def augment(node: int, seen: set[int]) -> bool:
        # Iterative depth-first search for an alternating path from a free a node to a free
        # b node; recursion could hit Python's limit on long chains of spans.
        stack: list[tuple[int, int]] = [(node, 0)]
        path: list[int] = []
        while stack:
            current, i = stack.pop()
            choices = edges_of.get(current, [])
            while i < len(choices) and b[choices[i]] in seen:
                i += 1
            if i == len(choices):
                if path:
                    path.pop()
                continue
            k = choices[i]
            seen.add(b[k])
            stack.append((current, i + 1))
            path.append(k)
            holder = partner_of_b.get(b[k])
            if holder is None:
                for edge in path:
                    partner_of_a[a[edge]] = partner_of_b[b[edge]] = edge
                return True
            stack.append((a[holder], 0))
        return False

    for node in edges_of:
        if node not in partner_of_a:
            augment(node, set())
    return sorted(partner_of_a.values())


def _hungarian(cost: list[list[int]]) -> list[int]:
    """Minimum-cost assignment of every row to a distinct column (rows <= columns).

    The classic O(rows^2 * columns) shortest augmenting path form with potentials.
    """
    n_rows, n_cols = len(cost), len(cost[0])
    inf = float("inf")
    u = [0.0] * (n_rows + 1)
    v = [0.0] * (n_cols + 1)
    owner = [0] * (n_cols + 1)  # owner[j]: row (1-based) assigned to column j, 0 = none
    way = [0] * (n_cols + 1)
    for row in range(1, n_rows + 1):
        owner[0] = row
        j0 = 0
        min_v = [inf] * (n_cols + 1)
        used = [False] * (n_cols + 1)
        while True:
            used[j0] = True
            i0 = owner[j0]
            delta = inf
            j1 = 0
            for j in range(1, n_cols + 1):
                if not used[j]:
                    current = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if current < min_v[j]:
                        min_v[j] = current
                        way[j] = j0
                    if min_v[j] < delta:
                        delta = min_v[j]
                        j1 = j
            for j in range(n_cols + 1):
                if used[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    min_v[j] -= delta
            j0 = j1
            if owner[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
    assignment = [-1] * n_rows
    for j in range(1, n_cols + 1):
        if owner[j]:
            assignment[owner[j] - 1] = j - 1
    return assignment
