from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from annotator.core.brat import ParsedAnn, parse_ann, read_attribute_note
from annotator.core.brat_names import role_from_brat, role_to_brat
from annotator.core.codebook import Codebook, load_codebook, parse_codebook
from annotator.core.export import DocumentBundle, ExportError, write_brat
from annotator.core.export.atomic import TEMP_PREFIX
from annotator.core.export.brat import (
    annotation_conf,
    document_ann,
    fragments,
    visual_conf,
)
from annotator.core.export.names import file_stem
from annotator.core.records import Link

from helpers.brat_rules import check_events, parse_conf
from helpers.export import Builder, codebook, seed_example
from helpers.paths import REPO as ROOT

Key = tuple[str, int, int]


def rich_bundle() -> DocumentBundle:
    """Overlapping spans, an event with every role (some twice), relations, every attribute
    type, notes, a span across a line break, emoji and Arabic."""
    text = (
        "قصف النظام السوري إدلب 🕊️ يوم الأحد.\n"
        "The Syrian regime attack on Kefer\nZita killed 15 civilians, including two children "
        "(👩🏽‍⚕️ medics said seven; the Observatory said nine), according to TASS."
    )
    b = Builder(text, ext_id="rich/1")
    ev = b.span(
        "EVENT", "attack", event_type="explosions_remote_violence", civilian_targeting=True,
        modality="widely reported", note="first strike;\nsecond line",
    )  # fmt: skip
    ev_ar = b.span("EVENT", "قصف", civilian_targeting=False, modality="reported")
    regime = b.span(
        "ACTOR", "Syrian regime", category="state_forces", country="SYR", tags=["named"]
    )
    regime2 = b.span("ACTOR", "regime", "Syrian regime", tags=["armed", "foreign"])  # nested
    regime_ar = b.span("ACTOR", "النظام السوري", category="state_forces", country="سوريا")
    civ = b.span("ACTOR", "civilians", category="civilians")
    medics = b.span("ACTOR", "👩🏽‍⚕️ medics")
    fifteen = b.span(
        "CASUALTY", "15", kind="killed", best=15, low=15, high=15, qualifier="exact",
        count_scope="event",
    )  # fmt: skip
    two = b.span("CASUALTY", "two children", kind="killed", victim="children", best=2)
    seven = b.span("CASUALTY", "seven", kind="killed", best=7, vague_term='say "7"; maybe')
    nine = b.span("CASUALTY", "nine", kind="killed", best=9)
    place = b.span("LOCATION", "Kefer\nZita", admin_level="town", geo_precision=1)
    place_ar = b.span("LOCATION", "إدلب", admin_level="admin1")
    date = b.span("DATE", "الأحد", start="2019-07-28", end="2019-07-28", time_precision=1)
    tass = b.span("SOURCE", "TASS", source_type="news_agency", reliability=0.75)
    obs = b.span("SOURCE", "Observatory", source_type="monitoring_ngo", reliability=-1.5)
    b.link(ev, "actor1", regime)
    b.link(ev, "actor2", civ)
    b.link(ev, "assoc_actor", medics)
    b.link(ev, "assoc_actor", regime2)
    for c in (fifteen, two, seven, nine):
        b.link(ev, "casualties", c)
    b.link(ev, "place", place)
    b.link(ev, "time", date)
    b.link(ev, "source", tass)
    b.link(ev, "source", obs)
    b.link(ev_ar, "actor1", regime_ar)
    b.link(ev_ar, "place", place_ar)
    b.link(two, "subset_of", fifteen)
    b.link(nine, "alternative_to", seven)
    b.link(nine, "reported_by", obs)
    b.link(ev, "reported_by", tass)  # from an event: brat refers to it by its E id
    b.link(ev, "part_of", ev_ar)
    b.link(regime, "same_as", regime_ar)
    return b.bundle()


def expected(bundle: DocumentBundle) -> tuple[dict[Key, tuple[dict[str, Any], str]], set[Any]]:
    by_id = {a.id: a for a in bundle.annotations}

    def key(a_id: int) -> Key:
        a = by_id[a_id]
        return (a.label, a.start, a.end)

    spans = {
        (a.label, a.start, a.end): (a.attributes, a.note.replace("\n", " "))
        for a in bundle.annotations
    }
    links = {(key(k.from_id), k.role, key(k.to_id)) for k in bundle.links}
    return spans, links


def reconstruct(
    parsed: ParsedAnn, cb: Codebook
) -> tuple[dict[Key, tuple[dict[str, Any], str]], set[Any]]:
    """What an importer would rebuild from the parsed file."""
    trigger = {e.id: e.trigger for e in parsed.events}
    spans = {s.id: s for s in parsed.spans}

    def key(ref: str) -> Key:
        s = spans[trigger.get(ref, ref)]
        return (s.label, s.start, s.end)

    attrs: dict[Key, dict[str, Any]] = {key(s.id): {} for s in parsed.spans}
    notes: dict[Key, str] = {key(s.id): "" for s in parsed.spans}
    for a in parsed.attributes:
        attrs[key(a.target)][a.name] = True if a.value is None else a.value
    for n in parsed.notes:
        label = cb.label(key(n.target)[0])
        assert label is not None
        decoded = read_attribute_note(n.text, label)
        if decoded is None:
            notes[key(n.target)] = n.text
        else:
            attrs[key(n.target)].update(decoded)
    links = {
        (key(e.trigger), role_from_brat(role), key(ref))
        for e in parsed.events
        for role, refs in e.roles.items()
        for ref in refs
    }
    links |= {(key(r.arg1), r.label, key(r.arg2)) for r in parsed.relations}
    return {k: (attrs[k], notes[k]) for k in attrs}, links


def test_export_then_parse_gives_back_the_same_annotations(tmp_path: Path) -> None:
    bundle = rich_bundle()
    cb = codebook()
    stats = write_brat([bundle], tmp_path / "brat", cb)
    assert (stats.documents, stats.annotations, stats.links) == (1, 16, 20)
    txt = tmp_path / "brat" / "rich_1.txt"
    assert txt.read_bytes() == bundle.document.text.encode("utf-8")
    ann = (tmp_path / "brat" / "rich_1.ann").read_text(encoding="utf-8")
    parsed = parse_ann(ann, bundle.document.text, "rich_1.ann")
    got_spans, got_links = reconstruct(parsed, cb)
    want_spans, want_links = expected(bundle)
    assert got_spans == want_spans
    assert got_links == want_links
    # The span across the line break became brat fragments.
    assert len(parsed.warnings) == 1 and "discontinuous" in parsed.warnings[0]


def test_ann_lines_look_like_brat() -> None:
    ex = seed_example()
    ann = document_ann(ex.bundle.document.text, ex.bundle.annotations, ex.bundle.links, codebook())
    lines = ann.splitlines()
    attack = ex.spans["attack"]
    t_lines = [line for line in lines if line.startswith("T")]
    assert len(t_lines) == 13
    by_text = {line.split("\t")[2]: line.split("\t")[0] for line in t_lines}
    [event] = [line for line in lines if line.startswith("E")]
    t = by_text
    assert f"{t['attack']}\tEVENT {attack.start} {attack.end}\tattack" in lines
    assert event == (
        f"E1\tEVENT:{t['attack']} actor1_:{t['Syrian regime']} actor2_:{t['civilians']} "
        f"assoc_actor:{t['Russia']} casualties:{t['15']} casualties2:{t['two']} "
        f"casualties3:{t['three']} casualties4:{t['more than 600']} "
        f"casualties5:{t['hundreds of thousands']} casualties6:{t['many']} place:{t['Idlib']} "
        f"time:{t['Sunday']} source:{t['TASS news agency']}"
    )
    assert f"R1\tsubset_of Arg1:{t['two']} Arg2:{t['15']}" in lines
    assert any(line.endswith(f"\tkind {t['15']} killed") for line in lines)
    assert any(line.endswith("\tcivilian_targeting E1") for line in lines)
    assert any(
        line.endswith(f"\tAnnotatorNotes {t['Syrian regime']}\tcountry=SYR") for line in lines
    )
    assert any(
        line.endswith(f"AnnotatorNotes {t['15']}\tbest=15; low=15; high=15") for line in lines
    )


def test_annotation_conf_from_the_codebook() -> None:
    conf = annotation_conf(codebook())
    sections: dict[str, list[str]] = {}
    current = ""
    for line in conf.splitlines():
        if line.startswith("["):
            current = line
            sections[current] = []
        elif line and not line.startswith("#") and current:
            sections[current].append(line)
    assert sections["[entities]"] == ["ACTOR", "CASUALTY", "LOCATION", "DATE", "SOURCE"]
    assert sections["[events]"] == [
        "EVENT\tactor1_?:ACTOR, actor2_?:ACTOR, assoc_actor*:ACTOR, casualties*:CASUALTY, "
        "place*:LOCATION, time*:DATE, source*:SOURCE"
    ]
    assert "subset_of\tArg1:CASUALTY, Arg2:CASUALTY" in sections["[relations]"]
    assert "reported_by\tArg1:EVENT|CASUALTY, Arg2:SOURCE" in sections["[relations]"]
    attributes = sections["[attributes]"]
    assert (
        "kind\tArg:CASUALTY, Value:killed|injured|killed_or_injured|displaced|missing" in attributes
    )
    assert "civilian_targeting\tArg:EVENT" in attributes
    # A value with a space cannot be listed: that value travels in a note instead.
    assert "modality\tArg:EVENT, Value:asserted|reported" in attributes
    assert not any(a.startswith(("best", "tags", "country", "start")) for a in attributes)


def two_coder_bundles() -> list[DocumentBundle]:
    b1 = Builder("Rebels attacked soldiers.", doc_id=1, ext_id="a/b:c")
    b1.at("ACTOR", 0, 6, coder="alice")
    b1.at("ACTOR", 0, 6, coder="bob", category="rebel_group")
    b2 = Builder("Nothing for bob here.", doc_id=2, ext_id="A-B-C")
    b2.at("ACTOR", 0, 7, coder="alice")
    b3 = Builder("Same name, other case.", doc_id=3, ext_id="a_b_c")
    return [b1.bundle(), b2.bundle(), b3.bundle()]


def test_one_folder_per_coder_each_with_every_document(tmp_path: Path) -> None:
    out = tmp_path / "brat"
    write_brat(two_coder_bundles(), out, codebook())
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    names = ["a_b_c", "A-B-C", "a_b_c-doc3"]
    assert files == sorted(
        ["annotation.conf", "visual.conf"]
        + [f"{c}/{n}.{ext}" for c in ("alice", "bob") for n in names for ext in ("txt", "ann")]
    )
    assert (out / "bob" / "A-B-C.ann").read_text() == ""
    assert (
        out / "bob" / "a_b_c.ann"
    ).read_text() == "T1\tACTOR 0 6\tRebels\nA1\tcategory T1 rebel_group\n"
    assert (out / "alice" / "a_b_c.ann").read_text() == "T1\tACTOR 0 6\tRebels\n"
    assert (out / "bob" / "a_b_c-doc3.txt").read_text() == "Same name, other case."


def test_one_coder_is_a_flat_folder(tmp_path: Path) -> None:
    out = tmp_path / "brat"
    stats = write_brat(two_coder_bundles(), out, codebook(), coder="bob")
    assert stats.annotations == 1
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["annotation.conf", "visual.conf", "a_b_c.txt", "a_b_c.ann", "A-B-C.txt", "A-B-C.ann",
         "a_b_c-doc3.txt", "a_b_c-doc3.ann"]
    )  # fmt: skip
    single = tmp_path / "single"
    write_brat([seed_example().bundle], single, codebook())
    assert (single / "000_fb25855139c210c8.ann").stat().st_size > 0
    visual = (single / "visual.conf").read_text()
    assert "CASUALTY\tbgColor:#e15759" in visual


def test_link_across_coders_is_an_error(tmp_path: Path) -> None:
    b = Builder("Rebels attacked soldiers.")
    a = b.at("ACTOR", 0, 6, coder="alice")
    c = b.at("ACTOR", 16, 24, coder="bob")
    bundle = b.bundle()
    bad = DocumentBundle(
        bundle.document, bundle.annotations, [Link(1, "l1", 1, "alice", a.id, "same_as", c.id)]
    )
    with pytest.raises(ExportError, match="document doc-1, coder alice"):
        write_brat([bad], tmp_path / "brat", codebook())
    assert not (tmp_path / "brat").exists()


def test_interrupted_export_keeps_the_previous_folder(tmp_path: Path) -> None:
    out = tmp_path / "brat"
    write_brat(two_coder_bundles(), out, codebook())
    before = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def failing() -> Iterator[DocumentBundle]:
        yield seed_example().bundle
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        write_brat(failing(), out, codebook())
    after = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not any(p.name.startswith(TEMP_PREFIX) for p in out.rglob("*"))


def test_fragments_cut_at_every_kind_of_line_break() -> None:
    text = "a\nbc\u2028d\r\ne\n"
    assert fragments(text, 0, len(text)) == [(0, 1), (2, 4), (5, 6), (8, 9)]
    assert fragments(text, 1, 2) == [(1, 2)]  # only a line break: kept whole, read as a space
    parsed = parse_ann("T1\tX 1 2\t \n", text, "f.ann")
    assert (parsed.spans[0].start, parsed.spans[0].end) == (1, 2)


DIGIT_ROLES = parse_codebook(
    """
codebook: digits
version: 1
labels:
  - {name: ACTOR, color: "#000000"}
  - name: EVENT
    color: "#000001"
    roles:
      - {name: actor1, targets: [ACTOR], max: 1}
      - {name: target2, targets: [ACTOR]}
      - {name: witness3_, targets: [ACTOR], max: 3}
      - {name: actor, targets: [ACTOR]}
"""
)


@pytest.mark.parametrize(
    "cb",
    [codebook(), load_codebook(ROOT / "schema" / "conflict-events.yaml"), DIGIT_ROLES],
    ids=["test", "shipped", "digit-roles"],
)
def test_annotation_conf_and_events_pass_brats_own_rules(cb: Codebook) -> None:
    conf = parse_conf(annotation_conf(cb))
    assert conf.problems == []
    b = Builder("Rebels and soldiers and police and a witness fought.")
    ev = b.span("EVENT", "fought")
    actors = [b.span("ACTOR", w) for w in ("Rebels", "soldiers", "police", "witness")]
    event = cb.label("EVENT")
    assert event is not None
    for role in event.roles:  # every role filled up to twice (once if its max is 1)
        for actor in actors[: 1 if role.max == 1 else 2]:
            if role.targets == ("ACTOR",):
                b.link(ev, role.name, actor)
    bundle = b.bundle()
    ann = document_ann(bundle.document.text, bundle.annotations, bundle.links, cb)
    parsed = parse_ann(ann, bundle.document.text, "x.ann")
    types = {s.id: s.label for s in parsed.spans} | {e.id: e.label for e in parsed.events}
    events = [(e.id, e.label, list(e.arguments)) for e in parsed.events]
    assert check_events(conf, types, events) == []
    # ... and reading it back gives the codebook's own role names.
    want = {(k.role, k.to_id) for k in bundle.links}
    by_t = {s.id: s for s in parsed.spans}
    uid = {(a.start, a.end): a.id for a in bundle.annotations}
    got = {
        (role_from_brat(role), uid[(by_t[ref].start, by_t[ref].end)])
        for e in parsed.events
        for role, refs in e.roles.items()
        for ref in refs
    }
    assert got == want


def test_the_generated_conf_bounds_roles_as_the_codebook_does() -> None:
    conf = parse_conf(annotation_conf(DIGIT_ROLES)).types("events")["EVENT"]
    assert conf.max_count == {
        "actor1_": 1,
        "target2_": sys.maxsize,
        "witness3__": 3,
        "actor": sys.maxsize,
    }


@pytest.mark.parametrize(
    "role", ["actor1", "actor", "a1_", "a1__", "x_1", "casualties", "t2b", "9"]
)
def test_brat_role_spelling_is_one_to_one(role: str) -> None:
    spelled = role_to_brat(role)
    assert not spelled[-1].isdigit()
    assert role_from_brat(spelled) == role


@pytest.mark.parametrize(
    ("key", "want"),
    [
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("Com1.tar", "_Com1.tar"),
        ("lpt9", "_lpt9"),
        ("com¹", "_com¹"),
        ("console", "console"),
        ("aux-report", "aux-report"),
        ('a/b\\c:d*e?f"g<h>i|j', "a_b_c_d_e_f_g_h_i_j"),
        ("..hidden..", "hidden"),
        ("", "doc7"),
        ("إدلب 🕊️", "إدلب"),
    ],
)
def test_file_names_are_safe_on_every_system(key: str, want: str) -> None:
    assert file_stem(key, "doc7", set()) == want


def test_long_file_names_fit_every_file_system() -> None:
    stem = file_stem("🕊️" * 200, "doc1", set())
    assert len(stem.encode("utf-8")) <= 150
    assert len((stem + "-doc1-99.ann").encode("utf-8")) < 255


def test_reserved_document_ids_export_under_safe_names(tmp_path: Path) -> None:
    out = tmp_path / "brat"
    bundles = [
        Builder("x", doc_id=i, ext_id=e).bundle() for i, e in enumerate(["CON", "nul.txt"], 1)
    ]
    write_brat(bundles, out, codebook())
    assert sorted(p.name for p in out.iterdir()) == [
        "_CON.ann", "_CON.txt", "_nul.txt.ann", "_nul.txt.txt", "annotation.conf", "visual.conf",
    ]  # fmt: skip


def test_visual_conf_writes_white_text_on_the_default_codebooks_dark_colours() -> None:
    # brat draws span text black by default: unreadable on the indigo, purple and green.
    drawing = visual_conf(load_codebook(ROOT / "schema" / "conflict-events.yaml")).splitlines()
    assert drawing[3:9] == [
        "ACTOR\tbgColor:#332288, fgColor:white",
        "EVENT\tbgColor:#aa4499, fgColor:white",
        "CASUALTY\tbgColor:#999933",
        "LOCATION\tbgColor:#117733, fgColor:white",
        "DATE\tbgColor:#88ccee",
        "SOURCE\tbgColor:#ddcc77",
    ]
