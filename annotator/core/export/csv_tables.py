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
from annotator.core.export.atomic import atomic_directory
from annotator.core.export.bundle import (
    DocumentBundle,
    ExportStats,
    Progress,
    check_links,
    document_key,
    sorted_annotations,
    sorted_links,
)
from annotator.core.export.cells import Cell, CsvTable, text_cell, value_cell
from annotator.core.export.events import EventTable
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


def attribute_columns(
    codebook: Codebook, label_names: Iterable[str] | None = None, reserved: Iterable[str] = ()
) -> dict[tuple[str, str], str]:
    """``(label, attribute) -> column name`` for the attributes of ``label_names`` (all labels).

    Plain attribute names unless ambiguous; see the module docstring.
    """
    wanted = set(label_names) if label_names is not None else None
    taken = set(reserved)
    meanings: dict[str, set[tuple[str, tuple[str, ...]]]] = {}
    pairs: list[tuple[str, Attribute]] = []
    for lab in codebook.labels:
        if wanted is not None and lab.name not in wanted:
            continue
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
    with (
        atomic_directory(out_dir) as folder,
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
            w_anns.writerows(_annotation_rows(bundle, spans, doc_id, table))
            links = sorted_links(bundle.links, {a.id: i for i, a in enumerate(spans)})
            w_links.writerows(_link_rows(bundle, links, by_id, doc_id))
            rows = events.rows(bundle.document.text, spans, links, by_id, doc_id)
            w_events.writerows(rows)
            stats.documents += 1
            stats.annotations += len(spans)
            stats.links += len(links)
            stats.events += len(rows)
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


def _annotation_rows(
    bundle: DocumentBundle, spans: list[Annotation], doc_id: str, table: AnnotationTable
) -> list[list[Cell]]:
    text = bundle.document.text
    width = len(table.header)
    empty: dict[str, int] = {}
    rows: list[list[Cell]] = []
    for a in spans:
        row: list[Cell] = [
            doc_id,
            text_cell(a.uid),
            text_cell(a.coder),
            text_cell(a.label),
            a.start,
            a.end,
            text_cell(text[a.start : a.end]),
            text_cell(a.note),
            a.codebook_version,
            text_cell(a.source_uid),
        ]
        row.extend([""] * (width - len(row)))
        if a.attributes:
            slots = table.slots.get(a.label, empty)
            other: dict[str, Any] = {}
            for name, value in a.attributes.items():
                i = slots.get(name)
                if i is None:
                    if value is not None:
                        other[name] = value
                else:
                    row[i] = value_cell(value)
            if other:
                row[-1] = orjson.dumps(other, option=orjson.OPT_SORT_KEYS).decode()
        rows.append(row)
    return rows


def _link_rows(
    bundle: DocumentBundle, links: list[Link], by_id: dict[int, Annotation], doc_id: str
) -> list[list[Cell]]:
    text = bundle.document.text
    rows: list[list[Cell]] = []
    for k in links:
        a, b = by_id[k.from_id], by_id[k.to_id]
        rows.append(
            [
                doc_id,
                text_cell(k.uid),
                text_cell(k.coder),
                text_cell(a.uid),
                text_cell(a.label),
                text_cell(text[a.start : a.end]),
                text_cell(k.role),
                text_cell(b.uid),
                text_cell(b.label),
                text_cell(text[b.start : b.end]),
            ]
        )
    return rows
