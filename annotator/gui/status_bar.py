"""Status bar: who codes, in which project, the document's status, and that all is saved; while
a relation waits for its target or an event is selected, what the next key or selection does."""

from __future__ import annotations

import html
from datetime import datetime

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from .elided_label import ElidedLabel

NOTICE_MS = 8000
ERROR_MS = 12000


class StatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.mode = ElidedLabel()  # long role lists must not widen the window
        self.mode.setObjectName("statusMode")
        self.mode.hide()
        self.message = QLabel()
        self.message.setObjectName("statusMessage")
        self.coder = QLabel()
        self.coder.setObjectName("statusCoder")
        self.project = QLabel()
        self.project.setObjectName("statusProject")
        self.document = QLabel()
        self.document.setObjectName("statusDocument")
        self.saved_label = QLabel("All changes saved")
        self.saved_label.setObjectName("statusSaved")
        self.addWidget(self.mode, 1)
        self.addWidget(self.message, 1)
        for w in (self.document, self.coder, self.project, self.saved_label):
            self.addPermanentWidget(w)
        self._clear = QTimer(self)
        self._clear.setSingleShot(True)
        self._clear.timeout.connect(lambda: self.notice("", False))

    def set_context(self, coder: str, project: str) -> None:
        self.coder.setText(f"Coder: <b>{html.escape(coder)}</b>")
        self.project.setText(f"Project: {html.escape(project)}")

    def set_document_status(self, status: str, n_spans: int) -> None:
        self.document.setText(
            f"{n_spans} span{'s' if n_spans != 1 else ''} · {status.replace('_', ' ')}"
        )

    def set_mode(self, text: str) -> None:
        """What the next key does (stays until the mode ends, unlike a notice)."""
        if text != self.mode.full_text():
            self.mode.set_full_text(text)
            self.mode.setToolTip(text)
        self.mode.setVisible(bool(text))

    def saved(self) -> None:
        self.saved_label.setText("All changes saved")
        self.saved_label.setToolTip(f"Last saved at {datetime.now():%H:%M:%S}")

    def notice(self, text: str, error: bool) -> None:
        self.message.setText(text)
        self.message.setProperty("error", bool(error and text))
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        if text:
            self._clear.start(ERROR_MS if error else NOTICE_MS)
