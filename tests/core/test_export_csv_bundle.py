"""The CSV bundle: exact texts beside the tables, a data dictionary, typed columns, decisions."""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path

import pytest

from annotator.core.export import write_csv
from annotator.core.export.bundle import Decision, DocumentBundle

from helpers.export import Builder, codebook, seed_example

pd = pytest.importorskip("pandas")


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as f:
        return next(csv.reader(f))


def formula_like_documents() -> list[DocumentBundle]:
    """Texts that start with a formula character: a tweet, a bullet list, a sum, a handle."""
    out = []
    for i, text in enumerate(
        ["=5 killed in Idlib", "- 12 injured\n- 3 missing", "+7 dead 🕊️", "@UN: 40 fled"], 1
    ):
        b = Builder(text, doc_id=i, ext_id=f"d{i}")
        words = text.split()
        b.span("CASUALTY", words[1], kind="killed")
        b.span("LOCATION", words[-1])
        out.append(b.bundle())
    return out


def test_offsets_refer_to_the_exact_texts_even_when_cells_are_guarded(tmp_path: Path) -> None:
    bundles = formula_like_documents()
    out = tmp_path / "csv"
    write_csv(bundles, out, codebook())
    docs = {d["id"]: d for d in read(out / "documents.csv")}
    for b in bundles:
        d = docs[b.document.ext_id]
        assert d["text"] == "'" + b.document.text  # the spreadsheet guard is still on
        raw = (out / d["text_file"]).read_bytes()
        assert raw == b.document.text.encode("utf-8")  # byte-exact, no BOM
    for row in read(out / "annotations.csv"):
        text = (out / docs[row["document_id"]]["text_file"]).read_text(encoding="utf-8")
        covered = text[int(row["start"]) : int(row["end"])]
        assert row["text"] in (covered, "'" + covered)
    assert sorted(p.name for p in (out / "texts").iterdir()) == [
        "d1.txt", "d2.txt", "d3.txt", "d4.txt",
    ]  # fmt: skip


def test_text_files_have_safe_unique_names(tmp_path: Path) -> None:
    bundles = [
        Builder("a", doc_id=1, ext_id="CON").bundle(),
        Builder("b", doc_id=2, ext_id="x/y").bundle(),
        Builder("c", doc_id=3, ext_id="X_Y").bundle(),
    ]
    write_csv(bundles, tmp_path / "csv", codebook())
    docs = read(tmp_path / "csv" / "documents.csv")
    assert [d["text_file"] for d in docs] == [
        "texts/_CON.txt", "texts/x_y.txt", "texts/X_Y-doc3.txt",
    ]  # fmt: skip
    assert [(tmp_path / "csv" / d["text_file"]).read_text() for d in docs] == ["a", "b", "c"]


def test_schema_json_describes_every_column_of_every_table(tmp_path: Path) -> None:
    out = tmp_path / "csv"
    write_csv([seed_example().bundle], out, codebook())
    schema = json.loads((out / "schema.json").read_text(encoding="utf-8"))
    tables = schema["tables"]
    assert sorted(tables) == sorted(p.name for p in out.glob("*.csv"))
    for name, table in tables.items():
        columns = table["columns"]
        assert [c["name"] for c in columns] == header(out / name), name
        assert all(c["type"] in schema["types"] and c["description"] for c in columns), name
    ann = {c["name"]: c["type"] for c in tables["annotations.csv"]["columns"]}
    assert (ann["start"], ann["best"], ann["reliability"], ann["civilian_targeting"]) == (
        "integer", "integer", "number", "boolean",
    )  # fmt: skip
    assert (ann["DATE.start"], ann["kind"], ann["tags"]) == ("date", "string", "string")
    ev = {c["name"]: c["type"] for c in tables["events.csv"]["columns"]}
    assert (ev["fatalities_best"], ev["date_start"], ev["actor1"]) == ("integer", "date", "string")


def test_integer_columns_load_in_pandas_as_integers_with_empty_rows(tmp_path: Path) -> None:
    b = Builder("About 15 killed, many injured, 2.5 km away, on 2019-07-28.")
    b.span("CASUALTY", "15", kind="killed", best=15, low=15)
    b.span("CASUALTY", "many", kind="injured")  # best/low empty
    b.span("CASUALTY", "2.5", kind="killed", best=3.0)  # a whole float: written as 3
    b.span("CASUALTY", "km", kind="killed", best="many")  # old codebook: text in an integer
    b.span("SOURCE", "away", reliability=0.75)
    b.span("DATE", "2019-07-28", start="2019-07-28", time_precision=1)
    ev = b.span("EVENT", "killed", civilian_targeting=True)
    b.span("EVENT", "injured", civilian_targeting=False)
    b.link(ev, "time", b.annotations[5])
    out = tmp_path / "csv"
    write_csv([b.bundle()], out, codebook())
    schema = json.loads((out / "schema.json").read_text(encoding="utf-8"))

    def load(name: str) -> pd.DataFrame:
        t = schema["tables"][name]
        return pd.read_csv(out / name, dtype=t["pandas_dtypes"], parse_dates=t["date_columns"])

    anns = load("annotations.csv")
    assert str(anns["best"].dtype) == "Int64"
    assert str(anns["start"].dtype) == "Int64"
    assert str(anns["reliability"].dtype) == "Float64"
    assert str(anns["civilian_targeting"].dtype) == "boolean"
    by_text = anns.set_index("text")
    assert by_text.loc["15", "best"] == 15
    assert pd.isna(by_text.loc["many", "best"])
    assert by_text.loc["2.5", "best"] == 3
    assert pd.isna(by_text.loc["km", "best"])  # kept aside, not lost:
    assert json.loads(by_text.loc["km", "other_attributes"]) == {"best": "many"}
    assert bool(by_text.loc["killed", "civilian_targeting"]) is True
    assert bool(by_text.loc["injured", "civilian_targeting"]) is False
    assert by_text.loc["2019-07-28", "DATE.start"] == pd.Timestamp("2019-07-28")
    events = load("events.csv")
    assert str(events["time_precision"].dtype) == "Int64"
    assert events["date_start"].iloc[0] == pd.Timestamp("2019-07-28")
    docs = load("documents.csv")
    assert list(docs["text_file"]) == ["texts/doc-1.txt"]


def test_gold_provenance_is_called_source_as_in_jsonl(tmp_path: Path) -> None:
    b = Builder("15 killed", coder="gold")
    b.span("CASUALTY", "15", source_uid="alice:a7", kind="killed")
    write_csv([b.bundle()], tmp_path / "csv", codebook())
    [row] = read(tmp_path / "csv" / "annotations.csv")
    assert row["source"] == "alice:a7"
    assert "provenance" not in row


def test_reviewer_decisions_and_notes_are_exported(tmp_path: Path) -> None:
    b = Builder("=15 killed", coder="gold")
    b.span("CASUALTY", "15", source_uid="alice:a7", kind="killed")
    decisions = [
        Decision(
            "accepted",
            "a1",
            ("alice:a7", "bob:a2"),
            "carol",
            "bob miscounted",
            "2026-11-27T15:00:00Z",
        ),
        Decision("rejected", "", ("bob:a9",), "carol", "=not a casualty", "2026-11-27T15:01:00Z"),
    ]
    bundle = dataclasses.replace(b.bundle(), decisions=decisions)
    write_csv([bundle], tmp_path / "csv", codebook())
    rows = read(tmp_path / "csv" / "adjudication.csv")
    assert [
        (r["document_id"], r["decision"], r["gold_id"], r["sources"], r["reviewer"], r["note"])
        for r in rows
    ] == [
        ("doc-1", "accepted", "a1", "alice:a7; bob:a2", "carol", "bob miscounted"),
        ("doc-1", "rejected", "", "bob:a9", "carol", "'=not a casualty"),
    ]
    assert rows[0]["decided_at"] == "2026-11-27T15:00:00Z"
