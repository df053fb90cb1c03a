from __future__ import annotations

import pytest

from annotator.core.text import TextError, decode, guess_title_and_date, normalise


def test_crlf_and_cr_become_lf_and_offsets_follow() -> None:
    raw = "a\r\nb\rc\r\nd"
    norm = normalise(raw)
    assert norm.text == "a\nb\nc\nd"
    for i, ch in enumerate(raw):
        if ch != "\r" or raw[i + 1 : i + 2] != "\n":
            j = norm.offset(i)
            assert norm.text[j] == ("\n" if ch == "\r" else ch)
    assert norm.offset(len(raw)) == len(norm.text)


def test_bom_is_stripped_and_offsets_shift() -> None:
    raw = "\ufeff15 killed"
    norm = normalise(raw)
    assert norm.text == "15 killed"
    assert norm.text[norm.offset(1) : norm.offset(3)] == "15"


def test_astral_and_rtl_text_is_untouched() -> None:
    raw = "قتل 15 مدنياً 😢 e\u0301\r\n"
    norm = normalise(raw)
    assert norm.text == "قتل 15 مدنياً 😢 e\u0301\n"
    assert norm.text[norm.offset(4) : norm.offset(6)] == "15"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b"  \n ", "empty file"),
        (b"abc\x00def", "binary file"),
        (b"ok\n\xff\xfe bad", "line 2: invalid UTF-8"),
        (b"x" * 101, "over the limit of 100"),
    ],
)
def test_decode_rejects_bad_bytes(data: bytes, message: str) -> None:
    with pytest.raises(TextError, match=message):
        decode(data, 100)


def test_title_and_published_date_from_a_plain_article() -> None:
    text = "Russia admits support\n\nPublished 30.07.2019 00:15\n\nBody"
    assert guess_title_and_date(text) == ("Russia admits support", "2019-07-30")
