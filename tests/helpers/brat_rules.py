"""brat's own rules for annotation.conf and .ann event arguments, reimplemented for tests.

Follows brat 1.3's ``server/src/projectconfig.py`` (``__parse_configs``,
``__read_term_hierarchy``, ``TypeHierarchyNode``) and ``verify_annotations.py``
(``event_nonum_args`` and the argument checks) rule by rule; every message brat would show as a
warning or error is collected as a problem, so "no problems" means the file loads in brat
without a message. Only what our generated files use is needed, but each rule is kept whole.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field

RESERVED_NAMES = [
    "ANY", "ENTITY", "RELATION", "EVENT", "NONE", "EMPTY", "REL-TYPE", "URL", "URLBASE",
    "GLYPH-POS", "DEFAULT", "NORM", "OVERLAP", "OVL-TYPE", "INHERIT",
]  # fmt: skip
RESERVED = [f"<{n}>" for n in RESERVED_NAMES]
SPECIAL_RELATION_TYPES = {"ENTITY-NESTING", "<OVERLAP>"}
SECTIONS = ("entities", "relations", "events", "attributes")


@dataclass
class Node:
    terms: list[str]
    args: dict[str, list[str]] = field(default_factory=dict)
    min_count: dict[str, int] = field(default_factory=dict)
    max_count: dict[str, int] = field(default_factory=dict)


@dataclass
class Config:
    sections: dict[str, list[Node]]
    problems: list[str]

    def types(self, section: str) -> dict[str, Node]:
        return {n.terms[0]: n for n in self.sections.get(section, [])}


def _node(terms: list[str], args: list[str], problems: list[str]) -> Node:
    if not terms or any(t == "" for t in terms):
        problems.append("empty term")
    terms = [t[1:] if t.startswith("!") else t for t in terms]
    if (
        terms[0] not in SPECIAL_RELATION_TYPES
        and re.sub(r"[^a-zA-Z0-9_-]", "_", terms[0]) != (terms[0])
    ):
        problems.append(f"term {terms[0]!r} is not appropriate for storage")
    node = Node(terms)
    for a in (a.strip() for a in args):
        m = re.match(r"^(\S*?):(\S*)$", a)
        if not m:
            problems.append(f"failed to parse argument {a!r}")
            continue
        key, atypes = m.groups()
        if key in RESERVED:
            continue
        m = re.match(r"^(\S+?)(\{\S+\}|\?|\*|\+|)$", key)
        if not m:
            problems.append(f"error parsing argument {key!r}")
            continue
        key, rep = m.groups()
        lo, hi = {"": (1, 1), "?": (0, 1), "*": (0, sys.maxsize), "+": (1, sys.maxsize)}.get(
            rep, (-1, -1)
        )
        if lo < 0:
            r = re.match(r"\{(\d+)(?:-(\d+))?\}$", rep)
            if not r:
                problems.append(f"error parsing range {rep!r} in argument {key + rep!r}")
                continue
            lo = int(r.group(1))
            hi = int(r.group(2)) if r.group(2) is not None else lo
            if r.group(2) is None and lo == 0:
                problems.append(f"cannot have exactly 0 repetitions of {key + rep!r}")
            if lo > hi:
                problems.append(f"invalid range {lo}-{hi} for argument {key + rep!r}")
        if hi > 1 and key[-1].isdigit():
            problems.append(f"arguments ending with a digit cannot be repeated: {key + rep!r}")
        if key in node.args:
            problems.append(f"argument {key!r} appears multiple times")
        node.min_count[key], node.max_count[key] = lo, hi
        for atype in atypes.split("|"):
            if atype.strip() == "":
                problems.append(f"empty type for argument {a!r}")
            node.args.setdefault(key, []).append(atype)
    return node


def parse_conf(text: str) -> Config:
    problems: list[str] = []
    section = "general"
    lines: dict[str, list[str]] = {section: []}
    for line in text.split("\n"):
        m = re.match(r"^\s*\[(.*)\]\s*$", line)
        if m:
            section = {"spans": "entities"}.get(m.group(1), m.group(1))
            if section not in SECTIONS:
                problems.append(f"unexpected section [{section}]")
            lines.setdefault(section, [])
        else:
            lines[section].append(line)
    sections: dict[str, list[Node]] = {}
    for name, body in lines.items():
        nodes: list[Node] = []
        depth_nodes: dict[int, Node] = {}
        for line in body:
            if line.strip() == "" or re.match(r"^\s*#", line) or re.match(r"^\s*-+\s*$", line):
                continue
            if re.match(r"^<([a-zA-Z_-]+)>=\s*(.*?)\s*$", line):
                problems.append("macros are not used by our files")
                continue
            for macro in re.finditer(r"(<.*?>)", line):
                if macro.group(1) not in RESERVED:
                    problems.append(f"undefined macro {macro.group(1)}")
            m = re.match(r"^(\s*)(\S+)(?:\s+(.*))?$", line)
            assert m is not None
            indent, terms, args = m.groups()
            term_list = [t.strip() for t in terms.split("|") if t.strip() != ""]
            arg_list = [a.strip() for a in (args or "").split(",") if a.strip() != ""]
            if any(re.search(r"\s", x) for x in arg_list) and "\t" in line:
                problems.append(f"space in term name(s) on line {line!r}")
            node = _node(term_list, arg_list, problems)
            depth = len(indent)
            if depth and depth - 1 not in depth_nodes:
                problems.append(f"no parent for {line!r}")
            if depth == 0:
                nodes.append(node)
            depth_nodes[depth] = node
        sections[name] = nodes
    for s in SECTIONS:
        if s not in sections:
            problems.append(f"missing section [{s}]")
    return Config(sections, problems)


def check_events(
    conf: Config, types: dict[str, str], events: list[tuple[str, str, list[tuple[str, str]]]]
) -> list[str]:
    """brat's argument checks of ``E`` lines: ``events`` are (id, type, [(role, target id)]),
    ``types`` the type of every T and E id."""
    problems: list[str] = []
    known = conf.types("events")
    for eid, etype, args in events:
        node = known.get(etype)
        if node is None:
            problems.append(f"{eid}: {etype} is not a known event type")
            continue
        nonum: dict[str, list[str]] = {}
        for role, target in args:
            m = re.match(r"^(.*?)\d*$", role)
            base = m.group(1) if m else role
            nonum.setdefault(base, []).append(target)
        for key, lo in node.min_count.items():
            if lo > 0 and key not in nonum:
                problems.append(f"{eid}: {key} required for event")
        for role, targets in nonum.items():
            if role not in node.args:
                problems.append(f"{eid}: {etype} cannot take a {role} argument")
                continue
            for t in targets:
                if types[t] not in node.args[role] and "<ANY>" not in node.args[role]:
                    problems.append(f"{eid}: argument {role} cannot be of type {types[t]}")
            if len(targets) > 1 and node.max_count[role] <= 1:
                problems.append(f"{eid}: {etype} cannot take multiple {role} arguments")
    return problems
