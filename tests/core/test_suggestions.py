"""Other mentions of a linked name in the document, as suggestions."""

from __future__ import annotations

from pathlib import Path

from annotator.core.suggestions import find_mentions

SEED = (Path(__file__).resolve().parents[2] / "seeds" / "000_fb25855139c210c8.txt").read_text(
    encoding="utf-8"
)


def test_every_alias_is_found_as_whole_words_except_where_already_marked() -> None:
    aliases = ["Syrian regime", "Assad regime", "Syrian army", "regime"]
    first = SEED.index("Syrian regime")
    taken = [(first, first + len("Syrian regime"), "ACTOR")]
    found = find_mentions(
        SEED, aliases, "ACTOR", {"actor": "Military Forces of Syria (2000-)"}, taken
    )
    words = [SEED[s.start : s.end] for s in found]
    # the longest spelling wins where several fit ("Syrian regime", not "regime" inside it)
    assert words.count("Syrian regime") == SEED.count("Syrian regime") - 1  # one already marked
    assert words.count("Assad regime") == SEED.count("Assad regime")
    assert words.count("Syrian army") == SEED.count("Syrian army")
    assert all(s.attributes == {"actor": "Military Forces of Syria (2000-)"} for s in found)
    assert all(s.start != first for s in found)
    # a bare "regime" is suggested only where no longer spelling covers it
    for s in found:
        if SEED[s.start : s.end].lower() == "regime":
            assert SEED[max(0, s.start - 7) : s.start] not in ("Syrian ", "Assad ")


def test_case_and_spacing_but_not_parts_of_words() -> None:
    text = "IDLIB was hit. Idlib's zone; Idlibi forces; the idlib  province"
    found = find_mentions(text, ["Idlib"], "LOCATION")
    assert [text[s.start : s.end] for s in found] == ["IDLIB", "Idlib", "idlib"]
    assert find_mentions(text, ["de-escalation zone"], "LOCATION") == []
    assert find_mentions("a  de-escalation\nzone", ["de-escalation zone"], "LOCATION")[0].end == 21


def test_another_label_does_not_hide_a_mention() -> None:
    text = "Russia said Russia would help."
    found = find_mentions(text, ["Russia"], "ACTOR", taken=[(0, 6, "LOCATION"), (12, 18, "ACTOR")])
    assert [(s.start, s.end) for s in found] == [(0, 6)]
    assert find_mentions(text, ["", "  "], "ACTOR") == []
