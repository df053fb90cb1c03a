"""A review window stays live (docs/team.md, "Live windows"); see ``annotator.gui.live``.

What another process commits shows without a restart: documents that became ready for review
(two coders done), another reviewer's decisions and gold edits, gold marked done or reopened,
a coder's spans added, changed or deleted in the open document (their layer and the
disagreement list follow), a new codebook version, and the reviewers' list. The open document
is read again only when its fingerprint (a few index look-ups) moved. Nothing the reviewer
holds moves: the open document, the current disagreement, the layers' scroll and selection,
the undo history; an undo whose rows changed meanwhile is refused by the store (one line).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from annotator.gui.live import INTERVAL_MS, Live
from annotator.store import review_state, services
from annotator.store.review_state import ReviewDocument

if TYPE_CHECKING:
    from .panels import DocumentChooser
    from .session import ReviewSession

# What a review window lists (documents two coders worked on, gold status), and what its open
# document shows (the coders' spans and links, gold, decisions kept in the audit trail).
REVIEW_LIST_TABLES = {"annotation", "assignment", "coder", "document", "document_status"}
REVIEW_DOCUMENT_TABLES = {"annotation", "audit", "document_status", "link"}


class LiveReview(Live):
    """Keeps a review window's document list, codebook and the open document in step."""

    documents: DocumentChooser

    def __init__(
        self, session: ReviewSession, documents: DocumentChooser, interval_ms: int = INTERVAL_MS
    ) -> None:
        self.session = session
        self._reviewers = services.reviewers(session.project)
        self._fingerprint: tuple[int, tuple[Any, ...]] | None = None  # (document, fingerprint)
        self._codebook = (session.codebook.name, session.codebook.version)  # as shown
        super().__init__(session, documents, interval_ms, session)

    def check(self) -> None:
        s = self.session
        changed = self._changes()
        if not changed:
            return
        if "project_setting" in changed:
            self._check_reviewers()
        after = s.codebook  # the watcher dropped the cached one if a new version came
        if (after.name, after.version) != self._codebook:
            self._codebook = (after.name, after.version)
            self._fingerprint = None  # the units follow the codebook's attributes
            s.codebookChanged.emit()
            s.notice.emit(f"Codebook is now {after.name} v{after.version}.", False)
        if changed & REVIEW_LIST_TABLES:
            self.refresh_documents()
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

    def refresh_documents(self) -> None:
        s = self.session
        listed = {d.id: d for d in review_state.review_documents(s.project)}
        if listed == s.documents:
            return
        added = s.update_documents(listed)
        if s.document_id is not None:
            self.documents.select(s.document_id)
        if added:
            s.notice.emit(f"{added} new document{'s' if added != 1 else ''} to review.", False)

    def refresh_open_document(self) -> None:
        s = self.session
        old = s.review
        if old is None:
            return
        doc = old.document.id
        fingerprint = review_state.document_fingerprint(s.project, doc)  # before the read
        if self._fingerprint == (doc, fingerprint):
            return
        new = review_state.load_review(s.project, doc, old.coders)
        self._fingerprint = (doc, fingerprint)
        shown = (old.annotations, old.links, old.units, old.resolutions, old.gold_status)
        if (new.annotations, new.links, new.units, new.resolutions, new.gold_status) == shown:
            return
        s.review = new
        s.progress[doc] = new.progress()
        entry = s.documents.get(doc)
        if entry is not None and entry.gold_status != new.gold_status:
            s.documents[doc] = ReviewDocument(
                entry.id, entry.ext_id, entry.title, entry.coders, new.gold_status
            )
        s.documentRowChanged.emit(doc)
        s.reviewRefreshed.emit(old)
