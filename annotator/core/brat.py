"""Reading brat standoff ``.ann`` files (https://brat.nlplab.org/standoff.html) into plain data.

:func:`parse_ann` understands every line type brat writes: ``T`` text-bound spans (with
discontinuous fragments ``start end;start end``), ``E`` events, ``R`` relations, ``A``/``M``
attributes and modifiers, ``N`` normalisations, ``#`` notes and ``*`` equivalences. It checks
syntax, ids, references and that each span's text matches the ``.txt`` at its offsets, and
raises :class:`BratError` ``"<file> line N: ..."`` on the first fault. It maps nothing: labels,
roles and attribute names come back as written; turning them into our codebook is the store's
job. Offsets are code points into ``doc_text``, the ``.txt`` exactly as brat saw it (remapping
through newline normalisation is the importer's job too).

Our exporter puts attributes brat cannot type (numbers, text, dates, multi-choice, ``false``)
into an ``AnnotatorNotes`` line such as ``best=15; low=15``; :func:`format_attribute_note` and
:func:`read_attribute_note` are that encoding's two halves.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from annotator.core.codebook import Label

ID_RE = re.compile(r"^[A-Za-z]+\d+$")
NOTE_ID_RE = re.compile(r"^#\d*$")
# What brat (and Python's universal newlines) treat as a line end: a span cannot carry these in
# one .ann line, so they split it into fragments and read back as spaces.
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_TO_SPACE = str.maketrans(dict.fromkeys(LINE_BREAKS, " "))
_JSON_BREAK_ESCAPES = {ord(c): f"\\u{ord(c):04x}" for c in "\x85\u2028\u2029"}
NOTE_PAIR_SEPARATOR = "; "


class BratError(ValueError):
    def __init__(self, source: str, line: int, message: str) -> None:
        self.source = source
        self.line = line
        self.message = message
        super().__init__(f"{source} line {line}: {message}")


@dataclass(frozen=True, slots=True)
class BratSpan:
    id: str
    label: str
    start: int  # the first fragment's start
    end: int  # the last fragment's end
    text: str  # as written in the .ann (fragments joined by a space)
    fragments: tuple[tuple[int, int], ...]
    line: int

    @property
    def discontinuous(self) -> bool:
        return len(self.fragments) > 1


@dataclass(frozen=True, slots=True)
class BratEvent:
    id: str
    label: str
    trigger: str  # id of the T span
    arguments: tuple[tuple[str, str], ...]  # (role as written, e.g. "Theme2", T or E id)
    line: int

    @property
    def roles(self) -> dict[str, list[str]]:
        """role -> ids, brat's numbering of repeated roles undone ("Theme2" -> "Theme").

        A role is taken as a repeat only when it is an earlier role of the same event plus a
        number >= 2, so roles that end in digits themselves (``actor1``, ``actor2``) stay as
        they are.
        """
        out: dict[str, list[str]] = {}
        for role, ref in self.arguments:
            out.setdefault(_base_role(role, out), []).append(ref)
        return out


@dataclass(frozen=True, slots=True)
class BratRelation:
    id: str
    label: str
    arg1: str
    arg2: str
    arg_names: tuple[str, str]  # usually ("Arg1", "Arg2")
    line: int


@dataclass(frozen=True, slots=True)
class BratEquiv:
    label: str  # usually "Equiv"
    ids: tuple[str, ...]
    line: int


@dataclass(frozen=True, slots=True)
class BratAttribute:
    id: str
    name: str
    target: str
    value: str | None  # None: a binary attribute (or M modifier) that is set
    line: int


@dataclass(frozen=True, slots=True)
class BratNormalization:
    id: str
    label: str  # usually "Reference"
    target: str
    resource: str  # e.g. "Wikipedia"
    entry: str  # e.g. "534366"
    text: str
    line: int

    def as_note(self) -> str:
        """How the importer keeps it: we have no normalisation layer, so it becomes a note."""
        ref = f"{self.label} {self.resource}:{self.entry}"
        return f"{ref} ({self.text})" if self.text else ref


@dataclass(frozen=True, slots=True)
class BratNote:
    id: str
    label: str  # usually "AnnotatorNotes"
    target: str
    text: str
    line: int


@dataclass
class ParsedAnn:
    source: str
    spans: list[BratSpan] = field(default_factory=list)
    events: list[BratEvent] = field(default_factory=list)
    relations: list[BratRelation] = field(default_factory=list)
    equivs: list[BratEquiv] = field(default_factory=list)
    attributes: list[BratAttribute] = field(default_factory=list)
    normalizations: list[BratNormalization] = field(default_factory=list)
    notes: list[BratNote] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # "file line N: ..." for lossy readings

    def same_as_pairs(self) -> list[tuple[str, str]]:
        """Each Equiv group as a chain of pairs (T1 T2 T3 -> (T1, T2), (T2, T3))."""
        return [(a, b) for eq in self.equivs for a, b in itertools.pairwise(eq.ids)]


def _base_role(role: str, seen: Mapping[str, object]) -> str:
    for k in range(len(role) - 1, 0, -1):
        suffix = role[k:]
        if not suffix.isdigit():
            break
        if role[:k] in seen and suffix[0] != "0" and int(suffix) >= 2:
            return role[:k]
    return role


def parse_ann(text: str, doc_text: str, source: str) -> ParsedAnn:
    """Parse a whole ``.ann`` file; ``source`` names it in error messages."""
    out = ParsedAnn(source)
    defined: dict[str, str] = {}  # id -> kind letter
    refs: list[tuple[int, str, str]] = []  # (line, id referred to, kinds allowed)
    for number, raw in enumerate(text.removeprefix("\ufeff").split("\n"), start=1):
        line = raw.removesuffix("\r")
        if not line.strip():
            continue
        _Line(out, doc_text, number, line, defined, refs).parse()
    for number, ref, kinds in refs:
        kind = defined.get(ref)
        if kind is None:
            raise BratError(source, number, f"{ref} is not defined in this file")
        if kind not in kinds:
            raise BratError(source, number, f"{ref} cannot be referred to here")
    return out


@dataclass
class _Line:
    out: ParsedAnn
    doc_text: str
    number: int
    line: str
    defined: dict[str, str]
    refs: list[tuple[int, str, str]]

    def fail(self, message: str) -> BratError:
        return BratError(self.out.source, self.number, message)

    def parse(self) -> None:
        ident, sep, rest = self.line.partition("\t")
        if not sep:
            raise self.fail("expected an id, a tab and the annotation (no tab found)")
        data, _, tail = rest.partition("\t")
        kind = ident[:1]
        if kind == "*":
            self.equiv(data)
            return
        if kind == "#":
            if not NOTE_ID_RE.match(ident):
                raise self.fail(f"bad note id {ident!r}")
        elif not ID_RE.match(ident):
            raise self.fail(f"bad annotation id {ident!r}")
        handler = {
            "T": self.span,
            "E": self.event,
            "R": self.relation,
            "A": self.attribute,
            "M": self.attribute,
            "N": self.normalization,
            "#": self.note,
        }.get(kind)
        if handler is None:
            raise self.fail(f"unknown annotation type {kind!r} (expected T, E, R, A, M, N, # or *)")
        if ident in self.defined and ident != "#":
            raise self.fail(f"duplicate id {ident}")
        self.defined[ident] = kind
        handler(ident, data, tail)

    def ref(self, ident: str, kinds: str) -> str:
        if not ID_RE.match(ident):
            raise self.fail(f"bad reference {ident!r}")
        self.refs.append((self.number, ident, kinds))
        return ident

    def span(self, ident: str, data: str, tail: str) -> None:
        label, _, offsets = data.partition(" ")
        if not label or not offsets:
            raise self.fail(f"{ident}: expected 'LABEL START END' before the tab")
        fragments: list[tuple[int, int]] = []
        for part in offsets.split(";"):
            bits = part.split()
            if len(bits) != 2 or not all(b.isdigit() for b in bits):
                raise self.fail(f"{ident}: bad offsets {part.strip()!r} (expected 'START END')")
            s, e = int(bits[0]), int(bits[1])
            if e > len(self.doc_text):
                raise self.fail(
                    f"{ident}: offset {e} is past the end of the text ({len(self.doc_text)} chars)"
                )
            if s >= e:
                raise self.fail(f"{ident}: empty or reversed span {s} {e}")
            fragments.append((s, e))
        ordered = sorted(fragments)
        if any(a[1] > b[0] for a, b in itertools.pairwise(ordered)):
            raise self.fail(f"{ident}: fragments overlap")
        pieces = [self.doc_text[s:e] for s, e in fragments]
        if tail and not _same_text(tail, pieces):
            shown = " ".join(pieces).translate(_TO_SPACE)
            raise self.fail(
                f"{ident}: text {tail!r} does not match the document at {offsets} ({shown!r})"
            )
        start, end = ordered[0][0], ordered[-1][1]
        if len(fragments) > 1:
            self.out.warnings.append(
                f"{self.out.source} line {self.number}: {ident} is discontinuous ({offsets}); "
                f"read as one span {start}-{end}"
            )
        self.out.spans.append(
            BratSpan(
                ident, label, start, end, tail or " ".join(pieces), tuple(fragments), self.number
            )
        )

    def event(self, ident: str, data: str, tail: str) -> None:
        parts = data.split()
        if not parts or ":" not in parts[0]:
            raise self.fail(f"{ident}: expected 'TYPE:TRIGGER role:ID ...'")
        label, _, trigger = parts[0].partition(":")
        if not label:
            raise self.fail(f"{ident}: event without a type")
        args: list[tuple[str, str]] = []
        for part in parts[1:]:
            role, sep, target = part.partition(":")
            if not sep or not role or not target:
                raise self.fail(f"{ident}: bad argument {part!r} (expected 'ROLE:ID')")
            args.append((role, self.ref(target, "TE")))
        self.out.events.append(
            BratEvent(ident, label, self.ref(trigger, "T"), tuple(args), self.number)
        )

    def relation(self, ident: str, data: str, tail: str) -> None:
        parts = data.split()
        if len(parts) != 3:
            raise self.fail(f"{ident}: expected 'TYPE Arg1:ID Arg2:ID'")
        args: list[tuple[str, str]] = []
        for part in parts[1:]:
            name, sep, target = part.partition(":")
            if not sep or not name or not target:
                raise self.fail(f"{ident}: bad argument {part!r} (expected 'NAME:ID')")
            args.append((name, self.ref(target, "TE")))
        (n1, a1), (n2, a2) = args
        self.out.relations.append(BratRelation(ident, parts[0], a1, a2, (n1, n2), self.number))

    def equiv(self, data: str) -> None:
        parts = data.split()
        if len(parts) < 3:
            raise self.fail("expected 'Equiv ID ID ...' with at least two ids")
        ids = tuple(self.ref(p, "TE") for p in parts[1:])
        self.out.equivs.append(BratEquiv(parts[0], ids, self.number))

    def attribute(self, ident: str, data: str, tail: str) -> None:
        parts = data.split(" ", 2)
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise self.fail(f"{ident}: expected 'NAME ID [VALUE]'")
        value = parts[2].strip() if len(parts) == 3 and parts[2].strip() else None
        target = self.ref(parts[1], "TER")
        self.out.attributes.append(BratAttribute(ident, parts[0], target, value, self.number))

    def normalization(self, ident: str, data: str, tail: str) -> None:
        m = re.match(r"^(\S+) (\S+) (\S+?):(\S+)\s*$", data)
        if m is None:
            raise self.fail(f"{ident}: expected 'TYPE ID RESOURCE:ENTRY'")
        label, target, resource, entry = m.groups()
        self.out.normalizations.append(
            BratNormalization(
                ident, label, self.ref(target, "TER"), resource, entry, tail, self.number
            )
        )

    def note(self, ident: str, data: str, tail: str) -> None:
        parts = data.split()
        if len(parts) != 2:
            raise self.fail(f"{ident}: expected 'AnnotatorNotes ID' before the tab")
        target = self.ref(parts[1], "TERAN")
        self.out.notes.append(BratNote(ident, parts[0], target, tail, self.number))


def _same_text(written: str, pieces: list[str]) -> bool:
    """Does the .ann text match the document?

    Forgiven, as brat forgives them: line breaks written as spaces, fragments joined without the
    space (brat < 1.3), and trailing whitespace after the text.
    """
    flat = written.translate(_TO_SPACE)
    for expected in (" ".join(pieces), "".join(pieces)):
        want = expected.translate(_TO_SPACE)
        if flat == want or (flat.startswith(want) and not flat[len(want) :].strip()):
            return True
    return False


# ------------------------------------------------------------- attributes carried in notes


def format_attribute_note(values: Mapping[str, Any]) -> str:
    """``{"best": 15, "low": 15}`` -> ``"best=15; low=15"`` (strings JSON-quoted if needed)."""
    return NOTE_PAIR_SEPARATOR.join(f"{name}={_note_value(v)}" for name, v in values.items())


def _note_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str) and _plain(value):
        return value
    # JSON escapes \n, \r and the C0 breaks itself; these three it leaves raw, and a raw one would
    # end the .ann line.
    return json.dumps(value, ensure_ascii=False).translate(_JSON_BREAK_ESCAPES)


def _plain(value: str) -> bool:
    return (
        bool(value)
        and value == value.strip()
        and NOTE_PAIR_SEPARATOR not in value
        and value[0] not in '"['
        and not any(c in LINE_BREAKS or c == "\t" for c in value)
    )


def read_attribute_note(text: str, label: Label) -> dict[str, Any] | None:
    """The attributes in a note written by :func:`format_attribute_note`, typed by ``label``.

    None when the note is not such a list (every ``name=`` must be an attribute of ``label`` and
    every value must fit its type): then it is an ordinary note.
    """
    decoder = json.JSONDecoder()
    out: dict[str, Any] = {}
    pos = 0
    while pos < len(text):
        eq = text.find("=", pos)
        if eq < 0:
            return None
        attr = label.attribute(text[pos:eq])
        if attr is None or attr.name in out:
            return None
        pos = eq + 1
        value: Any
        if text.startswith(('"', "["), pos):
            try:
                value, pos = decoder.raw_decode(text, pos)
            except ValueError:
                return None
        else:
            nxt = text.find(NOTE_PAIR_SEPARATOR, pos)
            nxt = len(text) if nxt < 0 else nxt
            value, pos = text[pos:nxt], nxt
        if pos < len(text):
            if not text.startswith(NOTE_PAIR_SEPARATOR, pos):
                return None
            pos += len(NOTE_PAIR_SEPARATOR)
        typed = _typed(attr.type, value)
        if typed is None:
            return None
        out[attr.name] = typed
    return out or None


def _typed(kind: str, value: Any) -> Any:
    if kind == "multi_choice":
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return value
        return [value] if isinstance(value, str) and value else None
    if not isinstance(value, str):
        return None
    if kind == "boolean":
        return {"true": True, "false": False}.get(value)
    if kind == "integer":
        if re.fullmatch(r"-?\d+(\.0*)?", value):  # "15.0": a whole number stored as a float
            return int(value.partition(".")[0])
        return None
    if kind == "number":
        try:
            number = float(value)
        except ValueError:
            return None
        return int(number) if re.fullmatch(r"-?\d+", value) else number
    return value
