"""CSV export (SPEC §3.5): tidy tables that load in pandas or R without post-processing.

``write_csv`` writes four files into a folder, all or none (see :mod:`.atomic`):

- ``documents.csv``: ``id, title, source, url, published, language, metadata, text``
  (``metadata`` as a JSON object). The key is called ``id`` so that the file imports back with
  ``annotator import --format csv``; the other tables refer to it as ``document_id``.
- ``annotations.csv``: one row per span: ``document_id, annotation_id, coder, label, start, end,
  text, note, codebook_version, provenance`` (the ``coder:uid`` a gold span was taken from),
  then one column per attribute of the codebook, then ``other_attributes`` (a JSON object of
  attributes the codebook no longer defines, so a changed codebook never loses data).
- ``links.csv``: ``document_id, link_id, coder, from_id, from_label, from_text, role, to_id,
  to_label, to_text``.
- ``events.csv``: one row per EVENT span, see :mod:`.events`.

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
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from annotator.core.codebook import Attribute, Codebook
from annotator.core.export.bundle import (
    DocumentBundle,
    ExportStats,
    Progress,
    check_links,
    document_key,
    sorted_annotations,
    sorted_links,
)
from annotator.core.export.cells import UNSAFE_STARTS, Cell, CsvTable, text_cell, value_cell
from annotator.core.export.events import EventTable
from annotator.core.export.staging import atomic_directory
from annotator.core.records import Annotation, Link

DOCUMENT_COLUMNS = ("id", "title", "source", "url", "published", "language", "metadata", "text")
ANNOTATION_COLUMNS = (
    "document_id", "annotation_id", "coder", "label", "start", "end", "text", "note",
    "codebook_version", "provenance",
)  # fmt: skip
OTHER_ATTRIBUTES = "other_attributes"
LINK_COLUMNS = (
    "document_id", "link_id", "coder", "from_id", "from_label", "from_text", "role", "to_id",
    "to_label", "to_text",
)  # fmt: skip
FILES = ("documents.csv", "annotations.csv", "links.csv", "events.csv")
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
    """Where each attribute of each label goes in an annotations.csv row."""

    header: tuple[str, ...]
    slots: dict[str, dict[str, int]]  # label -> attribute -> column index

    @classmethod
    def from_codebook(cls, codebook: Codebook) -> AnnotationTable:
        columns = attribute_columns(codebook, reserved=(*ANNOTATION_COLUMNS, OTHER_ATTRIBUTES))
        names: list[str] = []
        for name in columns.values():
            if name not in names:
                names.append(name)
        base = len(ANNOTATION_COLUMNS)
        slots: dict[str, dict[str, int]] = {}
        for (label, attr), name in columns.items():
            slots.setdefault(label, {})[attr] = base + names.index(name)
        return cls((*ANNOTATION_COLUMNS, *names, OTHER_ATTRIBUTES), slots)


def write_csv(
    bundles: Iterable[DocumentBundle],
    out_dir: str | os.PathLike[str],
    codebook: Codebook,
    progress: Progress | None = None,
) -> ExportStats:
    """Write documents.csv, annotations.csv, links.csv and events.csv into ``out_dir``.

    Streams one document at a time; the four files replace earlier ones only if all succeed.
    """
    table = AnnotationTable.from_codebook(codebook)
    events = EventTable.from_codebook(codebook)
    stats = ExportStats()
    names = _Names()
    with (
        atomic_directory(out_dir, CSV_SUFFIXES) as folder,
        folder.open_text("documents.csv") as f_docs,
        folder.open_text("annotations.csv") as f_anns,
        folder.open_text("links.csv") as f_links,
        folder.open_text("events.csv") as f_events,
    ):
        w_docs = CsvTable(f_docs, DOCUMENT_COLUMNS)
        w_anns = CsvTable(f_anns, table.header)
        w_links = CsvTable(f_links, LINK_COLUMNS)
        w_events = CsvTable(f_events, events.header)
        for bundle in bundles:
            spans = sorted_annotations(bundle)
            by_id = {a.id: a for a in spans}
            check_links(bundle, by_id)
            doc_id = text_cell(document_key(bundle.document))
            w_docs.writerow(_document_row(bundle, doc_id))
            rows, cells = _annotation_rows(bundle, spans, doc_id, table, names)
            w_anns.writerows(rows)
            links = sorted_links(bundle.links, {a.id: i for i, a in enumerate(spans)})
            w_links.writerows(_link_rows(links, cells, doc_id, names))
            event_rows = events.rows(bundle.document.text, spans, links, by_id, doc_id)
            w_events.writerows(event_rows)
            stats.documents += 1
            stats.annotations += len(spans)
            stats.links += len(links)
            stats.events += len(event_rows)
            if progress is not None:
                progress(stats)
    stats.paths.extend(os.path.join(os.fspath(out_dir), name) for name in FILES)
    return stats


def _document_row(bundle: DocumentBundle, doc_id: str) -> list[Cell]:
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
                elif type(value) is str:  # the common cases inline: this loop is the hot one
                    row[i] = "'" + value if value.startswith(unsafe) else value
                elif type(value) is int:
                    row[i] = value
                else:
                    row[i] = value_cell(value)
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
