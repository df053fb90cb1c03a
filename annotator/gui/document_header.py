"""The strip above the article: its title, source and date, and its coding status as a chip.

The title is an ``ElidedLabel``: a long one ends in "…" (whole in the tooltip) instead of
making the window wider than the screen; the date and the status chip always stay whole.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from .elided_label import ElidedLabel


class DocumentHeader(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("docHeader")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)  # background, border
        self.title = ElidedLabel()
        self.title.setObjectName("docTitle")
        self.meta = QLabel()
        self.meta.setObjectName("docMeta")
        self.meta.setTextFormat(Qt.TextFormat.PlainText)  # a source may contain "<"
        self.chip = QLabel()
        self.chip.setObjectName("docStatus")
        self.chip.setTextFormat(Qt.TextFormat.PlainText)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 12, 6)
        row.setSpacing(10)
        row.addWidget(self.title)
        row.addWidget(self.meta)
        row.addWidget(self.chip)
        row.addStretch(1)

    def show_document(
        self, title: str, meta: str, status: str, status_text: str, color: str
    ) -> None:
        self.title.set_full_text(title)
        self.title.setToolTip(title)
        self.meta.setText(meta)
        self.meta.setVisible(bool(meta))
        self.chip.setText(status_text)
        self.chip.setStyleSheet(f"background: {color}; color: white; padding: 0 4px;")
        if self.property("status") != status:  # restyling is slow: only when it changed
            self.setProperty("status", status)
            self.style().unpolish(self)
            self.style().polish(self)

    def text(self) -> str:
        """All of it as one line of plain text, the title whole."""
        return "  ".join(
            t for t in (self.title.full_text(), self.meta.text(), self.chip.text()) if t
        )
