"""The codebook palette: one button per label with its colour and key; descriptions as tooltips."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from annotator.core.codebook import Codebook, Label


def text_color_on(background: str) -> str:
    """Black or white, whichever reads better on ``background``."""
    c = QColor(background)
    luminance = 0.299 * c.red() + 0.587 * c.green() + 0.114 * c.blue()
    return "#1b1b1b" if luminance > 150 else "#ffffff"


def key_cap(key: str) -> str:
    """A key as printed on the keyboard: letters in capitals, so the LOCATION key "l" never
    reads as the role digit "1" (the key is the same: no Shift is needed)."""
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText) or key


def label_tooltip(label: Label) -> str:
    key = f" &nbsp;<b>[{html.escape(key_cap(label.key))}]</b>" if label.key else ""
    parts = [f"<b>{html.escape(label.name)}</b>{key}"]
    if label.description:
        parts.append(f"<p>{html.escape(label.description.strip())}</p>")
    if label.examples:
        parts.append(f"<p><i>e.g.</i> {html.escape(label.examples[0])}</p>")
    return f"<div style='max-width: 420px'>{''.join(parts)}</div>"


class LabelPalette(QWidget):
    """Click a label to code the selection with it (same as pressing its key)."""

    labelChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("labelPalette")
        self._layout = QGridLayout(self)
        self._layout.setContentsMargins(6, 6, 6, 6)
        self._layout.setSpacing(4)
        self.buttons: dict[str, QPushButton] = {}

    def set_codebook(self, codebook: Codebook) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.buttons.clear()
        columns = 2 if len(codebook.labels) > 3 else 1
        for i, label in enumerate(codebook.labels):
            self._layout.addWidget(self._button(label), i // columns, i % columns)
        rows = (len(codebook.labels) + columns - 1) // columns
        hint = QLabel("Select text, then press a key.")
        hint.setObjectName("paletteHint")
        hint.setToolTip("Hover a label for its guideline; F1 opens the whole codebook.")
        self._layout.addWidget(hint, rows, 0, 1, columns)
        self._layout.setRowStretch(rows + 1, 1)

    def show_keys(self, keys: dict[str, str]) -> None:
        """The key in force for each label (the codebook's, or the user's own)."""
        for name, key in keys.items():
            button = self.buttons.get(name)
            cap = button.findChild(QLabel, "keyCap") if button is not None else None
            if cap is not None:
                cap.setText(key_cap(key))
                cap.setVisible(bool(key))

    def _button(self, label: Label) -> QPushButton:
        button = QPushButton()
        button.setAccessibleName(label.name)
        button.setObjectName(f"label.{label.name}")
        fg = text_color_on(label.color)
        inner = QHBoxLayout(button)
        inner.setContentsMargins(10, 0, 8, 0)
        name = QLabel(label.name)
        name.setStyleSheet(f"color: {fg}; font-weight: 600; background: transparent;")
        inner.addWidget(name)
        inner.addStretch(1)
        key = QLabel(key_cap(label.key) if label.key else "")
        key.setObjectName("keyCap")
        key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        key.setMinimumWidth(20)
        key.setStyleSheet(
            f"color: {fg}; background: rgba(255,255,255,0.28); border-radius: 3px;"
            " font-family: monospace; font-weight: 700; padding: 0 3px;"
        )
        key.setVisible(bool(label.key))
        inner.addWidget(key)
        for child in (name, key):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        button.setMinimumHeight(28)
        button.setToolTip(label_tooltip(label))
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keep the focus (and selection) in the text
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        hover = QColor(label.color).darker(112).name()
        button.setStyleSheet(
            f"QPushButton {{ background: {label.color}; color: {fg}; border: none;"
            f" border-radius: 4px; }}"
            f"QPushButton:hover {{ background: {hover}; }}"
        )
        button.clicked.connect(lambda _=False, name=label.name: self.labelChosen.emit(name))
        self.buttons[label.name] = button
        return button
