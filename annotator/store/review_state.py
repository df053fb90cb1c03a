"""What there is to adjudicate in a document, and how far it has come: the read side of review.

Units are the agreement engine's (``annotator.core.agreement.alignment``): the coders' spans
that mark the same thing, at most one per coder. A unit is *resolved* when

- gold holds a span copied from one of its spans (``accept``), or
- a gold span of one of its labels overlaps it and was not copied from another unit's span
  (drawn or re-drawn by hand), or
- the reviewer rejected it: "nothing in gold here" (``reject``).

Every gold span remembers where it came from in ``source_uid`` (``"coder:uid"`` of the coder's
span it was copied from; empty when the reviewer drew it by hand). Rejections live in the audit
trail: the latest ``adjudicate_reject`` / ``adjudicate_unreject`` entry for a span wins, and a
unit counts as rejected when every one of its spans is. The writes are in
``annotator.store.adjudication``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from annotator.core.agreement import AgreementInput, disagreements
from annotator.core.agreement.alignment import align
from annotator.core.agreement.model import prepare
from annotator.core.change import Change
from annotator.core.records import GOLD, Annotation, Document, Link
from annotator.store import queries
from annotator.store.engine import Project
from annotator.store.services import ServiceError
from annotator.store.tables import (
    AnnotationRow,
    Assignment,
    AuditEntry,
    CoderRow,
    DocumentRow,
    DocumentStatus,
    LinkRow,
)

# The audit actions adjudication writes; the reads below interpret ACCEPT, REJECT and UNREJECT.
ACCEPT = "adjudicate_accept"
ACCEPT_LINK = "adjudicate_link"
REJECT = "adjudicate_reject"
UNREJECT = "adjudicate_unreject"
WITHDRAW = "adjudicate_withdraw"
REINSTATE = "adjudicate_reinstate"

UnitKey = tuple[str, ...]
"""A unit's identity: the sorted ``coder:uid`` of its spans."""


def source_of(annotation: Annotation) -> str:
    """The provenance string a gold copy of ``annotation`` carries."""
    return f"{annotation.coder}:{annotation.uid}"


# --------------------------------------------------------------------------- plain records


@dataclass(frozen=True, slots=True)
class Difference:
    """One disagreement row of the engine: its kind and what each coder of the unit said."""

    kind: str  # missing_span | label | boundary | attribute | number | role
    label: str
    attribute: str
    said: Mapping[str, str]  # coder -> what they said ("" for a coder without a span)


@dataclass(frozen=True, slots=True)
class Unit:
    """The coders' spans that mark the same thing in one document, and how they differ."""

    document_id: int
    start: int  # extent: first start to last end of its spans
    end: int
    spans: Mapping[str, Annotation]  # coder -> span, in the order the coders were given
    differences: tuple[Difference, ...]

    @property
    def key(self) -> UnitKey:
        return tuple(sorted(source_of(a) for a in self.spans.values()))

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(sorted({a.label for a in self.spans.values()}))

    @property
    def agreed(self) -> bool:
        return not self.differences


@dataclass(frozen=True, slots=True)
class Resolution:
    """How a unit was resolved: ``accepted`` (a copy in gold), ``edited`` (a gold span drawn
    over it by hand) or ``rejected`` (nothing in gold), with the gold ids and the note."""

    how: str
    gold_ids: tuple[int, ...] = ()
    source: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class AdjudicationProgress:
    units_total: int
    units_resolved: int
    disagreements_total: int
    disagreements_resolved: int

    @property
    def finished(self) -> bool:
        return self.units_resolved == self.units_total


@dataclass(frozen=True, slots=True)
class ReviewDocument:
    """A document at least two coders worked on, for the review window's chooser."""

    id: int
    ext_id: str
    title: str
    coders: tuple[str, ...]
    gold_status: str  # not_started | in_progress | done


@dataclass(frozen=True)
class DocumentReview:
    """Everything review mode shows of one document, read in one go."""

    document: Document
    coders: tuple[str, ...]
    annotations: Mapping[str, list[Annotation]]  # every coder's, and gold's under GOLD
    links: list[Link]
    units: list[Unit]
    resolutions: Mapping[UnitKey, Resolution]
    gold_status: str

    @property
    def gold(self) -> list[Annotation]:
        return list(self.annotations.get(GOLD, []))

    def resolution(self, unit: Unit) -> Resolution | None:
        return self.resolutions.get(unit.key)

    def progress(self) -> AdjudicationProgress:
        resolved = [u for u in self.units if u.key in self.resolutions]
        return AdjudicationProgress(
            units_total=len(self.units),
            units_resolved=len(resolved),
            disagreements_total=sum(len(u.differences) for u in self.units),
            disagreements_resolved=sum(len(u.differences) for u in resolved),
        )


# ---------------------------------------------------------------------------------- units


def unit_members(
    document: Document, annotations: Sequence[Annotation], coders: Sequence[str]
) -> list[list[Annotation]]:
    """The engine's units as lists of spans (no disagreement rows)."""
    prepared = prepare(AgreementInput([document], list(annotations), coders=list(coders)))
    spans = prepared.spans.annotations
    return [
        [spans[i] for i in row if i >= 0]
        for row in align(prepared.spans, len(prepared.coders)).member.T.tolist()
    ]


def align_units(
    document: Document,
    annotations: Sequence[Annotation],
    links: Sequence[Link],
    coders: Sequence[str],
    attribute_metrics: Mapping[str, str],
) -> list[Unit]:
    """The document's units and their disagreement rows, as the agreement engine sees them."""
    data = AgreementInput(
        documents=[document],
        annotations=[a for a in annotations if a.coder in coders],
        links=list(links),
        coders=list(coders),
        attribute_metrics=dict(attribute_metrics),
    )
    bare = [
        (min(a.start for a in unit), max(a.end for a in unit), {a.coder: a for a in unit})
        for unit in unit_members(document, data.annotations, coders)
    ]
    bare.sort(key=lambda item: (item[0], item[1], sorted(a.label for a in item[2].values())))
    # Disagreement rows name their unit by its extent and label(s) (the joined labels for
    # missing_span/label rows); two units with the same extent and labels would be
    # indistinguishable to the reviewer anyway, so the first one takes the row.
    by_extent: dict[tuple[int, int], list[int]] = {}
    for k, (start, end, _) in enumerate(bare):
        by_extent.setdefault((start, end), []).append(k)
    found: dict[int, list[Difference]] = {}
    for row in disagreements(data) if len(coders) > 1 else []:
        candidates = by_extent.get((row["start"], row["end"]), [])
        for k in candidates:
            labels = sorted({a.label for a in bare[k][2].values()})
            if row["label"] == "/".join(labels) or row["label"] in labels:
                said_by = {c: str(row.get(f"coder:{c}", "")) for c in bare[k][2]}
                found.setdefault(k, []).append(
                    Difference(row["kind"], row["label"], row["attribute"], said_by)
                )
                break
    return [
        Unit(document.id, start, end, said, tuple(found.get(k, ())))
        for k, (start, end, said) in enumerate(bare)
    ]


def _resolutions(
    units: Sequence[Unit],
    gold: Sequence[Annotation],
    rejected: Mapping[str, str],
    notes: Mapping[int, str],
) -> dict[UnitKey, Resolution]:
    """Which units are resolved, and how (see the module docstring)."""
    claimed = {source_of(a) for u in units for a in u.spans.values()}
    by_source: dict[str, list[Annotation]] = {}
    drawn: list[Annotation] = []
    for g in gold:
        if g.source_uid in claimed:
            by_source.setdefault(g.source_uid, []).append(g)
        else:
            drawn.append(g)
    out: dict[UnitKey, Resolution] = {}
    for u in units:
        key = u.key
        copies = [g for src in key for g in by_source.get(src, [])]
        if copies:
            first = copies[0]
            out[key] = Resolution(
                "accepted", tuple(g.id for g in copies), first.source_uid, notes.get(first.id, "")
            )
            continue
        if key and all(src in rejected for src in key):
            out[key] = Resolution("rejected", note=rejected[key[0]])
            continue
        labels = set(u.labels)
        over = [g for g in drawn if g.label in labels and g.start < u.end and g.end > u.start]
        if over:
            out[key] = Resolution("edited", tuple(g.id for g in over))
    return out


# ----------------------------------------------------------------------------------- reads


def document_coders(project: Project, document_id: int) -> list[str]:
    """Coders other than gold who annotated the document or gave it a status, by name."""
    with project.read() as s:
        return sorted(_coders_by_document(s, [document_id]).get(document_id, set()))


def _coders_by_document(s: Session, document_ids: Sequence[int] | None) -> dict[int, set[str]]:
    names = queries.coder_ids(s, None)
    ann = (
        select(AnnotationRow.document_id, AnnotationRow.coder_id)
        .where(col(AnnotationRow.deleted_at).is_(None))
        .group_by(col(AnnotationRow.document_id), col(AnnotationRow.coder_id))
    )
    status = select(DocumentStatus.document_id, DocumentStatus.coder_id)
    if document_ids is not None:
        ann = ann.where(col(AnnotationRow.document_id).in_(list(document_ids)))
        status = status.where(col(DocumentStatus.document_id).in_(list(document_ids)))
    out: dict[int, set[str]] = {}
    for doc_id, cid in [*s.exec(ann).all(), *s.exec(status).all()]:
        name = names.get(cid)
        if name is not None and name != GOLD:
            out.setdefault(doc_id, set()).add(name)
    return out


def review_documents(project: Project) -> list[ReviewDocument]:
    """Documents that two or more coders worked on, in import order, with gold's status. A
    document assigned to coders is ready for review only once every one of them is done (on a
    team project the server shows a reviewer nothing else, docs/team.md)."""
    with project.read() as s:
        per_doc = _coders_by_document(s, None)
        not_ready = set(
            s.exec(
                select(Assignment.document_id)
                .join(
                    DocumentStatus,
                    (col(DocumentStatus.document_id) == col(Assignment.document_id))
                    & (col(DocumentStatus.coder_id) == col(Assignment.coder_id))
                    & (col(DocumentStatus.status) == "done"),
                    isouter=True,
                )
                .where(col(DocumentStatus.document_id).is_(None))
            ).all()
        )
        gold_id = s.exec(select(CoderRow.id).where(CoderRow.name == GOLD)).first()
        gold_status: dict[int, str] = {}
        if gold_id is not None:
            gold_status = dict(
                s.exec(
                    select(DocumentStatus.document_id, DocumentStatus.status).where(
                        DocumentStatus.coder_id == gold_id
                    )
                ).all()
            )
        rows = s.exec(
            select(DocumentRow.id, DocumentRow.ext_id, DocumentRow.title).order_by(
                col(DocumentRow.id)
            )
        ).all()
    return [
        ReviewDocument(i, e, t or e, tuple(sorted(per_doc[i])), gold_status.get(i, "not_started"))
        for i, e, t in rows
        if i is not None and len(per_doc.get(i, ())) >= 2 and i not in not_ready
    ]


def rejected_sources(s: Session, document_id: int) -> dict[str, str]:
    """Coders' spans (``coder:uid``) rejected in this document -> the note of the rejection."""
    out: dict[str, str] = {}
    entries = s.exec(
        select(AuditEntry)
        .where(
            AuditEntry.document_id == document_id,
            col(AuditEntry.action).in_([REJECT, UNREJECT]),
        )
        .order_by(col(AuditEntry.id))
    ).all()
    for entry in entries:
        sources = [str(x) for x in entry.detail.get("sources", [])]
        for src in sources:
            if entry.action == REJECT:
                out[src] = str(entry.detail.get("note", ""))
            else:
                out.pop(src, None)
    return out


def _accept_notes(s: Session, document_id: int) -> dict[int, str]:
    """Gold annotation id -> the reviewer's note when it was accepted."""
    entries = s.exec(
        select(AuditEntry.entity_id, AuditEntry.detail)
        .where(AuditEntry.document_id == document_id, AuditEntry.action == ACCEPT)
        .order_by(col(AuditEntry.id))
    ).all()
    return {i: str(d.get("note", "")) for i, d in entries if i is not None}


def load_review(
    project: Project, document_id: int, coders: Sequence[str] | None = None
) -> DocumentReview:
    """A document's coders' work, gold, units and their resolution (``coders``: default the
    document's own coders)."""
    with project.read() as s:
        return review_in(s, project, document_id, coders)


def review_in(
    s: Session, project: Project, document_id: int, coders: Sequence[str] | None = None
) -> DocumentReview:
    """``load_review`` read in ``s`` (a write transaction's own session: what it checks is
    what it writes on)."""
    if coders is not None:
        chosen = list(coders)
    else:
        chosen = sorted(_coders_by_document(s, [document_id]).get(document_id, set()))
    if GOLD in chosen:
        raise ServiceError("gold is the result of review, not one of the coders compared")
    row = s.get(DocumentRow, document_id)
    if row is None:
        raise KeyError(document_id)
    document = queries.to_document(row)
    anns = queries._annotations(s, [document_id], [*chosen, GOLD]).get(document_id, [])
    links = queries._links(s, [document_id], [*chosen, GOLD]).get(document_id, [])
    rejected = rejected_sources(s, document_id)
    notes = _accept_notes(s, document_id)
    coded = [a for a in anns if a.coder != GOLD]
    gold = [a for a in anns if a.coder == GOLD]
    units = align_units(document, coded, links, chosen, project.codebook.attribute_metrics())
    per_coder: dict[str, list[Annotation]] = {c: [] for c in [*chosen, GOLD]}
    for a in anns:
        per_coder[a.coder].append(a)
    return DocumentReview(
        document=document,
        coders=tuple(chosen),
        annotations=per_coder,
        links=links,
        units=units,
        resolutions=_resolutions(units, gold, rejected, notes),
        gold_status=_gold_status(s, document_id),
    )


def after_change(project: Project, review: DocumentReview, change: Change) -> DocumentReview:
    """``review`` after one of the reviewer's own actions on it (``change``, as the store
    returned it): gold's spans and links as the action left them (its ``rows``), and the
    decisions the audit trail keeps and gold's status read again. A reviewer writes gold
    only, so the coders' spans and the units stay as they are: no alignment is run again
    (what other processes changed meanwhile comes with the next live refresh)."""
    doc = review.document.id
    written = [a for a in change.rows if a.document_id == doc]
    if change.document_id not in (None, doc) or any(a.coder != GOLD for a in written):
        return load_review(project, doc, review.coders)  # not a reviewer's own gold edit
    touched, relinked = set(change.annotations), set(change.links)
    gold = [a for a in review.gold if a.id not in touched] + written
    gold.sort(key=lambda a: (a.start, a.end, a.id))
    links = [k for k in review.links if k.id not in relinked]
    links += [k for k in change.link_rows if k.document_id == doc]
    links.sort(key=lambda k: k.id)
    with project.read() as s:
        rejected = rejected_sources(s, doc)
        notes = _accept_notes(s, doc)
        status = _gold_status(s, doc)
    annotations = dict(review.annotations)
    annotations[GOLD] = gold
    return replace(
        review,
        annotations=annotations,
        links=links,
        resolutions=_resolutions(review.units, gold, rejected, notes),
        gold_status=status,
    )


def _gold_status(s: Session, document_id: int) -> str:
    status = s.exec(
        select(DocumentStatus.status)
        .join(CoderRow, col(CoderRow.id) == col(DocumentStatus.coder_id))
        .where(CoderRow.name == GOLD, DocumentStatus.document_id == document_id)
    ).first()
    return status or "not_started"


def document_fingerprint(project: Project, document_id: int) -> tuple[Any, ...]:
    """What a document's review depends on, in a few index look-ups: its spans and links
    (how many live, the newest change or deletion), its statuses and the reviewers'
    decisions. Equal fingerprints: the review need not be read again."""
    d = document_id
    with project.read() as s:
        ann = s.exec(
            select(
                func.count(col(AnnotationRow.deleted_at)),
                func.count(),
                func.max(AnnotationRow.updated_at),
                func.max(AnnotationRow.deleted_at),
            ).where(AnnotationRow.document_id == d)
        ).one()
        link = s.exec(
            select(func.count(col(LinkRow.deleted_at)), func.count(), func.max(LinkRow.id)).where(
                LinkRow.document_id == d
            )
        ).one()
        status = s.exec(
            select(func.count(), func.max(DocumentStatus.updated_at)).where(
                DocumentStatus.document_id == d
            )
        ).one()
        decided = s.exec(
            select(func.max(AuditEntry.id)).where(
                col(AuditEntry.action).in_([ACCEPT, REJECT, UNREJECT]),
                AuditEntry.document_id == d,
            )
        ).one()
    return (*ann, *link, *status, decided)


def progress(
    project: Project, document_id: int, coders: Sequence[str] | None = None
) -> AdjudicationProgress:
    """How far adjudication of a document has come (see the module docstring)."""
    return load_review(project, document_id, coders).progress()
