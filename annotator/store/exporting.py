"""Choosing what to export: coders (``gold`` included), labels, documents, done only; and the
reviewer's decisions that go with gold.

The result is a stream of :class:`DocumentBundle` read in short batches, so an export of a
million annotations never holds the project in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlmodel import col, select

from annotator.core.export.bundle import Decision, DocumentBundle
from annotator.core.records import GOLD
from annotator.store import queries
from annotator.store.engine import Project
from annotator.store.services import ServiceError
from annotator.store.tables import AnnotationRow, AuditEntry

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


def bundles(project: Project, flt: ExportFilter, ids: Sequence[int]) -> Iterator[DocumentBundle]:
    """The chosen documents with their annotations, links and (when gold is exported) the
    reviewer's decisions in force, read in short batches."""
    with_gold = flt.coders is None or GOLD in flt.coders
    labels = set(flt.labels) if flt.labels is not None else None
    for i in range(0, len(ids), BATCH):
        chunk = ids[i : i + BATCH]
        decided = decisions(project, chunk, labels) if with_gold else {}
        for doc, anns, links in queries.iter_documents(
            project, chunk, flt.coders, flt.labels, batch=BATCH
        ):
            yield DocumentBundle(doc, anns, links, decided.get(doc.id, ()))


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
