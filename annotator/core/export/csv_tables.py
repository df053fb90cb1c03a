"""CSV export: a bundle of tidy tables that load in pandas or R without post-processing.

``write_csv`` writes a folder, all or none (see :mod:`.staging`; every file and column is
described in docs/formats.md and, for programs, in the bundle's own ``schema.json``):

- ``documents.csv``: ``id, title, source, url, published, language, metadata, text_file, text``
  (``metadata`` as a JSON object). The key is called ``id`` so that the file imports back with
  ``annotator import --format csv``; the other tables refer to it as ``document_id``.
- ``texts/<file>.txt``: each document's text verbatim (UTF-8, no BOM), named in ``text_file``.
  Every offset in every table counts code points in these files. The ``text`` column is there
  for reading, but like every text cell it is guarded against formulas (below), which shifts
  offsets of a text starting with ``=``, ``+``, ``-`` or ``@``.
- ``annotations.csv``: one row per span: ``document_id, annotation_id, coder, label, start,
  end, text, note, codebook_version, source`` (the ``coder:uid`` a gold span was taken from,
  named ``source`` as in JSONL), then one column per attribute of the codebook, then
  ``other_attributes`` (a JSON object of attributes the codebook no longer defines, or whose
  value does not fit the column's type, so a changed codebook never loses data and every
  column keeps one type).
- ``links.csv``: ``document_id, link_id, coder, from_id, from_label, from_text, role, to_id,
  to_label, to_text``.
- ``events.csv``: one row per EVENT span, see :mod:`.events` (and :mod:`.acled`).
- ``claims.csv``: one row per casualty figure and event, see :mod:`.claims`.
- ``adjudication.csv``: the reviewer's decisions and notes on the exported documents.
- ``schema.json``: the data dictionary (:mod:`.schema`).

Attribute columns are named by the attribute alone (``kind``, ``best``, ``event_type``), which is
what an analyst types. A name gets its label as a prefix (``DATE.start``) only when it would be
ambiguous: when it clashes with a fixed column (DATE's ``start``/``end`` vs. the span offsets), or
when two labels have an attribute of that name with a different meaning (different type or
values). Labels whose attribute of a name means the same thing share one column.

Cells: multi-choice values joined with ``; ``, booleans ``true``/``false``, numbers as numbers,
empty cell for no value, text protected against formula injection (see :mod:`.cells`). UTF-8,
header row, ``\\n`` line ends.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from annotator.core.codebook import Attribute, Codebook
from annotator.core.export import claims, schema
from annotator.core.export.acled import References
from annotator.core.export.bundle import (
    Decision,
    DocumentBundle,
    ExportStats,
    Progress,
    check_links,
    document_key,
    sorted_annotations,
    sorted_links,
)
from annotator.core.export.cells import (
    UNSAFE_STARTS,
    Cell,
    CsvTable,
    join_cell,
    text_cell,
    typed_cell,
)
from annotator.core.export.events import EventTable
from annotator.core.export.names import file_stem
from annotator.core.export.staging import atomic_directory
from annotator.core.records import Annotation, Link

DOCUMENT_COLUMNS = tuple(c[0] for c in schema.DOCUMENT_COLUMNS)
ANNOTATION_COLUMNS = tuple(c[0] for c in schema.ANNOTATION_COLUMNS)
OTHER_ATTRIBUTES = schema.OTHER_ATTRIBUTES[0]
LINK_COLUMNS = tuple(c[0] for c in schema.LINK_COLUMNS)
ADJUDICATION_COLUMNS = tuple(c[0] for c in schema.ADJUDICATION_COLUMNS)
TABLES = (
    "documents.csv", "annotations.csv", "links.csv", "events.csv", "claims.csv",
    "adjudication.csv",
)  # fmt: skip
FILES = (*TABLES, "schema.json")  # and texts/<file>.txt
TEXTS = "texts"
CSV_SUFFIXES = (".csv", ".json", ".txt")  # what a CSV bundle holds


def attribute_columns(
    codebook: Codebook, reserved: Iterable[str] = ()
) -> dict[tuple[str, str], str]:
    """``(label, attribute) -> column name`` for every attribute of the codebook.

    Plain attribute names unless ambiguous (see the module docstring); ``reserved`` are the
    fixed columns an attribute must not take.
    """
    taken = set(reserved)
    meanings: dict[str, set[tuple[str, tuple[str, ...]]]] = {}
    pairs: list[tuple[str, Attribute]] = []
    for lab in codebook.labels:
        for attr in lab.attributes:
            pairs.append((lab.name, attr))
            meanings.setdefault(attr.name, set()).add((attr.type, attr.value_names))
    out: dict[tuple[str, str], str] = {}
    for label, attr in pairs:
        clash = attr.name in taken or len(meanings[attr.name]) > 1
        out[(label, attr.name)] = f"{label}.{attr.name}" if clash else attr.name
    return out


@dataclass(frozen=True)
class AnnotationTable:
    """Where each attribute of each label goes in an annotations.csv row, and its type."""

    header: tuple[str, ...]
    slots: dict[str, dict[str, int]]  # label -> attribute -> column index
    kinds: tuple[str, ...]  # column index -> schema type
    columns: tuple[schema.Column, ...]

    @classmethod
    def from_codebook(cls, codebook: Codebook) -> AnnotationTable:
        columns = attribute_columns(codebook, reserved=(*ANNOTATION_COLUMNS, OTHER_ATTRIBUTES))
        names: list[str] = []
        labels: dict[str, list[str]] = {}
        attrs: dict[str, Attribute] = {}
        for lab in codebook.labels:
            for attr in lab.attributes:
                name = columns[(lab.name, attr.name)]
                if name not in names:
                    names.append(name)
                    attrs[name] = attr
                labels.setdefault(name, []).append(lab.name)
        base = len(ANNOTATION_COLUMNS)
        slots: dict[str, dict[str, int]] = {}
        for (label, attr_name), name in columns.items():
            slots.setdefault(label, {})[attr_name] = base + names.index(name)
        described = tuple(
            (n, schema.attribute_kind(attrs[n]), schema.attribute_meaning(labels[n], attrs[n]))
            for n in names
        )
        all_columns = (*schema.ANNOTATION_COLUMNS, *described, schema.OTHER_ATTRIBUTES)
        return cls(
            tuple(c[0] for c in all_columns), slots, tuple(c[1] for c in all_columns), all_columns
        )


def write_csv(
    bundles: Iterable[DocumentBundle],
    out_dir: str | os.PathLike[str],
    codebook: Codebook,
    progress: Progress | None = None,
    references: References | None = None,
) -> ExportStats:
    """Write the CSV bundle (module docstring) into ``out_dir``, replacing an earlier one whole.

    Streams one document at a time; the folder is swapped in only if everything succeeded.
    """
    table = AnnotationTable.from_codebook(codebook)
    events = EventTable.from_codebook(codebook, references)
    stats = ExportStats()
    names = _Names()
    used: set[str] = set()
    with (
        atomic_directory(out_dir, CSV_SUFFIXES) as folder,
        folder.open_text("documents.csv") as f_docs,
        folder.open_text("annotations.csv") as f_anns,
        folder.open_text("links.csv") as f_links,
        folder.open_text("events.csv") as f_events,
        folder.open_text("claims.csv") as f_claims,
        folder.open_text("adjudication.csv") as f_decisions,
    ):
        w_docs = CsvTable(f_docs, DOCUMENT_COLUMNS)
        w_anns = CsvTable(f_anns, table.header)
        w_links = CsvTable(f_links, LINK_COLUMNS)
        w_events = CsvTable(f_events, events.header)
        w_claims = CsvTable(f_claims, claims.HEADER)
        w_decisions = CsvTable(f_decisions, ADJUDICATION_COLUMNS)
        for bundle in bundles:
            doc = bundle.document
            spans = sorted_annotations(bundle)
            by_id = {a.id: a for a in spans}
            check_links(bundle, by_id)
            key = document_key(doc)
            doc_id = text_cell(key)
            text_file = f"{TEXTS}/{file_stem(key, f'doc{doc.id}', used)}.txt"
            folder.write_bytes(text_file, doc.text.encode("utf-8"))
            w_docs.writerow(_document_row(bundle, doc_id, text_file))
            rows, cells = _annotation_rows(bundle, spans, doc_id, table, names)
            w_anns.writerows(rows)
            links = sorted_links(bundle.links, {a.id: i for i, a in enumerate(spans)})
            w_links.writerows(_link_rows(links, cells, doc_id, names))
            event_rows = events.rows(doc.text, spans, links, by_id, doc_id, doc.published)
            w_events.writerows(event_rows)
            w_claims.writerows(
                claims.claim_rows(doc.text, spans, links, by_id, doc_id, doc.published)
            )
            w_decisions.writerows(_decision_rows(bundle.decisions, doc_id))
            stats.documents += 1
            stats.annotations += len(spans)
            stats.links += len(links)
            stats.events += len(event_rows)
            if progress is not None:
                progress(stats)
        folder.write_bytes("schema.json", _schema(codebook, table, events))
    stats.paths.extend(os.path.join(os.fspath(out_dir), name) for name in FILES)
    return stats


def _schema(codebook: Codebook, table: AnnotationTable, events: EventTable) -> bytes:
    return schema.schema_json(
        codebook,
        {
            "documents.csv": schema.table(schema.DOCUMENT_COLUMNS, "one row per document"),
            "annotations.csv": schema.table(table.columns, "one row per span, per coder"),
            "links.csv": schema.table(schema.LINK_COLUMNS, "event roles and relations"),
            "events.csv": schema.table(events.columns, "one row per EVENT span, per coder"),
            "claims.csv": schema.table(
                claims.COLUMNS, "one row per casualty figure and event, and why it was counted"
            ),
            "adjudication.csv": schema.table(
                schema.ADJUDICATION_COLUMNS, "the reviewer's decisions in force, with notes"
            ),
        },
    )


def _decision_rows(decisions: Sequence[Decision], doc_id: str) -> list[list[Cell]]:
    return [
        [
            doc_id,
            d.decision,
            text_cell(d.gold_uid),
            join_cell(list(d.sources)),
            text_cell(d.reviewer),
            text_cell(d.note),
            d.at,
        ]
        for d in decisions
    ]


def _document_row(bundle: DocumentBundle, doc_id: str, text_file: str) -> list[Cell]:
    d = bundle.document
    metadata = orjson.dumps(d.metadata, option=orjson.OPT_SORT_KEYS).decode() if d.metadata else ""
    return [
        doc_id,
        text_cell(d.title),
        text_cell(d.source),
        text_cell(d.url),
        text_cell(d.published),
        text_cell(d.language),
        metadata,
        text_file,
        text_cell(d.text),
    ]


class _Names(dict[str, str]):
    """Safe cells of the few names that repeat on every row (coders, labels, roles), cached."""

    def __missing__(self, name: str) -> str:
        cell = self[name] = text_cell(name)
        return cell


def _annotation_rows(
    bundle: DocumentBundle,
    spans: list[Annotation],
    doc_id: str,
    table: AnnotationTable,
    names: _Names,
) -> tuple[list[list[Cell]], dict[int, tuple[str, str, str]]]:
    """The rows, and each span's (id, label, text) cells for the links table."""
    text = bundle.document.text
    unsafe = UNSAFE_STARTS
    kinds = table.kinds
    blank = ("",) * (len(table.header) - len(ANNOTATION_COLUMNS))
    empty: dict[str, int] = {}
    rows: list[list[Cell]] = []
    cells: dict[int, tuple[str, str, str]] = {}
    for a in spans:
        uid, label, note, source = a.uid, names[a.label], a.note, a.source_uid
        covered = text[a.start : a.end]
        if uid.startswith(unsafe):
            uid = "'" + uid
        if covered.startswith(unsafe):
            covered = "'" + covered
        if note and note.startswith(unsafe):
            note = "'" + note
        if source and source.startswith(unsafe):
            source = "'" + source
        cells[a.id] = (uid, label, covered)
        row: list[Cell] = [
            doc_id, uid, names[a.coder], label, a.start, a.end, covered, note,
            a.codebook_version, source,
        ]  # fmt: skip
        row.extend(blank)
        if a.attributes:
            slots = table.slots.get(a.label, empty)
            other: dict[str, Any] = {}
            for name, value in a.attributes.items():
                i = slots.get(name)
                if i is None:
                    if value is not None:
                        other[name] = value
                    continue
                kind = kinds[i]
                t = type(value)
                if t is str and kind == "string":  # the common cases inline: the hot loop
                    row[i] = "'" + value if value.startswith(unsafe) else value
                elif t is int and (kind == "integer" or kind == "number"):
                    row[i] = value
                else:
                    cell = typed_cell(kind, value)
                    if cell is None:  # does not fit the column's type: kept aside
                        other[name] = value
                    else:
                        row[i] = cell
            if other:
                row[-1] = orjson.dumps(other, option=orjson.OPT_SORT_KEYS).decode()
        rows.append(row)
    return rows, cells


def _link_rows(
    links: list[Link], cells: dict[int, tuple[str, str, str]], doc_id: str, names: _Names
) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    unsafe = UNSAFE_STARTS
    for k in links:
        uid = k.uid
        if uid.startswith(unsafe):
            uid = "'" + uid
        rows.append(
            [doc_id, uid, names[k.coder], *cells[k.from_id], names[k.role], *cells[k.to_id]]
        )
    return rows
