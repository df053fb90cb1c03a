"""Open windows stay live: what other processes commit shows within a second or so.

A timer asks the store's ``Watcher`` (PostgreSQL LISTEN/NOTIFY, SQLite ``PRAGMA data_version``)
what changed (at most once a second), then reads back only what the window lists: the
documents and this coder's statuses and the codebook; in review mode
(``annotator.gui.review.live``) the gold layer and decisions of the open document. The open
article, the cursor, the selection and the undo history are never touched: nothing is
reopened, and a refresh that finds nothing new emits nothing. (docs/team.md, "Live windows")
"""

from __future__ import annotations

import sqlite3
import time
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QTimer, SignalInstance
from PySide6.QtWidgets import QWidget

from annotator.store.engine import Project
from annotator.store.errors import StoreError
from annotator.store.watch import ALL, Watcher, documents_fingerprint

from .document_pages import DocumentPages

if TYPE_CHECKING:
    from .panels.document_list import DocumentList
    from .session import Session

INTERVAL_MS = 500
MIN_GAP_S = 1.0
# Tables whose change can alter what a coding window lists (a coder's own spans are drawn by
# the window itself; other coders' never are).
CODING_TABLES = {
    "assignment",
    "codebook_version",
    "coder",
    "document",
    "document_status",
    "project_setting",
}


class WindowSession(Protocol):
    """What a live window's session offers: its project and a line for the status bar."""

    project: Project

    @property
    def notice(self) -> SignalInstance: ...


class Live(QObject):
    """The timer and the watcher; subclasses say what to re-read (``check``)."""

    def __init__(
        self, session: WindowSession, documents: QWidget, interval_ms: int, parent: QObject
    ) -> None:
        super().__init__(parent)
        self._window_session = session
        self.documents = documents
        self._watcher: Watcher | None = Watcher(self.project())  # from now on
        self._pending: frozenset[str] = frozenset()
        self._refreshed = 0.0
        self._paused = False
        self._shown = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def project(self) -> Project:
        return self._window_session.project

    def window_shown(self) -> bool:
        return bool(self.documents.window().isVisible())

    def say(self, message: str, error: bool) -> None:
        self._window_session.notice.emit(" ".join(message.split()), error)

    def _tick(self) -> None:
        """One look at the store; a closed window looks no more. The network or the file
        gone away pauses live updates with one line (no traceback) until it answers again."""
        if not self.window_shown():
            if self._shown:  # closed (not merely not yet shown)
                self.stop()
            return
        self._shown = True
        try:
            self.check()
        except (StoreError, sqlite3.Error) as exc:  # the store words its own failures
            if not self._paused:
                self._paused = True
                reason = exc
                self.say(f"Live updates paused: cannot read the project ({reason}).", True)
            return
        if self._paused:
            self._paused = False
            self.say("Live updates resumed.", False)

    def _changes(self) -> frozenset[str]:
        """What changed since the last refresh; at most one refresh per ``MIN_GAP_S``, so a busy
        project (every commit of every coder) costs a window one re-read a second at most."""
        project = self.project()
        if self._watcher is None or self._watcher.project is not project:
            if self._watcher is not None:
                self._watcher.close()
            self._watcher = Watcher(project)
            self._pending = frozenset()
            return frozenset()
        self._pending |= self._watcher.poll()
        if not self._pending or time.monotonic() - self._refreshed < MIN_GAP_S:
            return frozenset()
        changed, self._pending = self._pending, frozenset()
        self._refreshed = time.monotonic()
        return changed

    def check(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def stop(self) -> None:
        self.timer.stop()
        if self._watcher is not None:
            self._watcher.close()
            self._watcher = None


class LiveCoding(Live):
    """Keeps a coding window's document list, statuses and codebook in step with the store."""

    documents: DocumentList

    def __init__(
        self, session: Session, documents: DocumentList, interval_ms: int = INTERVAL_MS
    ) -> None:
        self.session = session
        self._fingerprint: tuple[object, ...] | None = None
        # The codebook the window shows, as (project, name, version): a new version is told by
        # comparing with it, not with the codebook read at the last tick, which something in
        # the window may have read again since the watcher dropped it (the newest then).
        self._codebook = self._current_codebook()
        super().__init__(session, documents, interval_ms, session)
        session.projectChanged.connect(self._codebook_shown)

    def _current_codebook(self) -> tuple[object, str, int]:
        cb = self.session.codebook
        return (self.session.project, cb.name, cb.version)

    def _codebook_shown(self) -> None:
        """Whoever asked, the window has just followed the codebook it reads now."""
        self._codebook = self._current_codebook()

    def check(self) -> None:
        s = self.session
        changed = self._changes()
        if not changed & CODING_TABLES:
            return
        after = self._current_codebook()  # the watcher dropped the cached one if a new came
        if after != self._codebook:
            s.projectChanged.emit()  # palette, form, colours and menus follow the new codebook
            s.notice.emit(f"Codebook is now {after[1]} v{after[2]}.", False)
        if changed == ALL:  # SQLite: something changed, maybe only spans; look before reading
            fingerprint = documents_fingerprint(s.project, s.coder)
            if fingerprint == self._fingerprint:
                return
            self._fingerprint = fingerprint
        self.refresh_documents()

    def refresh_documents(self) -> None:
        """Read again the rows the list has read so far (not the whole list: it may be long)."""
        s = self.session
        old = s.summaries
        fresh = DocumentPages(s.project, s.coder).load(at_least=len(old))
        if list(fresh)[: len(old)] != list(old) or fresh.total != old.total:
            added = fresh.total - old.total
            s.summaries = fresh
            s.documentsChanged.emit()  # the list is rebuilt; its current row is kept below
            if s.document is not None:
                self.documents.set_current(s.document.id)
            if added > 0:
                s.notice.emit(f"{added} new document{'s' if added != 1 else ''}.", False)
            return
        for doc_id in list(old):
            summary, before = fresh[doc_id], old[doc_id]
            if summary.status == before.status and summary.n_annotations == before.n_annotations:
                continue
            s.summaries[doc_id] = summary
            if s.document is not None and doc_id == s.document.id:
                s.status = summary.status  # marked done or reopened elsewhere
            s.documentRowChanged.emit(doc_id)
