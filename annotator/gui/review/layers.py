"""Every coder's layer side by side with gold on the right: the same text at the same width,
scrolling together, with the current unit and the still open ones marked in each.

With many coders the columns get narrow: the layers can instead show one coder at a time next to
gold, chosen with the ``CoderSwitcher`` (a button per coder, in the coder's colour)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QSplitter, QToolButton, QWidget

from annotator.core.codebook import Codebook
from annotator.core.records import GOLD
from annotator.store.review_state import DocumentReview, Unit

from .actions import MAX_CODER_KEYS
from .layer_view import GOLD_COLOR, LayerView, coder_color

SIDE_BY_SIDE_MAX = 3  # more coders than this open one at a time (unless the reviewer chose)


def default_one_at_a_time(n_coders: int) -> bool:
    """Side by side for up to three coders; with more the columns get too narrow."""
    return n_coders > SIDE_BY_SIDE_MAX


class CoderSwitcher(QWidget):
    """A segmented control: one checkable button per coder, "[k] name" in the coder's colour."""

    chosen = Signal(int)  # the coder's position (0-based)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("coderSwitcher")
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(0)
        caption = QLabel("Coder ")
        caption.setObjectName("coderSwitcherCaption")
        self._row.addWidget(caption)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.group.idClicked.connect(self.chosen)
        self.buttons: list[QToolButton] = []

    def set_coders(self, coders: tuple[str, ...]) -> None:
        for button in self.buttons:
            self.group.removeButton(button)
            button.setParent(None)
            button.deleteLater()
        self.buttons = []
        for k, coder in enumerate(coders):
            button = QToolButton()
            button.setObjectName(f"coderSwitch.{k + 1}")
            button.setCheckable(True)
            key = f"[{k + 1}] " if k < MAX_CODER_KEYS else ""
            button.setText(f"{key}{coder}")
            shortcut = f" (Alt+{k + 1})" if k < MAX_CODER_KEYS else ""
            button.setToolTip(f"Show {html.escape(coder)}'s layer next to gold{shortcut}")
            color = coder_color(k)
            button.setStyleSheet(
                f"QToolButton {{ border: 1px solid #c8c8c8; border-bottom: 3px solid {color};"
                f" padding: 2px 8px; margin: 0; color: {color}; background: palette(base); }}"
                f" QToolButton:checked {{ background: {color}; color: white;"
                " font-weight: bold; }"
            )
            self.group.addButton(button, k)
            self._row.addWidget(button)
            self.buttons.append(button)

    def set_current(self, k: int) -> None:
        if 0 <= k < len(self.buttons):
            self.buttons[k].setChecked(True)


class Layers(QSplitter):
    selected = Signal(int, int)  # text selected in any layer, as code points (start, end)
    coderSpanClicked = Signal(int)  # a coder's span id under a click; -1 for none
    goldSpanClicked = Signal(int)  # a gold span id under a click; -1 for none
    shownChanged = Signal()  # the layout or the coder shown alone changed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setObjectName("layers")
        self.setChildrenCollapsible(False)
        self.layers: dict[str, LayerView] = {}  # coder (and gold) -> its layer
        self.coders: tuple[str, ...] = ()  # of the document shown, in key order
        self.one_at_a_time = False  # one coder's layer next to gold, or all side by side
        self.shown: str | None = None  # the coder shown when one at a time
        self.switcher = CoderSwitcher()  # the window places it in its header
        self.switcher.chosen.connect(self.show_coder)
        self.switcher.hide()
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

    def show_review(
        self, review: DocumentReview, codebook: Codebook, one_at_a_time: bool = False
    ) -> None:
        """One layer per coder of this document, then gold on the right, each with its spans;
        all coders side by side or ``one_at_a_time`` next to gold."""
        self.one_at_a_time = one_at_a_time
        for name in [n for n in self.layers if n != GOLD and n not in review.coders]:
            layer = self.layers.pop(name)
            layer.setParent(None)
            layer.deleteLater()
        for k, coder in enumerate(review.coders):
            if coder not in self.layers:
                self._layer(coder, coder_color(k))
            self.insertWidget(k, self.layers[coder])
        self.insertWidget(len(review.coders), self.gold)
        if review.coders != self.coders:
            self.coders = review.coders
            self.switcher.set_coders(review.coders)
        if self.shown not in self.coders:
            self.shown = self.coders[0] if self.coders else None
        text = review.document.text
        colors = {lab.name: lab.color for lab in codebook.labels}
        for name, layer in self.layers.items():
            layer.set_text(text)
            layer.view.set_document(text, review.annotations.get(name, []), codebook)
            layer.view.set_label_colors(colors)
        self._arrange()

    # ------------------------------------------------------------------------------ layout

    def set_one_at_a_time(self, one: bool) -> None:
        if one != self.one_at_a_time:
            self.one_at_a_time = one
            self._arrange()
            self.shownChanged.emit()

    def show_coder(self, k: int) -> None:
        """Coder k (0-based) alone next to gold."""
        if not 0 <= k < len(self.coders):
            return
        changed = not self.one_at_a_time or self.shown != self.coders[k]
        self.one_at_a_time = True
        self.shown = self.coders[k]
        if changed:
            self._arrange()
            self.shownChanged.emit()

    def step_coder(self, by: int) -> None:
        """The previous (-1) or next (+1) coder alone next to gold, round the end."""
        if self.coders:
            self.show_coder((self.shown_index() + by) % len(self.coders))

    def shown_index(self) -> int:
        """Position of the coder shown alone (0 if none)."""
        return self.coders.index(self.shown) if self.shown in self.coders else 0

    def visible_coders(self) -> list[str]:
        if self.one_at_a_time and self.shown is not None:
            return [self.shown]
        return list(self.coders)

    def _arrange(self) -> None:
        """Show the coders' layers of the chosen layout, gold always; equal widths."""
        visible = set(self.visible_coders())
        for coder in self.coders:
            self.layers[coder].setVisible(coder in visible)
        self.switcher.setVisible(self.one_at_a_time and bool(self.coders))
        self.switcher.set_current(self.shown_index())
        shown = visible | {GOLD}
        self.setSizes([1000 if name in shown else 0 for name in self._order()])

    def _order(self) -> list[str]:
        """The layers' names in the splitter's order."""
        by_widget = {id(layer): name for name, layer in self.layers.items()}
        return [by_widget.get(id(self.widget(i)), "") for i in range(self.count())]

    def show_headings(self, review: DocumentReview) -> None:
        """Each coder's digit key and span count; gold's count and whether it is done."""
        for k, coder in enumerate(review.coders):
            key = str(k + 1) if k < MAX_CODER_KEYS else ""
            self.layers[coder].set_heading(key, len(review.annotations.get(coder, [])))
        done = {
            "done": " · <span style='color:#2e7d4f'>done</span>",
            "stale": " · <span style='color:#c0392b'>stale: a coder changed their work</span>",
        }.get(review.gold_status, "")
        self.gold.set_heading("", len(review.gold), done)

    def show_unit(self, review: DocumentReview, unit: Unit | None, follow: bool = True) -> None:
        """Mark ``unit`` and the other open units in every layer; with ``follow`` the coders'
        layers make the unit's span current and scroll to it (gold's current span is the
        window's to choose)."""
        open_ranges = [
            (u.start, u.end)
            for u in review.units
            if u.differences and review.resolution(u) is None and u is not unit
        ]
        current = (unit.start, unit.end) if unit is not None else None
        for name, layer in self.layers.items():
            layer.mark(current, open_ranges)
            if unit is None or name == GOLD or not follow:
                continue
            span = unit.spans.get(name)
            layer.view.set_current(span.id if span is not None else None)
            layer.view.scroll_to_cp(unit.start)
