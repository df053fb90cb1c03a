from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core.codebook import load_codebook, parse_codebook
from annotator.core.export import DocumentBundle, cells, write_csv
from annotator.core.export.atomic import TEMP_PREFIX
from annotator.core.export.cells import value_cell
from annotator.core.export.csv_tables import AnnotationTable, attribute_columns

from helpers.export import Builder, codebook, seed_example
from helpers.paths import REPO as ROOT

FILES = [
    "adjudication.csv", "annotations.csv", "claims.csv", "documents.csv", "events.csv", "links.csv", "schema.json",
]  # fmt: skip


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as f:
        return next(csv.reader(f))


def alternatives_bundle() -> DocumentBundle:
    """Two reports of the same dead (7 vs 9), injured and displaced in the event's scope."""
    text = (
        "Airstrikes hit Latmin on Monday. Seven civilians were killed, the White Helmets said; "
        "the Observatory put the toll at nine. At least 12 were wounded and 40 families fled."
    )
    b = Builder(text, doc_id=2, ext_id="alt-1", coder="bob")
    ev = b.span("EVENT", "Airstrikes", event_type="explosions_remote_violence")
    seven = b.span(
        "CASUALTY", "Seven", kind="killed", best=7, low=7, high=7, qualifier="exact",
        count_scope="event",
    )  # fmt: skip
    nine = b.span(
        "CASUALTY", "nine", kind="killed", best=9, qualifier="approx", count_scope="event"
    )
    hurt = b.span(
        "CASUALTY", "At least 12", kind="injured", best=12, low=12, qualifier="at_least",
        count_scope="event",
    )  # fmt: skip
    fled = b.span(
        "CASUALTY", "40 families", kind="displaced", best=40, low=40, high=40, count_scope="event"
    )
    wh = b.span("SOURCE", "White Helmets", source_type="monitoring_ngo")
    obs = b.span("SOURCE", "Observatory", source_type="monitoring_ngo")
    place = b.span("LOCATION", "Latmin", admin_level="town")
    for c in (seven, nine, hurt, fled):
        b.link(ev, "casualties", c)
    b.link(ev, "source", obs)
    b.link(ev, "source", wh)
    b.link(ev, "place", place)
    b.link(nine, "alternative_to", seven)
    return b.bundle()


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    out = tmp_path / "csv"
    stats = write_csv([seed_example().bundle, alternatives_bundle()], out, codebook())
    assert (stats.documents, stats.events) == (2, 2)
    assert sorted(Path(p).name for p in stats.paths) == FILES
    return out


def test_tidy_tables(exported: Path) -> None:
    assert sorted(p.name for p in exported.iterdir()) == [*FILES, "texts"]
    docs = read(exported / "documents.csv")
    assert header(exported / "documents.csv") == [
        "id", "title", "source", "url", "published", "language", "metadata", "text_file", "text",
    ]  # fmt: skip
    assert [d["text_file"] for d in docs] == ["texts/000_fb25855139c210c8.txt", "texts/alt-1.txt"]
    assert [d["id"] for d in docs] == ["000_fb25855139c210c8", "alt-1"]
    assert docs[0]["text"] == seed_example().bundle.document.text
    assert header(exported / "links.csv") == [
        "document_id", "link_id", "coder", "from_id", "from_label", "from_text", "role", "to_id",
        "to_label", "to_text",
    ]  # fmt: skip
    links = read(exported / "links.csv")
    subset = [k for k in links if k["role"] == "subset_of"]
    assert [(k["from_text"], k["to_text"], k["from_label"]) for k in subset] == [
        ("two", "15", "CASUALTY"),
        ("three", "15", "CASUALTY"),
    ]
    assert (exported / "annotations.csv").read_bytes().count(b"\r") == 0  # "\n" line ends


def test_annotation_columns(exported: Path) -> None:
    cols = header(exported / "annotations.csv")
    assert cols[:10] == [
        "document_id", "annotation_id", "coder", "label", "start", "end", "text", "note",
        "codebook_version", "source",
    ]  # fmt: skip
    # One column per attribute; DATE's start/end would clash with the offsets: prefixed.
    assert cols[10:] == [
        "category", "country", "tags", "event_type", "civilian_targeting", "modality", "kind",
        "victim", "best", "low", "high", "qualifier", "vague_term", "count_scope", "admin_level",
        "geo_precision", "DATE.start", "DATE.end", "time_precision", "source_type", "reliability",
        "other_attributes",
    ]  # fmt: skip
    rows = {(r["document_id"], r["text"]): r for r in read(exported / "annotations.csv")}
    fifteen = rows[("000_fb25855139c210c8", "15")]
    assert (fifteen["kind"], fifteen["best"], fifteen["count_scope"]) == ("killed", "15", "event")
    assert fifteen["event_type"] == "" and fifteen["codebook_version"] == "3"
    sunday = rows[("000_fb25855139c210c8", "Sunday")]
    assert (sunday["DATE.start"], sunday["time_precision"]) == ("2019-07-28", "1")
    text = seed_example().bundle.document.text
    assert text[int(sunday["start"]) : int(sunday["end"])] == "Sunday"
    attack = rows[("000_fb25855139c210c8", "attack")]
    assert attack["civilian_targeting"] == "true"


def test_shared_and_clashing_attribute_names() -> None:
    cb = parse_codebook(
        """
codebook: t
version: 1
labels:
  - name: A
    color: "#000000"
    attributes:
      - {name: country, type: text}
      - {name: kind, type: choice, values: [x, y]}
      - {name: label, type: text}
  - name: B
    color: "#000001"
    attributes:
      - {name: country, type: text}
      - {name: kind, type: choice, values: [p, q]}
"""
    )
    cols = attribute_columns(cb, reserved=("label",))
    assert cols == {
        ("A", "country"): "country",  # same meaning: one shared column
        ("B", "country"): "country",
        ("A", "kind"): "A.kind",  # different values: prefixed
        ("B", "kind"): "B.kind",
        ("A", "label"): "A.label",  # clashes with a fixed column
    }
    table = AnnotationTable.from_codebook(cb)
    assert table.header[10:] == ("country", "A.kind", "A.label", "B.kind", "other_attributes")
    assert table.slots["A"]["country"] == table.slots["B"]["country"]


def test_default_codebook_columns() -> None:
    path = ROOT / "schema" / "conflict-events.yaml"
    if not path.exists():
        pytest.skip("default codebook not written yet")
    table = AnnotationTable.from_codebook(load_codebook(path))
    assert {"kind", "best", "event_type", "DATE.start", "DATE.end"} <= set(table.header)
    assert len(table.header) == len(set(table.header))


def test_events_table_seed_example(exported: Path) -> None:
    cols = header(exported / "events.csv")
    assert cols == [
        "document_id", "event_id", "coder", "trigger_text", "trigger_start", "trigger_end",
        "event_type", "civilian_targeting", "modality",
        "actor1", "actor1_ids", "actor2", "actor2_ids", "assoc_actor", "assoc_actor_ids",
        "casualties", "casualties_ids", "place", "place_ids", "time", "time_ids", "source",
        "source_ids", "date_start", "date_end", "time_precision",
        "fatalities_best", "fatalities_low", "fatalities_high", "injured_best", "injured_low",
        "injured_high", "displaced_best", "displaced_low", "displaced_high",
        "event_date", "year", "assoc_actor_1", "inter1", "assoc_actor_2", "inter2",
        "interaction", "iso", "country", "admin1", "admin2", "location", "latitude",
        "longitude", "geo_precision", "geonames_id", "source_scale", "notes", "fatalities",
        "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "low", "high",
        "type_of_violence", "unlinked",
    ]  # fmt: skip
    ex = seed_example()
    s = ex.spans
    seed, alt = read(exported / "events.csv")
    text = ex.bundle.document.text
    assert seed["trigger_text"] == "attack"
    assert text[int(seed["trigger_start"]) : int(seed["trigger_end"])] == "attack"
    assert (seed["event_id"], seed["coder"]) == (s["attack"].uid, "alice")
    assert (seed["event_type"], seed["civilian_targeting"]) == (
        "explosions_remote_violence",
        "true",
    )
    assert (seed["actor1"], seed["actor1_ids"]) == ("Syrian regime", s["regime"].uid)
    assert (seed["actor2"], seed["assoc_actor"]) == ("civilians", "Russia")
    # Fillers in text order, joined with "; ", with their ids alongside.
    assert seed["casualties"] == "15; two; three; more than 600; hundreds of thousands; many"
    ids = [s[k].uid for k in ("15", "two", "three", "600", "displaced", "wounded")]
    assert seed["casualties_ids"] == "; ".join(ids)
    assert (seed["place"], seed["time"], seed["source"]) == ("Idlib", "Sunday", "TASS news agency")
    assert (seed["date_start"], seed["date_end"], seed["time_precision"]) == (
        "2019-07-28",
        "2019-07-28",
        "1",
    )
    # 15 killed; two children and three women are within it; "more than 600" is cumulative.
    got = [seed[f"fatalities_{x}"] for x in ("best", "low", "high")]
    assert got == ["15", "15", "15"]
    # "many were left wounded" has no number; the displaced figure is cumulative: unknown.
    assert [seed[f"injured_{x}"] for x in ("best", "low", "high")] == ["", "", ""]
    assert [seed[f"displaced_{x}"] for x in ("best", "low", "high")] == ["", "", ""]
    # Seven vs nine for the same dead: best 7 (smallest), low 7, high 9 (nine has no high: its best).
    assert [alt[f"fatalities_{x}"] for x in ("best", "low", "high")] == ["7", "7", "9"]
    assert [alt[f"injured_{x}"] for x in ("best", "low", "high")] == ["12", "12", "12"]
    assert [alt[f"displaced_{x}"] for x in ("best", "low", "high")] == ["40", "40", "40"]
    assert alt["source"] == "White Helmets; Observatory"  # text order, not link order
    assert alt["actor1"] == "" and alt["date_start"] == "" and alt["time_precision"] == ""


def test_formula_injection_is_neutralised_but_numbers_are_not(tmp_path: Path) -> None:
    text = "=SUM(A1:A9) +1 -2 @x \tTAB \rCR -3 fine"
    b = Builder(text, ext_id="=HYPERLINK(1)")
    b.span("ACTOR", "=SUM(A1:A9)", note="+cmd|' /C calc'!A0", country="@evil", tags=["-x", "y"])
    b.span("ACTOR", "+1", country="-2")
    b.span("ACTOR", "-2", country="\tTAB")
    b.span("ACTOR", "@x", country="\rCR")
    b.span("SOURCE", "-3", reliability=-3.5)
    b.span("LOCATION", "fine", geo_precision=-1)
    out = tmp_path / "csv"
    write_csv([b.bundle(title="-title", url="=1+1")], out, codebook())
    rows = {r["text"]: r for r in read(out / "annotations.csv")}
    assert set(rows) == {"'=SUM(A1:A9)", "'+1", "'-2", "'@x", "'-3", "fine"}
    assert rows["'=SUM(A1:A9)"]["note"] == "'+cmd|' /C calc'!A0"
    assert rows["'=SUM(A1:A9)"]["country"] == "'@evil"
    assert rows["'=SUM(A1:A9)"]["tags"] == "'-x; y"
    assert rows["'=SUM(A1:A9)"]["document_id"] == "'=HYPERLINK(1)"
    assert rows["'+1"]["country"] == "'-2"  # text "-2": neutralised
    assert rows["'-2"]["country"] == "'\tTAB"
    assert rows["'@x"]["country"] == "'\rCR"
    assert rows["'-3"]["reliability"] == "-3.5"  # numbers we write stay numbers
    assert rows["fine"]["geo_precision"] == "-1"
    doc = read(out / "documents.csv")[0]
    assert (doc["title"], doc["url"], doc["id"]) == ("'-title", "'=1+1", "'=HYPERLINK(1)")
    assert doc["text"] == "'" + text
    for value, cell in [("=1", "'=1"), ("+", "'+"), ("", ""), ("a=b", "a=b"), (-2, -2)]:
        assert value_cell(value) == cell


def test_values_emoji_arabic_and_unknown_attributes(tmp_path: Path) -> None:
    text = "قُتل 15 مدنياً في إدلب 🕊️ 👩🏽‍⚕️"
    b = Builder(text, ext_id="وثيقة-١")
    b.span("CASUALTY", "15", kind="killed", best=15, old_field={"x": 1}, gone=None)
    b.span("LOCATION", "إدلب", note="ملاحظة 📝")
    b.span("ACTOR", "👩🏽‍⚕️", tags=["named", "armed"], category=None)
    out = tmp_path / "csv"
    write_csv([b.bundle(metadata={"b": "🧪", "a": 1})], out, codebook())
    raw = (out / "annotations.csv").read_bytes()
    assert "إدلب".encode() in raw and "👩🏽‍⚕️".encode() in raw
    rows = {r["text"]: r for r in read(out / "annotations.csv")}
    assert rows["إدلب"]["note"] == "ملاحظة 📝"
    assert rows["إدلب"]["document_id"] == "وثيقة-١"
    assert text[int(rows["👩🏽‍⚕️"]["start"]) : int(rows["👩🏽‍⚕️"]["end"])] == "👩🏽‍⚕️"
    assert rows["👩🏽‍⚕️"]["tags"] == "named; armed"
    assert rows["👩🏽‍⚕️"]["category"] == ""
    assert json.loads(rows["15"]["other_attributes"]) == {"old_field": {"x": 1}}
    assert rows["إدلب"]["other_attributes"] == ""
    doc = read(out / "documents.csv")[0]
    assert doc["text"] == text
    assert doc["metadata"] == '{"a":1,"b":"🧪"}'


def test_interrupted_export_keeps_previous_files_and_leaves_no_temp(tmp_path: Path) -> None:
    out = tmp_path / "csv"
    write_csv([seed_example().bundle], out, codebook())
    before = files(out)

    def failing() -> Iterator[DocumentBundle]:
        yield alternatives_bundle()
        yield seed_example().bundle
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_csv(failing(), out, codebook())
    assert files(out) == before
    assert not any(p.name.startswith(TEMP_PREFIX) for p in tmp_path.iterdir())


def test_failed_first_export_leaves_no_folder(tmp_path: Path) -> None:
    def failing() -> Iterator[DocumentBundle]:
        raise KeyboardInterrupt
        yield  # pragma: no cover

    with pytest.raises(KeyboardInterrupt):
        write_csv(failing(), tmp_path / "new", codebook())
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize("fixed_python", [True, False])
def test_bare_carriage_return_is_quoted_on_every_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixed_python: bool
) -> None:
    monkeypatch.setattr(cells, "CSV_QUOTES_BARE_CR", fixed_python and cells.CSV_QUOTES_BARE_CR)
    path = tmp_path / "t.csv"
    rows: list[list[str | int]] = [["a\rb", 1, ""], ["plain", -2, "x,y"], ["'\rCR", 3, "c\nd"]]
    with path.open("w", encoding="utf-8", newline="") as f:
        table = cells.CsvTable(f, ["text", "n", "other"])
        table.writerows(rows[:2])
        table.writerow(rows[2])
    with path.open(encoding="utf-8", newline="") as f:
        back = list(csv.reader(f))
    assert back == [["text", "n", "other"], *[[str(c) for c in r] for r in rows]]
