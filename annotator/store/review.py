"""Gathering several coders' work for agreement figures and adjudication.

The SQL and the rules are in ``annotator.store.coding_sql`` (shared with the read-only path of
``annotator agreement``); these run them on a project's engine.
"""

from __future__ import annotations

from collections.abc import Sequence

from annotator.core.agreement import AgreementInput
from annotator.store import coding_sql
from annotator.store.coding_reader import reading
from annotator.store.coding_sql import SCOPES, Refusal, Selection
from annotator.store.engine import Project
from annotator.store.errors import ServiceError


def select_documents(
    project: Project,
    coders: Sequence[str] | None = None,
    ext_ids: Sequence[str] | None = None,
    scope: str = "coded",
) -> Selection:
    """Which coders and documents to compare (see ``coding_sql.select_documents``)."""
    try:
        with reading(project) as run:
            return coding_sql.select_documents(run, coders, ext_ids, scope)
    except Refusal as exc:
        raise ServiceError(str(exc)) from None


def accepted_suggestions(project: Project, document_ids: Sequence[int]) -> set[int]:
    """Annotations that entered a layer as accepted suggestions (docs/dataset.md)."""
    with reading(project) as run:
        return coding_sql.accepted_suggestions(run, document_ids)


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
    try:
        with reading(project) as run:
            return coding_sql.agreement_input(run, cb, selection, labels, suggestions=suggestions)
    except Refusal as exc:
        raise ServiceError(str(exc)) from None


__all__ = ["SCOPES", "Selection", "accepted_suggestions", "agreement_input", "select_documents"]
