"""Gathering several coders' work for agreement figures and adjudication."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import col, select

from annotator.core.agreement import AgreementInput
from annotator.core.agreement.model import AnnotationTable
from annotator.core.records import GOLD
from annotator.store import queries
from annotator.store.coding_reader import read_coding
from annotator.store.engine import Project
from annotator.store.services import ServiceError
from annotator.store.tables import AnnotationRow, DocumentStatus

SCOPES = ("coded", "done", "all")


@dataclass(frozen=True)
class Selection:
    coders: list[str]
    document_ids: list[int]
    rule: str  # how the documents were chosen, said in the report


def select_documents(
    project: Project,
    coders: Sequence[str] | None = None,
    ext_ids: Sequence[str] | None = None,
    scope: str = "coded",
) -> Selection:
    """Which coders and documents to compare.

    ``coded`` (default): documents every compared coder has marked done or annotated;
    ``done``: marked done by every one of them; ``all``: every document (unmarked ones count
    as coded with no spans, which lowers the figures).
    """
    if scope not in SCOPES:
        raise ServiceError(f"unknown document scope {scope!r} (one of {', '.join(SCOPES)})")
    known = queries.coders(project)
    if coders is None:
        chosen = [c for c in known if c != GOLD]
    else:
        unknown = [c for c in coders if c not in known]
        if unknown:
            raise ServiceError(
                f"unknown coder {unknown[0]!r} (coders: {', '.join(known) or 'none yet'})"
            )
        chosen = list(dict.fromkeys(coders))
    if len(chosen) < 2:
        raise ServiceError(
            f"agreement needs at least two coders; this project has {', '.join(known) or 'none'}"
        )
    if ext_ids is not None:
        ids = queries.document_ids(project, ext_ids=ext_ids)
        if len(ids) != len(set(ext_ids)):
            found = {queries.document(project, i).ext_id for i in ids}
            missing = sorted(set(ext_ids) - found)
            raise ServiceError(f"unknown document id {missing[0]!r}")
    else:
        ids = queries.document_ids(project)
    if scope == "all":
        return Selection(chosen, ids, "all of them")
    with project.read() as s:
        coder_ids = queries.coder_ids(s, chosen)
        done = s.exec(
            select(DocumentStatus.document_id, DocumentStatus.coder_id).where(
                DocumentStatus.status == "done", col(DocumentStatus.coder_id).in_(list(coder_ids))
            )
        ).all()
        coded = set(done)
        if scope == "coded":
            coded |= set(
                s.exec(
                    select(AnnotationRow.document_id, AnnotationRow.coder_id)
                    .where(
                        col(AnnotationRow.coder_id).in_(list(coder_ids)),
                        col(AnnotationRow.deleted_at).is_(None),
                    )
                    .group_by(col(AnnotationRow.document_id), col(AnnotationRow.coder_id))
                    .having(func.count() > 0)
                ).all()
            )
    wanted = set(coder_ids)
    per_doc: dict[int, set[int]] = {}
    for doc_id, coder_id in coded:
        per_doc.setdefault(doc_id, set()).add(coder_id)
    kept = [i for i in ids if per_doc.get(i, set()) >= wanted]
    rule = {
        "coded": "those every coder marked done or annotated",
        "done": "those every coder marked done",
    }[scope]
    return Selection(chosen, kept, rule)


def accepted_suggestions(project: Project, document_ids: Sequence[int]) -> set[int]:
    """Annotations that entered a layer as accepted suggestions (docs/dataset.md)."""
    from annotator.store.tables import AuditEntry

    out: set[int] = set()
    ids = list(document_ids)
    with project.read() as s:
        for start in range(0, len(ids), 900):
            out.update(
                i
                for i in s.exec(
                    select(AuditEntry.entity_id).where(
                        AuditEntry.action == "accept_suggestion",
                        col(AuditEntry.document_id).in_(ids[start : start + 900]),
                    )
                ).all()
                if i is not None
            )
    return out


def agreement_input(
    project: Project,
    selection: Selection,
    labels: Sequence[str] | None = None,
    *,
    suggestions: bool = True,
) -> AgreementInput:
    """What the agreement engine compares; ``suggestions=False`` leaves out spans the coders
    accepted as suggestions (and the links that touch them)."""
    cb = project.codebook
    if labels is not None:
        for label in labels:
            if cb.label(label) is None:
                raise ServiceError(
                    f"unknown label {label!r} (codebook has {', '.join(cb.label_names)})"
                )
    documents, annotations, links = read_coding(project, selection.document_ids, selection.coders)
    if not suggestions:
        left_out = accepted_suggestions(project, selection.document_ids)
        if left_out:
            keep = [i for i, a in enumerate(annotations.column("id")) if a not in left_out]
            annotations = AnnotationTable(
                [[column[i] for i in keep] for column in annotations.columns()]
            )
            links = [k for k in links if k.from_id not in left_out and k.to_id not in left_out]
    return AgreementInput(
        documents=documents,
        annotations=annotations,
        links=links,
        coders=selection.coders,
        attribute_metrics=cb.attribute_metrics(),
        labels=list(labels) if labels is not None else None,
    )


__all__ = ["SCOPES", "Selection", "agreement_input", "select_documents"]
