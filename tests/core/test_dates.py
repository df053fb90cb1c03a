"""The DATE resolver (docs/numbers-and-dates.md), on the seed article and the wordings around it."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.dates import DateValue, resolve_date

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_fb25855139c210c8.txt"
PUBLISHED = "2019-07-30"  # a Tuesday

# (span text, start, end, time_precision), all in the seed article published 2019-07-30
SEED_SPANS: list[tuple[str, str, str, int]] = [
    ("on Sunday", "2019-07-28", "2019-07-28", 1),  # the SPEC example
    ("Sunday", "2019-07-28", "2019-07-28", 1),
    ("on Monday", "2019-07-29", "2019-07-29", 1),
    ("Monday", "2019-07-29", "2019-07-29", 1),
    ("yesterday morning", "2019-07-29", "2019-07-29", 1),
    ("since April", "2019-04-01", "2019-07-30", 3),
    ("in late April", "2019-04-20", "2019-04-30", 2),
    ("late April", "2019-04-20", "2019-04-30", 2),
    ("in May 2017", "2017-05-01", "2017-05-31", 3),
    ("in September 2018", "2018-09-01", "2018-09-30", 3),
    ("September 2018", "2018-09-01", "2018-09-30", 3),
    ("in August last year", "2018-08-01", "2018-08-31", 3),
    ("last week", "2019-07-22", "2019-07-28", 2),
    ("in 2011", "2011-01-01", "2011-12-31", 3),
    ("30.07.2019", "2019-07-30", "2019-07-30", 1),  # the 'Published' line
]

OTHER_WORDINGS: list[tuple[str, str, str, int]] = [
    # weekdays: the most recent on or before publication; "last" is strictly before
    ("Tuesday", "2019-07-30", "2019-07-30", 1),
    ("last Tuesday", "2019-07-23", "2019-07-23", 1),
    ("Wednesday", "2019-07-24", "2019-07-24", 1),
    ("Sunday night", "2019-07-28", "2019-07-28", 1),
    ("late Sunday", "2019-07-28", "2019-07-28", 1),
    ("Sunday's", "2019-07-28", "2019-07-28", 1),
    ("next Monday", "2019-08-05", "2019-08-05", 1),
    ("the weekend", "2019-07-27", "2019-07-28", 1),
    ("from Monday to Wednesday", "2019-07-22", "2019-07-24", 1),
    # days relative to publication
    ("yesterday", "2019-07-29", "2019-07-29", 1),
    ("today", "2019-07-30", "2019-07-30", 1),
    ("last night", "2019-07-29", "2019-07-29", 1),
    ("the day before yesterday", "2019-07-28", "2019-07-28", 1),
    ("three days ago", "2019-07-27", "2019-07-27", 1),
    # weeks, months, years relative to publication
    ("this week", "2019-07-29", "2019-07-30", 2),
    ("two weeks ago", "2019-07-15", "2019-07-21", 2),
    ("the past week", "2019-07-23", "2019-07-30", 2),
    ("since Monday", "2019-07-29", "2019-07-30", 2),
    ("last month", "2019-06-01", "2019-06-30", 3),
    ("early this month", "2019-07-01", "2019-07-10", 2),
    ("earlier this month", "2019-07-01", "2019-07-30", 2),
    ("late last month", "2019-06-20", "2019-06-30", 2),
    ("last year", "2018-01-01", "2018-12-31", 3),
    ("this year", "2019-01-01", "2019-07-30", 3),
    ("since 2011", "2011-01-01", "2019-07-30", 3),
    # months without a year: the most recent on or before the publication month
    ("April", "2019-04-01", "2019-04-30", 3),
    ("in July", "2019-07-01", "2019-07-30", 3),
    ("August", "2018-08-01", "2018-08-31", 3),
    ("last August", "2018-08-01", "2018-08-31", 3),
    ("early April", "2019-04-01", "2019-04-10", 2),
    ("mid-April", "2019-04-10", "2019-04-20", 2),
    ("the end of April", "2019-04-20", "2019-04-30", 2),
    ("late February 2016", "2016-02-20", "2016-02-29", 2),
    ("April to June 2019", "2019-04-01", "2019-06-30", 3),
    # absolute dates
    ("2019-07-30", "2019-07-30", "2019-07-30", 1),
    ("July 30, 2019", "2019-07-30", "2019-07-30", 1),
    ("Tuesday, July 30, 2019", "2019-07-30", "2019-07-30", 1),
    ("30 July 2019", "2019-07-30", "2019-07-30", 1),
    ("the 28th of July", "2019-07-28", "2019-07-28", 1),
    ("30/07/2019", "2019-07-30", "2019-07-30", 1),
    ("5-7 July", "2019-07-05", "2019-07-07", 1),
    ("July 5–7, 2019", "2019-07-05", "2019-07-07", 1),
    ("2011", "2011-01-01", "2011-12-31", 3),
    ("early 2018", "2018-01-01", "2018-04-30", 3),
    ("mid-2018", "2018-05-01", "2018-08-31", 3),
    ("Jul 30th 2019 at 10:00", "2019-07-30", "2019-07-30", 1),  # left to dateparser
]


# Held-out wordings from real reporting (issue "Trust fixes in the data path"), each expected
# result written by hand, in an article published Tuesday 2019-07-30.
REPORTED: list[tuple[str, str, str, int]] = [
    # time-of-day words do not defeat the date
    ("at dawn on Friday", "2019-07-26", "2019-07-26", 1),
    ("early on Friday", "2019-07-26", "2019-07-26", 1),
    ("late on Sunday", "2019-07-28", "2019-07-28", 1),
    ("in the early hours of Sunday", "2019-07-28", "2019-07-28", 1),
    ("early hours of Sunday", "2019-07-28", "2019-07-28", 1),
    ("in the early hours of Sunday morning", "2019-07-28", "2019-07-28", 1),
    ("on Friday at dawn", "2019-07-26", "2019-07-26", 1),
    ("on Sunday at around 10:30 pm local time", "2019-07-28", "2019-07-28", 1),
    ("shortly after midnight on Sunday", "2019-07-28", "2019-07-28", 1),
    ("at about 3 a.m. on Monday", "2019-07-29", "2019-07-29", 1),
    ("on the morning of 28 July", "2019-07-28", "2019-07-28", 1),
    ("late Friday night", "2019-07-26", "2019-07-26", 1),
    ("Friday overnight", "2019-07-26", "2019-07-26", 1),
    # overnight, hours, several days
    ("overnight", "2019-07-29", "2019-07-30", 1),
    ("overnight on Saturday", "2019-07-27", "2019-07-27", 1),
    ("overnight Saturday into Sunday", "2019-07-27", "2019-07-28", 1),
    ("in the past 24 hours", "2019-07-29", "2019-07-30", 1),
    ("over the past 48 hours", "2019-07-28", "2019-07-30", 2),
    ("on Thursday and Friday", "2019-07-25", "2019-07-26", 1),
    ("at the weekend", "2019-07-27", "2019-07-28", 1),
    ("over the weekend", "2019-07-27", "2019-07-28", 1),
    # a day without a year: publication day, or far enough back to be last year's
    ("on 30 July", "2019-07-30", "2019-07-30", 1),
    ("on 15 September", "2018-09-15", "2018-09-15", 1),
]


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"), SEED_SPANS + OTHER_WORDINGS + REPORTED
)
def test_resolve_date(text: str, start: str, end: str, precision: int) -> None:
    assert resolve_date(text, PUBLISHED) == DateValue(start, end, precision)


def test_seed_spans_are_in_the_seed_article() -> None:
    article = SEED.read_text(encoding="utf-8")
    for text, *_ in SEED_SPANS:
        assert text in article


@pytest.mark.parametrize(
    "text",
    [
        "the following day",  # relative to the story, not to publication
        "",
        "garbage",
        "15",  # dateparser would read a bare number as a day or a month
        "a",
        "07/08/2019",  # day and month could be either way round
        "31.02.2019",
        "0000-01-01",
        "9999-12-31 to 10000-01-01",
        "since next year",
        "\x00\ufffd",
        "Sunday " * 200,
        # after publication in the same month or just after: refused, not moved back a year
        "on 31 July",
        "31 July",
        "July 31st",
        "on 2 August",
        "1-3 August",
    ],
)
def test_unresolvable(text: str) -> None:
    assert resolve_date(text, PUBLISHED) is None


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("May 2017", "2017-05-01", "2017-05-31", 3),
        ("in 2011", "2011-01-01", "2011-12-31", 3),
        ("30.07.2019", "2019-07-30", "2019-07-30", 1),
        ("2019-07-30", "2019-07-30", "2019-07-30", 1),
        ("July 30, 2019", "2019-07-30", "2019-07-30", 1),
    ],
)
@pytest.mark.parametrize("published", [None, "", "not a date"])
def test_absolute_dates_without_publication(
    text: str, start: str, end: str, precision: int, published: str | None
) -> None:
    assert resolve_date(text, published) == DateValue(start, end, precision)


@pytest.mark.parametrize(
    "text", ["on Sunday", "yesterday", "last week", "since April", "April", "July 30", "2 days ago"]
)
def test_relative_dates_need_publication(text: str) -> None:
    assert resolve_date(text, None) is None


def test_weekday_of_publication_is_the_publication_day() -> None:
    # A Sunday article: "Sunday" is that day, "last Sunday" the week before.
    assert resolve_date("Sunday", "2019-07-28") == DateValue("2019-07-28", "2019-07-28", 1)
    assert resolve_date("last Sunday", "2019-07-28") == DateValue("2019-07-21", "2019-07-21", 1)


def test_publication_date_time_is_accepted() -> None:
    assert resolve_date("yesterday", "2019-07-30T00:15:00") == DateValue(
        "2019-07-29", "2019-07-29", 1
    )


def test_a_day_just_before_a_new_year_is_last_year() -> None:
    # Moving back a year is right when the day is far ahead of publication in its year.
    assert resolve_date("on 28 December", "2020-01-02") == DateValue("2019-12-28", "2019-12-28", 1)


@pytest.mark.parametrize(
    ("published", "text", "day"),
    [
        # the source's local date, whatever its offset from UTC: never converted
        ("2019-07-30T01:30:00+03:00", "yesterday", "2019-07-29"),  # UTC: still 29 July
        ("2019-07-30T01:30:00+03:00", "today", "2019-07-30"),
        ("2019-07-29T23:30:00-05:00", "today", "2019-07-29"),  # UTC: already 30 July
        ("Tue, 30 Jul 2019 01:30:00 +0300", "today", "2019-07-30"),
        ("Tue, 30 Jul 2019 01:30:00 +0300", "on Sunday", "2019-07-28"),
        ("Mon, 29 Jul 2019 23:30:00 -0500", "yesterday", "2019-07-28"),
    ],
)
def test_relative_dates_resolve_in_the_source_local_date(
    published: str, text: str, day: str
) -> None:
    assert resolve_date(text, published) == DateValue(day, day, 1)


def test_as_attributes() -> None:
    value = resolve_date("in late April", PUBLISHED)
    assert value is not None
    assert value.as_attributes() == {
        "start": "2019-04-20",
        "end": "2019-04-30",
        "time_precision": 2,
    }
