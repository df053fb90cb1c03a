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

Each is a store operation (``annotator.store.operations``) returning its own undo; ``decide``
runs a reviewer's choice that replaces an earlier resolution as one transaction.

Hand edits need nothing special: the ordinary services accept ``coder="gold"``
(``create_annotation``, ``update_annotation``, ``delete_annotation``, ``create_link`` ...) with
``actor=`` the reviewer, so the audit trail says who edited gold.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from annotator.core.change import Change
from annotator.core.records import GOLD
from annotator.store import queries, services
from annotator.store.engine import Project
from annotator.store.errors import ServiceError, StaleError
from annotator.store.gold_copy import GoldCopy, live_rows, touch_gold
from annotator.store.locks import hold_document, lock_layer
from annotator.store.operations import check, operation, run, run_one, step
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
    review_in,
    source_of,
)
from annotator.store.services import coder_id, require_reviewer
from annotator.store.tables import AnnotationRow, DocumentStatus, LinkRow, now

ALREADY_IN_GOLD = "another reviewer put this span in gold at the same time; look again"


def hold_gold_status(s: Session, document_id: int) -> None:
    """Lock gold's status row of the document until commit (made if missing), on PostgreSQL.

    Every coder's edit locks it too, with its own (``rules.open_for_edit``), and so do the
    reviewer's actions that reopen a unit (``withdraw``, ``unreject``): marking gold done
    waits for those under way, then sees them, and none lands between its check and its write.
    SQLite serialises write transactions anyway."""
    gold_id = coder_id(s, GOLD)
    touch_gold(s, document_id, gold_id)
    s.exec(
        select(DocumentStatus.coder_id)
        .where(DocumentStatus.document_id == document_id, DocumentStatus.coder_id == gold_id)
        .with_for_update()
    ).all()


def _gold_states(s: Session, gold_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    out = {}
    for ann_id in gold_ids:
        row = s.get(AnnotationRow, ann_id)
        if row is not None:
            out[ann_id] = services.annotation_state(row)
    return out


def _taken_back(s: Session, reviewer: str, change: Change) -> Change:
    """``change`` (gold spans put in) with its undo: withdraw exactly those, as they are now."""
    if not change.annotations:
        return change
    undo = step(
        "withdraw",
        reviewer=reviewer,
        gold_ids=change.annotations,
        expect=_gold_states(s, change.annotations),
    )
    return replace(change, undo=(undo,))


def accept(
    project: Project, reviewer: str, annotation_ids: Iterable[int], note: str = ""
) -> Change:
    """Copy coders' spans into gold, with provenance, and the links between accepted spans.

    Refused (nothing written) when one of them is already in gold, is gold itself, or no longer
    fits the codebook. ``Change.annotations`` are the new gold ids, ``Change.links`` the new
    gold links.
    """
    return run_one(
        project, "accept", reviewer=reviewer, annotation_ids=tuple(annotation_ids), note=note
    )


@operation(refused=ALREADY_IN_GOLD)
def _accept(
    s: Session, project: Project, reviewer: str, annotation_ids: Sequence[int], note: str = ""
) -> Change:
    require_reviewer(project, reviewer)
    ids = list(dict.fromkeys(annotation_ids))
    if not ids:
        raise ServiceError("no span to accept")
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
    batch.look_up((r.id, r.coder_id, r.uid) for r in rows if r.id is not None)
    for row in rows:
        if row.coder_id == batch.gold_id:
            raise ServiceError(f"annotation {row.id} is gold already")
        batch.copy(row, note)
    return _taken_back(s, reviewer, batch.change(ACCEPT))


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
    wanted = tuple(
        u.spans[first].id
        for u in review.units
        if u.agreed and len(u.spans) == len(review.coders) and u.key not in review.resolutions
    )
    return run_one(
        project,
        "accept_agreed",
        reviewer=reviewer,
        document_id=document_id,
        first=first,
        annotation_ids=wanted,
        note=note,
    )


@operation(refused=ALREADY_IN_GOLD)
def _accept_agreed(
    s: Session,
    project: Project,
    reviewer: str,
    document_id: int,
    first: str,
    annotation_ids: Sequence[int],
    note: str = "",
) -> Change:
    require_reviewer(project, reviewer)
    lock_layer(s, document_id, coder_id(s, GOLD))
    batch = GoldCopy(s, project.codebook, reviewer, document_id)
    rows = [s.get(AnnotationRow, ann_id) for ann_id in annotation_ids]
    batch.look_up((r.id, r.coder_id, r.uid) for r in rows if r is not None and r.id is not None)
    for row in rows:
        if row is None or row.deleted_at is not None:
            continue  # changed since it was read: leave it to the reviewer
        if f"{first}:{row.uid}" in batch.in_gold:
            continue
        batch.copy(row, note)
    return _taken_back(s, reviewer, batch.change("adjudicate_accept_agreed"))


def withdraw(project: Project, reviewer: str, gold_ids: Iterable[int]) -> Change:
    """Take accepted spans out of gold again (soft delete, with the gold links touching them):
    the undo of ``accept``. ``Change.links`` lists the links removed, for ``reinstate``."""
    return run_one(project, "withdraw", reviewer=reviewer, gold_ids=tuple(gold_ids))


@operation
def _withdraw(
    s: Session,
    project: Project,
    reviewer: str,
    gold_ids: Sequence[int],
    expect: Mapping[int, Mapping[str, Any]] | None = None,
) -> Change:
    require_reviewer(project, reviewer)
    ids = list(dict.fromkeys(gold_ids))
    gold_id = coder_id(s, GOLD)
    for doc in s.exec(
        select(AnnotationRow.document_id).where(col(AnnotationRow.id).in_(ids)).distinct()
    ).all():
        hold_gold_status(s, doc)  # reopens a unit: gold is not marked done meanwhile
    stamp = now()
    document_id: int | None = None
    spans: list[tuple[int, int]] = []
    for ann_id in ids:
        row = s.get(AnnotationRow, ann_id)
        if row is None or row.coder_id != gold_id:
            raise ServiceError(f"annotation {ann_id} is not in gold")
        if expect is not None:
            check(expect.get(ann_id), services.annotation_state(row), f"gold {row.label} span")
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
    link_ids = tuple(k.id for k in links if k.id is not None)
    undo = step(
        "reinstate",
        reviewer=reviewer,
        gold_ids=tuple(ids),
        link_ids=link_ids,
        expect=_gold_states(s, ids),
    )
    return Change(
        "adjudicate_withdraw",
        document_id,
        tuple(ids),
        link_ids,
        spans=tuple(spans),
        undo=(undo,),
    )


def reinstate(
    project: Project, reviewer: str, gold_ids: Iterable[int], link_ids: Iterable[int] = ()
) -> Change:
    """Bring withdrawn gold spans (and links) back: the redo of ``accept``, the same rows."""
    return run_one(
        project, "reinstate", reviewer=reviewer, gold_ids=tuple(gold_ids), link_ids=tuple(link_ids)
    )


@operation(refused=ALREADY_IN_GOLD)
def _reinstate(
    s: Session,
    project: Project,
    reviewer: str,
    gold_ids: Sequence[int],
    link_ids: Sequence[int] = (),
    expect: Mapping[int, Mapping[str, Any]] | None = None,
) -> Change:
    require_reviewer(project, reviewer)
    ids = list(dict.fromkeys(gold_ids))
    links = list(dict.fromkeys(link_ids))
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
        if expect is not None:
            check(expect.get(ann_id), services.annotation_state(row), f"gold {row.label} span")
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
    s.flush()
    change = Change(
        "adjudicate_reinstate", document_id, tuple(ids), tuple(links), spans=tuple(spans)
    )
    return _taken_back(s, reviewer, change)


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
    return run_one(
        project,
        "reject",
        reviewer=reviewer,
        document_id=document_id,
        unit_key=tuple(unit_key),
        note=note,
    )


@operation
def _reject(
    s: Session,
    project: Project,
    reviewer: str,
    document_id: int,
    unit_key: Sequence[str],
    note: str = "",
) -> Change:
    require_reviewer(project, reviewer)
    key = sorted(dict.fromkeys(unit_key))
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
        s, reviewer, REJECT, document_id, "unit", None, sources=key, note=note, span=[start, end]
    )
    touch_gold(s, document_id, coder_id(s, GOLD))
    undo = step("unreject", reviewer=reviewer, document_id=document_id, unit_key=tuple(key))
    return Change("adjudicate_reject", document_id, spans=((start, end),), undo=(undo,))


def unreject(project: Project, reviewer: str, document_id: int, unit_key: Sequence[str]) -> Change:
    """Take a rejection back (its undo); the audit trail keeps both entries."""
    return run_one(
        project, "unreject", reviewer=reviewer, document_id=document_id, unit_key=tuple(unit_key)
    )


@operation
def _unreject(
    s: Session, project: Project, reviewer: str, document_id: int, unit_key: Sequence[str]
) -> Change:
    require_reviewer(project, reviewer)
    hold_gold_status(s, document_id)  # reopens a unit: gold is not marked done meanwhile
    key = sorted(dict.fromkeys(unit_key))
    rows, _ = _unit_rows(s, document_id, key)
    rejected = rejected_sources(s, document_id)
    if not all(src in rejected for src in key):
        raise StaleError("this unit is no longer rejected (in another window or process)")
    note = rejected[key[0]]
    start, end = min(r.start for r in rows), max(r.end for r in rows)
    services.audit(s, reviewer, UNREJECT, document_id, "unit", None, sources=key, span=[start, end])
    undo = step(
        "reject", reviewer=reviewer, document_id=document_id, unit_key=tuple(key), note=note
    )
    return Change("adjudicate_unreject", document_id, spans=((start, end),), undo=(undo,))


def decide(
    project: Project,
    reviewer: str,
    document_id: int,
    unit_key: Sequence[str],
    accept_id: int | None,
    note: str = "",
    previous: Resolution | None = None,
) -> Change:
    """A reviewer's choice for a unit, in one transaction: take back how it was resolved before
    (``previous``: its accepted copy withdrawn, or its rejection taken back), then accept
    ``accept_id`` into gold, or reject the unit when None. A failure leaves both undone; the
    undo puts the previous resolution back, in one transaction too."""
    steps = []
    if previous is not None and previous.how == "accepted":
        steps.append(step("withdraw", reviewer=reviewer, gold_ids=previous.gold_ids))
    elif previous is not None and previous.how == "rejected":
        steps.append(
            step("unreject", reviewer=reviewer, document_id=document_id, unit_key=tuple(unit_key))
        )
    if accept_id is not None:
        steps.append(step("accept", reviewer=reviewer, annotation_ids=(accept_id,), note=note))
    else:
        steps.append(
            step(
                "reject",
                reviewer=reviewer,
                document_id=document_id,
                unit_key=tuple(unit_key),
                note=note,
            )
        )
    return run(project, steps)


def finish(
    project: Project, reviewer: str, document_id: int, coders: Sequence[str] | None = None
) -> Change:
    """Mark gold done for the document; refused while a unit is not adjudicated (or a gold
    span lacks a required field). The check and the status are one transaction, holding gold's
    status row of the document, which every edit that could open a unit locks too
    (``hold_gold_status``). Its undo reopens gold."""
    chosen = tuple(coders) if coders is not None else None
    return run(
        project,
        [
            step("check_adjudicated", reviewer=reviewer, document_id=document_id, coders=chosen),
            step("set_status", coder=GOLD, document_id=document_id, status="done", actor=reviewer),
        ],
    )


@operation
def _check_adjudicated(
    s: Session,
    project: Project,
    reviewer: str,
    document_id: int,
    coders: Sequence[str] | None = None,
) -> Change:
    """Refuse (writing nothing) while a unit of the document is open; then no edit that could
    open one lands before this transaction ends."""
    require_reviewer(project, reviewer)
    hold_document(s, document_id)  # the coders' edits under way first, also where gold has
    hold_gold_status(s, document_id)  # no status row for them to lock yet
    state = review_in(s, project, document_id, coders).progress()
    if not state.finished:
        open_units = state.units_total - state.units_resolved
        open_rows = state.disagreements_total - state.disagreements_resolved
        raise ServiceError(
            f"{open_units} unit{'s' if open_units != 1 else ''} not adjudicated yet "
            f"({open_rows} disagreement{'s' if open_rows != 1 else ''} open)"
        )
    return Change("adjudicate_check", document_id)


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
    "decide",
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
