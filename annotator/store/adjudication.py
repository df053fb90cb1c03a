"""Adjudication: the reviewer turns several coders' work on a document into the gold layer.

Gold is the reserved coder ``gold``. Every gold span remembers where it came from in
``source_uid`` (``"coder:uid"`` of the coder's span it was copied from; empty when the reviewer
drew it by hand). Each function below is one reviewer action, one transaction, one ``Change``.

Units are the agreement engine's (``annotator.core.agreement.alignment``): the coders' spans
that mark the same thing, at most one per coder. A unit is *resolved* when

- gold holds a span copied from one of its spans (``accept``), or
- a gold span of one of its labels overlaps it and was not copied from another unit's span
  (drawn or re-drawn by hand), or
- the reviewer rejected it: "nothing in gold here" (``reject``).

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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from annotator.core.agreement import AgreementInput, disagreements
from annotator.core.agreement.alignment import align
from annotator.core.agreement.model import prepare
from annotator.core.change import Change
from annotator.core.codebook import Codebook
from annotator.core.records import GOLD, Annotation, Document, Link
from annotator.store import queries, services
from annotator.store.engine import Project
from annotator.store.services import ServiceError, coder_id, new_uid
from annotator.store.tables import (
    AnnotationRow,
    AuditEntry,
    CoderRow,
    DocumentRow,
    DocumentStatus,
    LinkRow,
    now,
)

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


def _members(
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
        for unit in _members(document, data.annotations, coders)
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
    """Documents that two or more coders worked on, in import order, with gold's status."""
    with project.read() as s:
        per_doc = _coders_by_document(s, None)
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
        if i is not None and len(per_doc.get(i, ())) >= 2
    ]


def _rejected(s: Session, document_id: int) -> dict[str, str]:
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
    chosen = list(coders) if coders is not None else document_coders(project, document_id)
    if GOLD in chosen:
        raise ServiceError("gold is the result of review, not one of the coders compared")
    document = queries.document(project, document_id)
    anns = queries.annotations(project, document_id, [*chosen, GOLD])
    links = queries.links(project, document_id, [*chosen, GOLD])
    with project.read() as s:
        rejected = _rejected(s, document_id)
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
        gold_status=queries.status(project, GOLD, document_id),
    )


def progress(
    project: Project, document_id: int, coders: Sequence[str] | None = None
) -> AdjudicationProgress:
    """How far adjudication of a document has come (see the module docstring)."""
    return load_review(project, document_id, coders).progress()


# ---------------------------------------------------------------------------------- writes


def _touch_gold(s: Session, document_id: int, gold_id: int) -> None:
    if s.get(DocumentStatus, (document_id, gold_id)) is None:
        s.add(DocumentStatus(document_id=document_id, coder_id=gold_id))


def _live_rows(s: Session, document_id: int) -> list[AnnotationRow]:
    return list(
        s.exec(
            select(AnnotationRow).where(
                AnnotationRow.document_id == document_id,
                col(AnnotationRow.deleted_at).is_(None),
            )
        ).all()
    )


class _Batch:
    """Copies coders' spans into gold inside one transaction, then the links between them."""

    def __init__(self, s: Session, codebook: Codebook, reviewer: str, document_id: int) -> None:
        self.s = s
        self.codebook = codebook
        self.reviewer = reviewer
        self.document_id = document_id
        self.names = queries.coder_ids(s, None)
        self.gold_id = coder_id(s, GOLD)
        self.names[self.gold_id] = GOLD
        self.live = live = _live_rows(s, document_id)
        # coder's span id -> the live gold span copied from it (both directions of provenance)
        self.source_id = {
            f"{self.names[r.coder_id]}:{r.uid}": r.id
            for r in live
            if r.coder_id != self.gold_id and r.id is not None
        }
        self.gold_of: dict[int, int] = {}
        for r in live:
            if r.coder_id == self.gold_id and r.source_uid in self.source_id and r.id is not None:
                self.gold_of[self.source_id[r.source_uid]] = r.id
        self.in_gold = {r.source_uid for r in live if r.coder_id == self.gold_id and r.source_uid}
        self.created: list[int] = []
        self.copied: list[int] = []  # the coders' span ids copied in this batch
        self.spans: list[tuple[int, int]] = []

    def copy(self, row: AnnotationRow, note: str) -> None:
        coder = self.names.get(row.coder_id, "")
        source = f"{coder}:{row.uid}"
        if source in self.in_gold:
            raise ServiceError(
                f"{coder}'s {row.label} at {row.start}-{row.end} is already in gold "
                "(undo or delete that gold span first)"
            )
        cb = self.codebook
        if cb.label(row.label) is None:
            raise ServiceError(
                f"{coder}'s {row.label} at {row.start}-{row.end}: unknown label in codebook "
                f"{cb.name} v{cb.version}; draw the gold span by hand"
            )
        attrs = services.clean_attributes(row.attributes)
        errors = cb.attribute_errors(row.label, attrs)
        if errors:
            raise ServiceError(f"{coder}'s {row.label}: {errors[0]}; fix it in gold by hand")
        gold = AnnotationRow(
            uid=new_uid("a"),
            document_id=self.document_id,
            coder_id=self.gold_id,
            label=row.label,
            start=row.start,
            end=row.end,
            attributes=attrs,
            note=row.note,
            codebook_version=cb.version,
            source_uid=source,
        )
        self.s.add(gold)
        self.s.flush()
        assert gold.id is not None and row.id is not None
        self.in_gold.add(source)
        self.gold_of[row.id] = gold.id
        self.created.append(gold.id)
        self.copied.append(row.id)
        self.spans.append((row.start, row.end))
        services.audit(
            self.s,
            self.reviewer,
            ACCEPT,
            self.document_id,
            "annotation",
            gold.id,
            note=note,
            source=source,
        )

    def copy_links(self) -> list[int]:
        """Give the copied spans the links their coders made, as far as gold allows.

        A coder's link ``x -role-> y`` is copied when ``x`` itself is in gold (its coder's
        roles come with it) and ``y``'s unit has a span in gold: ``y``'s own copy, else the
        copy of another coder's span in the same unit (an event accepted from one coder keeps
        its casualty when the reviewer took the other coder's boundaries for it). Only links
        touching this batch are considered, so a gold link the reviewer deleted stays deleted.
        Links the codebook does not allow, or that would overfill a role, are left out.
        """
        if not self.copied:
            return []
        s = self.s
        doc = s.get(DocumentRow, self.document_id)
        assert doc is not None
        coded = [
            queries.to_annotation(r, self.names[r.coder_id])
            for r in self.live
            if r.coder_id != self.gold_id
        ]
        members = _members(queries.to_document(doc), coded, sorted({a.coder for a in coded}))
        unit_of = {a.id: k for k, unit in enumerate(members) for a in unit}

        def gold_for(span_id: int) -> int | None:
            own = self.gold_of.get(span_id)
            if own is not None or span_id not in unit_of:
                return own
            return next(
                (self.gold_of[a.id] for a in members[unit_of[span_id]] if a.id in self.gold_of),
                None,
            )

        copied = set(self.copied)
        copied_units = {unit_of[i] for i in copied if i in unit_of}
        touching = [
            link
            for link in s.exec(
                select(LinkRow)
                .where(
                    LinkRow.document_id == self.document_id,
                    col(LinkRow.deleted_at).is_(None),
                    LinkRow.coder_id != self.gold_id,
                )
                .order_by(col(LinkRow.id))
            ).all()
            if link.from_id in copied or unit_of.get(link.to_id, -1) in copied_units
        ]
        gold_links = s.exec(
            select(LinkRow).where(
                LinkRow.document_id == self.document_id,
                LinkRow.coder_id == self.gold_id,
                col(LinkRow.deleted_at).is_(None),
            )
        ).all()
        present = {(k.from_id, k.role, k.to_id) for k in gold_links}
        filled: dict[tuple[int, str], int] = {}
        for k in gold_links:
            filled[(k.from_id, k.role)] = filled.get((k.from_id, k.role), 0) + 1
        made: list[int] = []
        for link in touching:
            src, dst = self.gold_of.get(link.from_id), gold_for(link.to_id)
            if src is None or dst is None or src == dst or (src, link.role, dst) in present:
                continue
            a, b = s.get(AnnotationRow, src), s.get(AnnotationRow, dst)
            if a is None or b is None or self.codebook.link_error(a.label, link.role, b.label):
                continue
            most = self.codebook.role_max(a.label, link.role)
            if most is not None and filled.get((src, link.role), 0) >= most:
                continue
            gold_link = LinkRow(
                uid=new_uid("l"),
                document_id=self.document_id,
                coder_id=self.gold_id,
                from_id=src,
                role=link.role,
                to_id=dst,
            )
            s.add(gold_link)
            s.flush()
            assert gold_link.id is not None
            present.add((src, link.role, dst))
            filled[(src, link.role)] = filled.get((src, link.role), 0) + 1
            made.append(gold_link.id)
            services.audit(
                s,
                self.reviewer,
                ACCEPT_LINK,
                self.document_id,
                "link",
                gold_link.id,
                source=f"{self.names.get(link.coder_id, '')}:{link.uid}",
            )
        return made

    def change(self, action: str) -> Change:
        links = self.copy_links()
        if self.created or links:
            _touch_gold(self.s, self.document_id, self.gold_id)
        return Change(
            action,
            self.document_id,
            tuple(self.created),
            tuple(links),
            spans=tuple(self.spans),
        )


def accept(
    project: Project, reviewer: str, annotation_ids: Iterable[int], note: str = ""
) -> Change:
    """Copy coders' spans into gold, with provenance, and the links between accepted spans.

    Refused (nothing written) when one of them is already in gold, is gold itself, or no longer
    fits the codebook. ``Change.annotations`` are the new gold ids, ``Change.links`` the new
    gold links.
    """
    ids = list(dict.fromkeys(annotation_ids))
    if not ids:
        raise ServiceError("no span to accept")
    with project.write() as s:
        rows: list[AnnotationRow] = []
        for ann_id in ids:
            row = s.get(AnnotationRow, ann_id)
            if row is None or row.deleted_at is not None:
                raise ServiceError(f"no annotation {ann_id}")
            rows.append(row)
        documents = {r.document_id for r in rows}
        if len(documents) != 1:
            raise ServiceError("accept spans of one document at a time")
        batch = _Batch(s, project.codebook, reviewer, documents.pop())
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
    review = load_review(project, document_id, coders)
    if len(review.coders) < 2:
        raise ServiceError("agreement needs at least two coders")
    first = review.coders[0]
    wanted = [
        u.spans[first].id
        for u in review.units
        if u.agreed and len(u.spans) == len(review.coders) and u.key not in review.resolutions
    ]
    with project.write() as s:
        batch = _Batch(s, project.codebook, reviewer, document_id)
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
    ids = list(dict.fromkeys(gold_ids))
    links = list(dict.fromkeys(link_ids))
    with project.write() as s:
        gold_id = coder_id(s, GOLD)
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
    live = _live_rows(s, document_id)
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
    key = sorted(dict.fromkeys(unit_key))
    with project.write() as s:
        rows, in_gold = _unit_rows(s, document_id, key)
        accepted = [src for src in key if src in in_gold]
        if accepted:
            raise ServiceError(f"{accepted[0]} is in gold; delete that gold span instead")
        rejected = _rejected(s, document_id)
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
        _touch_gold(s, document_id, coder_id(s, GOLD))
        return Change("adjudicate_reject", document_id, spans=((start, end),))


def unreject(project: Project, reviewer: str, document_id: int, unit_key: Sequence[str]) -> Change:
    """Take a rejection back (its undo); the audit trail keeps both entries."""
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
    "REJECT",
    "UNREJECT",
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
