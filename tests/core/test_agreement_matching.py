"""Overlap search and one-to-one matching of spans, checked against brute force."""

from __future__ import annotations

from itertools import permutations

import numpy as np
import pytest

from annotator.core.agreement.matching import max_matching, overlap_edges


def _random_spans(rng: np.random.Generator, n: int, length: int) -> tuple[np.ndarray, np.ndarray]:
    start = rng.integers(0, length, size=n)
    end = np.minimum(start + rng.integers(0, 12, size=n), length)
    return start.astype(np.int64), end.astype(np.int64)


@pytest.mark.parametrize("seed", range(10))
def test_overlap_edges_finds_every_overlapping_pair(seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = _random_spans(rng, 40, 200)
    b = _random_spans(rng, 35, 200)
    b[1][0] = b[0][0] + 150  # one long span to stress the search window
    ia, ib, overlap = overlap_edges(a[0], a[1], b[0], b[1])
    found = {(i, j): o for i, j, o in zip(ia.tolist(), ib.tolist(), overlap.tolist(), strict=True)}
    expected = {}
    for i in range(40):
        for j in range(35):
            shared = min(a[1][i], b[1][j]) - max(a[0][i], b[0][j])
            if shared > 0:
                expected[(i, j)] = int(shared)
    assert found == expected


def _best(n_a: int, n_b: int, edges: dict[tuple[int, int], int]) -> tuple[int, int]:
    """Brute force: the largest matching, then the heaviest, as (size, weight)."""
    best = (0, 0)
    small, large = (n_a, n_b) if n_a <= n_b else (n_b, n_a)
    for perm in permutations(range(large), small):
        size = weight = 0
        for x, y in enumerate(perm):
            key = (x, y) if n_a <= n_b else (y, x)
            if key in edges:
                size += 1
                weight += edges[key]
        best = max(best, (size, weight))
    return best


@pytest.mark.parametrize("seed", range(40))
def test_max_matching_is_maximum_then_heaviest(seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = _random_spans(rng, 5, 30)
    b = _random_spans(rng, 6, 30)
    ia, ib, overlap = overlap_edges(a[0], a[1], b[0], b[1])
    chosen = max_matching(a, b, ia, ib, overlap)
    assert len(set(ia[chosen].tolist())) == chosen.size
    assert len(set(ib[chosen].tolist())) == chosen.size
    edges = {(i, j): o for i, j, o in zip(ia.tolist(), ib.tolist(), overlap.tolist(), strict=True)}
    assert (int(chosen.size), int(overlap[chosen].sum())) == _best(5, 6, edges)


def test_greedy_by_overlap_would_lose_a_match() -> None:
    """a0=[0,10) overlaps b0=[2,10) by 8 and b1=[0,3) by 3; a1=[8,12) overlaps b0 by 2.
    Greedy by overlap takes a0-b0 and strands the rest; the maximum matching pairs both."""
    a = (np.array([0, 8]), np.array([10, 12]))
    b = (np.array([2, 0]), np.array([10, 3]))
    ia, ib, overlap = overlap_edges(a[0], a[1], b[0], b[1])
    chosen = max_matching(a, b, ia, ib, overlap)
    pairs = sorted(zip(ia[chosen].tolist(), ib[chosen].tolist(), strict=True))
    assert pairs == [(0, 1), (1, 0)]


def test_no_spans() -> None:
    empty = np.zeros(0, dtype=np.int64)
    ia, ib, overlap = overlap_edges(empty, empty, np.array([1]), np.array([2]))
    assert ia.size == ib.size == overlap.size == 0
    assert max_matching((empty, empty), (empty, empty), ia, ib, overlap).size == 0


@pytest.mark.parametrize("seed", range(10))
def test_large_tangles_still_get_a_maximum_matching(seed: int) -> None:
    """Groups beyond the exact limit (long spans overlapping dozens of others) are matched
    heaviest-first and then augmented: the size must equal a maximum bipartite matching."""
    csgraph = pytest.importorskip("scipy.sparse.csgraph")
    sparse = pytest.importorskip("scipy.sparse")
    rng = np.random.default_rng(seed)
    a = _random_spans(rng, 80, 300)
    b = _random_spans(rng, 70, 300)
    a[0][:3], a[1][:3] = [0, 100, 200], [120, 220, 300]  # long spans tangle everything
    ia, ib, overlap = overlap_edges(a[0], a[1], b[0], b[1])
    chosen = max_matching(a, b, ia, ib, overlap)
    assert len(set(ia[chosen].tolist())) == len(set(ib[chosen].tolist())) == chosen.size
    graph = sparse.csr_matrix((np.ones(ia.size), (ia, ib)), shape=(80, 70))
    best = csgraph.maximum_bipartite_matching(graph, perm_type="column")
    assert chosen.size == int((best >= 0).sum())


def test_a_long_span_per_document() -> None:
    """One paragraph-long span per coder over 200 documents of 50 short spans: every tangle is
    beyond the exact limit, where the O(n^3) method would be slow; the matching stays maximum."""
    starts, ends = [], []
    for d in range(200):
        base = d * 3000
        starts += [base] + [base + 10 + 55 * i for i in range(50)]
        ends += [base + 2900] + [base + 20 + 55 * i for i in range(50)]
    a = (np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64))
    b = (a[0] + 2, a[1] + 2)
    ia, ib, overlap = overlap_edges(a[0], a[1], b[0], b[1])
    chosen = max_matching(a, b, ia, ib, overlap)
    assert chosen.size == len(starts)
