"""Geometry of the article's arcs and tags (gui/arcs.py): pure functions, no widget."""

from __future__ import annotations

import random

from annotator.gui.arcs import (
    Arc,
    ArcIndex,
    levels,
    make_arcs,
    place_tags,
    shown_arcs,
    tag_text,
)


def arc(i: int, lo: int, hi: int, relation: bool = False, source: int = 0) -> Arc:
    return Arc(i, source or i * 10, i * 10 + 1, "r", relation, lo, hi)


def test_visible_arcs_are_those_with_an_end_inside_or_passing_over() -> None:
    index = ArcIndex(
        [
            arc(1, 0, 10),  # wholly before
            arc(2, 5, 120),  # passes over [100, 110)
            arc(3, 100, 105),  # inside
            arc(4, 108, 300),  # starts inside
            arc(5, 90, 100),  # ends on the first visible code point
            arc(6, 110, 200),  # starts where the visible text ends: not visible
            arc(7, 99, 99),  # a span just before
        ]
    )
    assert sorted(a.id for a in index.visible(100, 110)) == [2, 3, 4, 5]
    assert len(index) == 7
    assert ArcIndex().visible(0, 100) == []


def test_visible_arcs_match_a_plain_scan_on_random_arcs() -> None:
    rng = random.Random(5)
    arcs = []
    for i in range(400):
        lo = rng.randrange(10_000)
        arcs.append(arc(i, lo, lo + rng.choice((0, 5, 50, 3000))))
    index = ArcIndex(arcs)
    for _ in range(200):
        lo = rng.randrange(10_000)
        hi = lo + rng.randrange(1, 800)
        expected = sorted(a.id for a in arcs if a.lo < hi and a.hi >= lo)
        assert sorted(a.id for a in index.visible(lo, hi)) == expected


def test_make_arcs_orders_ends_and_drops_links_to_spans_not_shown() -> None:
    starts = {1: 50, 2: 10, 3: 70}
    links = [(100, 1, 2, "actor1"), (101, 2, 3, "subset_of"), (102, 1, 9, "place")]
    arcs = make_arcs(links, starts, ["subset_of"])
    assert arcs == [
        Arc(100, 1, 2, "actor1", False, 10, 50),
        Arc(101, 2, 3, "subset_of", True, 10, 70),
    ]


def test_without_the_full_set_only_relations_and_the_selected_events_roles_show() -> None:
    role_of_1 = Arc(1, 1, 5, "actor1", False, 0, 9)
    role_of_2 = Arc(2, 2, 6, "actor1", False, 0, 9)
    relation = Arc(3, 7, 8, "subset_of", True, 0, 9)
    arcs = [role_of_1, role_of_2, relation]
    assert shown_arcs(arcs, True, None) == arcs
    assert shown_arcs(arcs, False, 1) == [role_of_1, relation]
    assert shown_arcs(arcs, False, None) == [relation]


def test_levels_keep_overlapping_intervals_apart_and_nest_short_ones_low() -> None:
    # brat's picture: a long arc over two short ones that do not touch each other
    assert levels([(0, 100), (10, 20), (30, 40)]) == [1, 0, 0]
    # direction does not matter; touching ends overlap (closed intervals)
    assert levels([(20, 10), (20, 30)]) == [0, 1]
    # a gap keeps near intervals apart too
    assert levels([(0, 10), (12, 20)], gap=0.0) == [0, 0]
    assert levels([(0, 10), (12, 20)], gap=3.0) == [1, 0]  # the shorter one takes level 0
    assert levels([]) == []


def test_levels_never_share_a_level_between_overlapping_intervals() -> None:
    rng = random.Random(9)
    intervals = [(float(a), float(a + rng.randrange(1, 60))) for a in rng.sample(range(500), 80)]
    out = levels(intervals)
    for i, (a, b) in enumerate(intervals):
        for j, (c, d) in enumerate(intervals):
            if i < j and out[i] == out[j]:
                assert b < c or d < a, (intervals[i], intervals[j])


def test_tags_sit_at_their_span_unless_the_one_before_is_in_the_way() -> None:
    # (x, width): the second would overlap the first; the third is clear of both
    assert place_tags([(10.0, 30.0), (20.0, 30.0), (100.0, 10.0)]) == [10.0, 42.0, 100.0]
    # the order given is kept in the answer, placement goes left to right
    assert place_tags([(20.0, 30.0), (10.0, 30.0)], gap=0.0) == [40.0, 10.0]


def test_tag_text_is_the_label_short_with_its_count() -> None:
    assert tag_text("ACTOR") == "ACT"
    assert tag_text("CASUALTY", 15) == "CAS 15"
    assert tag_text("CASUALTY", "") == "CAS"
    assert tag_text("CASUALTY", None) == "CAS"
    assert tag_text("EVENT", True) == "EVE"  # a flag is not a count
    assert tag_text("ab") == "AB"
