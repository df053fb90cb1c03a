"""A review window stays live: another reviewer's gold decisions and the documents two coders
worked on show without a restart (docs/team.md, "Live windows"); see ``annotator.gui.live``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.core.change import Change
from annotator.gui.live import INTERVAL_MS, Live
from annotator.store import review_state, services
from annotator.store.engine import Project
from annotator.store.review_state import ReviewDocument

if TYPE_CHECKING:
    from .panels import DocumentChooser
    from .session import ReviewSession

# What a review window lists (documents two coders worked on, gold status), and what its open
# document shows (the coders' spans, gold, decisions kept in the audit trail).
REVIEW_LIST_TABLES = {"annotation", "assignment", "coder", "document", "document_status"}
REVIEW_DOCUMENT_TABLES = {"annotation", "audit", "document_status", "link"}


class LiveReview(Live):
    """Keeps a review window's document list and the open document's gold in step."""

    def __init__(
        self, session: ReviewSession, documents: DocumentChooser, interval_ms: int = INTERVAL_MS
    ) -> None:
        self.session = session
        self.documents = documents
        self._reviewers = services.reviewers(session.project)
        super().__init__(session, interval_ms)

    def project(self) -> Project:
        return self.session.project

    def window_shown(self) -> bool:
        return bool(self.documents.window().isVisible())

    def say(self, message: str, error: bool) -> None:
        self.session.notice.emit(" ".join(message.split()), error)

    def check(self) -> None:
        changed = self._changes()
        if not changed:
            return
        s = self.session
        if "project_setting" in changed:
            self._check_reviewers()
        if changed & REVIEW_LIST_TABLES:
            listed = {d.id: d for d in review_state.review_documents(s.project)}
            if listed != s.documents:
                s.reload_documents()
                if s.document_id is not None:
                    self.documents.select(s.document_id)
        if changed & REVIEW_DOCUMENT_TABLES:
            self.refresh_open_document()

    def _check_reviewers(self) -> None:
        s = self.session
        names = services.reviewers(s.project)
        if names == self._reviewers:
            return
        self._reviewers = names
        if not services.may_review(s.project, s.reviewer):
            s.fail(f"{s.reviewer} was removed from the reviewers ({', '.join(names)}).")

    def refresh_open_document(self) -> None:
        s = self.session
        old = s.review
        if old is None:
            return
        doc = old.document.id
        new = review_state.load_review(s.project, doc, old.coders)
        if (new.gold, new.resolutions, new.gold_status) == (
            old.gold,
            old.resolutions,
            old.gold_status,
        ):
            return
        s.review = new
        s.progress[doc] = new.progress()
        entry = s.documents.get(doc)
        if entry is not None and entry.gold_status != new.gold_status:
            s.documents[doc] = ReviewDocument(
                entry.id, entry.ext_id, entry.title, entry.coders, new.gold_status
            )
        touched = {a.id for a in old.gold} | {a.id for a in new.gold}
        s.documentRowChanged.emit(doc)
        s.reviewChanged.emit(Change("live_refresh", doc, tuple(sorted(touched))))
