"""Choosing what to export: coders (``gold`` included), labels, documents, done only; and the
reviewer's decisions that go with gold.

The result is a stream of :class:`DocumentBundle` read in short batches, so an export of a
million annotations never holds the project in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Text, cast
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from annotator.core.export.bundle import Decision, DocumentBundle
from annotator.core.records import GOLD, Annotation, Document, Link
from annotator.store import queries
from annotator.store.engine import Project
from annotator.store.services import ServiceError
from annotator.store.tables import AnnotationRow, AuditEntry, DocumentRow, LinkRow

BATCH = 200  # documents per read session
# The audit actions of adjudication (annotator.store.review_state, not imported here: it pulls
# in the agreement engine, which an export does not need; a test checks they agree).
ACCEPT = "adjudicate_accept"
REJECT = "adjudicate_reject"
UNREJECT = "adjudicate_unreject"


@dataclass(frozen=True)
class ExportFilter:
    coders: Sequence[str] | None = None  # None: every coder, gold included
    labels: Sequence[str] | None = None  # None: every label
    documents: Sequence[str] | None = None  # external ids; None: every document
    done_only: bool = False  # only documents marked done by (each of) the chosen coders


def selected_documents(project: Project, flt: ExportFilter) -> list[int]:
    """Check the filter against the project (one clear error) and list the document ids."""
    known = queries.coders(project)
    if flt.coders is not None:
        for name in flt.coders:
            if name not in known:
                raise ServiceError(
                    f"unknown coder {name!r} (coders: {', '.join(known) or 'none yet'})"
                )
    if flt.labels is not None:
        cb = project.codebook
        for label in flt.labels:
            if cb.label(label) is None:
                raise ServiceError(
                    f"unknown label {label!r} (codebook has {', '.join(cb.label_names)})"
                )
    ids = queries.document_ids(project, ext_ids=flt.documents)
    if flt.documents is not None and len(ids) != len(set(flt.documents)):
        found = {queries.document(project, i).ext_id for i in ids}
        missing = sorted(set(flt.documents) - found)
        raise ServiceError(f"unknown document id {missing[0]!r}")
    if flt.done_only:
        done = queries.done_document_ids(project, list(flt.coders or known))
        ids = [i for i in ids if i in done]
    return ids


def stale_gold(project: Project, flt: ExportFilter) -> list[str]:
    """External ids of the documents ``--done-only`` leaves out because their gold is stale (a
    coder changed their work after it was adjudicated), among the documents the filter names."""
    if not flt.done_only or (flt.coders is not None and GOLD not in flt.coders):
        return []
    from annotator.store.tables import CoderRow, DocumentStatus

    with project.read() as s:
        rows = s.exec(
            select(DocumentRow.ext_id)
            .join(DocumentStatus, col(DocumentStatus.document_id) == col(DocumentRow.id))
            .join(CoderRow, col(CoderRow.id) == col(DocumentStatus.coder_id))
            .where(CoderRow.name == GOLD, DocumentStatus.status == "stale")
            .order_by(col(DocumentRow.ext_id))
        ).all()
    wanted = set(flt.documents) if flt.documents is not None else None
    return [r for r in rows if wanted is None or r in wanted]


def bundles(project: Project, flt: ExportFilter, ids: Sequence[int]) -> Iterator[DocumentBundle]:
    """The chosen documents with their annotations, links and (when gold is exported) the
    reviewer's decisions in force, read in short batches of plain rows."""
    with_gold = flt.coders is None or GOLD in flt.coders
    labels = list(flt.labels) if flt.labels is not None else None
    for i in range(0, len(ids), BATCH):
        chunk = list(ids[i : i + BATCH])
        decided = decisions(project, chunk, set(labels) if labels else None) if with_gold else {}
        with project.read() as s:
            found = _read_batch(s, chunk, queries.coder_ids(s, flt.coders), labels)
        for doc, anns, links in found:
            yield DocumentBundle(doc, anns, links, decided.get(doc.id, ()))


_DOCUMENT_COLUMNS: list[Any] = [
    *map(col, (DocumentRow.id, DocumentRow.ext_id, DocumentRow.text, DocumentRow.title,
               DocumentRow.source, DocumentRow.url, DocumentRow.published, DocumentRow.language)),
    cast(col(DocumentRow.meta), Text),
    col(DocumentRow.sha256),
]  # fmt: skip
_ANNOTATION_COLUMNS: list[Any] = [
    *map(col, (AnnotationRow.id, AnnotationRow.uid, AnnotationRow.document_id,
               AnnotationRow.coder_id, AnnotationRow.label, AnnotationRow.start,
               AnnotationRow.end)),
    cast(col(AnnotationRow.attributes), Text),
    *map(col, (AnnotationRow.note, AnnotationRow.codebook_version, AnnotationRow.source_uid)),
]  # fmt: skip
_LINK_COLUMNS: list[Any] = [
    *map(col, (LinkRow.id, LinkRow.uid, LinkRow.document_id, LinkRow.coder_id, LinkRow.from_id,
               LinkRow.role, LinkRow.to_id)),
]  # fmt: skip


def _json(raw: Any) -> Any:
    return orjson.loads(raw) if isinstance(raw, (str, bytes)) else raw


def _read_batch(
    s: Session, chunk: list[int], coders: dict[int, str], labels: list[str] | None
) -> list[tuple[Document, list[Annotation], list[Link]]]:
    """Documents with their live annotations and links, as plain column rows on the session's
    connection (no ORM objects; JSON decoded with orjson): exports read millions of rows."""
    conn = s.connection()
    docs = {
        i: Document(i, ext_id, text, title, source, url, published, language, _json(meta) or {},
                    sha)
        for i, ext_id, text, title, source, url, published, language, meta, sha in conn.execute(
            sa_select(*_DOCUMENT_COLUMNS).where(col(DocumentRow.id).in_(chunk))
        ).all()
    }  # fmt: skip
    a = AnnotationRow
    q = sa_select(*_ANNOTATION_COLUMNS).where(
        col(a.document_id).in_(chunk), col(a.deleted_at).is_(None), col(a.coder_id).in_(coders)
    )
    if labels is not None:
        q = q.where(col(a.label).in_(labels))
    anns: dict[int, list[Annotation]] = {}
    for i, uid, doc, coder, label, start, end, attrs, note, version, source in conn.execute(
        q.order_by(col(a.id))
    ).all():
        anns.setdefault(doc, []).append(
            Annotation(i, uid, doc, coders[coder], label, start, end, _json(attrs) or {}, note,
                       version, source)
        )  # fmt: skip
    k = LinkRow
    links: dict[int, list[Link]] = {}
    for i, uid, doc, coder, from_id, role, to_id in conn.execute(
        sa_select(*_LINK_COLUMNS)
        .where(
            col(k.document_id).in_(chunk), col(k.deleted_at).is_(None), col(k.coder_id).in_(coders)
        )
        .order_by(col(k.id))
    ).all():
        links.setdefault(doc, []).append(Link(i, uid, doc, coders[coder], from_id, role, to_id))
    out = []
    for doc_id in chunk:
        doc = docs.get(doc_id)
        if doc is None:
            continue
        doc_anns = anns.get(doc_id, [])
        doc_links = links.get(doc_id, [])
        if labels is not None:
            keep = {x.id for x in doc_anns}
            doc_links = [x for x in doc_links if x.from_id in keep and x.to_id in keep]
        out.append((doc, doc_anns, doc_links))
    return out


def decisions(
    project: Project, document_ids: Sequence[int], labels: set[str] | None = None
) -> dict[int, list[Decision]]:
    """Document id -> the adjudication decisions in force, in the order they were made.

    Accepted: an ``adjudicate_accept`` entry whose gold span is still in gold (of one of
    ``labels``). Rejected: an ``adjudicate_reject`` entry that is still the last word on each of
    its spans (no later rejection or ``adjudicate_unreject`` of them); see
    ``annotator.store.review_state``.
    """
    with project.read() as s:
        entries = s.exec(
            select(AuditEntry)
            .where(
                col(AuditEntry.document_id).in_(list(document_ids)),
                col(AuditEntry.action).in_([ACCEPT, REJECT, UNREJECT]),
            )
            .order_by(col(AuditEntry.id))
        ).all()
        gold_ids = [e.entity_id for e in entries if e.action == ACCEPT and e.entity_id is not None]
        live: dict[int, tuple[str, str]] = {}
        if gold_ids:
            rows = s.exec(
                select(AnnotationRow.id, AnnotationRow.uid, AnnotationRow.label).where(
                    col(AnnotationRow.id).in_(gold_ids), col(AnnotationRow.deleted_at).is_(None)
                )
            ).all()
            live = {i: (uid, label) for i, uid, label in rows if i is not None}
    last_word: dict[tuple[int | None, str], int | None] = {}  # (document, span) -> entry id
    for e in entries:
        if e.action != ACCEPT:
            for src in e.detail.get("sources", []):
                last_word[(e.document_id, str(src))] = e.id if e.action == REJECT else None
    out: dict[int, list[Decision]] = {}
    for e in entries:
        if e.document_id is None:
            continue
        note = str(e.detail.get("note", ""))
        at = e.at.strftime("%Y-%m-%dT%H:%M:%SZ")
        if e.action == ACCEPT:
            gold = live.get(e.entity_id) if e.entity_id is not None else None
            if gold is None or (labels is not None and gold[1] not in labels):
                continue
            source = str(e.detail.get("source", ""))
            d = Decision("accepted", gold[0], (source,) if source else (), e.coder, note, at)
        elif e.action == REJECT:
            sources = tuple(str(x) for x in e.detail.get("sources", []))
            if not sources or any(last_word.get((e.document_id, x)) != e.id for x in sources):
                continue
            d = Decision("rejected", "", sources, e.coder, note, at)
        else:
            continue
        out.setdefault(e.document_id, []).append(d)
    return out
