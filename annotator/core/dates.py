"""Resolve a DATE span to ISO start / end dates and ACLED's time precision
(docs/numbers-and-dates.md).

Relative expressions are read against the document's publication date and prefer the past: a
news article reports what has happened. Choices worth knowing:

- A weekday name is the most recent such day on or before publication: "Sunday" in an article
  of Tuesday 2019-07-30 is 2019-07-28, and "Tuesday" in that article is the day of publication
  itself (news style names today's weekday rather than writing "today"). "last Tuesday" is a
  week earlier.
- A month without a year is the most recent such month on or before the publication month;
  "last August" is the most recent August strictly before it.
- "last week" / "last month" / "last year" are the previous calendar week (Monday to Sunday),
  month and year; "the past week" is the seven days up to publication.
- Parts of a month: early = 1st-10th, mid = 10th-20th, late = 20th to the end (the codebook's
  "late April" is 2019-04-20 to 2019-04-30). Parts of a year are its thirds.
- A period that would run past the publication date ends on it ("this week", "since April").
- A day and month without a year that fall after publication by a month or less ("on 30 July"
  in an article of 29 July) are refused, not moved silently to the previous year: it is an
  upcoming date or a slip, and the coder decides. Further ahead, the previous year is meant.
- Time-of-day words around a date do not hide it: "at dawn on Friday", "early on Friday",
  "late on Sunday", "in the early hours of Sunday", "Friday at 3 pm" are that Friday or Sunday;
  "overnight" alone is the night before publication (that day and publication day); "in the
  past 24 hours" is the day before publication to publication; "on Thursday and Friday" is a
  two-day range, as is "(at) the weekend".
- The publication date is the source's local date: an ISO date-time with an offset
  ("2019-07-30T01:30:00+03:00") or an RFC 2822 date ("Tue, 30 Jul 2019 01:30:00 +0300") gives
  the day as written there, never converted to UTC or to this computer's time zone.
- Day-first "30.07.2019" is read as such; "07/08/2019" is refused as ambiguous (either number
  could be the month), while "30/07/2019" and "07/30/2019" are not ambiguous.

Without a publication date only absolute dates are resolved. Nothing here raises on odd input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from annotator.core.numbers import parse_number

DAY, WEEK, MONTH = 1, 2, 3
"""ACLED time precision: the day is known / only the week or part of a month / the month or less."""


@dataclass(frozen=True, slots=True)
class DateValue:
    """A resolved DATE span: ISO `start` and `end` (equal for one day) and ACLED precision."""

    start: str
    end: str
    time_precision: int

    def as_attributes(self) -> dict[str, object]:
        """The DATE attributes this value fills."""
        return {"start": self.start, "end": self.end, "time_precision": self.time_precision}


@dataclass(frozen=True, slots=True)
class _Period:
    start: date
    end: date
    precision: int


class _Refused(Exception):
    """The expression is recognised but cannot be resolved safely (an ambiguous numeric date)."""


# English names, written out: calendar.month_name follows the C locale, which Qt sets from the
# user's environment.
_MONTH_NAMES = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTHS: dict[str, int] = {name: number for number, name in enumerate(_MONTH_NAMES, start=1)}
_MONTHS.update({name[:3]: number for name, number in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_WEEKDAY_NAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAYS = {name: number for number, name in enumerate(_WEEKDAY_NAMES)}
_MONTH = "(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = "(?P<weekday>" + "|".join(_WEEKDAYS) + ")"
_YEAR = r"(?P<year>[12]\d{3})"
_ORDINAL = r"(?:st|nd|rd|th)?"
_DAY_PART = r"(?: (?:morning|afternoon|evening|night|overnight))?"
_PART = (
    r"(?P<part>early|mid|late|earlier|"
    r"(?:the )?(?:beginning|start|middle|end) of(?: the)?|(?:the )?(?:first|second) half of)"
)
_LEADING = re.compile(r"^(?:on|in|during|at|over|of|by the|about|around) ")


def resolve_date(text: str, published: str | None) -> DateValue | None:
    """The dates a DATE span stands for, read against the ISO `published` date when given."""
    pub = _published_day(published)
    try:
        period = _resolve(_normalise(text), pub)
    except (ValueError, OverflowError, _Refused):  # "31 February", year 0 or 10000, "07/08/2019"
        return None
    if period is None or period.end < period.start:
        return None
    end = period.end
    if pub is not None and period.start <= pub < end:
        end = pub  # what an article reports has happened by the day it is published
    return DateValue(period.start.isoformat(), end.isoformat(), period.precision)


def _published_day(published: str | None) -> date | None:
    """The publication day as the source wrote it (its local date; see the module docstring)."""
    if not published:
        return None
    text = published.strip()
    try:
        return date.fromisoformat(text[:10])  # the date part of an ISO date-time is local
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).date()  # RFC 2822: the wall-clock date it states
    except (TypeError, ValueError, IndexError):
        return None


def _normalise(text: str) -> str:
    text = text.lower().replace("’", "'")
    text = re.sub(r"[–—−]", "-", text)
    text = re.sub(r"'s\b", "", text)  # "Sunday's"
    text = re.sub(r"\bmid-(?=[a-z\d])", "mid ", text)  # "mid-April", "mid-2018"
    text = " ".join(text.split()).strip(" .,;:!?()[]\"'")
    return text


# Time-of-day words before or after a date: "at dawn on Friday", "early on Friday", "in the
# early hours of Sunday", "overnight on Saturday", "Friday at 3 pm", "Sunday at dawn".
_MOMENT = (
    r"(?:dawn|dusk|daybreak|sunrise|sunset|nightfall|first light|noon|midday|midnight"
    r"|(?:about |around )?\d{1,2}(?:[:.]\d{2})?(?: ?[ap]\.?m\.?)?(?: local time| gmt| utc)?)"
)
_TIME_BEFORE = re.compile(
    rf"^(?:(?:at|before|after|around|by|just after|shortly after|shortly before|soon after) "
    rf"{_MOMENT}|(?:early|late|earlier|later)(?= on )"
    r"|(?:in |during )?(?:the )?(?:early|small|late) hours"
    r"|(?:in |on |during )?the (?:morning|afternoon|evening|night)(?= of )"
    r"|overnight(?= (?:on|of|into|from|\w+day)))(?: (?:on|of|into|from))? "
)
_TIME_AFTER = re.compile(
    rf" (?:(?:at|before|after|around|by|just after|shortly after|shortly before) {_MOMENT}"
    r"|overnight)$"
)


def _resolve(text: str, pub: date | None) -> _Period | None:
    if not text:
        return None
    bare = _TIME_AFTER.sub("", _TIME_BEFORE.sub("", text))
    if bare != text:
        return _resolve(bare, pub)
    if text == "overnight" and pub is not None:  # the night before publication
        return _Period(pub - timedelta(days=1), pub, DAY)
    since = re.fullmatch(r"(?:ever )?since (.+)", text)
    if since:
        anchor = _resolve(since[1], pub)
        if pub is None or anchor is None or anchor.start > pub:
            return None
        return _Period(anchor.start, pub, WEEK if (pub - anchor.start).days <= 7 else MONTH)
    return _range(text, pub) or _single(text, pub)


# ------------------------------------------------------------------------------ calendar helpers


def _month_end(year: int, month: int) -> date:
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return following - timedelta(days=1)


def _month_period(year: int, month: int, part: str | None = None) -> _Period:
    first, last = date(year, month, 1), _month_end(year, month)
    if part is None:
        return _Period(first, last, MONTH)
    if part in ("early", "beginning of", "start of", "first half of"):
        if part == "first half of":
            return _Period(first, date(year, month, 15), WEEK)
        return _Period(first, date(year, month, 10), WEEK)
    if part in ("mid", "middle of"):
        return _Period(date(year, month, 10), date(year, month, 20), WEEK)
    if part == "second half of":
        return _Period(date(year, month, 16), last, WEEK)
    return _Period(date(year, month, 20), last, WEEK)  # late, end of


def _year_period(year: int, part: str | None = None) -> _Period:
    if part in ("early", "beginning of", "start of"):
        return _Period(date(year, 1, 1), date(year, 4, 30), MONTH)
    if part in ("mid", "middle of"):
        return _Period(date(year, 5, 1), date(year, 8, 31), MONTH)
    if part in ("late", "end of"):
        return _Period(date(year, 9, 1), date(year, 12, 31), MONTH)
    if part == "first half of":
        return _Period(date(year, 1, 1), date(year, 6, 30), MONTH)
    if part == "second half of":
        return _Period(date(year, 7, 1), date(year, 12, 31), MONTH)
    return _Period(date(year, 1, 1), date(year, 12, 31), MONTH)


def _week_period(day: date, part: str | None = None) -> _Period:
    monday = day - timedelta(days=day.weekday())
    if part in ("early", "beginning of", "start of"):
        return _Period(monday, monday + timedelta(days=2), WEEK)
    if part in ("mid", "middle of"):
        return _Period(monday + timedelta(days=1), monday + timedelta(days=3), WEEK)
    if part in ("late", "end of"):
        return _Period(monday + timedelta(days=3), monday + timedelta(days=6), WEEK)
    return _Period(monday, monday + timedelta(days=6), WEEK)


def _part(match: re.Match[str]) -> str | None:
    """The part-of-period words of a match, without "the" ("the end of the" -> "end of")."""
    part = match.groupdict().get("part")
    if part is None:
        return None
    return re.sub(r"^the |(?<= of) the$", "", part)


AHEAD_REFUSED = 31
"""Days after publication within which a day without a year is refused (module docstring)."""


def _past_year(month: int, day: int, pub: date) -> int:
    """The year of the most recent (month, day) on or before publication.

    Refused when that day in the publication year is at most `AHEAD_REFUSED` days after
    publication: moving it back a year would be a silent guess.
    """
    if (month, day) <= (pub.month, pub.day):
        return pub.year
    if 0 < (date(pub.year, month, day) - pub).days <= AHEAD_REFUSED:
        raise _Refused(f"{day}/{month} is after publication {pub.isoformat()}")
    return pub.year - 1


def _count(words: str) -> int | None:
    return 1 if words in ("a", "an", "one") else parse_number(words)


# ------------------------------------------------------------------------------ ranges


def _range(text: str, pub: date | None) -> _Period | None:
    """Two dates joined into one period: "5-7 July 2019", "from Monday to Wednesday"."""
    joiner = r" ?(?:-|to|and|until|till|through) ?"
    days = re.fullmatch(
        rf"(?:between |from )?(?P<first>\d{{1,2}}){_ORDINAL}{joiner}"
        rf"(?P<last>\d{{1,2}}){_ORDINAL} (?:of )?{_MONTH}(?:,? {_YEAR})?",
        text,
    ) or re.fullmatch(
        rf"(?:between |from )?{_MONTH} (?P<first>\d{{1,2}}){_ORDINAL}{joiner}"
        rf"(?P<last>\d{{1,2}}){_ORDINAL}(?:,? {_YEAR})?",
        text,
    )
    if days:
        month, first, last = _MONTHS[days["month"]], int(days["first"]), int(days["last"])
        if days["year"]:
            year = int(days["year"])
        elif pub is not None:
            year = _past_year(month, first, pub)
        else:
            return None
        return _Period(date(year, month, first), date(year, month, last), DAY)
    pair = re.fullmatch(r"between (.+?) and (.+)", text) or re.fullmatch(
        r"(?:from )?(.+?)(?: -| to| until| till| through| and| into) (.+)", text
    )
    if not pair:
        return None
    later = _single(pair[2], pub)
    if later is None:
        return None
    earlier = None
    stated_year = re.search(r"\b[12]\d{3}\b", pair[2])
    if stated_year and not re.search(r"\b[12]\d{3}\b", pair[1]):  # "April to June 2019"
        earlier = _single(f"{pair[1]} {stated_year[0]}", pub)
    earlier = earlier or _single(pair[1], pub)
    if earlier is not None and earlier.start > later.end:
        # "from Monday to Wednesday" in a Tuesday article: the Monday before that Wednesday.
        earlier = _single(pair[1], later.end)
    if earlier is None or earlier.start > later.end:
        return None
    return _Period(earlier.start, later.end, max(earlier.precision, later.precision))


# ------------------------------------------------------------------------------ single dates


def _single(text: str, pub: date | None) -> _Period | None:
    text = _LEADING.sub("", text)
    for reader in (
        _numeric,
        _day_month,
        _relative_day,
        _weekday,
        _weekend,
        _calendar,
        _ago,
        _past_span,
        _month,
        _year,
        _fallback,
    ):
        period = reader(text, pub)
        if period is not None:
            return period
    return None


def _numeric(text: str, pub: date | None) -> _Period | None:
    """2019-07-30, 2019/07/30, 30.07.2019, 30/07/2019, 2019-07."""
    ymd = re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})", text)
    if ymd:
        day = date(int(ymd[1]), int(ymd[2]), int(ymd[3]))
        return _Period(day, day, DAY)
    dotted = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    if dotted:
        day = date(int(dotted[3]), int(dotted[2]), int(dotted[1]))
        return _Period(day, day, DAY)
    slashed = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if slashed:
        first, second, year = int(slashed[1]), int(slashed[2]), int(slashed[3])
        if first > 12:
            day = date(year, second, first)
        elif second > 12 or first == second:
            day = date(year, first, second)
        else:
            raise _Refused(text)
        return _Period(day, day, DAY)
    month = re.fullmatch(r"(\d{4})-(\d{1,2})|(\d{1,2})/(\d{4})", text)
    if month:
        stated, number = (month[1], month[2]) if month[1] else (month[4], month[3])
        return _month_period(int(stated), int(number))
    return None


def _day_month(text: str, pub: date | None) -> _Period | None:
    """30 July 2019, July 30th, 2019, Tuesday, July 30, the 30th of July."""
    found = re.fullmatch(
        rf"(?:{_WEEKDAY},? )?(?:the )?(?P<day>\d{{1,2}}){_ORDINAL}(?: of)? {_MONTH}"
        rf"(?:,? {_YEAR})?{_DAY_PART}",
        text,
    ) or re.fullmatch(
        rf"(?:{_WEEKDAY},? )?{_MONTH} (?:the )?(?P<day>\d{{1,2}}){_ORDINAL}"
        rf"(?:,? {_YEAR})?{_DAY_PART}",
        text,
    )
    if not found:
        return None
    month, number = _MONTHS[found["month"]], int(found["day"])
    if found["year"]:
        year = int(found["year"])
    elif pub is not None:
        year = _past_year(month, number, pub)
    else:
        return None
    day = date(year, month, number)
    return _Period(day, day, DAY)


def _relative_day(text: str, pub: date | None) -> _Period | None:
    """today, this morning, yesterday morning, last night, the day before yesterday."""
    if pub is None:
        return None
    when = r"(?:(?:early|late|earlier|later) )?"
    offsets = (
        (rf"{when}(?:today|tonight|this (?:morning|afternoon|evening)){_DAY_PART}", 0),
        (rf"{when}yesterday{_DAY_PART}|{when}last night", -1),
        (r"(?:the )?day before yesterday", -2),
        (rf"{when}tomorrow{_DAY_PART}", 1),
    )
    for pattern, offset in offsets:
        if re.fullmatch(pattern, text):
            day = pub + timedelta(days=offset)
            return _Period(day, day, DAY)
    return None


def _weekday(text: str, pub: date | None) -> _Period | None:
    """Sunday, on Monday night, late Sunday, last Tuesday, next Friday."""
    found = re.fullmatch(
        rf"(?:(?P<which>last|this|past|previous|next) )?(?:(?:early|late) )?{_WEEKDAY}{_DAY_PART}",
        text,
    )
    if not found or pub is None:
        return None
    weekday, which = _WEEKDAYS[found["weekday"]], found["which"]
    if which == "next":
        day = pub + timedelta(days=(weekday - pub.weekday()) % 7 or 7)
    else:
        back = (pub.weekday() - weekday) % 7
        if which in ("last", "previous") and back == 0:
            back = 7
        day = pub - timedelta(days=back)
    return _Period(day, day, DAY)


def _weekend(text: str, pub: date | None) -> _Period | None:
    """the weekend, last weekend: the most recent Saturday and Sunday."""
    found = re.fullmatch(r"(?:the |this |past |(?P<last>last|previous) )?weekend", text)
    if not found or pub is None:
        return None
    saturday = pub - timedelta(days=(pub.weekday() - 5) % 7)
    if found["last"] and pub.weekday() >= 5:
        saturday -= timedelta(days=7)
    return _Period(saturday, saturday + timedelta(days=1), DAY)


def _calendar(text: str, pub: date | None) -> _Period | None:
    """this week, last month, early last year, earlier this month, the past week."""
    found = re.fullmatch(
        rf"(?:{_PART} )?(?P<which>(?:the )?(?:this|last|past|previous|next)) "
        r"(?P<unit>week|month|year)",
        text,
    )
    if not found or pub is None:
        return None
    which, unit, part = found["which"], found["unit"], _part(found)
    if which in ("past", "the past", "the last"):  # the seven days, month or year to publication
        if part is not None:
            return None
        if unit == "week":
            return _Period(pub - timedelta(days=7), pub, WEEK)
        if unit == "month":
            return _Period(_shift_months(pub, -1), pub, MONTH)
        return _Period(pub.replace(year=pub.year - 1) + timedelta(days=1), pub, MONTH)
    step = {"this": 0, "next": 1}.get(which.removeprefix("the "), -1)
    if part == "earlier":  # "earlier this month": from the start of the period to publication
        whole = _calendar(f"{which} {unit}", pub)
        return (
            None if whole is None else _Period(whole.start, pub, MONTH if unit == "year" else WEEK)
        )
    if unit == "week":
        return _week_period(pub + timedelta(weeks=step), part)
    if unit == "month":
        shifted = _shift_months(pub.replace(day=1), step)
        return _month_period(shifted.year, shifted.month, part)
    return _year_period(pub.year + step, part)


def _shift_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, _month_end(year, month + 1).day))


def _ago(text: str, pub: date | None) -> _Period | None:
    """three days ago, a week ago, two months ago."""
    found = re.fullmatch(
        r"(?:about |some )?(?P<count>.+?) (?P<unit>day|week|month|year)s? ago", text
    )
    if not found or pub is None:
        return None
    count = _count(found["count"])
    if count is None:
        return None
    unit = found["unit"]
    if unit == "day":
        day = pub - timedelta(days=count)
        return _Period(day, day, DAY)
    if unit == "week":
        return _week_period(pub - timedelta(weeks=count))
    if unit == "month":
        shifted = _shift_months(pub, -count)
        return _month_period(shifted.year, shifted.month)
    return _year_period(pub.year - count)


def _past_span(text: str, pub: date | None) -> _Period | None:
    """the past three days, the last two weeks: up to publication."""
    found = re.fullmatch(
        r"(?:the )?(?:past|last|previous) (?P<count>.+?) (?P<unit>hour|day|week|month)s", text
    )
    if not found or pub is None:
        return None
    count = _count(found["count"])
    if count is None:
        return None
    if found["unit"] == "hour":  # "the past 24 hours": whole days back, the day is known
        days = max(1, -(-count // 24))
        return _Period(pub - timedelta(days=days), pub, DAY if days == 1 else WEEK)
    if found["unit"] == "month":
        start = _shift_months(pub, -count)
    else:
        start = pub - timedelta(days=count * (7 if found["unit"] == "week" else 1))
    return _Period(start, pub, WEEK if (pub - start).days <= 7 else MONTH)


def _month(text: str, pub: date | None) -> _Period | None:
    """April, late April, last August, May 2017, August last year, the end of April 2019."""
    found = re.fullmatch(
        rf"(?:{_PART} )?(?:(?P<which>last|this|next|previous) )?{_MONTH}"
        rf"(?:,? (?:of )?(?:{_YEAR}|(?P<relyear>last|this|next) year))?",
        text,
    )
    if not found:
        return None
    month, which, part = _MONTHS[found["month"]], found["which"], _part(found)
    if part == "earlier":
        return None
    if found["year"]:
        year = int(found["year"])
    elif pub is None:
        return None
    elif found["relyear"]:
        year = pub.year + {"last": -1, "this": 0, "next": 1}[found["relyear"]]
    elif which in ("last", "previous"):
        year = pub.year if month < pub.month else pub.year - 1
    elif which == "next":
        year = pub.year if month > pub.month else pub.year + 1
    elif which == "this":
        year = pub.year
    else:
        year = pub.year if month <= pub.month else pub.year - 1
    return _month_period(year, month, part)


def _year(text: str, pub: date | None) -> _Period | None:
    """2011, early 2018, mid-2018, the end of 2018."""
    found = re.fullmatch(rf"(?:{_PART} )?(?:the year )?{_YEAR}", text)
    if not found:
        return None
    part = _part(found)
    return None if part == "earlier" else _year_period(int(found["year"]), part)


# ------------------------------------------------------------------------------ dateparser


def _fallback(text: str, pub: date | None) -> _Period | None:
    """Whatever else dateparser reads ("Jul 30th 2019 at 10:00", "30 Jul. 2019, 10:15 GMT").

    Only for text with a date-like number: dateparser reads a bare "5" as May and "a" as
    January. Without a publication date, a reading that depends on the base date is relative
    and refused.
    """
    if not re.search(r"\d", text) or re.fullmatch(r"\d{1,3}", text):
        return None
    if pub is not None:
        return _dateparser(text, datetime(pub.year, pub.month, pub.day, 12))
    first = _dateparser(text, datetime(2001, 3, 14, 12))
    second = _dateparser(text, datetime(2011, 9, 27, 12))
    return first if first is not None and first == second else None


def _dateparser(text: str, base: datetime) -> _Period | None:
    # Slow to import: only when the explicit readers have given up.
    from dateparser.date import DateDataParser

    settings: Any = {
        "RELATIVE_BASE": base,
        "PREFER_DATES_FROM": "past",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    try:
        # dateparser's failure modes are many and undocumented (ValueError, OverflowError,
        # TypeError, regex errors); a prefill must never take the application down.
        # English only: the readers above are English, and guessing among all languages costs
        # over a second on the first text that fails to parse.
        found = DateDataParser(languages=["en"], settings=settings).get_date_data(text)
    except Exception:
        return None
    if found.date_obj is None:
        return None
    day = found.date_obj.date()
    # dateparser fills a missing day or month from the base date: widen to the period it read.
    if found.period == "year":
        return _year_period(day.year)
    if found.period == "month":
        return _month_period(day.year, day.month)
    if found.period == "week":
        return _week_period(day)
    return _Period(day, day, DAY)
