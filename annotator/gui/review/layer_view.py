"""A coder's (or gold's) layer in the review window: the article with that layer's spans,
the current unit marked; and the colours that tell the layers apart."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import (
    Qt,
)
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QLabel,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.core.records import GOLD
from annotator.gui.document_view import DocumentView
from annotator.gui.offsets import OffsetMap

CODER_COLORS = ("#4e79a7", "#59a14f", "#b07aa1", "#76b7b2", "#9c755f", "#e15759", "#edc948")
GOLD_COLOR = "#b8860b"
CURRENT_COLOR = "#ffd43b"  # the search-hit yellow of the coding window
OPEN_COLOR = "#d62728"


def coder_color(position: int) -> str:
    return CODER_COLORS[position % len(CODER_COLORS)]


# ---------------------------------------------------------------------------- one layer


class LayerView(QWidget):
    """One coder's annotations (or gold's) in a read-only article view under a coloured header."""

    def __init__(self, name: str, color: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.color = color
        self.setObjectName(f"layer.{name}")
        self.header = QLabel()
        self.header.setObjectName("layerHeader")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setStyleSheet(
            f"QLabel#layerHeader {{ border-top: 4px solid {color}; padding: 4px 8px;"
            " background: palette(window); }"
        )
        self.view = DocumentView()
        self.view.setObjectName(f"view.{name}")
        self.view.zoom(-2)  # three columns side by side: a little smaller than coding
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.header)
        column.addWidget(self.view, 1)
        self._offsets = OffsetMap("")

    def set_heading(self, key: str, n_spans: int, extra: str = "") -> None:
        who = "gold" if self.name == GOLD else html.escape(self.name)
        spans = f"{n_spans} span{'s' if n_spans != 1 else ''}"
        badge = f"<span style='color:#777'>[{key}]</span> " if key else ""
        self.header.setText(
            f"{badge}<b>{who}</b> &nbsp;<span style='color:#777'>{spans}</span>{extra}"
        )

    def set_text(self, text: str) -> None:
        self._offsets = OffsetMap(text)

    def mark(self, current: tuple[int, int] | None, others: Sequence[tuple[int, int]]) -> None:
        """The current unit in search-hit yellow, other open disagreements underlined in red."""
        selections = []
        wavy = QTextCharFormat()
        wavy.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        wavy.setUnderlineColor(QColor(OPEN_COLOR))
        for start, end in others:
            selections.append(self._selection(start, end, wavy))
        if current is not None:
            hit = QTextCharFormat()
            hit.setBackground(QColor(CURRENT_COLOR))
            hit.setForeground(QColor("#000000"))
            selections.append(self._selection(*current, hit))
        self.view.setExtraSelections(selections)

    def _selection(self, start: int, end: int, fmt: QTextCharFormat) -> QTextEdit.ExtraSelection:
        cursor = QTextCursor(self.view.document())
        cursor.setPosition(self._offsets.to_utf16(start))
        cursor.setPosition(self._offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        sel = QTextEdit.ExtraSelection()
        sel.cursor = cursor
        sel.format = fmt
        return sel


# ------------------------------------------------------------------------- document chooser
