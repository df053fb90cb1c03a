"""Reading many coders' work at once, for agreement: plain columns, one query per table.

`annotator agreement` reads every span of every compared coder (150,000 for 1,000 documents x 3
coders x 50 spans). Building ORM objects and decoding JSON through SQLAlchemy's type layer cost
most of the command's time, so this reader selects plain columns in one query per table and
batch of documents, reads each attribute object as text and decodes it with orjson, and builds
the plain records the agreement engine takes. Permissions are those of the project's own
connection (on a team project, PostgreSQL's grants and row-level security apply as usual).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import starmap
from typing import Any

import orjson
from sqlalchemy import Executable, Text, cast
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from annotator.core.agreement.model import AnnotationTable
from annotator.core.records import Document, Link
from annotator.store.engine import Project
from annotator.store.tables import AnnotationRow, CoderRow, DocumentRow, LinkRow

BATCH = 5_000
"""Documents per query: well under every database's limit on bound parameters."""


def _object(raw: Any) -> dict[str, Any]:
    """A JSON object column read as text (or already decoded by the driver)."""
    if raw is None or raw == "":
        return {}
    if isinstance(raw, dict):
        return raw
    value = orjson.loads(raw)
    return value if isinstance(value, dict) else {}


def _rows(s: Session, statement: Executable) -> list[tuple[Any, ...]]:
    """All rows as plain tuples straight from the driver's cursor, past SQLAlchemy's per-row
    processing (every column read here is a plain int or str: JSON columns are cast to text)."""
    result = s.connection().execute(statement)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while hundreds of thousands of rows, tuples and dicts are
    built: they hold no cycles, and its repeated passes over them cost a third of the read."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_coding(
    project: Project, document_ids: Sequence[int], coders: Sequence[str]
) -> tuple[list[Document], AnnotationTable, list[Link]]:
    """The documents (in the order given) with the live annotations and links of `coders`.

    Annotations come as a table (records built on demand), by document, start, end and id;
    links by id.
    """
    documents: dict[int, Document] = {}
    annotation_rows: list[tuple[Any, ...]] = []
    links: list[Link] = []
    names = list(coders)
    with _collector_paused(), project.read() as s:
        for i in range(0, len(document_ids), BATCH):
            chunk = list(document_ids[i : i + BATCH])
            doc_rows = _rows(
                s,
                sa_select(
                    col(DocumentRow.id),
                    col(DocumentRow.ext_id),
                    col(DocumentRow.text),
                    col(DocumentRow.title),
                    col(DocumentRow.source),
                    col(DocumentRow.url),
                    col(DocumentRow.published),
                    col(DocumentRow.language),
                    cast(col(DocumentRow.meta), Text),
                    col(DocumentRow.sha256),
                ).where(col(DocumentRow.id).in_(chunk)),
            )
            for ident, ext_id, text, title, source, url, published, language, meta, sha in doc_rows:
                documents[ident] = Document(
                    ident, ext_id, text, title, source, url, published, language,
                    _object(meta), sha,
                )  # fmt: skip
            ann_rows = _rows(
                s,
                sa_select(
                    col(AnnotationRow.id),
                    col(AnnotationRow.uid),
                    col(AnnotationRow.document_id),
                    col(CoderRow.name),
                    col(AnnotationRow.label),
                    col(AnnotationRow.start),
                    col(AnnotationRow.end),
                    cast(col(AnnotationRow.attributes), Text),
                    col(AnnotationRow.note),
                    col(AnnotationRow.codebook_version),
                    col(AnnotationRow.source_uid),
                )
                .join(CoderRow, col(CoderRow.id) == col(AnnotationRow.coder_id))
                .where(
                    col(AnnotationRow.document_id).in_(chunk),
                    col(AnnotationRow.deleted_at).is_(None),
                    col(CoderRow.name).in_(names),
                )
                .order_by(
                    col(AnnotationRow.document_id),
                    col(AnnotationRow.start),
                    col(AnnotationRow.end),
                    col(AnnotationRow.id),
                ),
            )
            annotation_rows.extend(ann_rows)
            link_rows = _rows(
                s,
                sa_select(
                    col(LinkRow.id),
                    col(LinkRow.uid),
                    col(LinkRow.document_id),
                    col(CoderRow.name),
                    col(LinkRow.from_id),
                    col(LinkRow.role),
                    col(LinkRow.to_id),
                )
                .join(CoderRow, col(CoderRow.id) == col(LinkRow.coder_id))
                .where(
                    col(LinkRow.document_id).in_(chunk),
                    col(LinkRow.deleted_at).is_(None),
                    col(CoderRow.name).in_(names),
                )
                .order_by(col(LinkRow.id)),
            )
            links.extend(starmap(Link, link_rows))
    ordered = [documents[i] for i in document_ids if i in documents]
    if not annotation_rows:
        return ordered, AnnotationTable.empty(), links
    with _collector_paused():
        columns: list[Sequence[Any]] = list(zip(*annotation_rows, strict=True))
        loads = orjson.loads  # attribute objects are stored as JSON text
        columns[7] = [loads(raw) or {} for raw in columns[7]]
    return ordered, AnnotationTable(columns), links


__all__ = ["read_coding"]
