"""Codebook loading: every class of fault is rejected with the path of the field at fault."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from annotator.core.codebook import (
    Codebook,
    CodebookError,
    codebook_from_dict,
    load_codebook,
    parse_codebook,
    value_error,
)

MINIMAL: dict[str, Any] = {
    "codebook": "mini",
    "version": 1,
    "title": "Mini",
    "labels": [
        {
            "name": "ACTOR",
            "color": "#4e79a7",
            "key": "a",
            "attributes": [{"name": "mention", "type": "choice", "values": ["name", "pronoun"]}],
        },
        {
            "name": "CASUALTY",
            "color": "#e15759",
            "key": "c",
            "attributes": [
                {
                    "name": "kind",
                    "type": "choice",
                    "values": ["killed", "injured"],
                    "required": True,
                },
                {"name": "best", "type": "integer", "min": 0},
            ],
        },
        {
            "name": "EVENT",
            "color": "#f28e2b",
            "key": "e",
            "attributes": [
                {"name": "event_type", "type": "choice", "values": ["battles", "riots"]},
                {
                    "name": "sub_event_type",
                    "type": "choice",
                    "depends_on": "event_type",
                    "values": [
                        {"value": "armed_clash", "parent": "battles"},
                        {"value": "mob_violence", "parent": "riots"},
                    ],
                },
            ],
            "roles": [
                {"name": "actor1", "targets": ["ACTOR"], "max": 1},
                {"name": "casualties", "targets": ["CASUALTY"]},
            ],
        },
    ],
    "relations": [{"name": "subset_of", "from": ["CASUALTY"], "to": ["CASUALTY"]}],
}


def broken(edit: Any) -> dict[str, Any]:
    data = copy.deepcopy(MINIMAL)
    edit(data)
    return data


def test_minimal_codebook_loads() -> None:
    cb = codebook_from_dict(copy.deepcopy(MINIMAL))
    assert cb.label_names == ("ACTOR", "CASUALTY", "EVENT")
    assert cb.role_max("EVENT", "actor1") == 1
    assert cb.link_names("CASUALTY") == ["subset_of"]
    sub = cb.label("EVENT").attribute("sub_event_type")  # type: ignore[union-attr]
    assert sub is not None and [c.value for c in sub.choices_for("riots")] == ["mob_violence"]


CASES = [
    ("labels[1].attributes[0].values: duplicate 'killed'",
     lambda d: d["labels"][1]["attributes"][0]["values"].append("killed")),
    ("labels[2].name: duplicate 'ACTOR'", lambda d: d["labels"][2].update(name="ACTOR")),
    ("labels[0].attributes[0].type: unknown type 'colour'",
     lambda d: d["labels"][0]["attributes"][0].update(type="colour")),
    ("labels[2].roles[0].targets[0]: unknown label 'PERSON'",
     lambda d: d["labels"][2]["roles"][0].update(targets=["PERSON"])),
    ("relations[0].to[0]: unknown label 'VICTIM'",
     lambda d: d["relations"][0].update(to=["VICTIM"])),
    ("labels[0].color: 'blue' is not a colour", lambda d: d["labels"][0].update(color="blue")),
    ("labels[0].key: 'ctrl+a' is not a single", lambda d: d["labels"][0].update(key="ctrl+a")),
    ("labels[1].key: shortcut 'a' is already used by ACTOR",
     lambda d: d["labels"][1].update(key="a")),
    ("labels[0].attributes[0].values: a choice needs a non-empty list",
     lambda d: d["labels"][0]["attributes"][0].update(values=[])),
    ("labels[0].attributes[1].name: duplicate 'mention'",
     lambda d: d["labels"][0]["attributes"].append({"name": "mention", "type": "text"})),
    ("labels[2].roles[2].name: duplicate 'actor1'",
     lambda d: d["labels"][2]["roles"].append({"name": "actor1", "targets": ["ACTOR"]})),
    ("relations[1].name: duplicate 'subset_of'",
     lambda d: d["relations"].append({"name": "subset_of", "from": "ACTOR", "to": "ACTOR"})),
    ("labels[2].roles[0].max: must be a whole number >= 1",
     lambda d: d["labels"][2]["roles"][0].update(max=0)),
    ("labels[0].shape: unknown field", lambda d: d["labels"][0].update(shape="box")),
    ("version: must be a whole number >= 1", lambda d: d.update(version="one")),
    ("labels: must be a non-empty list", lambda d: d.update(labels=[])),
    ("labels[1].attributes[1].min: only integer and number attributes",
     lambda d: d["labels"][1]["attributes"][1].update(type="text")),
    ("labels[2].attributes[1].values[1].parent: 'protests' is not a value of event_type",
     lambda d: d["labels"][2]["attributes"][1]["values"][1].update(parent="protests")),
    ("labels[2].attributes[1].depends_on: 'type' is not a choice attribute",
     lambda d: d["labels"][2]["attributes"][1].update(depends_on="type")),
    ("labels[0].name: 'the actor' is not a valid name",
     lambda d: d["labels"][0].update(name="the actor")),
    ("relations[0].name: 'actor1' is also an event role",
     lambda d: d["relations"][0].update(name="actor1")),
]  # fmt: skip


@pytest.mark.parametrize(("message", "edit"), CASES, ids=[c[0].split(":")[0] for c in CASES])
def test_broken_codebook_is_rejected_with_path(message: str, edit: Any) -> None:
    with pytest.raises(CodebookError) as info:
        codebook_from_dict(broken(edit))
    assert message in str(info.value)


def test_invalid_yaml_names_the_line() -> None:
    with pytest.raises(CodebookError, match=r"line 4: invalid YAML"):
        parse_codebook("codebook: x\nversion: 1\nlabels: [\n  - {name: A\n")


def test_load_codebook_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(broken(lambda d: d["labels"][0].update(color="red"))))
    with pytest.raises(CodebookError, match=r"bad\.yaml: labels\[0\]\.color"):
        load_codebook(path)
    with pytest.raises(CodebookError, match="no such file"):
        load_codebook(tmp_path / "missing.yaml")


def test_codebook_yaml_round_trips() -> None:
    cb = codebook_from_dict(copy.deepcopy(MINIMAL))
    assert parse_codebook(cb.to_yaml()) == cb


@pytest.fixture
def mini() -> Codebook:
    return codebook_from_dict(copy.deepcopy(MINIMAL))


def test_attribute_values_are_checked(mini: Codebook) -> None:
    assert mini.attribute_errors("CASUALTY", {"kind": "killed", "best": 15}) == []
    assert mini.attribute_errors("CASUALTY", {"kind": "eaten"})[0].startswith("CASUALTY.kind")
    assert "below the minimum" in mini.attribute_errors("CASUALTY", {"best": -1})[0]
    assert "not a number" in mini.attribute_errors("CASUALTY", {"best": "15"})[0]
    assert "unknown attribute" in mini.attribute_errors("CASUALTY", {"colour": "red"})[0]
    assert mini.attribute_errors("VICTIM", {}) == ["unknown label 'VICTIM'"]
    bad_sub = {"event_type": "riots", "sub_event_type": "armed_clash"}
    assert "does not belong to event_type 'riots'" in mini.attribute_errors("EVENT", bad_sub)[0]
    assert mini.missing_required("CASUALTY", {"best": 3}) == ["kind"]


def test_link_rules(mini: Codebook) -> None:
    assert mini.link_error("EVENT", "actor1", "ACTOR") is None
    assert "takes ACTOR, not CASUALTY" in (mini.link_error("EVENT", "actor1", "CASUALTY") or "")
    assert mini.link_error("CASUALTY", "subset_of", "CASUALTY") is None
    assert "unknown role or relation" in (mini.link_error("ACTOR", "likes", "ACTOR") or "")


@pytest.mark.parametrize(
    ("type_", "value", "ok"),
    [
        ("boolean", True, True), ("boolean", "yes", False), ("date", "2019-07-28", True),
        ("date", "28/07/2019", False), ("integer", 2.0, True), ("integer", 2.5, False),
        ("number", 2.5, True), ("text", "x", True), ("text", 3, False),
        ("multi_choice", ["name"], True), ("multi_choice", "name", False),
    ],
)  # fmt: skip
def test_value_types(type_: str, value: Any, ok: bool) -> None:
    from annotator.core.codebook import Attribute, Choice

    attr = Attribute("x", type_, values=(Choice("name"), Choice("pronoun")))
    assert (value_error(attr, value) is None) is ok


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "codebook: x\nversion: 1\nversion: 2\nlabels: [{name: A, color: '#aabbcc'}]\n",
            "line 3: duplicate key 'version' (already given on line 2)",
        ),
        (
            "codebook: x\nversion: 1\nlabels:\n  - name: A\n    color: '#aabbcc'\n"
            "    attributes: [{name: kind, type: text}]\n    attributes: []\n",
            "line 7: duplicate key 'attributes' (already given on line 6)",
        ),
        (
            "codebook: x\nversion: 1\nlabels:\n"
            "  - {name: A, color: '#aabbcc', attributes: [{name: n, type: text, name: m}]}\n",
            "line 4: duplicate key 'name' (already given on line 4)",
        ),
    ],
)
def test_a_repeated_yaml_key_is_an_error_naming_key_and_line(text: str, message: str) -> None:
    # YAML itself would keep the last one and silently drop the first.
    with pytest.raises(CodebookError) as err:
        parse_codebook(text)
    assert str(err.value) == message


def test_yaml_merge_keys_are_not_mistaken_for_repeats() -> None:
    text = (
        "codebook: x\nversion: 1\nlabels:\n"
        "  - &base {name: A, color: '#aabbcc'}\n  - {<<: *base, name: B, key: b}\n"
    )
    assert parse_codebook(text).label_names == ("A", "B")


def test_a_codebook_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    filler = "# " + "x" * 98 + "\n"
    big.write_text(yaml.safe_dump(MINIMAL) + filler * 10_001, "utf-8")
    with pytest.raises(CodebookError) as err:
        load_codebook(big)
    assert str(err.value) == (
        f"{big}: {big.stat().st_size:,} bytes, over the limit of 1,000,000 for a codebook"
    )
    with pytest.raises(CodebookError, match="over the limit of 1,000,000"):
        parse_codebook(big.read_text("utf-8"))


DEFAULT_CASES = [
    ("mention", "choice", {"values": ["name", "pronoun"]}, "nominal",
     "'nominal' is not one of name, pronoun"),
    ("best", "integer", {"min": 0}, -1, "-1 is below the minimum 0"),
    ("flag", "boolean", {}, "maybe", "'maybe' is not true or false"),
    ("day", "date", {}, "'2019-13-01'", "'2019-13-01' is not an ISO date (YYYY-MM-DD)"),
    ("note2", "text", {}, 3, "3 is not text"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "type_", "extra", "value", "problem"), DEFAULT_CASES)
def test_a_default_must_be_a_valid_value_one_line_naming_file_line_field(
    tmp_path: Path, name: str, type_: str, extra: dict[str, Any], value: Any, problem: str
) -> None:
    path = tmp_path / "defaults.yaml"
    path.write_text(
        "codebook: mini\n"
        "version: 1\n"
        "labels:\n"
        "  - name: ACTOR\n"
        "    color: '#4e79a7'\n"
        "    attributes:\n"
        "      - name: note\n"
        "        type: text\n"
        f"      - name: {name}\n"
        f"        type: {type_}\n"
        + "".join(f"        {k}: {v}\n" for k, v in extra.items())
        + f"        default: {value}\n",
        encoding="utf-8",
    )
    line = 11 + len(extra)
    with pytest.raises(CodebookError) as err:
        load_codebook(path)
    text = str(err.value)
    assert "\n" not in text
    assert text.startswith(f"{path}: labels[0].attributes[1].default (line {line}): ")
    assert problem in text
    assert err.value.line == line


def test_a_valid_default_is_read() -> None:
    data = broken(lambda d: d["labels"][1]["attributes"][0].update(default="injured"))
    cb = codebook_from_dict(data)
    assert cb.defaults("CASUALTY") == {"kind": "injured"}
    assert cb.defaults("ACTOR") == {}


def test_a_fault_names_the_line_of_its_field() -> None:
    text = yaml.safe_dump(broken(lambda d: d["labels"][2].update(color="orange")), sort_keys=False)
    want = next(i for i, row in enumerate(text.splitlines(), 1) if "orange" in row)
    with pytest.raises(CodebookError) as err:
        parse_codebook(text)
    assert err.value.line == want
    assert f"labels[2].color (line {want}): 'orange'" in str(err.value)


def test_an_unquoted_date_default_is_its_iso_text_and_a_false_date_is_one_line() -> None:
    text = (
        "codebook: mini\nversion: 1\nlabels:\n  - name: DATE\n    color: '#4e79a7'\n"
        "    attributes:\n      - {name: start, type: date, default: %s}\n"
    )
    assert parse_codebook(text % "2019-07-28").defaults("DATE") == {"start": "2019-07-28"}
    with pytest.raises(CodebookError) as err:
        parse_codebook(text % "2019-13-01")
    assert str(err.value) == "invalid YAML: month must be in 1..12"


def test_a_label_without_colour_takes_the_colour_blind_safe_palette_by_position() -> None:
    book = codebook_from_dict(
        {
            "codebook": "palette",
            "version": 1,
            "labels": [
                {"name": "A"},
                {"name": "B", "color": "#123456"},  # the codebook's own colour wins
                {"name": "C"},
                *({"name": f"L{i}"} for i in range(3, 8)),
            ],
        }
    )
    colors = [lab.color for lab in book.labels]
    # Okabe & Ito: orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple
    assert colors == [
        "#e69f00",
        "#123456",
        "#009e73",
        "#f0e442",
        "#0072b2",
        "#d55e00",
        "#cc79a7",
        "#e69f00",  # the eighth label starts the palette again
    ]
