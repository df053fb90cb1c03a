"""The agreement dashboard's figures: this document's coders on this document, and (on demand,
as it reads the whole project) on every document they all coded."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from annotator.core.agreement import agreement_report
from annotator.store.review import Selection, agreement_input, select_documents
from annotator.store.services import ServiceError

from .dashboard import AgreementDashboard
from .session import ReviewSession


def _report(session: ReviewSession, selection: Selection) -> dict[str, Any]:
    return agreement_report(agreement_input(session.project, selection))


def show_document_agreement(session: ReviewSession, dashboard: AgreementDashboard) -> None:
    review = session.review
    if review is None:
        return
    selection = Selection(list(review.coders), [review.document.id], "this document")
    dashboard.document.show_report(_report(session, selection))


def show_project_agreement(session: ReviewSession, dashboard: AgreementDashboard) -> None:
    """Agreement of this document's coders over every document they all coded."""
    review = session.review
    if review is None:
        return
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        selection = select_documents(session.project, list(review.coders))
        report = _report(session, selection)
    except (ServiceError, ValueError) as exc:
        dashboard.project.show_report(None, str(exc))
        return
    finally:
        QGuiApplication.restoreOverrideCursor()
    dashboard.project.show_report(report, selection.rule)
    dashboard.setCurrentWidget(dashboard.project)
