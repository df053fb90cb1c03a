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


Score = tuple[int, int, int]


def _score(chosen: np.ndarray, preferred: np.ndarray, weight: np.ndarray) -> Score:
    """The rule's three levels: pairs, then preferred (same-label) pairs, then total weight."""
    return int(chosen.size), int(preferred[chosen].sum()), int(weight[chosen].sum())


def _brute_force(n_a: int, n_b: int, edges: dict[tuple[int, int], tuple[int, int]]) -> Score:
    """Every one-to-one assignment tried: the best (pairs, preferred pairs, weight)."""
    best = (0, 0, 0)
    small, large = (n_a, n_b) if n_a <= n_b else (n_b, n_a)
    for perm in permutations(range(large), small):
        size = preferred = weight = 0
        for x, y in enumerate(perm):
            key = (x, y) if n_a <= n_b else (y, x)
            if key in edges:
                size += 1
                preferred += edges[key][0]
                weight += edges[key][1]
        best = max(best, (size, preferred, weight))
    return best


def _staged_optimum(
    ia: np.ndarray, ib: np.ndarray, preferred: np.ndarray, weight: np.ndarray
) -> Score:
    """An independent optimum: three integer programs (HiGHS), one level at a time, each
    keeping the optimum of the levels before it as a constraint."""
    optimize = pytest.importorskip("scipy.optimize")
    n = ia.size
    incidence = np.zeros((int(ia.max()) + 1 + int(ib.max()) + 1, n))
    incidence[ia, np.arange(n)] = 1
    incidence[int(ia.max()) + 1 + ib, np.arange(n)] = 1
    constraints = [optimize.LinearConstraint(incidence, 0, 1)]
    found: list[int] = []
    for objective in (np.ones(n), preferred.astype(float), weight.astype(float)):
        result = optimize.milp(
            -objective,
            constraints=constraints,
            integrality=np.ones(n),
            bounds=optimize.Bounds(0, 1),
        )
        assert result.success
        level = round(-result.fun)
        found.append(level)
        constraints.append(optimize.LinearConstraint(objective[None, :], level, level))
    return found[0], found[1], found[2]


@pytest.mark.parametrize("seed", range(40))
def test_max_matching_is_maximum_then_heaviest(seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = _random_spans(rng, 5, 30)
    b = _random_spans(rng, 6, 30)
    ia, ib, overlap = overlap_edges(a[0], a[1], b[0], b[1])
    preferred = rng.random(ia.size) < 0.5
    chosen = max_matching(ia, ib, overlap, preferred)
    assert len(set(ia[chosen].tolist())) == chosen.size
    assert len(set(ib[chosen].tolist())) == chosen.size
    edges = {
        (i, j): (int(p), o)
        for i, j, p, o in zip(ia.tolist(), ib.tolist(), preferred, overlap.tolist(), strict=True)
    }
    assert _score(chosen, preferred, overlap) == _brute_force(5, 6, edges)


@pytest.mark.parametrize("seed", range(30))
def test_tangles_beyond_twelve_spans_are_matched_optimally(seed: int) -> None:
    """Tangles of 13 to 70 spans a side (small ones solved in Python, those over
    `SMALL_GROUP` by scipy), two labels: the same optimum as an independent solver working
    level by level (the old greedy path missed it in about 1 case in 9)."""
    rng = np.random.default_rng(1000 + seed)
    n = int(rng.integers(13, 41)) if seed % 2 else int(rng.integers(45, 71))
    a = _random_spans(rng, n, 3 * n)
    b = _random_spans(rng, n + int(rng.integers(0, 5)), 3 * n)
    label_a = rng.integers(0, 2, a[0].size)
    label_b = rng.integers(0, 2, b[0].size)
    ia, ib, overlap = overlap_edges(a[0], a[1], b[0], b[1])
    same = label_a[ia] == label_b[ib]
    chosen = max_matching(ia, ib, overlap, same)
    assert len(set(ia[chosen].tolist())) == len(set(ib[chosen].tolist())) == chosen.size
    assert _score(chosen, same, overlap) == _staged_optimum(ia, ib, same, overlap)


def test_greedy_would_pair_different_labels_in_a_large_tangle() -> None:
    """a0 ACTOR [0,10) overlaps b0 ACTOR [0,12) by 10 and b2 ACTOR [9,10) by 1; a1 ACTOR
    [10,14) overlaps b0 by 2 and b1 EVENT [12,20) by 2; twelve LOCATION pairs chain on to make
    the tangle 14 x 15. Heaviest-first takes a0-b0 and is left with a1-b1 (ACTOR with EVENT)
    while b2 stays alone; the best matching is a0-b2 and a1-b0, every pair the same label."""
    actor, event, location = 0, 1, 2
    a = [(0, 10, actor), (10, 14, actor)] + [(19 + 4 * k, 24 + 4 * k, location) for k in range(12)]
    b = [(0, 12, actor), (12, 20, event), (9, 10, actor)] + [
        (21 + 4 * k, 26 + 4 * k, location) for k in range(12)
    ]
    a_start, a_end, a_label = (np.array(column) for column in zip(*a, strict=True))
    b_start, b_end, b_label = (np.array(column) for column in zip(*b, strict=True))
    ia, ib, overlap = overlap_edges(a_start, a_end, b_start, b_end)
    same = a_label[ia] == b_label[ib]
    chosen = max_matching(ia, ib, overlap, same)
    pairs = sorted(zip(ia[chosen].tolist(), ib[chosen].tolist(), strict=True))
    assert pairs[:2] == [(0, 2), (1, 0)]
    assert _score(chosen, same, overlap) == (14, 14, 1 + 2 + 12 * 3)


def test_a_tied_tangle_keeps_the_earliest_pairs() -> None:
    """Three spans a side, seven equally good edges: two perfect matchings tie on every level.
    The one holding the earliest pair (0, 0) wins, given the edges in any order (without the
    tie level, the Hungarian method returned (0, 1), (1, 2), (2, 0))."""
    edges = [(0, 0), (0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1)]
    for shuffle in range(3):
        order = np.random.default_rng(shuffle).permutation(len(edges))
        ia = np.array([edges[k][0] for k in order])
        ib = np.array([edges[k][1] for k in order])
        chosen = max_matching(ia, ib, np.full(7, 3), np.ones(7, dtype=bool))
        pairs = sorted(zip(ia[chosen].tolist(), ib[chosen].tolist(), strict=True))
        assert pairs == [(0, 0), (1, 2), (2, 1)]


def test_a_tied_square_keeps_the_earliest_pair() -> None:
    """Two spans a side, four equally good edges (solved on arrays, not by the Hungarian
    method): the pairing holding (0, 0) wins, in any edge order; a better crossed pairing
    still wins over it."""
    for ia, ib in (([1, 1, 0, 0], [1, 0, 1, 0]), ([0, 0, 1, 1], [0, 1, 0, 1])):
        chosen = max_matching(np.array(ia), np.array(ib), np.full(4, 4), np.ones(4, dtype=bool))
        a, b = np.array(ia)[chosen].tolist(), np.array(ib)[chosen].tolist()
        pairs = sorted(zip(a, b, strict=True))
        assert pairs == [(0, 0), (1, 1)]
    ia, ib = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    chosen = max_matching(ia, ib, np.array([4, 5, 5, 4]), np.ones(4, dtype=bool))
    assert sorted(zip(ia[chosen].tolist(), ib[chosen].tolist(), strict=True)) == [(0, 1), (1, 0)]


def test_ties_are_broken_by_the_order_given() -> None:
    """One span against two identical ones: the first given wins, every time."""
    ia, ib, overlap = overlap_edges(
        np.array([0]), np.array([10]), np.array([0, 0]), np.array([10, 10])
    )
    for _ in range(3):
        chosen = max_matching(ia, ib, overlap, np.ones(ia.size, dtype=bool))
        assert ib[chosen].tolist() == [0]


def test_greedy_by_overlap_would_lose_a_match() -> None:
    """a0=[0,10) overlaps b0=[2,10) by 8 and b1=[0,3) by 3; a1=[8,12) overlaps b0 by 2.
    Greedy by overlap takes a0-b0 and strands the rest; the maximum matching pairs both."""
    a = (np.array([0, 8]), np.array([10, 12]))
    b = (np.array([2, 0]), np.array([10, 3]))
    ia, ib, overlap = overlap_edges(a[0], a[1], b[0], b[1])
    chosen = max_matching(ia, ib, overlap)
    pairs = sorted(zip(ia[chosen].tolist(), ib[chosen].tolist(), strict=True))
    assert pairs == [(0, 1), (1, 0)]


def test_no_spans() -> None:
    empty = np.zeros(0, dtype=np.int64)
    ia, ib, overlap = overlap_edges(empty, empty, np.array([1]), np.array([2]))
    assert ia.size == ib.size == overlap.size == 0
    assert max_matching(ia, ib, overlap).size == 0


@pytest.mark.parametrize("seed", range(10))
def test_large_tangles_still_get_a_maximum_matching(seed: int) -> None:
    """Long spans overlapping dozens of others: the size must equal a maximum bipartite
    matching found by an independent library routine."""
    csgraph = pytest.importorskip("scipy.sparse.csgraph")
    sparse = pytest.importorskip("scipy.sparse")
    rng = np.random.default_rng(seed)
    a = _random_spans(rng, 80, 300)
    b = _random_spans(rng, 70, 300)
    a[0][:3], a[1][:3] = [0, 100, 200], [120, 220, 300]  # long spans tangle everything
    ia, ib, overlap = overlap_edges(a[0], a[1], b[0], b[1])
    chosen = max_matching(ia, ib, overlap)
    assert len(set(ia[chosen].tolist())) == len(set(ib[chosen].tolist())) == chosen.size
    graph = sparse.csr_matrix((np.ones(ia.size), (ia, ib)), shape=(80, 70))
    best = csgraph.maximum_bipartite_matching(graph, perm_type="column")
    assert chosen.size == int((best >= 0).sum())


def test_a_long_span_per_document() -> None:
    """One paragraph-long span per coder over 200 documents of 50 short spans: 200 tangles of
    51 spans a side; the matching stays maximum."""
    starts, ends = [], []
    for d in range(200):
        base = d * 3000
        starts += [base] + [base + 10 + 55 * i for i in range(50)]
        ends += [base + 2900] + [base + 20 + 55 * i for i in range(50)]
    a = (np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64))
    b = (a[0] + 2, a[1] + 2)
    ia, ib, overlap = overlap_edges(a[0], a[1], b[0], b[1])
    chosen = max_matching(ia, ib, overlap)
    assert chosen.size == len(starts)


def test_alignment_of_a_large_tangle_keeps_same_label_partners() -> None:
    """The constructed tangle above as two coders' spans: no unit pairs ACTOR with EVENT
    while the other coder's ACTOR is left alone, so label agreement sees no false clash."""
    from annotator.core.agreement import AgreementInput
    from annotator.core.agreement.alignment import align
    from annotator.core.agreement.model import prepare
    from annotator.core.records import Annotation, Document

    a = [(0, 10, "ACTOR"), (10, 14, "ACTOR")] + [
        (19 + 4 * k, 24 + 4 * k, "LOCATION") for k in range(12)
    ]
    b = [(0, 12, "ACTOR"), (12, 20, "EVENT"), (9, 10, "ACTOR")] + [
        (21 + 4 * k, 26 + 4 * k, "LOCATION") for k in range(12)
    ]
    spans = [
        Annotation(len(a) * (coder == "b") + i, f"{coder}{i}", 1, coder, label, start, end)
        for coder, rows in (("a", a), ("b", b))
        for i, (start, end, label) in enumerate(rows)
    ]
    prepared = prepare(AgreementInput([Document(1, "d1", "x" * 80)], spans))
    units = align(prepared.spans, 2)
    labels = units.codes(prepared.spans.label)
    both = (labels >= 0).all(axis=0)
    assert both.sum() == 14  # every span of coder a found a partner
    assert (labels[0, both] == labels[1, both]).all()  # and always one of its own label
