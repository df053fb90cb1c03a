"""Ctrl+F: find words in the article. Hits are highlighted; Enter / Shift+Enter step through."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget


class FindField(QLineEdit):
    escaped = Signal()
    previous = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self.previous.emit()
            return
        super().keyPressEvent(event)


def find_all(text: str, words: str) -> list[tuple[int, int]]:
    """Case-insensitive hits of ``words`` as code point ranges."""
    if not words:
        return []
    return [(m.start(), m.end()) for m in re.finditer(re.escape(words), text, re.IGNORECASE)]


class FindBar(QWidget):
    hitsChanged = Signal(list)  # [(start, end)]
    hitChosen = Signal(int, int)
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self.text = ""
        self.hits: list[tuple[int, int]] = []
        self.index = -1
        self.field = FindField()
        self.field.setObjectName("findField")
        self.field.setPlaceholderText("Find in article…")
        self.field.setClearButtonEnabled(True)
        self.count = QLabel()
        self.count.setMinimumWidth(70)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Close (Esc)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        layout.addWidget(QLabel("Find:"))
        layout.addWidget(self.field, 1)
        layout.addWidget(self.count)
        layout.addWidget(close)
        self.field.textChanged.connect(self._search)
        self.field.returnPressed.connect(lambda: self.step(1))
        self.field.previous.connect(lambda: self.step(-1))
        self.field.escaped.connect(self.close_bar)
        close.clicked.connect(self.close_bar)
        self.hide()

    def set_text(self, text: str) -> None:
        self.text = text
        if self.isVisible():
            self._search(self.field.text())

    def open_bar(self) -> None:
        self.show()
        self.field.setFocus()
        self.field.selectAll()
        self._search(self.field.text())

    def close_bar(self) -> None:
        """Esc: back to the article with the found words selected (the first hit when the
        coder typed and did not step), ready for a label key."""
        if self.index < 0 and self.hits:
            self.step(1)
        self.hide()
        self.hits = []
        self.hitsChanged.emit([])
        self.closed.emit()

    def _search(self, words: str) -> None:
        self.hits = find_all(self.text, words)
        self.index = -1
        self.count.setText(f"{len(self.hits)} found" if words else "")
        self.hitsChanged.emit(self.hits)

    def step(self, direction: int) -> None:
        if not self.hits:
            return
        self.index = (self.index + direction) % len(self.hits)
        self.count.setText(f"{self.index + 1} of {len(self.hits)}")
        self.hitChosen.emit(*self.hits[self.index])
