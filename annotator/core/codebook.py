"""The coding schema: labels, their attributes, event roles and relations.

A codebook is read from YAML (format in docs/codebook.md, JSON Schema in ``schema/``) and validated
here, so that every fault is reported with the path of the offending field, e.g.
``labels[2].attributes[0].values: duplicate 'killed'``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

ATTRIBUTE_TYPES = ("choice", "multi_choice", "integer", "number", "boolean", "text", "date")
LABEL_KEYS = ("name", "color", "key", "description", "examples", "attributes", "roles")
ATTRIBUTE_KEYS = (
    "name",
    "type",
    "values",
    "required",
    "min",
    "max",
    "description",
    "depends_on",
    "default",
)
ROLE_KEYS = ("name", "targets", "max", "description")
RELATION_KEYS = ("name", "from", "to", "description")
CHOICE_KEYS = ("value", "description", "parent")
TOP_KEYS = ("codebook", "version", "title", "description", "labels", "relations")
NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
COLOR_RE = re.compile(r"#[0-9a-fA-F]{6}")
# A label without a colour takes the next of Okabe & Ito's colour-blind-safe colours, in the
# codebook's order (their black is left out: a span's tint is a share of its colour).
DEFAULT_COLORS = ("#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7")
# Shortcut keys: one lowercase letter or digit. Upper case is left to the GUI for "other" uses.
KEY_RE = re.compile(r"[a-z0-9]")


class CodebookError(ValueError):
    """A codebook fault, with the dotted path of the field at fault."""

    def __init__(self, path: str, message: str, source: str = "", line: int = 0) -> None:
        self.path = path
        self.message = message
        self.source = source
        self.line = line  # in the YAML text, when it came from one (0: unknown)
        where = f"{source}: " if source else ""
        field_ = f"{path} (line {line})" if path and line else path
        super().__init__(f"{where}{field_}: {message}" if path else f"{where}{message}")


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    description: str = ""
    parent: str = ""  # value of the attribute named by ``depends_on`` this choice belongs to


@dataclass(frozen=True, slots=True)
class Attribute:
    name: str
    type: str
    values: tuple[Choice, ...] = ()
    required: bool = False
    min: float | None = None
    max: float | None = None
    description: str = ""
    depends_on: str = ""
    default: Any = None  # prefilled in a new span's form

    @property
    def value_names(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.values)

    def choices_for(self, parent_value: str | None) -> tuple[Choice, ...]:
        """The choices allowed when the attribute this depends on has ``parent_value``."""
        if not self.depends_on or not parent_value:
            return self.values
        return tuple(c for c in self.values if c.parent == parent_value)

    @property
    def metric(self) -> str:
        """The agreement metric that fits this attribute ('' when none does)."""
        if self.type in ("choice", "multi_choice", "boolean"):
            return "nominal"
        if self.type in ("integer", "number"):
            return "interval"
        return ""


@dataclass(frozen=True, slots=True)
class Role:
    name: str
    targets: tuple[str, ...]
    max: int | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class Label:
    name: str
    color: str
    key: str = ""
    description: str = ""
    examples: tuple[str, ...] = ()
    attributes: tuple[Attribute, ...] = ()
    roles: tuple[Role, ...] = ()

    def attribute(self, name: str) -> Attribute | None:
        for a in self.attributes:
            if a.name == name:
                return a
        return None

    def role(self, name: str) -> Role | None:
        for r in self.roles:
            if r.name == name:
                return r
        return None


@dataclass(frozen=True, slots=True)
class Relation:
    name: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    description: str = ""


@dataclass(frozen=True)
class Codebook:
    name: str
    version: int
    title: str
    labels: tuple[Label, ...]
    relations: tuple[Relation, ...] = ()
    description: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def label(self, name: str) -> Label | None:
        for lab in self.labels:
            if lab.name == name:
                return lab
        return None

    def relation(self, name: str) -> Relation | None:
        for rel in self.relations:
            if rel.name == name:
                return rel
        return None

    @property
    def label_names(self) -> tuple[str, ...]:
        return tuple(lab.name for lab in self.labels)

    def attribute_metrics(self) -> dict[str, str]:
        """``"LABEL.attr" -> metric`` for every attribute agreement can be computed on."""
        return {
            f"{lab.name}.{a.name}": a.metric
            for lab in self.labels
            for a in lab.attributes
            if a.metric
        }

    def link_names(self, from_label: str) -> list[str]:
        """Roles and relations that may start at a span of ``from_label``."""
        out: list[str] = []
        lab = self.label(from_label)
        if lab is not None:
            out.extend(r.name for r in lab.roles)
        out.extend(r.name for r in self.relations if from_label in r.sources)
        return out

    def link_error(self, from_label: str, role: str, to_label: str) -> str | None:
        """Why a link ``from_label -role-> to_label`` is not allowed, or None if it is."""
        lab = self.label(from_label)
        r = lab.role(role) if lab is not None else None
        if r is not None:
            if to_label not in r.targets:
                return f"role '{role}' of {from_label} takes {', '.join(r.targets)}, not {to_label}"
            return None
        rel = self.relation(role)
        if rel is None:
            return f"unknown role or relation '{role}' for {from_label}"
        if from_label not in rel.sources:
            return f"relation '{role}' goes from {', '.join(rel.sources)}, not {from_label}"
        if to_label not in rel.targets:
            return f"relation '{role}' goes to {', '.join(rel.targets)}, not {to_label}"
        return None

    def role_max(self, from_label: str, role: str) -> int | None:
        lab = self.label(from_label)
        r = lab.role(role) if lab is not None else None
        return r.max if r is not None else None

    def attribute_errors(self, label: str, attributes: Mapping[str, Any]) -> list[str]:
        """Problems with ``attributes`` of a span of ``label`` (empty when they are fine).

        ``required`` is not checked here: it only blocks marking a document done.
        """
        lab = self.label(label)
        if lab is None:
            return [f"unknown label '{label}'"]
        errors: list[str] = []
        for name, value in attributes.items():
            attr = lab.attribute(name)
            if attr is None:
                errors.append(f"{label}.{name}: unknown attribute")
                continue
            if value is None or value == "" or value == []:
                continue
            problem = value_error(attr, value, attributes.get(attr.depends_on))
            if problem:
                errors.append(f"{label}.{name}: {problem}")
        return errors

    def defaults(self, label: str) -> dict[str, Any]:
        """The attribute values a new span of ``label`` starts with."""
        lab = self.label(label)
        if lab is None:
            return {}
        return {a.name: a.default for a in lab.attributes if a.default is not None}

    def missing_required(self, label: str, attributes: Mapping[str, Any]) -> list[str]:
        lab = self.label(label)
        if lab is None:
            return []
        return [
            a.name
            for a in lab.attributes
            if a.required and attributes.get(a.name) in (None, "", [])
        ]

    def to_yaml(self) -> str:
        return yaml.safe_dump(dict(self.raw), sort_keys=False, allow_unicode=True)


def value_error(attr: Attribute, value: Any, parent_value: Any = None) -> str | None:
    """Why ``value`` is not valid for ``attr`` (None when it is)."""
    t = attr.type
    if t == "choice":
        if not isinstance(value, str) or value not in attr.value_names:
            return f"{value!r} is not one of {', '.join(attr.value_names)}"
        if attr.depends_on and isinstance(parent_value, str) and parent_value:
            allowed = {c.value for c in attr.choices_for(parent_value)}
            if value not in allowed:
                return f"{value!r} does not belong to {attr.depends_on} {parent_value!r}"
        return None
    if t == "multi_choice":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return "must be a list of values"
        bad = [v for v in value if v not in attr.value_names]
        return f"{bad[0]!r} is not one of {', '.join(attr.value_names)}" if bad else None
    if t in ("integer", "number"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"{value!r} is not a number"
        if t == "integer" and not (isinstance(value, int) or float(value).is_integer()):
            return f"{value!r} is not a whole number"
        if attr.min is not None and value < attr.min:
            return f"{value!r} is below the minimum {attr.min:g}"
        if attr.max is not None and value > attr.max:
            return f"{value!r} is above the maximum {attr.max:g}"
        return None
    if t == "boolean":
        return None if isinstance(value, bool) else f"{value!r} is not true or false"
    if t == "text":
        return None if isinstance(value, str) else f"{value!r} is not text"
    if t == "date":
        if not isinstance(value, str):
            return f"{value!r} is not an ISO date"
        try:
            date.fromisoformat(value)
        except ValueError:
            return f"{value!r} is not an ISO date (YYYY-MM-DD)"
        return None
    return f"unknown attribute type {t!r}"


# ---------------------------------------------------------------------------------- loading


MAX_CODEBOOK_BYTES = 1_000_000
"""A codebook is guidelines and lists of values: a few hundred KB at most. The limit keeps a
wrong file (a data dump, a YAML bomb of aliases) from stalling the program."""


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a codebook file; errors name the file and the field."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_CODEBOOK_BYTES:
            raise CodebookError("", _too_large(size), str(p))
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CodebookError("", "no such file", str(p)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CodebookError("", f"cannot read: {exc}", str(p)) from None
    try:
        return parse_codebook(text)
    except CodebookError as exc:
        raise CodebookError(exc.path, exc.message, str(p), exc.line) from None


def _too_large(size: int) -> str:
    return f"{size:,} bytes, over the limit of {MAX_CODEBOOK_BYTES:,} for a codebook"


# libyaml's loader when PyYAML has it: the pure-Python one takes ~0.25 s on the default codebook.
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc]
    """YAML keeps the last of two equal keys without a word; in a codebook that silently drops
    a label's attributes or a value's description, so a repeated key is an error."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        first: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":  # "<<: *base" may be overridden
                continue
            key = self.construct_object(key_node, deep=deep)
            line = key_node.start_mark.line + 1
            try:
                if key in first:
                    raise CodebookError(
                        f"line {line}",
                        f"duplicate key {key!r} (already given on line {first[key]})",
                    )
                first[key] = line
            except TypeError:  # an unhashable key: the base class reports it
                continue
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping

    # Where each key and item stood, so that a fault found later names its line.
    def construct_yaml_map(self, node: yaml.MappingNode) -> Any:
        data: dict[Any, Any] = {}
        yield data
        data.update(self.construct_mapping(node))
        lines: dict[Any, int] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                lines.setdefault(key_node.value, key_node.start_mark.line + 1)
        self.lines[id(data)] = lines

    def construct_yaml_seq(self, node: yaml.SequenceNode) -> Any:
        data: list[Any] = []
        yield data
        data.extend(self.construct_sequence(node))
        self.lines[id(data)] = [item.start_mark.line + 1 for item in node.value]


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_yaml_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_yaml_seq)
_STEP_RE = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _line_of(data: Any, path: str, lines: dict[int, Any]) -> int:
    """The line of the YAML text that holds the field at ``path`` ("labels[2].key"), or of
    the nearest enclosing one that is there; 0 when none is known."""
    found, node = 0, data
    for name, index in _STEP_RE.findall(path):
        where = lines.get(id(node))
        if name and isinstance(node, dict) and isinstance(where, dict) and name in node:
            found = where.get(name, found)
            node = node[name]
        elif index and isinstance(node, list) and isinstance(where, list):
            i = int(index)
            if i >= len(node):
                break
            found = where[i] if i < len(where) else found
            node = node[i]
        else:
            break
    return found


def parse_codebook(text: str) -> Codebook:
    size = len(text.encode("utf-8"))
    if size > MAX_CODEBOOK_BYTES:
        raise CodebookError("", _too_large(size))
    loader = _Loader(text)
    loader.lines = {}
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise CodebookError(where, f"invalid YAML: {problem}") from None
    except CodebookError:
        raise
    except ValueError as exc:  # a scalar YAML reads as a date or time that is not one
        raise CodebookError("", f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    try:
        return codebook_from_dict(data)
    except CodebookError as exc:
        line = exc.line or _line_of(data, exc.path, loader.lines)
        raise CodebookError(exc.path, exc.message, exc.source, line) from None


def codebook_from_dict(data: Any) -> Codebook:
    if not isinstance(data, dict):
        raise CodebookError("", "a codebook must be a mapping with 'codebook', 'version', 'labels'")
    _no_unknown_keys(data, TOP_KEYS, "")
    name = _name(data.get("codebook"), "codebook")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise CodebookError("version", "must be a whole number >= 1")
    title = _text(data.get("title", name), "title")
    raw_labels = data.get("labels")
    if not isinstance(raw_labels, list) or not raw_labels:
        raise CodebookError("labels", "must be a non-empty list")
    labels = [_label(raw, f"labels[{i}]", i) for i, raw in enumerate(raw_labels)]
    _unique((lab.name for lab in labels), "labels", "name")
    keys: dict[str, str] = {}
    for i, lab in enumerate(labels):
        if lab.key:
            if lab.key in keys:
                raise CodebookError(
                    f"labels[{i}].key", f"shortcut {lab.key!r} is already used by {keys[lab.key]}"
                )
            keys[lab.key] = lab.name
    names = {lab.name for lab in labels}
    for i, lab in enumerate(labels):
        for j, role in enumerate(lab.roles):
            for k, target in enumerate(role.targets):
                if target not in names:
                    raise CodebookError(
                        f"labels[{i}].roles[{j}].targets[{k}]", f"unknown label {target!r}"
                    )
    raw_relations = data.get("relations", []) or []
    if not isinstance(raw_relations, list):
        raise CodebookError("relations", "must be a list")
    relations = [_relation(raw, f"relations[{i}]", names) for i, raw in enumerate(raw_relations)]
    _unique((r.name for r in relations), "relations", "name")
    role_names = {role.name for lab in labels for role in lab.roles}
    for i, rel in enumerate(relations):
        if rel.name in role_names:
            raise CodebookError(f"relations[{i}].name", f"{rel.name!r} is also an event role")
    return Codebook(
        name=name,
        version=version,
        title=title,
        labels=tuple(labels),
        relations=tuple(relations),
        description=_text(data.get("description", ""), "description"),
        raw=data,
    )


def _label(raw: Any, path: str, index: int = 0) -> Label:
    if not isinstance(raw, dict):
        raise CodebookError(path, "must be a mapping")
    _no_unknown_keys(raw, LABEL_KEYS, path)
    name = _name(raw.get("name"), f"{path}.name")
    color = raw.get("color")
    if color is None:  # the codebook's own colour wins; else the default palette's
        color = DEFAULT_COLORS[index % len(DEFAULT_COLORS)]
    if not isinstance(color, str) or not COLOR_RE.fullmatch(color):
        raise CodebookError(f"{path}.color", f"{color!r} is not a colour like '#e15759'")
    key = raw.get("key", "")
    if key is None:
        key = ""
    if not isinstance(key, str) or (key and not KEY_RE.fullmatch(key)):
        raise CodebookError(f"{path}.key", f"{key!r} is not a single lowercase letter or digit")
    examples = raw.get("examples", []) or []
    if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
        raise CodebookError(f"{path}.examples", "must be a list of strings")
    raw_attrs = raw.get("attributes", []) or []
    if not isinstance(raw_attrs, list):
        raise CodebookError(f"{path}.attributes", "must be a list")
    attrs = [_attribute(a, f"{path}.attributes[{i}]") for i, a in enumerate(raw_attrs)]
    _unique((a.name for a in attrs), f"{path}.attributes", "name")
    by_name = {a.name: a for a in attrs}
    for i, a in enumerate(attrs):
        if not a.depends_on:
            continue
        parent = by_name.get(a.depends_on)
        apath = f"{path}.attributes[{i}]"
        if parent is None or parent.type != "choice" or a.type != "choice":
            raise CodebookError(
                f"{apath}.depends_on", f"{a.depends_on!r} is not a choice attribute of this label"
            )
        for j, c in enumerate(a.values):
            if c.parent not in parent.value_names:
                raise CodebookError(
                    f"{apath}.values[{j}].parent",
                    f"{c.parent!r} is not a value of {a.depends_on}",
                )
    raw_roles = raw.get("roles", []) or []
    if not isinstance(raw_roles, list):
        raise CodebookError(f"{path}.roles", "must be a list")
    roles = [_role(r, f"{path}.roles[{i}]") for i, r in enumerate(raw_roles)]
    _unique((r.name for r in roles), f"{path}.roles", "name")
    return Label(
        name=name,
        color=color.lower(),
        key=key,
        description=_text(raw.get("description", ""), f"{path}.description"),
        examples=tuple(examples),
        attributes=tuple(attrs),
        roles=tuple(roles),
    )


def _attribute(raw: Any, path: str) -> Attribute:
    if not isinstance(raw, dict):
        raise CodebookError(path, "must be a mapping")
    _no_unknown_keys(raw, ATTRIBUTE_KEYS, path)
    name = _name(raw.get("name"), f"{path}.name")
    t = raw.get("type")
    if t not in ATTRIBUTE_TYPES:
        raise CodebookError(
            f"{path}.type", f"unknown type {t!r} (one of {', '.join(ATTRIBUTE_TYPES)})"
        )
    values: list[Choice] = []
    if t in ("choice", "multi_choice"):
        raw_values = raw.get("values")
        if not isinstance(raw_values, list) or not raw_values:
            raise CodebookError(f"{path}.values", "a choice needs a non-empty list of values")
        seen: set[str] = set()
        for i, v in enumerate(raw_values):
            choice = _choice(v, f"{path}.values[{i}]")
            if choice.value in seen:
                raise CodebookError(f"{path}.values", f"duplicate {choice.value!r}")
            seen.add(choice.value)
            values.append(choice)
        if raw.get("depends_on"):
            for i, c in enumerate(values):
                if not c.parent:
                    raise CodebookError(f"{path}.values[{i}].parent", "missing (depends_on is set)")
    elif "values" in raw:
        raise CodebookError(f"{path}.values", f"only choice attributes have values, not {t}")
    required = raw.get("required", False)
    if not isinstance(required, bool):
        raise CodebookError(f"{path}.required", "must be true or false")
    bounds: dict[str, float | None] = {}
    for b in ("min", "max"):
        v = raw.get(b)
        if v is not None and (
            t not in ("integer", "number") or isinstance(v, bool) or not isinstance(v, (int, float))
        ):
            raise CodebookError(
                f"{path}.{b}", "only integer and number attributes take a number here"
            )
        bounds[b] = v
    if bounds["min"] is not None and bounds["max"] is not None and bounds["min"] > bounds["max"]:
        raise CodebookError(f"{path}.min", "is greater than max")
    depends_on = raw.get("depends_on", "") or ""
    if not isinstance(depends_on, str):
        raise CodebookError(f"{path}.depends_on", "must be an attribute name")
    attribute = Attribute(
        name=name,
        type=t,
        values=tuple(values),
        required=required,
        min=bounds["min"],
        max=bounds["max"],
        description=_text(raw.get("description", ""), f"{path}.description"),
        depends_on=depends_on,
        default=_unquoted_date(raw.get("default")),
    )
    if attribute.default is not None:
        problem = value_error(attribute, attribute.default)
        if problem:
            raise CodebookError(f"{path}.default", problem)
    return attribute


def _unquoted_date(value: Any) -> Any:
    """``default: 2019-07-28`` without quotes reads as a date in YAML: the ISO text meant."""
    return value.isoformat() if isinstance(value, date) else value


def _choice(raw: Any, path: str) -> Choice:
    if isinstance(raw, bool) or raw is None:
        raise CodebookError(path, "a value must be a string or {value, description}")
    if isinstance(raw, (str, int, float)):
        value = str(raw)
        if not value.strip():
            raise CodebookError(path, "empty value")
        return Choice(value)
    if isinstance(raw, dict):
        _no_unknown_keys(raw, CHOICE_KEYS, path)
        raw_value = raw.get("value")
        if (
            not isinstance(raw_value, (str, int, float))
            or isinstance(raw_value, bool)
            or not str(raw_value).strip()
        ):
            raise CodebookError(f"{path}.value", "missing, empty or not a string")
        parent = raw.get("parent", "") or ""
        if not isinstance(parent, str):
            raise CodebookError(f"{path}.parent", "must be a string")
        return Choice(
            str(raw_value), _text(raw.get("description", ""), f"{path}.description"), parent
        )
    raise CodebookError(path, "a value must be a string or {value, description}")


def _role(raw: Any, path: str) -> Role:
    if not isinstance(raw, dict):
        raise CodebookError(path, "must be a mapping")
    _no_unknown_keys(raw, ROLE_KEYS, path)
    name = _name(raw.get("name"), f"{path}.name")
    targets = _label_list(raw.get("targets"), f"{path}.targets")
    mx = raw.get("max")
    if mx is not None and (isinstance(mx, bool) or not isinstance(mx, int) or mx < 1):
        raise CodebookError(f"{path}.max", "must be a whole number >= 1 (omit it for no limit)")
    return Role(name, targets, mx, _text(raw.get("description", ""), f"{path}.description"))


def _relation(raw: Any, path: str, names: set[str]) -> Relation:
    if not isinstance(raw, dict):
        raise CodebookError(path, "must be a mapping")
    _no_unknown_keys(raw, RELATION_KEYS, path)
    name = _name(raw.get("name"), f"{path}.name")
    sources = _label_list(raw.get("from"), f"{path}.from")
    targets = _label_list(raw.get("to"), f"{path}.to")
    for key, group in (("from", sources), ("to", targets)):
        for k, lab in enumerate(group):
            if lab not in names:
                raise CodebookError(f"{path}.{key}[{k}]", f"unknown label {lab!r}")
    return Relation(
        name, sources, targets, _text(raw.get("description", ""), f"{path}.description")
    )


def _label_list(raw: Any, path: str) -> tuple[str, ...]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw or not all(isinstance(x, str) for x in raw):
        raise CodebookError(path, "must be a non-empty list of label names")
    return tuple(raw)


def _name(raw: Any, path: str) -> str:
    if not isinstance(raw, str) or not raw:
        raise CodebookError(path, "missing name")
    if not NAME_RE.fullmatch(raw):
        raise CodebookError(path, f"{raw!r} is not a valid name (letters, digits, _ and -)")
    return raw


def _text(raw: Any, path: str) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise CodebookError(path, "must be text")
    return raw


def _unique(names: Iterable[str], path: str, what: str) -> None:
    seen: set[str] = set()
    for i, n in enumerate(names):
        if n in seen:
            raise CodebookError(f"{path}[{i}].{what}", f"duplicate {n!r}")
        seen.add(n)


def _no_unknown_keys(raw: Mapping[str, Any], allowed: tuple[str, ...], path: str) -> None:
    for key in raw:
        if key not in allowed:
            where = f"{path}.{key}" if path else str(key)
            raise CodebookError(where, f"unknown field (expected one of {', '.join(allowed)})")
