"""The default codebook and the codebook JSON Schema, kept in sync with the loader.

``schema/codebook.schema.json`` documents the codebook format for people and editors;
``annotator/core/codebook.py`` is what Annotator actually enforces. These tests fail as soon as
one of them accepts a key, type or pattern the other does not know about.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from annotator.core import codebook as cbmod
from annotator.core.codebook import CodebookError, codebook_from_dict, load_codebook

ROOT = Path(__file__).parents[2]
SCHEMA_DIR = ROOT / "schema"
DEFAULT_CODEBOOK = SCHEMA_DIR / "conflict-events.yaml"
JSON_SCHEMA = SCHEMA_DIR / "codebook.schema.json"
SEED = ROOT / "seeds" / "000_fb25855139c210c8.txt"

LABELS = ("ACTOR", "EVENT", "CASUALTY", "LOCATION", "DATE", "SOURCE")
ACLED_SUB_TYPES = {
    "battles": (
        "armed_clash",
        "government_regains_territory",
        "non_state_actor_overtakes_territory",
    ),
    "explosions_remote_violence": (
        "chemical_weapon",
        "air_drone_strike",
        "suicide_bomb",
        "shelling_artillery_missile_attack",
        "remote_explosive_landmine_ied",
        "grenade",
    ),
    "violence_against_civilians": (
        "sexual_violence",
        "attack",
        "abduction_forced_disappearance",
    ),
    "protests": (
        "peaceful_protest",
        "protest_with_intervention",
        "excessive_force_against_protesters",
    ),
    "riots": ("violent_demonstration", "mob_violence"),
    "strategic_developments": (
        "agreement",
        "arrests",
        "change_to_group_activity",
        "disrupted_weapons_use",
        "headquarters_or_base_established",
        "looting_property_destruction",
        "non_violent_transfer_of_territory",
        "other",
    ),
}
PLOVER = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)


# ---------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    data = json.loads(JSON_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(data)
    return data


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="module")
def raw_default() -> dict[str, Any]:
    data = yaml.safe_load(DEFAULT_CODEBOOK.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def default() -> cbmod.Codebook:
    return load_codebook(DEFAULT_CODEBOOK)


def _subschema(schema: dict[str, Any], name: str) -> dict[str, Any]:
    """A ``$defs`` entry as a standalone schema (refs still resolve against the whole)."""
    return {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": f"#/$defs/{name}"}


def _schema_accepts(validator: jsonschema.Draft202012Validator, data: Any) -> bool:
    return not list(validator.iter_errors(data))


def _loader_error(data: Any) -> str | None:
    """The path of the fault the loader reports, or None when it accepts ``data``."""
    try:
        codebook_from_dict(copy.deepcopy(data))
    except CodebookError as exc:
        return exc.path
    return None


def _loader_accepts(data: Any) -> bool:
    return _loader_error(data) is None


# ------------------------------------------------------------------------ schema <-> loader


def test_json_schema_is_a_valid_draft_2020_12_schema(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_default_codebook_loads_and_validates(
    default: cbmod.Codebook, raw_default: dict[str, Any], validator: Any
) -> None:
    assert default.name == "conflict-events"
    assert default.version == 3
    assert default.title
    errors = sorted(validator.iter_errors(raw_default), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_attribute_type_enum_matches_loader(schema: dict[str, Any]) -> None:
    enum = schema["$defs"]["attribute"]["properties"]["type"]["enum"]
    assert tuple(enum) == cbmod.ATTRIBUTE_TYPES


@pytest.mark.parametrize(
    ("where", "keys"),
    [
        ("top", "TOP_KEYS"),
        ("label", "LABEL_KEYS"),
        ("attribute", "ATTRIBUTE_KEYS"),
        ("role", "ROLE_KEYS"),
        ("relation", "RELATION_KEYS"),
        ("choice", "CHOICE_KEYS"),
    ],
)
def test_property_names_match_loader(schema: dict[str, Any], where: str, keys: str) -> None:
    obj = schema if where == "top" else schema["$defs"][where]
    assert obj["type"] == "object"
    assert obj["additionalProperties"] is False
    assert set(obj["properties"]) == set(getattr(cbmod, keys))


def test_name_pattern_matches_loader(schema: dict[str, Any]) -> None:
    assert schema["$defs"]["name"]["pattern"] == f"^{cbmod.NAME_RE.pattern}$"


COLOR_SAMPLES = [
    "#e15759",
    "#E15759",
    "#aBc123",
    "#000000",
    "#ffffff",
    "e15759",
    "#e1575",
    "#e157599",
    "#ggg000",
    "#fff",
    "red",
    "",
    " #e15759",
    "#e15759 ",
    "##e1575",
]
KEY_SAMPLES = ["a", "z", "0", "9", "A", "Z", "ab", "a1", " ", " a", "a ", "-", "_", "é", "F1"]


@pytest.mark.parametrize("sample", COLOR_SAMPLES)
def test_colour_pattern_agrees_with_loader(schema: dict[str, Any], sample: str) -> None:
    in_schema = jsonschema.Draft202012Validator(_subschema(schema, "color")).is_valid(sample)
    assert in_schema == bool(cbmod.COLOR_RE.fullmatch(sample))


@pytest.mark.parametrize("sample", KEY_SAMPLES)
def test_key_pattern_agrees_with_loader(schema: dict[str, Any], sample: str) -> None:
    in_schema = jsonschema.Draft202012Validator(_subschema(schema, "key")).is_valid(sample)
    assert in_schema == bool(cbmod.KEY_RE.fullmatch(sample))


@pytest.mark.parametrize(
    ("field", "value"), [("name", "ACTOR\n"), ("color", "#e15759\n"), ("key", "a\n")]
)
def test_trailing_newline_is_rejected_by_loader(field: str, value: str) -> None:
    data = _minimal()
    data["labels"][0][field] = value
    assert not _loader_accepts(data)


def _minimal() -> dict[str, Any]:
    return {
        "codebook": "tiny",
        "version": 1,
        "labels": [
            {
                "name": "EVENT",
                "color": "#f28e2b",
                "key": "e",
                "attributes": [
                    {"name": "kind", "type": "choice", "values": ["a", "b"]},
                    {
                        "name": "sub",
                        "type": "choice",
                        "depends_on": "kind",
                        "values": [{"value": "a1", "parent": "a"}, {"value": "b1", "parent": "b"}],
                    },
                    {"name": "n", "type": "integer", "min": 0, "max": 3},
                    {"name": "tone", "type": "choice", "values": ["x", "y"]},
                ],
                "roles": [{"name": "who", "targets": ["ACTOR"], "max": 1}],
            },
            {"name": "ACTOR", "color": "#4e79a7"},
        ],
        "relations": [{"name": "same_as", "from": ["ACTOR"], "to": ["ACTOR"]}],
    }


def _edit(path: str, value: Any) -> dict[str, Any]:
    """``_minimal()`` with the field at dotted ``path`` set to ``value`` (``...`` deletes it)."""
    data = _minimal()
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    node: Any = data
    for p in parents:
        node = node[p]
    if value is ...:
        del node[last]
    else:
        node[last] = value
    return data


VALID_VARIANTS = {
    "minimal": _minimal(),
    "nulls": _edit("labels.0.key", None) | {"title": None, "description": None, "relations": None},
    "empty key": _edit("labels.0.key", ""),
    "label without colour": _edit("labels.1.color", ...),  # takes the default palette's
    "string targets": _edit("relations.0.from", "ACTOR"),
    "numeric choice values": _edit("labels.0.attributes.3.values", [1, 2.5, "c"]),
    "choice objects": _edit(
        "labels.0.attributes.3.values",
        ["x", {"value": "y", "description": "Y", "parent": None}, {"value": 3}],
    ),
    "role without max": _edit("labels.0.roles.0.max", None),
    "null lists": _edit(
        "labels.1",
        {"name": "ACTOR", "color": "#4E79A7", "examples": None, "attributes": None, "roles": None},
    ),
    "null min on text": _edit("labels.0.attributes.2", {"name": "t", "type": "text", "min": None}),
    "default is accepted": _edit("labels.0.attributes.2.default", 1),
    "multi_choice": _edit(
        "labels.0.attributes.3", {"name": "tone", "type": "multi_choice", "values": ["x"]}
    ),
}


@pytest.mark.parametrize("data", VALID_VARIANTS.values(), ids=list(VALID_VARIANTS))
def test_valid_codebooks_pass_both(validator: Any, data: dict[str, Any]) -> None:
    assert _loader_accepts(data)
    assert _schema_accepts(validator, data), [e.message for e in validator.iter_errors(data)]


BROKEN = {
    "not a mapping": (["codebook"], ""),
    "unknown top key": (_minimal() | {"author": "me"}, "author"),
    "missing codebook": (_edit("codebook", ...), "codebook"),
    "bad codebook name": (_edit("codebook", "conflict events"), "codebook"),
    "version 0": (_edit("version", 0), "version"),
    "version as text": (_edit("version", "1"), "version"),
    "version as bool": (_edit("version", True), "version"),
    "no labels": (_edit("labels", []), "labels"),
    "labels not a list": (_edit("labels", {"name": "EVENT"}), "labels"),
    "unknown label key": (_edit("labels.1.shortcut", "a"), "labels[1].shortcut"),
    "colour name": (_edit("labels.1.color", "blue"), "labels[1].color"),
    "short colour": (_edit("labels.1.color", "#fff"), "labels[1].color"),
    "upper-case key": (_edit("labels.0.key", "E"), "labels[0].key"),
    "two-letter key": (_edit("labels.0.key", "ev"), "labels[0].key"),
    "label name with space": (_edit("labels.1.name", "AN ACTOR"), "labels[1].name"),
    "examples not strings": (_edit("labels.0.examples", [1, 2]), "labels[0].examples"),
    "attributes not a list": (_edit("labels.0.attributes", {"name": "n"}), "labels[0].attributes"),
    "unknown attribute key": (
        _edit("labels.0.attributes.2.options", []),
        "labels[0].attributes[2].options",
    ),
    "unknown attribute type": (
        _edit("labels.0.attributes.2.type", "float"),
        "labels[0].attributes[2].type",
    ),
    "attribute without type": (
        _edit("labels.0.attributes.2.type", ...),
        "labels[0].attributes[2].type",
    ),
    "choice without values": (
        _edit("labels.0.attributes.3.values", ...),
        "labels[0].attributes[3].values",
    ),
    "choice with empty values": (
        _edit("labels.0.attributes.3.values", []),
        "labels[0].attributes[3].values",
    ),
    "values on an integer": (
        _edit("labels.0.attributes.2.values", ["1"]),
        "labels[0].attributes[2].values",
    ),
    "boolean choice value": (
        _edit("labels.0.attributes.3.values", ["x", True]),
        "labels[0].attributes[3].values[1]",
    ),
    "null choice value": (
        _edit("labels.0.attributes.3.values", ["x", None]),
        "labels[0].attributes[3].values[1]",
    ),
    "blank choice value": (
        _edit("labels.0.attributes.3.values", ["x", "  "]),
        "labels[0].attributes[3].values[1]",
    ),
    "unknown choice key": (
        _edit("labels.0.attributes.3.values", [{"value": "x", "label": "X"}]),
        "labels[0].attributes[3].values[0].label",
    ),
    "choice object without value": (
        _edit("labels.0.attributes.3.values", [{"description": "X"}]),
        "labels[0].attributes[3].values[0].value",
    ),
    "depends_on value without parent": (
        _edit("labels.0.attributes.1.values", [{"value": "a1", "parent": "a"}, "b1"]),
        "labels[0].attributes[1].values[1].parent",
    ),
    "depends_on on an integer": (
        _edit("labels.0.attributes.2.depends_on", "kind"),
        "labels[0].attributes[2].depends_on",
    ),
    "required not boolean": (
        _edit("labels.0.attributes.0.required", "yes"),
        "labels[0].attributes[0].required",
    ),
    "min on a choice": (_edit("labels.0.attributes.3.min", 1), "labels[0].attributes[3].min"),
    "min as text": (_edit("labels.0.attributes.2.min", "0"), "labels[0].attributes[2].min"),
    "max as bool": (_edit("labels.0.attributes.2.max", True), "labels[0].attributes[2].max"),
    "role max 0": (_edit("labels.0.roles.0.max", 0), "labels[0].roles[0].max"),
    "role max as text": (_edit("labels.0.roles.0.max", "1"), "labels[0].roles[0].max"),
    "role without targets": (_edit("labels.0.roles.0.targets", ...), "labels[0].roles[0].targets"),
    "role with empty targets": (
        _edit("labels.0.roles.0.targets", []),
        "labels[0].roles[0].targets",
    ),
    "unknown role key": (_edit("labels.0.roles.0.min", 1), "labels[0].roles[0].min"),
    "relation without to": (_edit("relations.0.to", ...), "relations[0].to"),
    "relation targets not strings": (_edit("relations.0.to", [1]), "relations[0].to"),
    "relations not a list": (_edit("relations", {"name": "same_as"}), "relations"),
    "unknown relation key": (_edit("relations.0.symmetric", True), "relations[0].symmetric"),
    "description not text": (_edit("labels.0.description", ["a", "b"]), "labels[0].description"),
}


@pytest.mark.parametrize(("data", "path"), BROKEN.values(), ids=list(BROKEN))
def test_broken_codebooks_fail_both(validator: Any, data: Any, path: str) -> None:
    assert _loader_error(data) == path
    assert not _schema_accepts(validator, data), "the JSON Schema accepted it"


# Faults that need to compare values across the file: the loader catches them, JSON Schema can't
# (its description says so).
LOADER_ONLY = {
    "duplicate label": (_edit("labels.1.name", "EVENT"), "labels[1].name"),
    "duplicate key": (_edit("labels.1.key", "e"), "labels[1].key"),
    "duplicate attribute": (
        _edit("labels.0.attributes.2.name", "kind"),
        "labels[0].attributes[2].name",
    ),
    "duplicate value": (
        _edit("labels.0.attributes.3.values", ["x", "x"]),
        "labels[0].attributes[3].values",
    ),
    "unknown role target": (
        _edit("labels.0.roles.0.targets", ["PLACE"]),
        "labels[0].roles[0].targets[0]",
    ),
    "unknown relation label": (_edit("relations.0.to", ["PLACE"]), "relations[0].to[0]"),
    "relation named like a role": (_edit("relations.0.name", "who"), "relations[0].name"),
    "parent not a value": (
        _edit("labels.0.attributes.1.values", [{"value": "x", "parent": "z"}]),
        "labels[0].attributes[1].values[0].parent",
    ),
    "depends_on unknown attribute": (
        _edit("labels.0.attributes.1.depends_on", "nope"),
        "labels[0].attributes[1].depends_on",
    ),
    "min above max": (_edit("labels.0.attributes.2.min", 5), "labels[0].attributes[2].min"),
}


@pytest.mark.parametrize(("data", "path"), LOADER_ONLY.values(), ids=list(LOADER_ONLY))
def test_cross_reference_faults_are_caught_by_loader(validator: Any, data: Any, path: str) -> None:
    assert _loader_error(data) == path
    assert _schema_accepts(validator, data)


# ------------------------------------------------------------------- default codebook content


def test_labels_keys_and_colours(default: cbmod.Codebook) -> None:
    assert default.label_names == LABELS
    assert [lab.key for lab in default.labels] == ["a", "e", "c", "l", "d", "s"]
    colours = [lab.color for lab in default.labels]
    assert len(set(colours)) == len(colours)

    def luminance(colour: str) -> float:
        rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    # A tag's text, black or white (gui/document_view.text_color_on), stays readable on the
    # label colour (WCAG AA); the pinned choice is the one reaching that contrast.
    on_white = {"ACTOR", "EVENT", "LOCATION"}
    for lab in default.labels:
        black = (luminance(lab.color) + 0.05) / 0.05
        white = 1.05 / (luminance(lab.color) + 0.05)
        assert (white if lab.name in on_white else black) >= 4.5, lab.name


def _values(default: cbmod.Codebook, label: str, attr: str) -> tuple[str, ...]:
    lab = default.label(label)
    assert lab is not None
    a = lab.attribute(attr)
    assert a is not None, f"{label}.{attr}"
    return a.value_names


def _attr(default: cbmod.Codebook, label: str, attr: str) -> cbmod.Attribute:
    lab = default.label(label)
    assert lab is not None
    a = lab.attribute(attr)
    assert a is not None, f"{label}.{attr}"
    return a


def test_acled_event_types_and_sub_types(default: cbmod.Codebook) -> None:
    assert _values(default, "EVENT", "event_type") == tuple(ACLED_SUB_TYPES)
    sub = _attr(default, "EVENT", "sub_event_type")
    assert sub.type == "choice"
    assert sub.depends_on == "event_type"
    assert len(sub.values) == 25
    assert {c.value: c.parent for c in sub.values} == {
        s: parent for parent, subs in ACLED_SUB_TYPES.items() for s in subs
    }
    for parent, subs in ACLED_SUB_TYPES.items():
        assert tuple(c.value for c in sub.choices_for(parent)) == subs
    errors = default.attribute_errors(
        "EVENT", {"event_type": "protests", "sub_event_type": "armed_clash"}
    )
    assert errors and "does not belong" in errors[0]
    assert not default.attribute_errors(
        "EVENT", {"event_type": "battles", "sub_event_type": "armed_clash"}
    )


def test_other_event_attributes(default: cbmod.Codebook) -> None:
    assert _values(default, "EVENT", "plover_category") == PLOVER
    assert _values(default, "EVENT", "violence_type") == (
        "state_based",
        "non_state",
        "one_sided",
        "none",
    )
    assert _attr(default, "EVENT", "civilian_targeting").type == "boolean"
    assert _values(default, "EVENT", "modality") == (
        "asserted",
        "reported",
        "future",
        "hypothetical",
        "historical",
        "negated",
    )
    assert _attr(default, "EVENT", "modality").default == "asserted"  # ACE's default modality
    assert default.defaults("EVENT") == {"modality": "asserted"}  # the only default
    assert [lab.name for lab in default.labels if default.defaults(lab.name)] == ["EVENT"]
    assert _values(default, "EVENT", "scope") == ("single", "aggregate")
    assert _values(default, "EVENT", "harm_grade") == (
        "confirmed",
        "fair",
        "weak",
        "contested",
        "discounted",
    )


def test_event_roles(default: cbmod.Codebook) -> None:
    event = default.label("EVENT")
    assert event is not None
    roles = {r.name: (r.targets, r.max) for r in event.roles}
    assert roles == {
        "actor1": (("ACTOR",), 1),
        "actor2": (("ACTOR",), 1),
        "assoc_actor1": (("ACTOR",), None),
        "casualties": (("CASUALTY",), None),
        "place": (("LOCATION",), None),
        "time": (("DATE",), None),
        "source": (("SOURCE",), None),
        "assoc_actor2": (("ACTOR",), None),
    }
    for lab in default.labels:
        if lab.name != "EVENT":
            assert lab.roles == (), lab.name


def test_actor_attributes(default: cbmod.Codebook) -> None:
    assert _values(default, "ACTOR", "category") == (
        "state_forces",
        "rebel_group",
        "political_militia",
        "identity_militia",
        "rioters",
        "protesters",
        "civilians",
        "external_other_forces",
        "unidentified_armed_group",
    )
    country = _attr(default, "ACTOR", "country")
    assert country.type == "text"
    assert "ISO 3166" in country.description and "alpha-3" in country.description
    assert _values(default, "ACTOR", "sector") == (
        "GOV",
        "MIL",
        "COP",
        "REB",
        "OPP",
        "CVL",
        "REF",
        "MED",
        "JRN",
        "IGO",
        "NGO",
    )
    assert _attr(default, "ACTOR", "actor").type == "text"
    assert _values(default, "ACTOR", "mention") == ("name", "nominal", "pronoun")


def test_casualty_attributes(default: cbmod.Codebook) -> None:
    kind = _attr(default, "CASUALTY", "kind")
    assert kind.required
    assert kind.value_names == (
        "killed",
        "injured",
        "killed_or_injured",
        "displaced",
        "missing",
        "abducted",
        "detained",
    )
    assert _values(default, "CASUALTY", "victim") == (
        "civilians",
        "children",
        "women",
        "men",
        "combatants_state",
        "combatants_nonstate",
        "aid_workers",
        "medical",
        "journalists",
        "people_unspecified",
    )
    for name in ("best", "low", "high"):
        a = _attr(default, "CASUALTY", name)
        assert (a.type, a.min, a.max) == ("integer", 0, None)
        assert a.metric == "interval"
    assert _values(default, "CASUALTY", "qualifier") == (
        "exact",
        "at_least",
        "more_than",
        "at_most",
        "less_than",
        "approx",
        "range",
        "vague",
    )
    assert _attr(default, "CASUALTY", "vague_term").type == "text"
    assert _values(default, "CASUALTY", "count_scope") == ("event", "cumulative")
    scope = _attr(default, "CASUALTY", "count_scope")
    assert [a for lab in default.labels for a in lab.attributes if a.required] == [kind, scope]


def test_location_date_source_attributes(default: cbmod.Codebook) -> None:
    assert _values(default, "LOCATION", "admin_level") == (
        "town",
        "admin2",
        "admin1",
        "country",
        "region",
    )
    for label, name in (("LOCATION", "geo_precision"), ("DATE", "time_precision")):
        a = _attr(default, label, name)
        assert (a.type, a.min, a.max) == ("integer", 1, 3)
    assert _attr(default, "LOCATION", "geonames_id").type == "text"
    assert _attr(default, "DATE", "start").type == "date"
    assert _attr(default, "DATE", "end").type == "date"
    assert _values(default, "SOURCE", "source_type") == (
        "news_agency",
        "monitoring_ngo",
        "humanitarian_org",
        "government_official",
        "igo",
        "media_outlet",
        "anonymous",
    )


def test_relations(default: cbmod.Codebook) -> None:
    assert {r.name: (r.sources, r.targets) for r in default.relations} == {
        "subset_of": (("CASUALTY",), ("CASUALTY",)),
        "alternative_to": (("CASUALTY",), ("CASUALTY",)),
        "updates": (("CASUALTY",), ("CASUALTY",)),
        "part_of": (("EVENT",), ("EVENT",)),
        "reported_by": (("EVENT", "CASUALTY"), ("SOURCE",)),
        "cites": (("SOURCE",), ("SOURCE",)),
        "same_as": (("ACTOR",), ("ACTOR",)),
    }
    assert default.link_error("CASUALTY", "subset_of", "CASUALTY") is None
    assert default.link_error("EVENT", "actor1", "ACTOR") is None
    assert default.link_error("EVENT", "actor1", "CASUALTY") is not None


def test_everything_has_a_description(default: cbmod.Codebook) -> None:
    missing: list[str] = []
    for lab in default.labels:
        if not lab.description.strip():
            missing.append(lab.name)
        for a in lab.attributes:
            if not a.description.strip():
                missing.append(f"{lab.name}.{a.name}")
            missing += [
                f"{lab.name}.{a.name}={c.value}" for c in a.values if not c.description.strip()
            ]
        missing += [f"{lab.name} role {r.name}" for r in lab.roles if not r.description.strip()]
    missing += [f"relation {r.name}" for r in default.relations if not r.description.strip()]
    assert not missing, missing


def test_every_label_has_examples_from_the_seed_article(default: cbmod.Codebook) -> None:
    seed = re.sub(r"\s+", " ", SEED.read_text(encoding="utf-8"))
    for lab in default.labels:
        assert lab.examples, lab.name
        assert all(" -> " in e for e in lab.examples), lab.name
        quoted = [e.split(" -> ")[0] for e in lab.examples]
        assert any(q in seed for q in quoted), f"{lab.name}: no example quotes the seed article"


def test_casualty_guideline_marks_the_quantity(default: cbmod.Codebook) -> None:
    casualty = default.label("CASUALTY")
    assert casualty is not None
    assert "more than 600" in casualty.description
    assert "not the victim noun" in casualty.description
    assert any("span '15'" in e for e in casualty.examples)
