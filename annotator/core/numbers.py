"""Read a casualty span's words into best / low / high / qualifier / vague_term
(docs/numbers-and-dates.md).

The span is what the coder selected ("more than 600", "at least two dozen", "hundreds of
thousands"), perhaps with a victim noun left on it ("15 civilians"). The reader finds the first
quantity in it, the hedge words just before it (the qualifier) and a second bound after it (a
range). Everything it fills in is a prefill: the coder can override every field.

Numbers that are not counts are passed over (docs/numbers-and-dates.md): ages ("a 15-year-old
boy" is one boy, "aged 15"), years ("the 2019 attack", "in 2014") and percentages. A part of a
total is not the total: "half of the 40 dead" is 20, "most of the 40" is vague with 40 as its
upper bound. Negations are zero ("no one", "none", "no casualties"); "30-plus" and "100+" are
lower bounds; "a couple of" and "both" are 2; "rose from 25 to 31" is 31, the later figure.
"12.000" (one dot, three digits, no scale word) is a European thousands separator: a count is
a whole number, so it reads 12,000, never 12.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from text_to_num import text2num

QUALIFIERS = (
    "exact",
    "at_least",
    "more_than",
    "at_most",
    "less_than",
    "approx",
    "range",
    "vague",
)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A casualty figure as the text gives it; `vague_term` only with qualifier "vague"."""

    best: int | None
    low: int | None
    high: int | None
    qualifier: str
    vague_term: str = ""

    def as_attributes(self) -> dict[str, object]:
        """The CASUALTY attributes this figure fills; empty fields are left out."""
        values: dict[str, object | None] = {
            "best": self.best,
            "low": self.low,
            "high": self.high,
            "qualifier": self.qualifier,
            "vague_term": self.vague_term,
        }
        return {key: value for key, value in values.items() if value is not None and value != ""}


# ------------------------------------------------------------------------------ single numbers

_SCALES: dict[str, int] = {
    "hundred": 100,
    "thousand": 1_000,
    "k": 1_000,
    "million": 1_000_000,
    "mn": 1_000_000,
    "m": 1_000_000,
    "billion": 1_000_000_000,
    "bn": 1_000_000_000,
}
# text2num reads "hundreds" and "thousands" as 100 and 1000; plurals are vague words, not numbers.
_PLURALS = frozenset({"tens", "dozens", "scores", "hundreds", "thousands", "millions", "billions"})
# Scale words text2num accepts twice in a row without complaint ("hundred billion billion").
_ONCE_ONLY = ("thousand", "million", "billion")

_GROUP_SPACES = "\u00a0\u2009\u202f"  # no-break, thin and narrow no-break space
_INTEGER = re.compile(r"\d+")
_GROUPED = re.compile(rf"\d{{1,3}}([ ,'{_GROUP_SPACES}])\d{{3}}(?:\1\d{{3}})*")
_DOTTED = re.compile(r"\d{1,3}(?:\.\d{3})+")  # 1.200.000, 12.000: thousands (module docstring)
_DECIMAL = re.compile(r"\d+\.\d+")
_WITH_SCALE = re.compile(r"(?P<number>\d[\d.,'\u00a0\u2009\u202f]*)\s*(?P<scale>[a-z]+)")
_DOZEN = re.compile(r"(?:(?P<count>.+)\s+)?dozen")
_HALF = re.compile(r"half (?:a|an) (?P<scale>dozen|hundred|thousand|million|billion)")


def _digits(text: str, *, scaled: bool = False) -> Decimal | None:
    """A numeral written in digits, with thousands separators or a decimal point.

    Before a scale word ("1.500 million") one dot is a decimal point; otherwise "12.000" is
    twelve thousand (see the module docstring)."""
    if scaled and _DECIMAL.fullmatch(text):
        return Decimal(text)
    if _INTEGER.fullmatch(text) or _GROUPED.fullmatch(text) or _DOTTED.fullmatch(text):
        return Decimal(re.sub(r"\D", "", text))
    if _DECIMAL.fullmatch(text):
        try:
            return Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern only lets decimals through
            return None
    return None


def _whole(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _words_to_int(text: str) -> int | None:
    """Number words via text2num, with its quirks wrapped."""
    words = text.replace(",", " ").replace("-", " ").split()  # "five thousand, two hundred"
    if not words or any(word in _PLURALS for word in words):
        return None
    if any(words.count(scale) > 1 for scale in _ONCE_ONLY):
        return None
    if "zero" in words and len(words) > 1:  # text2num reads "zero zero" as 0
        return None
    # text2num refuses the article: "a hundred", "a thousand and five".
    if words[0] in ("a", "an") and len(words) > 1 and words[1] in _SCALES:
        words[0] = "one"
    try:
        # Refuses digits, ordinals and anything that is not a number: ValueError every time.
        return int(text2num(" ".join(words), "en"))
    except ValueError:
        return None


def parse_number(text: str) -> int | None:
    """One number, in digits or words: "25,000", "twenty-three", "a hundred", "1.2 million".

    Plural scale words ("hundreds", "dozens") are not numbers here; `read_quantity` reads them as
    vague quantities. Returns None for anything else.
    """
    cleaned = " ".join(text.lower().split()).strip(" .;:!?()[]\"'")
    if not cleaned:
        return None
    value = _digits(cleaned)
    if value is not None:
        return int(value) if value == value.to_integral_value() else None
    with_scale = _WITH_SCALE.fullmatch(cleaned)
    if with_scale and with_scale["scale"] in _SCALES:
        number = _digits(with_scale["number"], scaled=True)
        return None if number is None else _whole(number * _SCALES[with_scale["scale"]])
    half = _HALF.fullmatch(cleaned)
    if half:
        return 6 if half["scale"] == "dozen" else _SCALES[half["scale"]] // 2
    dozen = _DOZEN.fullmatch(cleaned)
    if dozen:
        count = dozen["count"]
        if count is None or count in ("a", "an"):
            return 12
        times = parse_number(count)
        return None if times is None else times * 12
    return _words_to_int(cleaned)


# ------------------------------------------------------------------------------ spans

_TOKEN = re.compile(
    rf"\d+(?:[.,'{_GROUP_SPACES}]\d+)*"  # 25,000  1.2  25 000
    r"|[^\W\d_]+(?:[-'’][^\W\d_]+)*"  # words, hyphenated words: twenty-three
    r"|[-–—−~+%]"  # range dashes, the tilde of "~300", the plus of "100+", percent
)
_DASHES = frozenset({"-", "–", "—", "−"})
_MAX_NUMBER_WORDS = 12  # "nine hundred and ninety-nine thousand nine hundred and ninety-nine"

# Hedge words before the number, longest first so "no more than" wins over "more than".
_BEFORE: list[tuple[tuple[str, ...], str]] = sorted(
    [
        (tuple(phrase.split()), qualifier)
        for qualifier, phrases in {
            "at_least": [
                "at least",
                "no fewer than",
                "not fewer than",
                "no less than",
                "not less than",
                "a minimum of",
                "as few as",
            ],
            "more_than": ["more than", "over", "upwards of", "in excess of", "above"],
            "at_most": ["up to", "at most", "no more than", "not more than", "as many as"],
            "less_than": ["fewer than", "less than", "under", "below"],
            "approx": [
                "about",
                "around",
                "approximately",
                "nearly",
                "almost",
                "roughly",
                "some",
                "an estimated",
                "estimated",
                "close to",
                "~",
            ],
        }.items()
        for phrase in phrases
    ],
    key=lambda entry: -len(entry[0]),
)
# Hedge words after the number: "15 or more", "30-plus", "100+".
_AFTER: dict[tuple[str, ...], str] = {
    ("or", "more"): "at_least",
    ("or", "fewer"): "at_most",
    ("or", "less"): "at_most",
    ("or", "so"): "approx",
    ("-", "plus"): "at_least",
    ("plus",): "at_least",
    ("+",): "at_least",
    ("-", "odd"): "approx",
    ("odd",): "approx",
}

# Words that are a count by themselves (and the words that start them).
_FIXED: list[tuple[tuple[str, ...], int]] = [
    (("a", "couple", "of"), 2),
    (("a", "couple"), 2),
    (("couple", "of"), 2),
    (("a", "pair", "of"), 2),
    (("both",), 2),
    (("no", "one"), 0),
    (("no-one",), 0),
    (("nobody",), 0),
    (("none",), 0),
    (("not", "a", "single"), 0),
    (("not", "one"), 0),
    (("zero",), 0),
]
# "no casualties", "no civilians were killed": "no" before a noun is zero, but not the "no" of
# "no more than" (a hedge, read first) nor of these.
_FIXED_FIRST = frozenset(phrase[0] for phrase, _ in _FIXED)
_NOT_ZERO_AFTER_NO = frozenset({"longer", "later", "sooner", "doubt", "matter"})
_PLURALS_AFTER_NO = frozenset({"more", "fewer", "less", "further", "other"})
# Ages: "a 15-year-old", "15 years old", "aged 15", "age 15".
_AGE_AFTER = frozenset({"year-old", "years-old", "month-old", "months-old", "week-old", "day-old"})
_AGE_UNITS = frozenset({"year", "years", "month", "months", "week", "weeks", "day", "days"})
# A four-digit year before an event noun ("the 2019 attack") or after these words ("in 2014").
_YEAR_BEFORE = frozenset(
    {"in", "since", "until", "till", "during", "of", "from", "by", "before", "after", "early",
     "mid", "late", "summer", "winter", "spring", "autumn", "fall", "year"}
)  # fmt: skip
_YEAR_NOUNS = frozenset(
    {"attack", "attacks", "bombing", "bombings", "war", "election", "elections", "uprising",
     "revolution", "offensive", "massacre", "earthquake", "flood", "floods", "protests",
     "coup", "conflict", "crisis", "invasion", "ceasefire", "truce", "agreement", "accord",
     "deal", "census", "report", "survey", "campaign", "siege", "clashes", "fighting",
     "violence", "riots", "unrest", "shooting", "explosion", "blast", "strike", "strikes",
     "raid", "operation", "law", "budget", "season", "olympics", "world", "cup"}
)  # fmt: skip
# A part of a total: "half of the 40 dead", "two-thirds of them", "most of the 40".
_FRACTIONS: dict[tuple[str, ...], tuple[int, int]] = {
    ("half",): (1, 2),
    ("a", "half"): (1, 2),
    ("one", "half"): (1, 2),
    ("third",): (1, 3),
    ("a", "third"): (1, 3),
    ("one", "third"): (1, 3),
    ("one-third",): (1, 3),
    ("two", "thirds"): (2, 3),
    ("two-thirds",): (2, 3),
    ("quarter",): (1, 4),
    ("a", "quarter"): (1, 4),
    ("one", "quarter"): (1, 4),
    ("one-quarter",): (1, 4),
    ("three", "quarters"): (3, 4),
    ("three-quarters",): (3, 4),
}
_FRACTION_FIRST = frozenset(phrase[0] for phrase in _FRACTIONS)
_PART_WORDS = frozenset({"most", "majority", "some", "many", "several", "few", "dozens"})
_OF_TOTAL = frozenset({"the", "those", "these", "its", "their"})
# "rose from 25 to 31", "was revised from 12 to 9": the later figure is the count.
_CHANGES = frozenset(
    {"rose", "risen", "rises", "rising", "climbed", "climbs", "increased", "increases",
     "jumped", "grew", "soared", "went", "up", "revised", "raised", "fell", "dropped",
     "decreased", "lowered", "corrected", "updated", "changed", "toll"}
)  # fmt: skip
_RANGE_WORDS = frozenset({"to", "or"}) | _DASHES

# Vague words and the conventional value each stands for: (best and low, high).
_VAGUE: list[tuple[tuple[str, ...], tuple[int | None, int | None]]] = sorted(
    [
        (("hundreds", "of", "millions"), (100_000_000, 999_999_999)),
        (("tens", "of", "millions"), (10_000_000, None)),
        (("hundreds", "of", "thousands"), (100_000, 999_999)),
        (("tens", "of", "thousands"), (10_000, None)),
        (("millions",), (1_000_000, None)),
        (("thousands",), (1_000, None)),
        (("hundreds",), (100, None)),
        (("dozens",), (12, None)),
        (("tens",), (10, None)),
        (("scores",), (None, None)),
        (("several",), (None, None)),
        (("many",), (None, None)),
        (("numerous",), (None, None)),
        (("a", "few"), (None, None)),
        (("a", "handful"), (None, None)),
        (("a", "number", "of"), (None, None)),
    ],
    key=lambda entry: -len(entry[0]),
)
# "several hundred", "many thousands": vague, worth what the scale word alone is worth.
_INTENSIFIERS: list[tuple[str, ...]] = [("several",), ("many",), ("a", "few"), ("few",)]
_SINGULAR_SCALES = {"dozen": 12, "hundred": 100, "thousand": 1_000, "million": 1_000_000}


def _starts_with(words: list[str], at: int, phrase: tuple[str, ...]) -> bool:
    return tuple(words[at : at + len(phrase)]) == phrase


def _vague_at(words: list[str], at: int) -> Quantity | None:
    """A vague quantity starting at `at`; its term is the lowercased words (codebook)."""
    for intensifier in _INTENSIFIERS:
        if not _starts_with(words, at, intensifier):
            continue
        after = at + len(intensifier)
        scale = _SINGULAR_SCALES.get(words[after]) if after < len(words) else None
        if scale is not None:
            return Quantity(scale, scale, None, "vague", " ".join(words[at : after + 1]))
        for phrase, (value, high) in _VAGUE:
            if value is not None and _starts_with(words, after, phrase):
                term = " ".join(words[at : after + len(phrase)])
                return Quantity(value, value, high, "vague", term)
    for phrase, (value, high) in _VAGUE:
        if _starts_with(words, at, phrase):
            return Quantity(value, value, high, "vague", " ".join(phrase))
    return None


def _number_at(words: list[str], at: int, *, stop_at_and: bool) -> tuple[int, int] | None:
    """The longest run of words from `at` that reads as one number: (end index, value)."""
    if at >= len(words):
        return None
    if words[at] in _FIXED_FIRST:
        for phrase, fixed in _FIXED:
            if _starts_with(words, at, phrase):
                return at + len(phrase), fixed
    if words[at] == "no" and at + 1 < len(words):
        following = words[at + 1]
        if following.isalpha() and following not in _NOT_ZERO_AFTER_NO | _PLURALS_AFTER_NO:
            return at + 1, 0  # "no casualties", "no civilians were hurt"
    stops = _RANGE_WORDS | {"and"} if stop_at_and else _RANGE_WORDS
    last = at
    while last < min(len(words), at + _MAX_NUMBER_WORDS) and words[last] not in stops:
        last += 1
    for end in range(last, at, -1):
        value = parse_number(" ".join(words[at:end]))
        if value is not None:
            return end, value
    return None


def _hedge_at(words: list[str], at: int) -> int:
    """The length of the hedge phrase ("as many as", "more than") starting at `at`, or 0."""
    for phrase, _ in _BEFORE:
        if _starts_with(words, at, phrase):
            return len(phrase)
    return 0


def _qualifier_before(words: list[str], at: int) -> str:
    before = tuple(words[:at])
    for phrase, qualifier in _BEFORE:
        if before[-len(phrase) :] == phrase:
            return qualifier
    return "exact"


def _range_after(
    words: list[str], end: int, value: int, *, between: bool
) -> tuple[int, int] | None:
    """A second bound after the number ending at `end` ("15-20", "between 15 and 20")."""
    if end >= len(words) or not (words[end] in _RANGE_WORDS or (between and words[end] == "and")):
        return None
    second = _number_at(words, end + 1, stop_at_and=False)
    if second is None:
        return None
    second_end, high = second
    # "2 to 3 million", "five to six hundred": the first bound shares the scale of the second.
    scale = _SCALES.get(words[second_end - 1])
    if scale and words[end - 1] not in _SCALES and value * scale <= high:
        value *= scale
    return min(value, high), max(value, high)


def _age_at(words: list[str], at: int, end: int) -> bool:
    """Whether the number in words[at:end] is an age ("15-year-old", "15 years old", "aged 15")."""
    before = words[at - 1] if at else ""
    if before in ("aged", "age", "ages") or (
        before == "between" and at > 1 and words[at - 2] in ("aged", "ages")
    ):
        return True
    after = words[end : end + 3]
    if after[:1] and after[0] in _AGE_AFTER:
        return True
    if after[:2] and after[0] == "-" and len(after) > 1 and after[1] in _AGE_AFTER:
        return True
    return len(after) > 1 and after[0] in _AGE_UNITS and after[1] == "old"


def _year_at(words: list[str], at: int, end: int) -> bool:
    """Whether a bare four-digit number is a year ("the 2019 attack", "in 2014")."""
    if end != at + 1 or not re.fullmatch(r"(19|20)\d\d", words[at]):
        return False
    before = words[at - 1] if at else ""
    after = words[end] if end < len(words) else ""
    return before in _YEAR_BEFORE or after in _YEAR_NOUNS


def _part_at(words: list[str], at: int) -> tuple[int, Quantity] | None:
    """A part of a total starting at `at`: "half of the 40 dead" is 20, not 40."""
    share: tuple[int, int] | None = None
    term = ""
    length = 0
    if words[at] in _FRACTION_FIRST:
        for phrase, fraction in _FRACTIONS.items():
            if _starts_with(words, at, phrase) and len(phrase) > length:
                share, length = fraction, len(phrase)
    if share is None and words[at] in _PART_WORDS:
        term, length = words[at], 1
    elif share is None and at + 1 < len(words) and words[at + 1] in ("%", "percent"):
        percent = parse_number(words[at])
        if percent is None:
            return None
        share, length = (percent, 100), 2
    elif share is None and _starts_with(words, at + 1, ("per", "cent")):
        percent = parse_number(words[at])
        if percent is None:
            return None
        share, length = (percent, 100), 3
    if not length:
        return None
    of = at + length
    if of >= len(words) or words[of] != "of":
        return None
    total_at = of + 1 + (of + 1 < len(words) and words[of + 1] in _OF_TOTAL)
    total = _number_at(words, total_at, stop_at_and=False) if total_at < len(words) else None
    if total is None:
        return None
    end, value = total
    if share is None:  # "most of the 40": vague, at most the total
        return end, Quantity(None, None, value, "vague", term)
    part = Decimal(value * share[0]) / share[1]
    if part == part.to_integral_value():
        count = int(part)
        return end, Quantity(count, count, count, "exact")
    return end, Quantity(_whole(part), None, None, "approx")


def _after_qualifier(words: list[str], end: int) -> str | None:
    for phrase, qualifier in _AFTER.items():
        if tuple(words[end : end + len(phrase)]) == phrase:
            return qualifier
    return None


def _changed_to(words: list[str], at: int, end: int) -> int | None:
    """The later figure of "rose from 25 to 31" (a change, not a range), or None."""
    if at < 2 or words[at - 1] != "from" or end >= len(words) or words[end] != "to":
        return None
    if not any(word in _CHANGES for word in words[: at - 1]):
        return None
    later = _number_at(words, end + 1, stop_at_and=False)
    return None if later is None else later[1]


def read_quantity(text: str) -> Quantity | None:
    """The first quantity a casualty span states, or None when it states none."""
    words = [match.group().lower() for match in _TOKEN.finditer(text)]
    at = 0
    while at < len(words):
        between = at > 0 and words[at - 1] == "between"
        hedge = _hedge_at(words, at)
        # "as many as 50", "some 300": hedge words, not the vague "many" or "some".
        if hedge and _number_at(words, at + hedge, stop_at_and=False) is not None:
            at += hedge
            continue
        part = _part_at(words, at)
        if part is not None:
            return part[1]
        if words[at] in ("a", "an") and at + 1 < len(words):
            # "a 15-year-old boy", "a fifteen-year-old": one person of that age.
            age = _number_at(words, at + 1, stop_at_and=False)
            if re.search(r"-(?:year|month|week|day)s?-old$", words[at + 1]) or (
                age is not None and _age_at(words, at + 1, age[0])
            ):
                return Quantity(1, 1, 1, "exact")
        vague = _vague_at(words, at)
        if vague is not None:
            return vague
        number = _number_at(words, at, stop_at_and=between)
        if number is None:
            at += 1
            continue
        end, value = number
        percent = words[end : end + 1] in (["%"], ["percent"]) or _starts_with(
            words, end, ("per", "cent")
        )
        if percent or _age_at(words, at, end) or _year_at(words, at, end):
            at = end  # not a count: read on
            continue
        later = _changed_to(words, at, end)
        if later is not None:
            return Quantity(later, later, later, "exact")
        bounds = _range_after(words, end, value, between=between)
        if bounds is not None:
            return Quantity(bounds[0], bounds[0], bounds[1], "range")
        qualifier = _after_qualifier(words, end) or _qualifier_before(words, at)
        if qualifier in ("at_least", "more_than"):
            return Quantity(value, value, None, qualifier)
        if qualifier in ("at_most", "less_than"):
            return Quantity(None, None, value, qualifier)
        if qualifier == "approx":
            return Quantity(value, None, None, qualifier)
        return Quantity(value, value, value, "exact")
    return None
