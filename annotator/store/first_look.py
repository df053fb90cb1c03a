"""The coding window's first look at a project, read without SQLAlchemy.

Starting the app costs most in importing SQLAlchemy and SQLModel. While they load, the starting
window shows the document the coding window will open, with the coder's spans and links, read
here through a read-only stdlib ``sqlite3`` connection (``read_only.open_current``: a sound
project file at the newest schema; anything else gets ``None`` and the window simply opens
when the store has loaded). The document chosen is the one ``Session.reload_documents`` opens:
the first unfinished document of the coder's list (their queue when they have documents
assigned, else every document in import order), else the list's first.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from annotator.core.codebook import Codebook, CodebookError, parse_codebook
from annotator.core.records import Annotation, Document, Link
from annotator.store import read_only
from annotator.store.plain_sql import (
    ANNOTATIONS,
    DOCUMENTS,
    LINKS,
    Run,
    codebook_source,
    in_list,
    json_object,
)

_UNFINISHED = "(ds.status IS NULL OR ds.status <> 'done')"


@dataclass(frozen=True, slots=True)
class FirstLook:
    """What the coding window will show first: ``coder``'s layer on ``document``."""

    coder: str
    codebook: Codebook
    document: Document
    status: str  # not_started | in_progress | done | stale
    annotations: list[Annotation]
    links: list[Link]


def first_document(run: Run, coder: str) -> int | None:
    """The document the coding window opens first for ``coder`` (None: the project has none)."""
    ids = run("SELECT id FROM coder WHERE name = :name", {"name": coder})
    cid = ids[0][0] if ids else -1
    if run("SELECT 1 FROM assignment WHERE coder_id = :cid LIMIT 1", {"cid": cid}):
        source, order = "assignment a JOIN document d ON d.id = a.document_id", "a.document_id"
        where = "a.coder_id = :cid AND "
    else:
        source, order, where = "document d", "d.id", ""
    for part in (_UNFINISHED, "1 = 1"):
        rows = run(
            f"SELECT d.id FROM {source} LEFT JOIN document_status ds "
            f"ON ds.document_id = d.id AND ds.coder_id = :cid "
            f"WHERE {where}{part} ORDER BY {order} LIMIT 1",
            {"cid": cid},
        )
        if rows:
            return int(rows[0][0])
    return None


def coder_document(
    run: Run, document_id: int, coder: str
) -> tuple[Document, str, list[Annotation], list[Link]] | None:
    """The document with ``coder``'s status, live spans and links (``queries.coder_view``)."""
    in_documents, params = in_list("d", [document_id])
    in_coders, coder_params = in_list("c", [coder])
    rows = run(DOCUMENTS.format(documents=in_documents), params)
    if not rows:
        return None
    ident, ext_id, text, title, source, url, published, language, meta, sha = rows[0]
    document = Document(
        ident, ext_id, text, title, source, url, published, language, json_object(meta), sha
    )
    status = run(
        "SELECT ds.status FROM document_status ds JOIN coder c ON c.id = ds.coder_id "
        "WHERE ds.document_id = :doc AND c.name = :name",
        {"doc": document_id, "name": coder},
    )
    params.update(coder_params)
    annotations = [
        Annotation(i, uid, doc, name, label, start, end, json_object(attrs), note, version, src)
        for i, uid, doc, name, label, start, end, attrs, note, version, src in run(
            ANNOTATIONS.format(documents=in_documents, coders=in_coders), params
        )
    ]
    links = [
        Link(*row) for row in run(LINKS.format(documents=in_documents, coders=in_coders), params)
    ]
    return document, (status[0][0] if status else "not_started"), annotations, links


def look(project: str | Path, coder: str) -> FirstLook | None:
    """The first look for ``coder`` at the project file ``project``; None when it cannot be
    read this way (a server, a file to migrate or refuse, no document, no codebook) and the
    coding window is simply awaited."""
    conn = read_only.open_current(project, check=False)  # Project.open checks it, next
    if conn is None:
        return None
    try:
        run = read_only.runner(conn)
        source = codebook_source(run)
        document_id = first_document(run, coder)
        if source is None or document_id is None:
            return None
        found = coder_document(run, document_id, coder)
        if found is None:
            return None
        codebook = parse_codebook(source)
    except (sqlite3.Error, CodebookError, ValueError):
        return None  # the store opens it and says what is wrong, once
    finally:
        conn.close()
    return FirstLook(coder, codebook, *found)


__all__ = ["FirstLook", "coder_document", "first_document", "look"]
