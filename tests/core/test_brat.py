from __future__ import annotations

import pytest

from annotator.core.brat import (
    BratError,
    format_attribute_note,
    parse_ann,
    read_attribute_note,
)

from helpers.export import codebook

# The shape of brat's own example corpora (BioNLP Shared Task style): proteins, events whose
# arguments are spans or other events, repeated roles numbered Theme2, modifiers, Equiv, notes.
BIO_TEXT = (
    "BMP-6 inhibits the phosphorylation of Id1 in B cells, and it does not induce TRAF2 "
    "expression. Smad1 binds Smad4."
)


def t_line(ident: str, label: str, needle: str, nth: int = 0) -> str:
    start = -1
    for _ in range(nth + 1):
        start = BIO_TEXT.index(needle, start + 1)
    return f"{ident}\t{label} {start} {start + len(needle)}\t{needle}"


BIO_ANN = "\n".join(
    [
        t_line("T1", "Protein", "BMP-6"),
        t_line("T2", "Protein", "Id1"),
        t_line("T3", "Protein", "TRAF2"),
        t_line("T4", "Phosphorylation", "phosphorylation"),
        t_line("T5", "Negative_regulation", "inhibits"),
        t_line("T6", "Gene_expression", "expression"),
        t_line("T7", "Protein", "it"),
        t_line("T8", "Protein", "Smad1"),
        t_line("T9", "Protein", "Smad4"),
        t_line("T10", "Binding", "binds"),
        "E1\tPhosphorylation:T4 Theme:T2",
        "E2\tNegative_regulation:T5 Theme:E1 Cause:T1",
        "E3\tGene_expression:T6 Theme:T3",
        "E4\tBinding:T10 Theme:T8 Theme2:T9",
        "A1\tNegation E3",
        "M1\tSpeculation E2",
        "A2\tConfidence E4 High",
        "*\tEquiv T1 T7",
        "R1\tPart-of Arg1:T2 Arg2:T1",
        "#1\tAnnotatorNotes T1\tbone morphogenetic protein 6",
        "N1\tReference T8 UniProt:Q15797\tSmad1",
        "",
    ]
)


def test_parses_a_brat_example_corpus_file() -> None:
    parsed = parse_ann(BIO_ANN, BIO_TEXT, "PMC-1.ann")
    spans = {s.id: s for s in parsed.spans}
    assert len(spans) == 10
    assert spans["T1"].label == "Protein"
    assert BIO_TEXT[spans["T4"].start : spans["T4"].end] == "phosphorylation"
    events = {e.id: e for e in parsed.events}
    assert events["E1"].trigger == "T4" and events["E1"].label == "Phosphorylation"
    assert events["E2"].roles == {"Theme": ["E1"], "Cause": ["T1"]}
    assert events["E4"].roles == {"Theme": ["T8", "T9"]}  # Theme2 is a second Theme
    assert events["E4"].arguments == (("Theme", "T8"), ("Theme2", "T9"))
    attrs = {(a.name, a.target): a.value for a in parsed.attributes}
    assert attrs == {
        ("Negation", "E3"): None,
        ("Speculation", "E2"): None,
        ("Confidence", "E4"): "High",
    }
    assert parsed.same_as_pairs() == [("T1", "T7")]
    [rel] = parsed.relations
    assert (rel.label, rel.arg1, rel.arg2, rel.arg_names) == (
        "Part-of",
        "T2",
        "T1",
        ("Arg1", "Arg2"),
    )
    [note] = parsed.notes
    assert (note.label, note.target, note.text) == (
        "AnnotatorNotes",
        "T1",
        "bone morphogenetic protein 6",
    )
    [norm] = parsed.normalizations
    assert (norm.target, norm.resource, norm.entry) == ("T8", "UniProt", "Q15797")
    assert norm.as_note() == "Reference UniProt:Q15797 (Smad1)"
    assert parsed.warnings == []


def test_bom_windows_line_ends_blank_lines_and_an_equiv_of_three() -> None:
    ann = "\ufeff" + BIO_ANN.replace("*\tEquiv T1 T7", "*\tEquiv T1 T7 T2").replace(
        "\n", "\r\n\r\n"
    )
    parsed = parse_ann(ann, BIO_TEXT, "x.ann")
    assert len(parsed.spans) == 10
    assert parsed.same_as_pairs() == [("T1", "T7"), ("T7", "T2")]


def test_repeated_roles_and_roles_that_end_in_digits() -> None:
    text = "Rebels attacked soldiers: 3 dead, 4 hurt, 2 missing."
    lines = [
        "T1\tEVENT 7 15\tattacked",
        "T2\tACTOR 0 6\tRebels",
        "T3\tACTOR 16 24\tsoldiers",
        "T4\tCASUALTY 26 27\t3",
        "T5\tCASUALTY 34 35\t4",
        "T6\tCASUALTY 42 43\t2",
        "E1\tEVENT:T1 actor1:T2 actor2:T3 casualties:T4 casualties2:T5 casualties3:T6",
    ]
    [event] = parse_ann("\n".join(lines), text, "r.ann").events
    assert event.roles == {"actor1": ["T2"], "actor2": ["T3"], "casualties": ["T4", "T5", "T6"]}


def test_discontinuous_span_reads_as_min_start_max_end_and_says_so() -> None:
    text = "in Kefer\nZita district"
    ann = "T1\tLOCATION 3 8;9 13\tKefer Zita\n"
    parsed = parse_ann(ann, text, "d.ann")
    [span] = parsed.spans
    assert (span.start, span.end, span.fragments) == (3, 13, ((3, 8), (9, 13)))
    assert span.discontinuous
    assert parsed.warnings == [
        "d.ann line 1: T1 is discontinuous (3 8;9 13); read as one span 3-13"
    ]


def test_newline_written_as_space_is_forgiven_but_other_differences_are_not() -> None:
    text = "in Kefer\nZita district"
    parsed = parse_ann("T1\tLOCATION 3 13\tKefer Zita", text, "n.ann")
    assert (parsed.spans[0].start, parsed.spans[0].end) == (3, 13)
    with pytest.raises(BratError, match=r"n\.ann line 1: T1: text 'Kefer  Zita' does not match"):
        parse_ann("T1\tLOCATION 3 13\tKefer  Zita", text, "n.ann")
    with pytest.raises(BratError, match="does not match"):
        parse_ann("T1\tLOCATION 3 13\tkefer Zita", text, "n.ann")


def test_offsets_are_code_points_emoji_and_arabic() -> None:
    text = "👩🏽‍⚕️ قُتل 15 في إدلب"
    start = text.index("إدلب")
    parsed = parse_ann(f"T1\tLOCATION {start} {start + 4}\tإدلب\n", text, "ar.ann")
    assert parsed.spans[0].text == "إدلب"
    with pytest.raises(BratError, match="does not match"):
        parse_ann(f"T1\tLOCATION {start - 1} {start + 3}\tإدلب\n", text, "ar.ann")


@pytest.mark.parametrize(
    ("lines", "line", "message"),
    [
        (["T1 ACTOR 0 6 Rebels"], 1, "no tab found"),
        (["T1\tACTOR 0 x\tRebels"], 1, "bad offsets '0 x'"),
        (["T1\tACTOR\tRebels"], 1, "expected 'LABEL START END'"),
        (["T1\tACTOR 0 600\tRebels"], 1, "past the end of the text"),
        (["T1\tACTOR 3 3\t"], 1, "empty or reversed span"),
        (["T1\tACTOR 0 5;3 8\tRebel els a"], 1, "fragments overlap"),
        (["T1\tACTOR 0 6\tRebel!"], 1, "does not match the document"),
        (["T1\tACTOR 0 6\tRebels", "T1\tACTOR 0 6\tRebels"], 2, "duplicate id T1"),
        (["T1\tACTOR 0 6\tRebels", "", "Q1\tfoo T1"], 3, "unknown annotation type 'Q'"),
        (["X\tACTOR 0 6\tRebels"], 1, "bad annotation id 'X'"),
        (["T1\tACTOR 0 6\tRebels", "E1\tEVENT:T1 actor1:T9"], 2, "T9 is not defined"),
        (["T1\tACTOR 0 6\tRebels", "E1\tEVENT:T1 actor1"], 2, "bad argument 'actor1'"),
        (["T1\tACTOR 0 6\tRebels", "E1\tEVENT"], 2, "expected 'TYPE:TRIGGER"),
        (["T1\tE 0 6\tRebels", "E1\tE:T1", "E2\tE:E1"], 3, "E1 cannot be referred to here"),
        (["T1\tACTOR 0 6\tRebels", "R1\tsame_as Arg1:T1"], 2, "expected 'TYPE Arg1:ID Arg2:ID'"),
        (["T1\tACTOR 0 6\tRebels", "A1\tcategory"], 2, "expected 'NAME ID [VALUE]'"),
        (["T1\tACTOR 0 6\tRebels", "A1\tcategory R7 x"], 2, "R7 is not defined"),
        (["T1\tACTOR 0 6\tRebels", "*\tEquiv T1"], 2, "at least two ids"),
        (["T1\tACTOR 0 6\tRebels", "#1\tAnnotatorNotes\tnote"], 2, "expected 'AnnotatorNotes ID'"),
        (["T1\tACTOR 0 6\tRebels", "N1\tReference T1 Wikidata\tx"], 2, "RESOURCE:ENTRY"),
    ],
)
def test_bad_lines_name_file_and_line(lines: list[str], line: int, message: str) -> None:
    text = "Rebels attacked soldiers."
    with pytest.raises(BratError) as info:
        parse_ann("\n".join(lines) + "\n", text, "doc 7.ann")
    assert str(info.value).startswith(f"doc 7.ann line {line}: ")
    assert message in str(info.value)
    assert (info.value.source, info.value.line) == ("doc 7.ann", line)


def test_missing_text_field_is_filled_from_the_document() -> None:
    parsed = parse_ann("T1\tACTOR 0 6\n", "Rebels attacked.", "m.ann")
    assert parsed.spans[0].text == "Rebels"


def test_attribute_note_round_trip() -> None:
    cb = codebook()
    casualty = cb.label("CASUALTY")
    actor = cb.label("ACTOR")
    source = cb.label("SOURCE")
    assert casualty is not None and actor is not None and source is not None
    values = {
        "best": 15,
        "low": 12,
        "vague_term": 'more than "a dozen"; maybe',
        "qualifier": "at least",
    }
    note = format_attribute_note(values)
    assert note.startswith("best=15; low=12; vague_term=")
    assert read_attribute_note(note, casualty) == values
    assert format_attribute_note({"best": 15, "low": 15}) == "best=15; low=15"
    breaks = {"vague_term": "a\u2028b\x85c\nd\te", "best": 15.0}
    note = format_attribute_note(breaks)
    assert not any(c in note for c in "\n\r\u2028\x85\t")  # one .ann line
    assert read_attribute_note(note, casualty) == {"vague_term": breaks["vague_term"], "best": 15}
    tagged = {"tags": ["named", "armed"], "country": "سوريا 🇸🇾"}
    assert read_attribute_note(format_attribute_note(tagged), actor) == tagged
    assert read_attribute_note(format_attribute_note({"reliability": -0.5}), source) == {
        "reliability": -0.5
    }
    # Ordinary notes are not attributes.
    for text in ["check the figure", "best=many", "kind=killed; colour=red", "best=3;low=2", ""]:
        assert read_attribute_note(text, casualty) is None
