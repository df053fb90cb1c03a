"""Exact assignment helpers for the span matcher: connected groups and small assignments.

`matching` splits tangled overlap edges into independent groups and solves each exactly. Most
groups are tiny (two spans a side), and scipy costs a fifth of a second to import, more than
solving thousands of them: so groups up to `SMALL_GROUP` spans a side are solved here, in pure
Python with exact integers, and only larger ones go to scipy's sparse solver.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]

SMALL_GROUP = 40
"""Largest group (spans on its larger side) solved by `best_assignment`: O(n^3) steps of
plain Python stay well under a millisecond a group at this size."""


def components(r: IntArray, c: IntArray, n_r: int, n_c: int) -> tuple[int, IntArray]:
    """Connected groups of a bipartite graph with edges (r[k], c[k]).

    Returns the number of groups and the group of every node (rows 0..n_r-1, then columns),
    numbered in order of their lowest node. Every node takes the lowest label among its
    neighbours until nothing changes; following labels to their own label (pointer jumping)
    keeps the rounds few even on long chains.
    """
    label = np.arange(n_r + n_c, dtype=np.int64)
    a, b = r, n_r + c
    while True:
        low = np.minimum(label[a], label[b])
        moved = label.copy()
        np.minimum.at(moved, a, low)
        np.minimum.at(moved, b, low)
        moved = moved[moved]
        if np.array_equal(moved, label):
            break
        label = moved
    _, group = np.unique(label, return_inverse=True)
    return int(group.max()) + 1 if group.size else 0, group.astype(np.int64)


def best_assignment(value: list[list[int]]) -> list[int]:
    """The column given to each row (or -1) maximising the total value, rows <= columns.

    `value[i][j]` is positive for an edge and 0 where there is none; a row assigned to a
    column it has no edge to counts as unassigned. The Hungarian method in its shortest
    augmenting path form with potentials (O(rows^2 * columns)), on exact integers.
    """
    n_rows, n_cols = len(value), len(value[0])
    top = max(max(row) for row in value)
    cost = [[top - v for v in row] for row in value]  # minimise; every entry >= 0
    inf = 1 + sum(map(sum, cost))  # integers throughout: exact at any magnitude
    u = [0] * (n_rows + 1)
    v = [0] * (n_cols + 1)
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
        if owner[j] and value[owner[j] - 1][j - 1] > 0:
            assignment[owner[j] - 1] = j - 1
    return assignment
