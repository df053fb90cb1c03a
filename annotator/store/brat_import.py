"""Import of brat standoff (``.txt`` + ``.ann``): brat's own corpora and our exports.

brat types are mapped to codebook labels by name or by ``--map-label THEIRS=OURS`` (which also
maps event roles, relation types and attribute names). A type that maps to nothing is an error
naming the file and line, unless ``--ignore-unknown-labels`` asks to leave such annotations
out; then they are counted in the report, never dropped silently.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annotator.core.brat import BratError, ParsedAnn, parse_ann, read_attribute_note
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


def read_brat(
    txt: Path, options: ImportOptions, codebook: Codebook, report: ImportReport
) -> Iterator[PendingDocument]:
    ann_path = txt.with_suffix(".ann")
    if not txt.exists():
        raise ImportRejected(f"{txt}: no such file (every .ann needs its .txt)")
    raw_text = decode_file(
        txt, read_bytes(txt, options.max_bytes), options.max_bytes, options.encoding
    )
    ann_text = ""
    if ann_path.exists():
        data = read_bytes(ann_path, max(options.max_bytes * 10, 2**26))
        ann_text = decode_file(ann_path, data, 2**62, options.encoding) if data.strip() else ""
    try:
        parsed = parse_ann(ann_text, raw_text, str(ann_path))
    except BratError as exc:
        raise ImportRejected(str(exc)) from None
    yield _Converter(parsed, normalise(raw_text), txt, options, codebook, report).document()


class _Converter:
    def __init__(
        self,
        parsed: ParsedAnn,
        norm: Normalised,
        txt: Path,
        options: ImportOptions,
        codebook: Codebook,
        report: ImportReport,
    ) -> None:
        self.p = parsed
        self.norm = norm
        self.txt = txt
        self.options = options
        self.cb = codebook
        self.report = report
        self.coder = options.coder
        self.spans: dict[str, PendingAnnotation] = {}  # brat T id -> annotation
        self.triggers: dict[str, str] = {}  # brat E id -> T id of its trigger
        self.filled: dict[tuple[str, str], int] = {}  # (span uid, role) -> links so far

    def fail_or_skip(self, line: int, what: str, name: str, hint: str) -> None:
        if self.options.ignore_unknown_labels:
            self.report.dropped[name] = self.report.dropped.get(name, 0) + 1
            return
        raise ImportRejected(f"{self.p.source} line {line}: {what} '{name}' {hint}")

    def mapped(self, name: str) -> str:
        return self.options.label_map.get(name, name)

    def document(self) -> PendingDocument:
        text = self.norm.text
        title, published = guess_title_and_date(text)
        doc = PendingDocument(
            str(self.txt), text, ext_id=self.txt.stem, title=title, published=published
        )
        self._spans()
        for a in self.spans.values():
            doc.annotations.append(a)
        doc.links.extend(self._events())
        doc.links.extend(self._relations())
        self._attributes()
        self._notes()
        for span in self.p.spans:
            kept = self.spans.get(span.id)
            errors = self.cb.attribute_errors(kept.label, kept.attributes) if kept else []
            if errors:
                raise ImportRejected(f"{self.p.source} line {span.line}: {errors[0]}")
        # Spans of a type that was left out take their links with them.
        keep = {a.uid for a in doc.annotations}
        doc.links = [k for k in doc.links if k.from_uid in keep and k.to_uid in keep]
        return doc

    def _spans(self) -> None:
        event_types = {e.trigger: e.label for e in self.p.events}
        labels = ", ".join(self.cb.label_names)
        for s in self.p.spans:
            label = self.mapped(event_types.get(s.id, s.label))
            if self.cb.label(label) is None:
                self.fail_or_skip(
                    s.line,
                    "unknown entity type",
                    s.label,
                    f"(codebook labels: {labels}); map it with --map-label {s.label}=LABEL "
                    "or leave such spans out with --ignore-unknown-labels",
                )
                continue
            if len(s.fragments) > 1:
                self.p.warnings.append(f"{self.p.source} line {s.line}: fragments joined")
            self.spans[s.id] = PendingAnnotation(
                uid=s.id,
                coder=self.coder,
                label=label,
                start=self.norm.offset(s.start),
                end=self.norm.offset(s.end),
                attributes={},
            )

    def _target(self, ref: str) -> PendingAnnotation | None:
        return self.spans.get(self.triggers.get(ref, ref))

    def _link(self, line: int, uid: str, src_id: str, role: str, dst_id: str) -> PendingLink | None:
        src, dst = self._target(src_id), self._target(dst_id)
        if src is None or dst is None:
            return None  # an end was left out on request
        name = self.mapped(role)
        problem = self.cb.link_error(src.label, name, dst.label)
        if problem:
            self.fail_or_skip(line, "role or relation", role, f"does not fit: {problem}")
            return None
        mx = self.cb.role_max(src.label, name)
        n = self.filled[(src.uid, name)] = self.filled.get((src.uid, name), 0) + 1
        if mx is not None and n > mx:
            self.fail_or_skip(line, "role", role, f"is filled more than {name}'s max {mx}")
            return None
        return PendingLink(uid, self.coder, src.uid, name, dst.uid)

    def _events(self) -> list[PendingLink]:
        for e in self.p.events:
            self.triggers[e.id] = e.trigger
        links = []
        for e in self.p.events:
            n = 0
            for role, refs in e.roles.items():
                for ref in refs:
                    n += 1
                    link = self._link(e.line, f"{e.id}-{n}", e.id, role_from_brat(role), ref)
                    if link is not None:
                        links.append(link)
        return links

    def _relations(self) -> list[PendingLink]:
        links = []
        for r in self.p.relations:
            link = self._link(r.line, r.id, r.arg1, r.label, r.arg2)
            if link is not None:
                links.append(link)
        for n, (a, b) in enumerate(self.p.same_as_pairs(), start=1):
            line = self.p.equivs[0].line if self.p.equivs else 0
            link = self._link(line, f"Equiv{n}", a, "same_as", b)
            if link is not None:
                links.append(link)
        return links

    def _attributes(self) -> None:
        for attr in self.p.attributes:
            target = self._target(attr.target)
            if target is None:
                continue
            name = self.mapped(attr.name)
            value: object = True if attr.value is None else attr.value
            errors = self.cb.attribute_errors(target.label, {name: value})
            if errors:
                self.fail_or_skip(attr.line, "attribute", attr.name, f"does not fit: {errors[0]}")
                continue
            target.attributes[name] = value

    def _notes(self) -> None:
        for note in self.p.notes:
            target = self._target(note.target)
            if target is None:
                continue
            label = self.cb.label(target.label)
            values = read_attribute_note(note.text, label) if label is not None else None
            if values is not None:
                target.attributes.update(values)
            else:
                target.note = f"{target.note}\n{note.text}" if target.note else note.text
        for norm in self.p.normalizations:
            target = self._target(norm.target)
            if target is not None:
                ref = f"{norm.label}: {norm.resource}:{norm.entry} {norm.text}".strip()
                target.note = f"{target.note}\n{ref}" if target.note else ref
