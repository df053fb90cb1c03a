"""What the review window works on: the project, the reviewer, the document under review.

No widgets. Every reviewer action runs one adjudication or gold service (one transaction);
after it the session updates only what the action changed (``review_state.after_change``: gold's
spans and links from the rows the action returned, the decisions and gold's status read again;
the coders' spans and the units stay) and tells the views through ``reviewChanged`` with the
``Change``, so they repaint what it names. What other processes change comes through
``annotator.gui.review.live`` as ``reviewRefreshed`` (with the review as it was before).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from annotator.core.change import Change
from annotator.core.codebook import Codebook
from annotator.store import review_state
from annotator.store.engine import Project
from annotator.store.review_state import (
    AdjudicationProgress,
    DocumentReview,
    ReviewDocument,
    Unit,
)

from ..undo import StoreCommand, UndoStacks


class ReviewSession(QObject):
    documentsChanged = Signal()
    documentOpened = Signal(int)
    documentRowChanged = Signal(int)
    reviewChanged = Signal(object)  # the Change of the action just run
    reviewRefreshed = Signal(object)  # the open review re-read (live): the one before it
    codebookChanged = Signal()  # another process installed a codebook version
    notice = Signal(str, bool)  # message, is it an error
    saved = Signal()
    aboutToLeave = Signal()  # before another document opens: commit typed text first

    def __init__(self, project: Project, reviewer: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.reviewer = reviewer
        self.undo = UndoStacks(self, self.fail)
        self.undo_group = self.undo.group
        self.documents: dict[int, ReviewDocument] = {}
        self.progress: dict[int, AdjudicationProgress] = {}
        self.review: DocumentReview | None = None
        # the reviewer's layout for the rest of the session: one coder's layer at a time next
        # to gold, or every coder side by side; None until they choose (then it follows how
        # many coders a document has)
        self.one_coder_at_a_time: bool | None = None

    @property
    def codebook(self) -> Codebook:
        return self.project.codebook

    @property
    def document_id(self) -> int | None:
        return self.review.document.id if self.review is not None else None

    @property
    def coders(self) -> tuple[str, ...]:
        return self.review.coders if self.review is not None else ()

    # ------------------------------------------------------------------------------ documents

    def reload_documents(self) -> None:
        """The documents two or more coders worked on, each with its adjudication progress."""
        self.documents = {d.id: d for d in review_state.review_documents(self.project)}
        self.progress = {
            d.id: review_state.progress(self.project, d.id, d.coders)
            for d in self.documents.values()
        }
        self.documentsChanged.emit()

    def update_documents(self, listed: dict[int, ReviewDocument]) -> int:
        """The documents as re-read (live): progress is read again only for the documents
        that are new or changed; returns how many are new."""
        old = self.documents
        self.documents = dict(listed)
        self.progress = {
            i: self.progress[i]
            if old.get(i) == d and i in self.progress
            else review_state.progress(self.project, i, d.coders)
            for i, d in listed.items()
        }
        if self.review is not None:  # the open one's as shown
            self.progress[self.review.document.id] = self.review.progress()
        self.documentsChanged.emit()
        return len(listed.keys() - old.keys())

    def open_document(self, document_id: int) -> None:
        self.aboutToLeave.emit()
        entry = self.documents.get(document_id)
        coders = entry.coders if entry is not None else None
        self.review = review_state.load_review(self.project, document_id, coders)
        self.progress[document_id] = self.review.progress()
        self.undo.activate(document_id)
        self.documentOpened.emit(document_id)

    # --------------------------------------------------------------------------- running work

    def push(self, command: StoreCommand) -> bool:
        """Run a command's first service call; only if it worked, put it on the undo stack."""
        return self.undo.push(command, self.document_id)

    def run(self, service: Callable[[], Change]) -> Change:
        """Run one service (one transaction) and show its result. ServiceError propagates."""
        change = service()
        self.refresh(change)
        return change

    def refresh(self, change: Change) -> None:
        review = self.review
        if review is not None:
            doc = review.document.id
            self.review = review_state.after_change(self.project, review, change)
            self.progress[doc] = self.review.progress()
            entry = self.documents.get(doc)
            if entry is not None and entry.gold_status != self.review.gold_status:
                self.documents[doc] = ReviewDocument(
                    entry.id, entry.ext_id, entry.title, entry.coders, self.review.gold_status
                )
            self.documentRowChanged.emit(doc)
            self.reviewChanged.emit(change)
        self.saved.emit()

    def fail(self, message: str) -> None:
        self.notice.emit(message, True)

    def unit_of(self, annotation_id: int) -> Unit | None:
        """The unit a coder's span belongs to (None: no document, or not a coder's span)."""
        if self.review is None or annotation_id < 0:
            return None
        for unit in self.review.units:
            if any(a.id == annotation_id for a in unit.spans.values()):
                return unit
        return None

    def say(self, message: str) -> None:
        self.notice.emit(message, False)
