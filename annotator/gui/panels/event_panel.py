"""The event frame: each role of the active EVENT with the spans that fill it, and relations.

Reads everything from the session; says what the coder wants through signals (jump to a span,
remove a link). Fatalities are previewed with the export's own rules (core.fatalities).
``refresh`` is cheap when nothing it shows changed (most span edits): it compares what it would
show with what it shows and only then rebuilds.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.codebook import Codebook
from annotator.core.fatalities import event_tallies
from annotator.core.records import Annotation, Link

from ..session import Session

ID_ROLE = Qt.ItemDataRole.UserRole


class EventPanel(QWidget):
    spanActivated = Signal(int)
    unlinkRequested = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("eventPanel")
        self.session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        self.title = QLabel()
        self.title.setObjectName("eventTitle")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.tree = QTreeWidget()
        self.tree.setObjectName("eventTree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderHidden(True)
        self.tree.setIndentation(14)
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.tree.header().resizeSection(1, 26)
        self.tree.itemClicked.connect(self._clicked)
        layout.addWidget(self.tree, 1)
        self.tally = QLabel()
        self.tally.setObjectName("fatalities")
        self.tally.setWordWrap(True)
        layout.addWidget(self.tally)
        self._shows: _Shown | None = None
        self.refresh()

    # ------------------------------------------------------------------------------ drawing

    def _what_to_show(self) -> _Shown:
        """Everything the panel's contents depend on, compared by value."""
        s = self.session
        event_id = s.active_event_id
        event = s.annotations.get(event_id) if event_id is not None else None
        current = s.current_id
        relations: tuple[Link, ...] = ()
        if current is not None and current in s.annotations:
            relations = tuple(s.relations_of(current))
        links: tuple[Link, ...] = ()  # the event's fillers, and links among its casualties
        shown_ids = {i for k in relations for i in (k.from_id, k.to_id)}
        if event is not None:
            links = tuple(s.links.values())
            shown_ids |= {k.to_id for k in links if k.from_id == event.id}
        spans = tuple(s.annotations.get(i) for i in sorted(shown_ids))
        doc_id = s.document.id if s.document is not None else None
        return (s.codebook, doc_id, event, current if relations else None, relations, links, spans)

    def refresh(self) -> None:
        shows = self._what_to_show()
        if shows == self._shows:
            return  # a span the panel does not show was added, edited or deleted
        self._shows = shows
        s = self.session
        self.tree.clear()
        event_id = s.active_event_id
        event = s.annotations.get(event_id) if event_id is not None else None
        if event is None:
            self.title.setText(
                "<span style='color:#777'>Select an EVENT span to see and fill its roles.</span>"
            )
            self.tally.clear()
            self._relations()
            return
        kind = " / ".join(
            str(event.attributes[k]).replace("_", " ")
            for k in ("event_type", "sub_event_type")
            if event.attributes.get(k)
        )
        self.title.setText(
            f"<b>{html.escape(event.label)}</b> “{html.escape(s.text_of(event))}”"
            + (f"<br><span style='color:#666'>{html.escape(kind)}</span>" if kind else "")
        )
        lab = s.codebook.label(event.label)
        maxes = {r.name: r.max for r in lab.roles} if lab else {}
        for n, (role, links) in enumerate(s.fillers(event.id), start=1):
            mx = maxes.get(role)
            count = f"{len(links)}/{mx}" if mx else str(len(links)) if links else ""
            item = QTreeWidgetItem([f"{n}  {role}   {count}".rstrip()])
            item.setToolTip(0, f"Press {n} with a span selected to link it as {role}")
            font = item.font(0)
            font.setBold(True)
            item.setFont(0, font)
            if not links:
                item.setForeground(0, QBrush(QColor("#8a8a8a")))
            self.tree.addTopLevelItem(item)
            for link in links:
                self._filler(item, link, link.to_id)
            item.setExpanded(True)
        self._relations()
        self._tally(event.id)

    def _filler(self, parent: QTreeWidgetItem, link: Link, shown_id: int) -> QTreeWidgetItem:
        s = self.session
        ann = s.annotations[shown_id]
        child = QTreeWidgetItem([f"    {s.text_of(ann)}"])
        child.setData(0, ID_ROLE, shown_id)
        child.setToolTip(0, f"{ann.label} {ann.start}–{ann.end} (click to jump)")
        lab = s.codebook.label(ann.label)
        if lab is not None:
            child.setForeground(0, QBrush(QColor(lab.color).darker(130)))
        parent.addChild(child)
        button = QToolButton()
        button.setObjectName(f"unlink.{link.id}")
        button.setText("✕")
        button.setAutoRaise(True)
        button.setToolTip(f"Remove this {link.role} link")
        button.clicked.connect(lambda _=False, i=link.id: self.unlinkRequested.emit(i))
        self.tree.setItemWidget(child, 1, button)
        return child

    def _relations(self) -> None:
        s = self.session
        current = s.current_id
        if current is None or current not in s.annotations:
            return
        relations = s.relations_of(current)
        if not relations:
            return
        head = QTreeWidgetItem([f"Relations of “{s.text_of(s.annotations[current])}”"])
        font = head.font(0)
        font.setBold(True)
        head.setFont(0, font)
        self.tree.addTopLevelItem(head)
        for link in relations:
            outgoing = link.from_id == current
            other = link.to_id if outgoing else link.from_id
            if other not in s.annotations:
                continue
            arrow = f"{link.role} →" if outgoing else f"← {link.role}"
            child = self._filler(head, link, other)
            child.setText(0, f"    {arrow} {s.text_of(s.annotations[other])}")
        head.setExpanded(True)

    def _tally(self, event_id: int) -> None:
        s = self.session
        casualty_ids = {k.to_id for k in s.links.values() if k.from_id == event_id}
        casualties = [
            s.annotations[i]
            for i in casualty_ids
            if i in s.annotations and s.annotations[i].label == "CASUALTY"
        ]
        if not casualties:
            self.tally.setText("<span style='color:#777'>No casualties linked.</span>")
            return
        parts = []
        for prefix, t in event_tallies(casualties, list(s.links.values())).items():
            if t.best is None and t.low is None and t.high is None:
                continue
            rng = f" ({_n(t.low)}–{_n(t.high)})" if (t.low, t.high) != (t.best, t.best) else ""
            parts.append(f"{prefix} <b>{_n(t.best)}</b>{rng}")
        self.tally.setText(" · ".join(parts) or "<span style='color:#777'>No figures yet.</span>")

    def _clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        ann_id = item.data(0, ID_ROLE)
        if isinstance(ann_id, int):
            self.spanActivated.emit(ann_id)


_Shown = tuple[
    Codebook,
    int | None,
    Annotation | None,
    int | None,
    tuple[Link, ...],
    tuple[Link, ...],
    tuple[Annotation | None, ...],
]


def _n(value: object) -> str:
    return "?" if value is None else f"{value:,}" if isinstance(value, int) else str(value)
