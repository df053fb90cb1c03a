"""Import of brat standoff (``.txt`` + ``.ann``): brat's own corpora and our exports.

brat types are mapped to codebook labels by name or by ``--map-label THEIRS=OURS`` (which also
maps event roles, relation types and attribute names). A type that maps to nothing is an error
naming the file and line, unless ``--ignore-unknown-labels`` asks to leave such annotations
out; then each is counted in the report as what it is (entity or event type, role, relation,
attribute, modifier), never dropped silently.

What our model holds differently is converted and counted (docs/formats.md): ``M`` modifiers
become boolean attributes, ``N`` normalisations and notes of types other than
``AnnotatorNotes`` become notes, ``*`` equivalences become ``same_as`` links. Each event is its
own EVENT span, also when several events share one trigger. What cannot be kept (attributes and
notes on relations: our links carry neither) is reported line by line. A discontinuous span is
refused with its line unless ``--join-fragments`` reads it as one span (counted); fragments cut
only at line breaks, as brat (and our export) writes a span across lines, are one span anyway.

Offsets: brat's server counts ``\\r\\n`` as one character, so a ``.txt`` with CRLF line ends is
read with that convention first and with ``\\r\\n`` as two characters if the ``.ann`` only fits
that way.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

from annotator.core.brat import (
    LINE_BREAKS,
    BratError,
    BratSpan,
    ParsedAnn,
    parse_ann,
    read_attribute_note,
)
from annotator.core.brat_names import role_from_brat
from annotator.core.codebook import Codebook
from annotator.core.text import Normalised, guess_title_and_date, normalise
from annotator.store.import_model import (
    ImportOptions,
    ImportRejected,
    ImportReport,
    PendingAnnotation,
    PendingDocument,
    PendingLink,
    decode_file,
    read_bytes,
)

NOTE_TYPE = "AnnotatorNotes"


def read_brat(
    txt: Path, options: ImportOptions, codebook: Codebook, report: ImportReport, coder: str = ""
) -> Iterator[PendingDocument]:
    ann_path = txt.with_suffix(".ann")
    if not txt.exists():
        raise ImportRejected(f"{txt}: no such file (every .ann needs its .txt)")
    raw = decode_file(txt, read_bytes(txt, options.max_bytes), options.max_bytes, options.encoding)
    ann_text = ""
    if ann_path.exists():
        data = read_bytes(ann_path, max(options.max_bytes * 10, 2**26))
        ann_text = decode_file(ann_path, data, 2**62, options.encoding) if data.strip() else ""
    base, parsed = _parse(ann_text, raw, str(ann_path))
    converter = _Converter(parsed, base, txt, options, codebook, report, coder or options.coder)
    yield converter.document()


def _parse(ann_text: str, raw: str, source: str) -> tuple[str, ParsedAnn]:
    """The text the offsets count in (CRLF as one character first, as brat's server counts)
    and the parsed ``.ann``."""
    bases = [raw.replace("\r\n", "\n"), raw] if "\r\n" in raw else [raw]
    first: BratError | None = None
    for base in bases:
        try:
            return base, parse_ann(ann_text, base, source)
        except BratError as exc:
            first = first or exc
    assert first is not None
    raise ImportRejected(str(first)) from None


class _Converter:
    def __init__(
        self,
        parsed: ParsedAnn,
        base: str,
        txt: Path,
        options: ImportOptions,
        codebook: Codebook,
        report: ImportReport,
        coder: str,
    ) -> None:
        self.p = parsed
        self.base = base
        self.norm: Normalised = normalise(base)
        self.txt = txt
        self.options = options
        self.cb = codebook
        self.report = report
        self.coder = coder
        self.spans: dict[str, PendingAnnotation] = {}  # brat T id -> annotation
        self.events: dict[str, PendingAnnotation] = {}  # brat E id -> its own EVENT span
        self.left_out: set[str] = set()  # T and E ids left out on request
        self.relations: set[str] = set()  # R ids
        self.joined: set[str] = set()  # T ids of discontinuous spans joined on request
        self.lines: dict[str, int] = {}  # annotation uid -> its .ann line, for messages
        self.filled: dict[tuple[str, str], int] = {}  # (span uid, role) -> links so far

    # ------------------------------------------------------------------ reporting

    def fail_or_skip(self, line: int, what: str, name: str, hint: str) -> None:
        if self.options.ignore_unknown_labels:
            self.count(self.report.dropped, f"{what} '{name}'")
            return
        raise ImportRejected(f"{self.p.source} line {line}: {what} '{name}' {hint}")

    @staticmethod
    def count(counts: dict[str, int], key: str) -> None:
        counts[key] = counts.get(key, 0) + 1

    def not_kept(self, line: int, message: str) -> None:
        self.report.notices.append(f"{self.p.source} line {line}: {message}")

    def mapped(self, name: str) -> str:
        return self.options.label_map.get(name, name)

    # ------------------------------------------------------------------ converting

    def document(self) -> PendingDocument:
        text = self.norm.text
        title, published = guess_title_and_date(text)
        doc = PendingDocument(
            str(self.txt), text, ext_id=self.txt.stem, title=title, published=published
        )
        self._spans()
        self._event_spans()
        links = self._event_links() + self._relations()
        self._attributes()
        self._notes()
        kept = {a.uid: a for a in [*self.spans.values(), *self.events.values()]}
        doc.annotations.extend(kept.values())
        for a in doc.annotations:
            errors = self.cb.attribute_errors(a.label, a.attributes)
            if errors:
                raise ImportRejected(f"{self.p.source} line {self.lines[a.uid]}: {errors[0]}")
        doc.links.extend(links)
        return doc

    def _span(self, s: BratSpan, uid: str, label: str, line: int) -> PendingAnnotation:
        self.lines[uid] = line
        return PendingAnnotation(
            uid=uid,
            coder=self.coder,
            label=label,
            start=self.norm.offset(s.start),
            end=self.norm.offset(s.end),
            attributes={},
        )

    def _continuous(self, s: BratSpan) -> bool:
        """One span as brat must write it (fragments cut only at line breaks), or joined on
        request (counted); otherwise the import is refused with the line."""
        if s.id in self.joined:
            return True
        ordered = sorted(s.fragments)
        gaps = [self.base[a[1] : b[0]] for a, b in itertools.pairwise(ordered)]
        if all(not gap.strip(LINE_BREAKS) for gap in gaps):
            return True
        offsets = ";".join(f"{a} {b}" for a, b in s.fragments)
        if self.options.join_fragments:
            self.count(self.report.converted, "discontinuous spans joined into one span")
            self.joined.add(s.id)  # a trigger of several events is counted once
            return True
        raise ImportRejected(
            f"{self.p.source} line {s.line}: {s.id} is discontinuous ({offsets}) and a span "
            f"here is one stretch of text; import with --join-fragments to read it as "
            f"{s.start}-{s.end}, or split it in brat"
        )

    def _spans(self) -> None:
        triggers = {e.trigger for e in self.p.events}
        labels = ", ".join(self.cb.label_names)
        for s in self.p.spans:
            if s.id in triggers:
                continue  # each of its events becomes a span of its own (_event_spans)
            label = self.mapped(s.label)
            if self.cb.label(label) is None:
                self.left_out.add(s.id)
                self.fail_or_skip(
                    s.line,
                    "entity type",
                    s.label,
                    f"is unknown (codebook labels: {labels}); map it with --map-label "
                    f"{s.label}=LABEL or leave such spans out with --ignore-unknown-labels",
                )
                continue
            if self._continuous(s):
                self.spans[s.id] = self._span(s, s.id, label, s.line)

    def _event_spans(self) -> None:
        """Each event is its own span: two events on one trigger stay two events. The first
        event on a trigger keeps the trigger's T id; the others take their E id."""
        by_id = {s.id: s for s in self.p.spans}
        labels = ", ".join(self.cb.label_names)
        for e in self.p.events:
            s = by_id[e.trigger]
            label = self.mapped(e.label)
            if self.cb.label(label) is None:
                self.left_out.add(e.id)
                self.fail_or_skip(
                    e.line,
                    "event type",
                    e.label,
                    f"is unknown (codebook labels: {labels}); map it with --map-label "
                    f"{e.label}=LABEL or leave such events out with --ignore-unknown-labels",
                )
                continue
            if not self._continuous(s):
                continue
            first = e.trigger not in self.spans
            span = self._span(s, e.trigger if first else e.id, label, e.line)
            if first:
                self.spans[e.trigger] = span
            self.events[e.id] = span

    def _target(self, ref: str) -> PendingAnnotation | None:
        return self.events.get(ref) or self.spans.get(ref)

    def _link(
        self, line: int, uid: str, what: str, src_id: str, role: str, dst_id: str, name: str = ""
    ) -> PendingLink | None:
        """A role filler, relation or equivalence as a link; ``role`` as brat writes it,
        ``name`` the codebook's (default: ``role`` mapped)."""
        src, dst = self._target(src_id), self._target(dst_id)
        if src is None or dst is None:
            self.count(self.report.dropped, f"{what} '{role}' of a left-out span")
            return None
        name = name or self.mapped(role)
        problem = self.cb.link_error(src.label, name, dst.label)
        if problem:
            self.fail_or_skip(line, what, role, f"does not fit: {problem}")
            return None
        mx = self.cb.role_max(src.label, name)
        n = self.filled[(src.uid, name)] = self.filled.get((src.uid, name), 0) + 1
        if mx is not None and n > mx:
            self.fail_or_skip(line, what, role, f"is filled more than {name}'s max {mx}")
            return None
        return PendingLink(uid, self.coder, src.uid, name, dst.uid)

    def _event_links(self) -> list[PendingLink]:
        links = []
        for e in self.p.events:
            if e.id in self.left_out:
                for role, _ref in e.arguments:
                    self.count(self.report.dropped, f"role '{role}' of a left-out event")
                continue
            n = 0
            for role, refs in e.roles.items():
                for ref in refs:
                    n += 1
                    link = self._link(
                        e.line, f"{e.id}-{n}", "role", e.id, role_from_brat(role), ref
                    )
                    if link is not None:
                        links.append(link)
        return links

    def _relations(self) -> list[PendingLink]:
        links = []
        for r in self.p.relations:
            self.relations.add(r.id)
            link = self._link(r.line, r.id, "relation", r.arg1, r.label, r.arg2)
            if link is not None:
                links.append(link)
        n = 0
        for eq in self.p.equivs:
            role = self.mapped(eq.label) if eq.label in self.options.label_map else "same_as"
            for a, b in itertools.pairwise(eq.ids):
                n += 1
                link = self._link(eq.line, f"Equiv{n}", "equivalence", a, eq.label, b, role)
                if link is not None:
                    self.count(self.report.converted, "equivalences (*) read as same_as links")
                    links.append(link)
        return links

    def _attributes(self) -> None:
        for attr in self.p.attributes:
            kind = "modifier" if attr.id.startswith("M") else "attribute"
            target = self._target(attr.target)
            if target is None:
                self._unattached(attr.line, kind, attr.name, attr.target)
                continue
            name = self.mapped(attr.name)
            value: object = True if attr.value is None else attr.value
            errors = self.cb.attribute_errors(target.label, {name: value})
            if errors:
                self.fail_or_skip(attr.line, kind, attr.name, f"does not fit: {errors[0]}")
                continue
            target.attributes[name] = value
            if kind == "modifier":
                self.count(self.report.converted, "modifiers (M) read as attributes")

    def _unattached(self, line: int, what: str, name: str, target: str) -> None:
        if target in self.relations:
            self.not_kept(line, f"{what} '{name}' on relation {target} (links carry no {what}s)")
        elif target in self.left_out or target.startswith(("T", "E")):
            self.count(self.report.dropped, f"{what} '{name}' of a left-out span")
        else:
            self.not_kept(line, f"{what} '{name}' on {target}, which is not a span")

    def _notes(self) -> None:
        for note in self.p.notes:
            target = self._target(note.target)
            if target is None:
                self._unattached(note.line, "note", note.label, note.target)
                continue
            label = self.cb.label(target.label)
            if note.label == NOTE_TYPE:
                values = read_attribute_note(note.text, label) if label is not None else None
                if values is not None:
                    target.attributes.update(values)
                    continue
                text = note.text
            else:
                self.count(self.report.converted, f"notes of type '{note.label}' kept as notes")
                text = f"{note.label}: {note.text}"
            target.note = f"{target.note}\n{text}" if target.note else text
        for norm in self.p.normalizations:
            target = self._target(norm.target)
            if target is None:
                self._unattached(norm.line, "normalisation", norm.label, norm.target)
                continue
            self.count(self.report.converted, "normalisations (N) kept as notes")
            ref = norm.as_note()
            target.note = f"{target.note}\n{ref}" if target.note else ref
