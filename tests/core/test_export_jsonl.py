from __future__ import annotations

import io
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from annotator.core.export import DocumentBundle, ExportError, document_to_json, write_jsonl
from annotator.core.export.atomic import TEMP_PREFIX
from annotator.core.records import GOLD, Link

from helpers.export import Builder, seed_example

DOCUMENT_KEYS = [
    "id", "title", "text", "source", "url", "published", "language", "metadata", "annotations",
    "links",
]  # fmt: skip
ANNOTATION_KEYS = [
    "id", "coder", "label", "start", "end", "text", "attributes", "note", "codebook", "version",
]  # fmt: skip
LINK_KEYS = ["id", "coder", "from", "role", "to"]


def read_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_shape_is_exactly_spec_3_4(tmp_path: Path) -> None:
    ex = seed_example()
    out = tmp_path / "out.jsonl"
    stats = write_jsonl([ex.bundle], out, "conflict-events")
    assert (stats.documents, stats.annotations, stats.links) == (1, 13, 14)
    assert stats.paths == [str(out)]
    [doc] = read_lines(out)
    assert list(doc) == DOCUMENT_KEYS
    assert doc["id"] == "000_fb25855139c210c8"
    assert doc["text"] == ex.bundle.document.text
    assert (doc["source"], doc["published"], doc["language"]) == ("Daily Sabah", "2019-07-30", "en")
    annotations = doc["annotations"]
    assert isinstance(annotations, list)
    for a in annotations:
        assert list(a) == ANNOTATION_KEYS
        assert a["text"] == ex.bundle.document.text[a["start"] : a["end"]]
        assert (a["codebook"], a["version"]) == ("conflict-events", 3)
    fifteen = next(a for a in annotations if a["id"] == ex.spans["15"].uid)
    assert fifteen["text"] == "15"
    assert fifteen["attributes"] == {
        "best": 15, "count_scope": "event", "high": 15, "kind": "killed", "low": 15,
        "qualifier": "exact", "victim": "civilians",
    }  # fmt: skip
    assert list(fifteen["attributes"]) == sorted(fifteen["attributes"])
    links = doc["links"]
    assert isinstance(links, list)
    for k in links:
        assert list(k) == LINK_KEYS
    subset = next(k for k in links if k["from"] == ex.spans["two"].uid)
    assert subset == {
        "id": subset["id"], "coder": "alice", "from": ex.spans["two"].uid, "role": "subset_of",
        "to": ex.spans["15"].uid,
    }  # fmt: skip
    assert document_to_json(ex.bundle, "conflict-events") == doc


def test_annotations_in_span_order_and_output_independent_of_input_order(tmp_path: Path) -> None:
    ex = seed_example()
    shuffled_anns = list(ex.bundle.annotations)
    shuffled_links = list(ex.bundle.links)
    random.Random(4).shuffle(shuffled_anns)
    random.Random(5).shuffle(shuffled_links)
    shuffled = DocumentBundle(ex.bundle.document, shuffled_anns, shuffled_links)
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_jsonl([ex.bundle], a, "cb")
    write_jsonl([shuffled], b, "cb")
    assert a.read_bytes() == b.read_bytes()
    [doc] = read_lines(a)
    keys = [(x["start"], x["end"], x["label"], x["coder"], x["id"]) for x in doc["annotations"]]
    assert keys == sorted(keys)


def test_gold_provenance_and_ties_sorted_by_label_coder_uid() -> None:
    b = Builder("Five people died.", ext_id="")
    b.at("CASUALTY", 0, 4, coder="bob", kind="killed")
    b.at("CASUALTY", 0, 4, coder="alice", kind="killed")
    b.at("CASUALTY", 0, 4, coder=GOLD, source_uid="alice:a2", kind="killed")
    b.at("ACTOR", 0, 11, coder="alice")
    doc = document_to_json(b.bundle(), "cb")
    assert doc["id"] == "1"  # no external id: the database id
    got = [(a["label"], a["coder"]) for a in doc["annotations"]]
    assert got == [
        ("CASUALTY", "alice"),
        ("CASUALTY", "bob"),
        ("CASUALTY", GOLD),
        ("ACTOR", "alice"),
    ]
    gold = doc["annotations"][2]
    assert gold["source"] == "alice:a2"
    assert list(gold) == [*ANNOTATION_KEYS, "source"]
    assert "source" not in doc["annotations"][0]


def test_emoji_and_arabic_stay_as_they_are() -> None:
    text = "قُتل 15 مدنياً في إدلب 🕊️ — 👩🏽‍⚕️ medics said"
    b = Builder(text)
    b.span("CASUALTY", "15", kind="killed", best=15)
    b.span("LOCATION", "إدلب")
    b.span("ACTOR", "👩🏽‍⚕️ medics", note="ملاحظة 📝")
    out = io.BytesIO()
    write_jsonl([b.bundle(title="عنوان 🌍", metadata={"note": "🧪"})], out, "cb")
    raw = out.getvalue()
    assert "إدلب".encode() in raw and "👩🏽‍⚕️".encode() in raw
    assert b"\\u" not in raw  # written as UTF-8, not escaped
    doc = json.loads(raw)
    assert doc["text"] == text
    assert doc["title"] == "عنوان 🌍"
    spans = {a["text"]: a for a in doc["annotations"]}
    assert set(spans) == {"15", "إدلب", "👩🏽‍⚕️ medics"}
    for a in doc["annotations"]:
        assert text[a["start"] : a["end"]] == a["text"]  # code point offsets
    assert spans["👩🏽‍⚕️ medics"]["note"] == "ملاحظة 📝"


def test_streams_and_reports_progress(tmp_path: Path) -> None:
    consumed: list[int] = []
    seen: list[int] = []

    def bundles() -> Iterator[DocumentBundle]:
        for i in range(1, 6):
            consumed.append(i)
            assert len(seen) == i - 1  # the writer handled the previous one before asking
            b = Builder(f"Document {i}.", doc_id=i, ext_id=f"d{i}")
            b.at("ACTOR", 0, 8)
            yield b.bundle()

    stats = write_jsonl(
        bundles(), tmp_path / "x.jsonl", "cb", progress=lambda s: seen.append(s.documents)
    )
    assert seen == [1, 2, 3, 4, 5]
    assert stats.annotations == 5
    assert [d["id"] for d in read_lines(tmp_path / "x.jsonl")] == ["d1", "d2", "d3", "d4", "d5"]


def test_interrupted_export_keeps_the_previous_file_and_leaves_no_temp(tmp_path: Path) -> None:
    out = tmp_path / "export.jsonl"
    write_jsonl([seed_example().bundle], out, "cb")
    good = out.read_bytes()

    def failing() -> Iterator[DocumentBundle]:
        yield seed_example().bundle
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="went away"):
        write_jsonl(failing(), out, "cb")
    assert out.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["export.jsonl"]
    assert not any(p.name.startswith(TEMP_PREFIX) for p in tmp_path.iterdir())


def test_a_link_to_a_span_of_another_document_is_an_error(tmp_path: Path) -> None:
    b = Builder("Ten killed.")
    a = b.at("CASUALTY", 0, 3)
    bundle = b.bundle()
    bad = DocumentBundle(
        bundle.document, bundle.annotations, [Link(9, "l9", 1, "alice", a.id, "subset_of", 424242)]
    )
    with pytest.raises(ExportError, match="l9"):
        write_jsonl([bad], tmp_path / "bad.jsonl", "cb")
    assert list(tmp_path.iterdir()) == []


def test_empty_export_writes_an_empty_file(tmp_path: Path) -> None:
    out = tmp_path / "none.jsonl"
    assert write_jsonl([], out, "cb").documents == 0
    assert out.read_bytes() == b""
