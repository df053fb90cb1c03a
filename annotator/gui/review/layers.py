"""Every coder's layer side by side with gold on the right: the same text at the same width,
scrolling together, with the current unit and the still open ones marked in each."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QSplitter, QWidget

from annotator.core.codebook import Codebook
from annotator.core.records import GOLD
from annotator.store.review_state import DocumentReview, Unit

from .actions import MAX_CODER_KEYS
from .panels import GOLD_COLOR, LayerView, coder_color


class Layers(QSplitter):
    selected = Signal(int, int)  # text selected in any layer, as code points (start, end)
    coderSpanClicked = Signal(int)  # a coder's span id under a click; -1 for none
    goldSpanClicked = Signal(int)  # a gold span id under a click; -1 for none

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setObjectName("layers")
        self.setChildrenCollapsible(False)
        self.layers: dict[str, LayerView] = {}  # coder (and gold) -> its layer
        self._syncing = False  # a scroll being passed on to the other layers
        self.gold = self._layer(GOLD, GOLD_COLOR)

    def _layer(self, name: str, color: str) -> LayerView:
        layer = LayerView(name, color)
        self.layers[name] = layer
        self.addWidget(layer)
        v = layer.view
        v.selectionChangedCp.connect(self.selected)
        v.verticalScrollBar().valueChanged.connect(lambda value: self._scrolled(layer, value))
        if name == GOLD:
            v.spanClicked.connect(self.goldSpanClicked)
        else:
            v.spanClicked.connect(self.coderSpanClicked)
        return layer

    def _scrolled(self, source: LayerView, value: int) -> None:
        """The layers show the same text at the same width: they scroll together."""
        if self._syncing:
            return
        self._syncing = True
        try:
            for layer in self.layers.values():
                if layer is not source:
                    layer.view.verticalScrollBar().setValue(value)
        finally:
            self._syncing = False

    def show_review(self, review: DocumentReview, codebook: Codebook) -> None:
        """One layer per coder of this document, then gold on the right, each with its spans."""
        for name in [n for n in self.layers if n != GOLD and n not in review.coders]:
            layer = self.layers.pop(name)
            layer.setParent(None)
            layer.deleteLater()
        for k, coder in enumerate(review.coders):
            if coder not in self.layers:
                self._layer(coder, coder_color(k))
            self.insertWidget(k, self.layers[coder])
        self.insertWidget(len(review.coders), self.gold)
        self.setSizes([1000] * (len(review.coders) + 1))
        text = review.document.text
        colors = {lab.name: lab.color for lab in codebook.labels}
        for name, layer in self.layers.items():
            layer.set_text(text)
            layer.view.set_document(text, review.annotations.get(name, []), codebook)
            layer.view.set_label_colors(colors)

    def show_headings(self, review: DocumentReview) -> None:
        """Each coder's digit key and span count; gold's count and whether it is done."""
        for k, coder in enumerate(review.coders):
            key = str(k + 1) if k < MAX_CODER_KEYS else ""
            self.layers[coder].set_heading(key, len(review.annotations.get(coder, [])))
        done = " · <span style='color:#2e7d4f'>done</span>" if review.gold_status == "done" else ""
        self.gold.set_heading("", len(review.gold), done)

    def show_unit(self, review: DocumentReview, unit: Unit | None) -> None:
        """Mark ``unit`` and the other open units in every layer; the coders' layers make the
        unit's span current and scroll to it (gold's current span is the window's to choose)."""
        open_ranges = [
            (u.start, u.end)
            for u in review.units
            if u.differences and review.resolution(u) is None and u is not unit
        ]
        current = (unit.start, unit.end) if unit is not None else None
        for name, layer in self.layers.items():
            layer.mark(current, open_ranges)
            if unit is None or name == GOLD:
                continue
            span = unit.spans.get(name)
            layer.view.set_current(span.id if span is not None else None)
            layer.view.scroll_to_cp(unit.start)
