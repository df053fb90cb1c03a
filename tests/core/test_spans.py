from __future__ import annotations

import random

import pytest

from annotator.core.records import Annotation
from annotator.core.spans import Segment, Span, SpanIndex, snap_to_words, trim


def reference_segments(spans: list[Span], start: int, end: int) -> list[Segment]:
    """Character by character: the slow, obviously right answer."""
    by_id = {s.id: s for s in spans}
    out: list[Segment] = []
    for pos in range(start, end):
        ids = tuple(
            sorted(
                (s.id for s in spans if s.start <= pos < s.end),
                key=lambda i: (by_id[i].end - by_id[i].start, i),
            )
        )
        if out and out[-1].end == pos and out[-1].ids == ids:
            out[-1] = Segment(out[-1].start, pos + 1, ids)
        elif ids:
            out.append(Segment(pos, pos + 1, ids))
    return out


def random_spans(rng: random.Random, n: int, length: int, first_id: int = 1) -> list[Span]:
    spans = []
    for i in range(n):
        start = rng.randrange(length)
        end = min(length, start + rng.randint(0, 12))
        spans.append(Span(first_id + i, rng.choice("ABC"), start, end))
    return spans


def test_nested_and_crossing_spans_give_maximal_runs_innermost_first() -> None:
    # 0123456789
    # [outer---)      1: 0-10
    #   [in)          2: 2-5
    #     [cross-)    3: 4-8
    index = SpanIndex([Span(1, "EVENT", 0, 10), Span(2, "ACTOR", 2, 5), Span(3, "PLACE", 4, 8)])
    assert index.segments(0, 12) == [
        Segment(0, 2, (1,)),
        Segment(2, 4, (2, 1)),
        Segment(4, 5, (2, 3, 1)),
        Segment(5, 8, (3, 1)),
        Segment(8, 10, (1,)),
    ]
    assert index.segments(3, 6) == [
        Segment(3, 4, (2, 1)),
        Segment(4, 5, (2, 3, 1)),
        Segment(5, 6, (3, 1)),
    ]
    assert index.ids_at(4) == [2, 3, 1]
    assert index.ids_at(10) == []
    assert index.ids_in(8, 20) == {1}


def test_uncovered_gaps_and_touching_spans() -> None:
    index = SpanIndex([Span(1, "A", 2, 4), Span(2, "A", 4, 6), Span(3, "A", 9, 10)])
    assert index.segments(0, 20) == [
        Segment(2, 4, (1,)),
        Segment(4, 6, (2,)),
        Segment(9, 10, (3,)),
    ]
    assert index.segments(6, 9) == []
    assert index.ids_at(0) == [] and index.ids_at(5) == [2]


def test_same_offsets_twice_ties_break_by_id() -> None:
    index = SpanIndex([Span(7, "A", 0, 3), Span(5, "B", 0, 3)])
    assert index.segments(0, 3) == [Segment(0, 3, (5, 7))]


def test_empty_spans_are_kept_but_cover_nothing() -> None:
    index = SpanIndex([Span(1, "A", 3, 3)])
    assert 1 in index and len(index) == 1
    assert index.segments(0, 10) == []
    index.remove(1)
    assert len(index) == 0


def test_annotations_are_indexed_as_they_are() -> None:
    ann = Annotation(id=4, uid="a4", document_id=1, coder="alice", label="ACTOR", start=1, end=3)
    index = SpanIndex([ann])
    assert index.get(4) is ann
    assert index.segments(0, 5) == [Segment(1, 3, (4,))]


@pytest.mark.parametrize("seed", range(8))
def test_matches_the_character_by_character_reference(seed: int) -> None:
    rng = random.Random(seed)
    spans = random_spans(rng, 40, 120)
    index = SpanIndex(spans)
    assert index.segments(0, 130) == reference_segments(spans, 0, 130)
    for _ in range(20):
        a = rng.randrange(125)
        b = a + rng.randint(0, 30)
        assert index.segments(a, b) == reference_segments(spans, a, b)


@pytest.mark.parametrize("seed", range(8))
def test_incremental_add_move_remove_equals_a_rebuild(seed: int) -> None:
    rng = random.Random(100 + seed)
    spans = {s.id: s for s in random_spans(rng, 30, 100)}
    index = SpanIndex(spans.values())
    next_id = 1000
    for _ in range(60):
        action = rng.random()
        if action < 0.4 or not spans:
            (span,) = random_spans(rng, 1, 100, next_id)
            next_id += 1
            spans[span.id] = span
            index.add(span)
        elif action < 0.7:
            victim = rng.choice(sorted(spans))
            assert index.remove(victim) == spans.pop(victim)
        else:  # move / relabel an existing span
            moved_id = rng.choice(sorted(spans))
            (moved,) = random_spans(rng, 1, 100, moved_id)
            spans[moved_id] = moved
            index.add(moved)
        rebuilt = SpanIndex(spans.values())
        assert index._bounds == rebuilt._bounds
        assert index._covers == rebuilt._covers
        assert index.segments(0, 110) == reference_segments(list(spans.values()), 0, 110)
    assert index.remove(999_999) is None


def test_ten_thousand_spans_over_a_megabyte_cover_exactly_their_characters() -> None:
    # How fast this builds is measured by tests/benchmarks (bench_gui opens such an article);
    # a unit test only checks what it builds, so a loaded machine cannot fail it.
    rng = random.Random(1)
    size = 1_000_000
    spans = [Span(i, "A", s, s + rng.randint(2, 30)) for i, s in enumerate(range(0, size, 130))]
    spans += [Span(20_000 + i, "B", s.start + 1, s.end + 5) for i, s in enumerate(spans[::3])]
    index = SpanIndex(spans)
    for lo in (0, 500_000, size - 600):
        window = (lo, lo + 600)
        expected = [
            frozenset(sp.id for sp in spans if sp.start <= ch < sp.end) for ch in range(*window)
        ]
        got: list[frozenset[int]] = [frozenset()] * 600
        for seg in index.segments(*window):
            for ch in range(seg.start, seg.end):
                got[ch - lo] = frozenset(seg.ids)
        assert got == expected


# ---------------------------------------------------------------------------------- snapping


def snap(text: str, selected: str, occurrence: int = 0) -> str | None:
    """Snap the ``occurrence``-th match of ``selected`` in ``text``; return the snapped text."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(selected, start + 1)
    got = snap_to_words(text, start, start + len(selected))
    return None if got is None else text[got[0] : got[1]]


@pytest.mark.parametrize(
    ("text", "selected", "expected"),
    [
        ("killed 15 civilians, including", "15 civilians, ", "15 civilians"),
        ("killed 15 civilians, including", "d 15 civ", "killed 15 civilians"),
        ("the (UN) said", "(UN)", "UN"),
        ("a de-escalation zone", "e-esc", "de-escalation"),
        ("a de-escalation zone", "escal", "escalation"),
        ("a de-escalation zone", "de-", "de"),
        ("Idlib's de-escalation zone", "Idl", "Idlib"),
        ("Idlib's de-escalation zone", "Idlib", "Idlib"),
        ("they don't know", "n't", "don't"),
        ("some 25,000 people", "5,00", "25,000"),
        ("some 25,000 people", "25", "25,000"),
        ("some 25,000 people", "000", "25,000"),
        ("1.2 million", "2 mil", "1.2 million"),
        ("end of line\nnext line", "line\nne", "line\nnext"),
        ("   \n  ", "  \n ", None),
        ("—", "—", None),
    ],
)
def test_snap_to_words(text: str, selected: str, expected: str | None) -> None:
    assert snap(text, selected) == expected


def test_snap_never_crosses_a_line_break_when_widening() -> None:
    text = "abc\ndef"
    assert snap_to_words(text, 4, 5) == (4, 7)
    assert snap_to_words(text, 1, 2) == (0, 3)


def test_snap_arabic_words_with_diacritics() -> None:
    text = "قتل 15 مدنياً في إدلب"
    start = text.index("مدني")
    assert snap_to_words(text, start + 1, start + 3) == (start, start + len("مدنياً"))
    assert snap(text, "إد") == "إدلب"


def test_snap_keeps_combining_marks_with_their_letter() -> None:
    text = "cafe\u0301 noir"  # é as e + combining acute
    assert snap_to_words(text, 0, 4) == (0, 5)
    assert snap_to_words(text, 4, 5) == (0, 5)  # a selection of the lone mark takes its word


def test_snap_emoji_stay_whole() -> None:
    text = "attack 👍🏽 and 👨\u200d👩\u200d👧 family"
    thumbs = text.index("👍")
    assert snap_to_words(text, thumbs, thumbs + 1) == (thumbs, thumbs + 2)  # skin tone kept
    fam = text.index("👨")
    assert snap_to_words(text, fam, fam + 1) == (fam, fam + 5)  # whole ZWJ sequence
    assert snap_to_words(text, 0, 3) == (0, 6)


def test_trim_only_trims() -> None:
    text = ' "15 civ", '
    assert trim(text, 0, len(text)) == (2, 8)
    assert text[2:8] == "15 civ"
    assert trim(text, 0, 2) is None
    assert trim("abc", -5, 99) == (0, 3)
    assert trim("¿qué?", 0, 5) == (1, 4)
