"""The casualty number reader: every row of SPEC §4.1 and the seed article's spans."""

from __future__ import annotations

import pytest

from annotator.core.numbers import QUALIFIERS, Quantity, parse_number, read_quantity

TENS_OF_THOUSANDS = Quantity(10_000, 10_000, None, "vague", "tens of thousands")

# (span text, best, low, high, qualifier, vague_term)
WORDINGS: list[tuple[str, int | None, int | None, int | None, str, str]] = [
    # the seed article's spans
    ("15", 15, 15, 15, "exact", ""),
    ("two", 2, 2, 2, "exact", ""),
    ("three", 3, 3, 3, "exact", ""),
    ("more than 600", 600, 600, None, "more_than", ""),
    ("hundreds of thousands", 100_000, 100_000, 999_999, "vague", "hundreds of thousands"),
    ("Seven", 7, 7, 7, "exact", ""),
    ("five", 5, 5, 5, "exact", ""),
    ("over 25,000", 25_000, 25_000, None, "more_than", ""),
    ("over 300,000", 300_000, 300_000, None, "more_than", ""),
    ("around 4 million", 4_000_000, None, None, "approx", ""),
    ("dozens", 12, 12, None, "vague", "dozens"),
    ("many", None, None, None, "vague", "many"),
    # N: digits, separators, number words, scale words
    ("7", 7, 7, 7, "exact", ""),
    ("25,000", 25_000, 25_000, 25_000, "exact", ""),
    ("1,234,567", 1_234_567, 1_234_567, 1_234_567, "exact", ""),
    ("25\u00a0000", 25_000, 25_000, 25_000, "exact", ""),
    ("twenty-three", 23, 23, 23, "exact", ""),
    ("one hundred and five", 105, 105, 105, "exact", ""),
    ("a hundred", 100, 100, 100, "exact", ""),
    ("a dozen", 12, 12, 12, "exact", ""),
    ("two dozen", 24, 24, 24, "exact", ""),
    ("1.2 million", 1_200_000, 1_200_000, 1_200_000, "exact", ""),
    ("2.5 thousand", 2_500, 2_500, 2_500, "exact", ""),
    ("THREE HUNDRED", 300, 300, 300, "exact", ""),
    ("2011", 2011, 2011, 2011, "exact", ""),
    # trailing victim nouns are ignored
    ("15 civilians", 15, 15, 15, "exact", ""),
    ("more than 600 people", 600, 600, None, "more_than", ""),
    ("one of their volunteers", 1, 1, 1, "exact", ""),
    # at least / no fewer than / a minimum of N
    ("at least 12", 12, 12, None, "at_least", ""),
    ("At least two dozen", 24, 24, None, "at_least", ""),
    ("no fewer than 40", 40, 40, None, "at_least", ""),
    ("a minimum of 9", 9, 9, None, "at_least", ""),
    ("15 or more", 15, 15, None, "at_least", ""),
    # more than / over / upwards of / in excess of N
    ("more than a dozen", 12, 12, None, "more_than", ""),
    ("upwards of 200", 200, 200, None, "more_than", ""),
    ("in excess of 1,000", 1_000, 1_000, None, "more_than", ""),
    # up to / at most / no more than N
    ("up to 40", None, None, 40, "at_most", ""),
    ("at most ten", None, None, 10, "at_most", ""),
    ("no more than 10", None, None, 10, "at_most", ""),
    ("as many as 50 people", None, None, 50, "at_most", ""),
    # fewer than / less than / under N
    ("fewer than 10", None, None, 10, "less_than", ""),
    ("less than a hundred", None, None, 100, "less_than", ""),
    ("under 5", None, None, 5, "less_than", ""),
    # about / around / approximately / nearly / almost / roughly / some / an estimated N
    ("about 30", 30, None, None, "approx", ""),
    ("approximately 1,500", 1_500, None, None, "approx", ""),
    ("nearly a hundred", 100, None, None, "approx", ""),
    ("almost 70", 70, None, None, "approx", ""),
    ("roughly twenty", 20, None, None, "approx", ""),
    ("some 300", 300, None, None, "approx", ""),
    ("an estimated 1.2 million", 1_200_000, None, None, "approx", ""),
    # N–M, N to M, between N and M
    ("15–20", 15, 15, 20, "range", ""),
    ("15-20", 15, 15, 20, "range", ""),
    ("15 to 20", 15, 15, 20, "range", ""),
    ("between 15 and 20", 15, 15, 20, "range", ""),
    ("between one hundred and five hundred", 100, 100, 500, "range", ""),
    ("two or three", 2, 2, 3, "range", ""),
    ("2 to 3 million", 2_000_000, 2_000_000, 3_000_000, "range", ""),
    # tens / dozens / hundreds / thousands / tens of thousands
    ("tens", 10, 10, None, "vague", "tens"),
    ("Dozens of villages", 12, 12, None, "vague", "dozens"),
    ("hundreds", 100, 100, None, "vague", "hundreds"),
    ("thousands of people", 1_000, 1_000, None, "vague", "thousands"),
    ("tens of thousands", 10_000, 10_000, None, "vague", "tens of thousands"),
    ("Tens of Thousands", 10_000, 10_000, None, "vague", "tens of thousands"),
    ("several hundred", 100, 100, None, "vague", "several hundred"),
    ("at least dozens", 12, 12, None, "vague", "dozens"),
    # several / many / scores / a number of
    ("several", None, None, None, "vague", "several"),
    ("scores of civilians", None, None, None, "vague", "scores"),
    ("a number of", None, None, None, "vague", "a number of"),
    ("Many", None, None, None, "vague", "many"),
]


@pytest.mark.parametrize(("text", "best", "low", "high", "qualifier", "vague_term"), WORDINGS)
def test_read_quantity(
    text: str, best: int | None, low: int | None, high: int | None, qualifier: str, vague_term: str
) -> None:
    assert read_quantity(text) == Quantity(best, low, high, qualifier, vague_term)


def test_table_covers_every_qualifier() -> None:
    assert {row[4] for row in WORDINGS} == set(QUALIFIERS)
    assert len(WORDINGS) >= 45


@pytest.mark.parametrize(
    "text", ["", "   ", "killed", "civilians", "the attack", "1.5", "some", "none"]
)
def test_no_quantity(text: str) -> None:
    assert read_quantity(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("25,000", 25_000),
        ("twenty-three", 23),
        ("one hundred and five", 105),
        ("a hundred", 100),
        ("a thousand and five", 1_005),
        ("1.2 million", 1_200_000),
        ("4m", 4_000_000),
        ("7", 7),
        ("a dozen", 12),
        ("half a dozen", 6),
        ("half a million", 500_000),
        ("five thousand, two hundred", 5_200),
        ("1.200.000", 1_200_000),
        ("Seven.", 7),
    ],
)
def test_parse_number(text: str, value: int) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "text",
    # plurals are vague words (text2num would read "hundreds" as 100), junk text2num accepts
    [
        *("", "hundreds", "dozens", "thousands", "a", "first", "1.5", "25,00"),
        *("hundred billion billion", "zero zero", "civilians", "15 civilians"),
    ],
)
def test_parse_number_refuses(text: str) -> None:
    assert parse_number(text) is None


def test_as_attributes_leaves_out_empty_fields() -> None:
    more_than = read_quantity("more than 600")
    assert more_than is not None
    assert more_than.as_attributes() == {
        "best": 600,
        "low": 600,
        "qualifier": "more_than",
    }
    assert Quantity(None, None, None, "vague", "many").as_attributes() == {
        "qualifier": "vague",
        "vague_term": "many",
    }
    assert TENS_OF_THOUSANDS.as_attributes() == {
        "best": 10_000,
        "low": 10_000,
        "qualifier": "vague",
        "vague_term": "tens of thousands",
    }
