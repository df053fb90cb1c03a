from __future__ import annotations

from typing import Any

import pytest

from annotator.core.fatalities import event_tallies, scope_hint, tally
from annotator.core.records import Annotation, Link

from helpers.export import seed_example

_ids = iter(range(1, 1_000_000))


def cas(kind: str = "killed", **attrs: Any) -> Annotation:
    n = next(_ids)
    attributes = {"kind": kind, "count_scope": "event", **attrs}  # event scope unless said
    return Annotation(n, f"a{n}", 1, "alice", "CASUALTY", n, n + 1, attributes)


def rel(a: Annotation, role: str, b: Annotation) -> Link:
    n = next(_ids)
    return Link(n, f"l{n}", 1, "alice", a.id, role, b.id)


def test_seed_example_counts_15_not_the_subsets_nor_the_cumulative_600() -> None:
    ex = seed_example()
    s = ex.spans
    casualties = [s[k] for k in ("15", "two", "three", "600", "displaced", "wounded")]
    t = tally(casualties, ex.bundle.links)
    assert (t.best, t.low, t.high) == (15, 15, 15)
    assert t.groups == ((s["15"],),)
    assert {a.uid for a in t.subsets} == {s["two"].uid, s["three"].uid}
    assert t.out_of_scope == (s["600"],)
    all_three = event_tallies(casualties, ex.bundle.links)
    assert (all_three["displaced"].best, all_three["displaced"].high) == (None, None)  # cumulative
    assert all_three["injured"].best is None  # "many": a casualty without a number
    assert all_three["injured"].groups == ((s["wounded"],),)


def test_alternative_reports_take_the_smallest_best_and_the_largest_high() -> None:
    seven = cas(best=7, low=7, high=7, qualifier="exact")
    nine = cas(best=9, low=9, high=9, qualifier="exact")
    t = tally([seven, nine], [rel(nine, "alternative_to", seven)])
    assert (t.best, t.low, t.high) == (7, 7, 9)
    # Without low/high each report offers its best: low = smallest best, high = largest best.
    about_seven, about_nine = cas(best=7, qualifier="approx"), cas(best=9, qualifier="approx")
    t = tally([about_seven, about_nine], [rel(about_seven, "alternative_to", about_nine)])
    assert (t.best, t.low, t.high) == (7, 7, 9)
    # Unlinked, they are different victims and add up.
    t = tally([about_seven, about_nine], [])
    assert (t.best, t.low, t.high) == (16, 16, 16)


def test_alternatives_group_transitively_in_either_direction() -> None:
    a, b, c = cas(best=10), cas(best=12, high=20), cas(best=11, low=8)
    other = cas(best=5)
    links = [rel(a, "alternative_to", b), rel(c, "alternative_to", b)]
    t = tally([a, b, c, other], links)
    assert len(t.groups) == 2
    assert t.best == 10 + 5
    assert t.low == 8 + 5  # c's low 8 beats a's best 10 and b's best 12
    assert t.high == 20 + 5


def test_a_range_and_open_ended_figures() -> None:
    ranged = cas(best=20, low=20, high=30, qualifier="range")
    at_most = cas(high=10, qualifier="at_most")  # no best, no low
    t = tally([ranged, at_most], [])
    assert (t.best, t.low, t.high) == (20, 20, 40)


def test_group_without_numbers_adds_nothing_and_no_numbers_at_all_is_unknown() -> None:
    several = cas(qualifier="vague", vague_term="several")
    four = cas(best=4)
    assert (tally([several, four], []).best) == 4
    t = tally([several], [])
    assert (t.best, t.low, t.high) == (None, None, None)
    assert tally([], []).best is None


def test_a_blank_scope_is_never_counted_cumulative_is_left_out() -> None:
    # A cumulative 1,208 whose scope was left blank must not be added to the event's 4.
    no_scope = cas(best=1208, count_scope=None)
    event = cas(best=4, count_scope="event")
    cumulative = cas(best=600, count_scope="cumulative")
    t = tally([no_scope, event, cumulative], [])
    assert t.best == 4
    assert t.out_of_scope == (cumulative,)
    assert t.unscoped == (no_scope,)
    assert [t.reason(c) for c in (no_scope, event, cumulative)] == [
        "no_scope",
        "counted",
        "cumulative",
    ]


def test_only_the_latest_figure_of_an_updates_chain_counts() -> None:
    # "25 killed" ... "the toll rose to 28" ... "rose to 31"; plus another attack's 4.
    first, second, latest = (cas(best=n, count_scope="event") for n in (25, 28, 31))
    other = cas(best=4, count_scope="event")
    links = [rel(second, "updates", first), rel(latest, "updates", second)]
    t = tally([first, second, latest, other], links)
    assert (t.best, t.low, t.high) == (35, 35, 35)
    assert {c.uid for c in t.superseded} == {first.uid, second.uid}
    assert [t.reason(c) for c in (first, second, latest)] == ["superseded", "superseded", "counted"]
    # "3 children" within the earlier 25 are within the toll that replaced it: still a subset
    kids = cas(best=3, count_scope="event")
    t = tally([first, latest, kids], [rel(latest, "updates", first), rel(kids, "subset_of", first)])
    assert t.best == 31
    assert t.reason(kids) == "subset"


def test_an_explicit_zero_is_zero_and_no_figure_is_unknown() -> None:
    nobody = cas(best=0, low=0, high=0, qualifier="exact", count_scope="event")
    t = tally([nobody], [])
    assert (t.best, t.low, t.high) == (0, 0, 0)
    assert tally([], []).best is None


def test_reasons_for_alternatives_and_subsets() -> None:
    seven = cas(best=7, count_scope="event")
    nine = cas(best=9, count_scope="event")
    two = cas(best=2, count_scope="event")
    hurt = cas("injured", best=1, count_scope="event")
    links = [rel(nine, "alternative_to", seven), rel(two, "subset_of", seven)]
    t = tally([seven, nine, two, hurt], links)
    assert [t.reason(c) for c in (seven, nine, two, hurt)] == [
        "counted_alternative",
        "counted_alternative",
        "subset",
        "other_kind",
    ]


def test_subset_of_a_figure_that_is_not_counted_still_counts() -> None:
    # "two children" within a cumulative "600": the 600 is not this event's, the two are.
    two = cas(best=2)
    total = cas(best=600, count_scope="cumulative")
    assert tally([two, total], [rel(two, "subset_of", total)]).best == 2
    # A subset of a figure of another kind (injured) is not dropped either.
    hurt = cas("injured", best=10)
    assert tally([two, hurt], [rel(two, "subset_of", hurt)]).best == 2


def test_nested_subsets_and_alternatives_of_the_superset() -> None:
    total = cas(best=15)
    alt_total = cas(best=17)
    children = cas(best=2)
    boys = cas(best=1)
    links = [
        rel(children, "subset_of", total),
        rel(boys, "subset_of", children),
        rel(alt_total, "alternative_to", total),
    ]
    t = tally([total, alt_total, children, boys], links)
    assert (t.best, t.low, t.high) == (15, 15, 17)
    assert {a.uid for a in t.subsets} == {children.uid, boys.uid}


def test_kinds_are_kept_apart() -> None:
    killed = cas("killed", best=5)
    injured = cas("injured", best=12, high=14)
    displaced = cas("displaced", best=300)
    either = cas("killed_or_injured", best=40)
    got = event_tallies([killed, injured, displaced, either], [])
    assert got["fatalities"].best == 5
    assert (got["injured"].best, got["injured"].high) == (12, 14)
    assert got["displaced"].best == 300


def test_links_to_casualties_outside_the_event_are_ignored() -> None:
    mine = cas(best=5)
    elsewhere = cas(best=3)  # another event's figure
    assert tally([mine], [rel(mine, "subset_of", elsewhere)]).best == 5
    assert tally([mine], [rel(mine, "alternative_to", elsewhere)]).best == 5


def test_float_and_bad_values() -> None:
    assert tally([cas(best=5.0), cas(best=2.5)], []).best == 7.5
    assert tally([cas(best="5"), cas(best=True), cas(best=3)], []).best == 3


@pytest.mark.parametrize(
    ("sentence", "figure", "hint"),
    [
        ("more than 600 people have been killed since April", "more than 600", "cumulative"),
        ("at least 1,208 civilians were killed so far this year", "1,208", "cumulative"),
        (
            "over 25,000 people have been killed since the outbreak of the war in 2011",
            "over 25,000",
            "cumulative",
        ),
        ("The death toll in the past three months reached 310.", "310", "cumulative"),
        ("a total of 92 people have died to date, the ministry said", "92", "cumulative"),
        ("Throughout the offensive, 40 medics were killed", "40", "cumulative"),
        ("the Syrian regime attack killed 15 civilians", "15", None),
        ("Seven civilians were killed in the attacks", "Seven", None),
        ("Four soldiers died on Monday; since then the area has been calm.", "Four", None),
    ],
)
def test_scope_hint_reads_running_totals_from_the_clause(
    sentence: str, figure: str, hint: str | None
) -> None:
    start = sentence.index(figure)
    assert scope_hint(sentence, start, start + len(figure)) == hint
