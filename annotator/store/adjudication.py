"""Adjudication: the reviewer turns several coders' work on a document into the gold layer.

Gold is the reserved coder ``gold``. Each function below is one reviewer action, one
transaction, one ``Change``: accept coders' spans into gold (with provenance in
``source_uid``), withdraw and reinstate them (the undo and redo), reject a unit ("nothing in
gold here") and take that back, and mark gold done. What a document's units are and when one
counts as resolved is read in ``annotator.store.review_state`` (re-exported here); the copying
itself is ``annotator.store.gold_copy``.

Rejections are kept in the audit trail, the one append-only record every project already has:
an ``adjudicate_reject`` entry lists the coders' spans it covers (their ``coder:uid``), an
``adjudicate_unreject`` entry (the undo) takes them back; the latest entry for a span wins. So a
rejection is durable and never shows up as data in an export of gold. A unit counts as rejected
when every one of its spans is; a coder adding a span to it later reopens it.

Hand edits need nothing special: the ordinary services accept ``coder="gold"``
(``create_annotation``, ``update_annotation``, ``delete_annotation``, ``create_link`` ...) with
``actor=`` the reviewer, so the audit trail says who edited gold.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import func
from sqlmodel import Session, col, select

from annotator.core.change import Change
from annotator.core.records import GOLD
from annotator.store import queries, services
from annotator.store.engine import Project
from annotator.store.gold_copy import GoldCopy, live_rows, touch_gold
from annotator.store.locks import lock_layer
from annotator.store.review_state import (
    ACCEPT,
    ACCEPT_LINK,
    REINSTATE,
    REJECT,
    UNREJECT,
    WITHDRAW,
    AdjudicationProgress,
    Difference,
    DocumentReview,
    Resolution,
    ReviewDocument,
    Unit,
    UnitKey,
    align_units,
    document_coders,
    load_review,
    progress,
    rejected_sources,
    review_documents,
    source_of,
)
from annotator.store.services import ServiceError, coder_id, require_reviewer
from annotator.store.tables import AnnotationRow, LinkRow, now

ALREADY_IN_GOLD = "another reviewer put this span in gold at the same time; look again"


def accept(
    project: Project, reviewer: str, annotation_ids: Iterable[int], note: str = ""
) -> Change:
    """Copy coders' spans into gold, with provenance, and the links between accepted spans.

    Refused (nothing written) when one of them is already in gold, is gold itself, or no longer
    fits the codebook. ``Change.annotations`` are the new gold ids, ``Change.links`` the new
    gold links.
    """
    require_reviewer(project, reviewer)
    ids = list(dict.fromkeys(annotation_ids))
    if not ids:
        raise ServiceError("no span to accept")
    with services.write(project, ALREADY_IN_GOLD) as s:
        documents = set(
            s.exec(select(AnnotationRow.document_id).where(col(AnnotationRow.id).in_(ids))).all()
        )
        if len(documents) > 1:
            raise ServiceError("accept spans of one document at a time")
        if documents:  # another reviewer's decision on this document commits first
            lock_layer(s, next(iter(documents)), coder_id(s, GOLD))
        rows: list[AnnotationRow] = []
        for ann_id in ids:
            row = s.get(AnnotationRow, ann_id)
            if row is None or row.deleted_at is not None:
                raise ServiceError(f"no annotation {ann_id}")
            rows.append(row)
        batch = GoldCopy(s, project.codebook, reviewer, documents.pop())
        for row in rows:
            if row.coder_id == batch.gold_id:
                raise ServiceError(f"annotation {row.id} is gold already")
            batch.copy(row, note)
        return batch.change(ACCEPT)


def accept_agreed(
    project: Project,
    reviewer: str,
    document_id: int,
    coders: Sequence[str] | None = None,
    note: str = "",
) -> Change:
    """Accept every unit all coders agree on (same label, offsets, attributes and roles) that
    is not resolved yet; the copy is the first coder's span. An empty Change when none."""
    require_reviewer(project, reviewer)
    review = load_review(project, document_id, coders)
    if len(review.coders) < 2:
        raise ServiceError("agreement needs at least two coders")
    first = review.coders[0]
    wanted = [
        u.spans[first].id
        for u in review.units
        if u.agreed and len(u.spans) == len(review.coders) and u.key not in review.resolutions
    ]
    with services.write(project, ALREADY_IN_GOLD) as s:
        lock_layer(s, document_id, coder_id(s, GOLD))
        batch = GoldCopy(s, project.codebook, reviewer, document_id)
        for ann_id in wanted:
            row = s.get(AnnotationRow, ann_id)
            if row is None or row.deleted_at is not None:
                continue  # changed since it was read: leave it to the reviewer
            if f"{first}:{row.uid}" in batch.in_gold:
                continue
            batch.copy(row, note)
        return batch.change("adjudicate_accept_agreed")


def withdraw(project: Project, reviewer: str, gold_ids: Iterable[int]) -> Change:
    """Take accepted spans out of gold again (soft delete, with the gold links touching them):
    the undo of ``accept``. ``Change.links`` lists the links removed, for ``reinstate``."""
    require_reviewer(project, reviewer)
    ids = list(dict.fromkeys(gold_ids))
    with project.write() as s:
        gold_id = coder_id(s, GOLD)
        stamp = now()
        document_id: int | None = None
        spans: list[tuple[int, int]] = []
        for ann_id in ids:
            row = s.get(AnnotationRow, ann_id)
            if row is None or row.coder_id != gold_id:
                raise ServiceError(f"annotation {ann_id} is not in gold")
            document_id = row.document_id
            if row.deleted_at is None:
                row.deleted_at = stamp
                s.add(row)
                spans.append((row.start, row.end))
                services.audit(s, reviewer, WITHDRAW, row.document_id, "annotation", ann_id)
        links = s.exec(
            select(LinkRow).where(
                col(LinkRow.from_id).in_(ids) | col(LinkRow.to_id).in_(ids),
                col(LinkRow.deleted_at).is_(None),
            )
        ).all()
        for link in links:
            link.deleted_at = stamp
            s.add(link)
        return Change(
            "adjudicate_withdraw",
            document_id,
            tuple(ids),
            tuple(k.id for k in links if k.id is not None),
            spans=tuple(spans),
        )


def reinstate(
    project: Project, reviewer: str, gold_ids: Iterable[int], link_ids: Iterable[int] = ()
) -> Change:
    """Bring withdrawn gold spans (and links) back: the redo of ``accept``, the same rows."""
    require_reviewer(project, reviewer)
    ids = list(dict.fromkeys(gold_ids))
    links = list(dict.fromkeys(link_ids))
    with services.write(project, ALREADY_IN_GOLD) as s:
        gold_id = coder_id(s, GOLD)
        for doc in s.exec(
            select(AnnotationRow.document_id).where(col(AnnotationRow.id).in_(ids)).distinct()
        ).all():
            lock_layer(s, doc, gold_id)
        document_id: int | None = None
        spans: list[tuple[int, int]] = []
        for ann_id in ids:
            row = s.get(AnnotationRow, ann_id)
            if row is None or row.coder_id != gold_id:
                raise ServiceError(f"annotation {ann_id} is not in gold")
            document_id = row.document_id
            if row.source_uid:
                twin = s.exec(
                    select(func.count())
                    .select_from(AnnotationRow)
                    .where(
                        AnnotationRow.document_id == row.document_id,
                        AnnotationRow.coder_id == gold_id,
                        AnnotationRow.source_uid == row.source_uid,
                        col(AnnotationRow.deleted_at).is_(None),
                        AnnotationRow.id != ann_id,
                    )
                ).one()
                if twin:
                    raise ServiceError(f"{row.source_uid} is in gold again already")
            row.deleted_at = None
            s.add(row)
            spans.append((row.start, row.end))
            services.audit(s, reviewer, REINSTATE, row.document_id, "annotation", ann_id)
        for link_id in links:
            link = s.get(LinkRow, link_id)
            if link is not None and link.coder_id == gold_id:
                link.deleted_at = None
                s.add(link)
        return Change(
            "adjudicate_reinstate", document_id, tuple(ids), tuple(links), spans=tuple(spans)
        )


def _unit_rows(
    s: Session, document_id: int, unit_key: Sequence[str]
) -> tuple[list[AnnotationRow], set[str]]:
    """The live coders' spans a unit key names (refused if one is gone) and gold's sources."""
    if not unit_key:
        raise ServiceError("no unit given")
    names = queries.coder_ids(s, None)
    gold_id = coder_id(s, GOLD)
    live = live_rows(s, document_id)
    by_source = {f"{names[r.coder_id]}:{r.uid}": r for r in live if r.coder_id != gold_id}
    missing = [src for src in unit_key if src not in by_source]
    if missing:
        raise ServiceError(f"no span {missing[0]} in document {document_id}")
    in_gold = {r.source_uid for r in live if r.coder_id == gold_id and r.source_uid}
    return [by_source[src] for src in unit_key], in_gold


def reject(
    project: Project, reviewer: str, document_id: int, unit_key: Sequence[str], note: str = ""
) -> Change:
    """Resolve a unit as "no span in gold" (e.g. a span only one coder marked, wrongly)."""
    require_reviewer(project, reviewer)
    key = sorted(dict.fromkeys(unit_key))
    with project.write() as s:
        lock_layer(s, document_id, coder_id(s, GOLD))  # not accepted meanwhile by another reviewer
        rows, in_gold = _unit_rows(s, document_id, key)
        accepted = [src for src in key if src in in_gold]
        if accepted:
            raise ServiceError(f"{accepted[0]} is in gold; delete that gold span instead")
        rejected = rejected_sources(s, document_id)
        if all(src in rejected for src in key):
            raise ServiceError("this unit is rejected already")
        start, end = min(r.start for r in rows), max(r.end for r in rows)
        services.audit(
            s,
            reviewer,
            REJECT,
            document_id,
            "unit",
            None,
            sources=key,
            note=note,
            span=[start, end],
        )
        touch_gold(s, document_id, coder_id(s, GOLD))
        return Change("adjudicate_reject", document_id, spans=((start, end),))


def unreject(project: Project, reviewer: str, document_id: int, unit_key: Sequence[str]) -> Change:
    """Take a rejection back (its undo); the audit trail keeps both entries."""
    require_reviewer(project, reviewer)
    key = sorted(dict.fromkeys(unit_key))
    with project.write() as s:
        rows, _ = _unit_rows(s, document_id, key)
        start, end = min(r.start for r in rows), max(r.end for r in rows)
        services.audit(
            s, reviewer, UNREJECT, document_id, "unit", None, sources=key, span=[start, end]
        )
        return Change("adjudicate_unreject", document_id, spans=((start, end),))


def finish(
    project: Project, reviewer: str, document_id: int, coders: Sequence[str] | None = None
) -> Change:
    """Mark gold done for the document; refused while a unit is not adjudicated (or a gold
    span lacks a required field)."""
    state = progress(project, document_id, coders)
    if not state.finished:
        open_units = state.units_total - state.units_resolved
        open_rows = state.disagreements_total - state.disagreements_resolved
        raise ServiceError(
            f"{open_units} unit{'s' if open_units != 1 else ''} not adjudicated yet "
            f"({open_rows} disagreement{'s' if open_rows != 1 else ''} open)"
        )
    return services.set_status(project, GOLD, document_id, "done", actor=reviewer)


__all__ = [
    "ACCEPT",
    "ACCEPT_LINK",
    "REINSTATE",
    "REJECT",
    "UNREJECT",
    "WITHDRAW",
    "AdjudicationProgress",
    "Difference",
    "DocumentReview",
    "Resolution",
    "ReviewDocument",
    "Unit",
    "UnitKey",
    "accept",
    "accept_agreed",
    "align_units",
    "document_coders",
    "finish",
    "load_review",
    "progress",
    "reinstate",
    "reject",
    "review_documents",
    "source_of",
    "unreject",
    "withdraw",
]
