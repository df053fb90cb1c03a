"""Gold links by hand: the active gold event's frame (its roles and their fillers), the role
keys that fill it, the gold view's context menu and relation linking ("subset_of → …", then a
click on the target; Esc cancels).

The same conventions as the coding window: the last gold EVENT clicked is the *active* event;
digit n links the current gold span (or the one at the cursor) as the event's n-th role. Every
change is an undoable command (``commands.add_link`` / ``remove_link`` on gold); the codebook's
refusals (wrong target label, a full role) come back from the services as one status line.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Protocol

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QMenu,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.codebook import Codebook, Label
from annotator.core.records import GOLD, Annotation, Link
from annotator.gui.actions import ActionRegistry

from .. import commands as cmd
from ..commands import Who
from .layer_view import LayerView
from .session import ReviewSession


class ReviewSurface(Protocol):
    """What gold linking needs of the review window (which builds it: no import back)."""

    session: ReviewSession
    gold: LayerView  # the gold layer: its view marks the role fillers
    gold_current: int | None
    event_frame: EventFrame
    actions_: ActionRegistry

    def select_gold(self, ann_id: int) -> None: ...

    def delete_gold(self, ann_id: int | None = None) -> None: ...


MAX_ROLE_KEYS = 9


def short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def role_key_titles(codebook: Codebook) -> list[str]:
    """The menu titles of the role keys 1..n, as in the coding window: the role's name when
    every framed label has the same n-th role, else "Role n"."""
    framed = [lab for lab in codebook.labels if lab.roles]
    n_roles = min(max((len(lab.roles) for lab in framed), default=0), MAX_ROLE_KEYS)
    titles = []
    for i in range(n_roles):
        names = {lab.roles[i].name for lab in framed if len(lab.roles) > i}
        titles.append(f"Link as {names.pop()}" if len(names) == 1 else f"Link as Role {i + 1}")
    return titles


# ------------------------------------------------------------------------------- the panel


@dataclass(frozen=True, slots=True)
class FrameRow:
    """One line of the frame: a role (or relation) and one filler; ``link_id`` None: empty."""

    key: str  # the digit that fills the role; "" for a relation
    role: str
    filler: str
    link_id: int | None = None


class EventFrame(QWidget):
    """The active gold event's roles, each filler on its own line with a remove button."""

    removeRequested = Signal(int)  # gold link id
    fillerChosen = Signal(int)  # gold annotation id of a filler double-clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("goldEventFrame")
        self.title = QLabel()
        self.title.setObjectName("goldEventTitle")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setObjectName("goldEventRoles")
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels(["Key", "Role", "Filler", ""])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the gold view
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(3, 26)
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        column.setSpacing(4)
        column.addWidget(self.title)
        column.addWidget(self.tree, 1)
        self.rows: list[FrameRow] = []
        self.show_frame("", [])

    def show_frame(
        self, title: str, rows: Sequence[FrameRow], fillers: Sequence[int | None] = ()
    ) -> None:
        """``title`` as rich text ("" for none active); ``fillers``: each row's annotation id."""
        self.rows = list(rows)
        self.tree.clear()
        if not title:
            self.title.setText(
                "<span style='color:#777'>Click a gold EVENT to see and fix its roles.</span>"
            )
            return
        self.title.setText(title)
        ids = list(fillers) + [None] * (len(rows) - len(fillers))
        for row, ann_id in zip(rows, ids, strict=True):
            item = QTreeWidgetItem(self.tree, [row.key, row.role, row.filler or "—", ""])
            item.setData(2, Qt.ItemDataRole.UserRole, ann_id)
            item.setToolTip(2, row.filler)
            if row.link_id is None:
                item.setForeground(2, self.palette().placeholderText())
                continue
            button = QToolButton()
            button.setObjectName(f"removeLink.{row.link_id}")
            button.setText("✕")
            button.setAutoRaise(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setToolTip(f"Remove this {row.role} link from gold")
            button.clicked.connect(partial(self.removeRequested.emit, row.link_id))
            self.tree.setItemWidget(item, 3, button)

    def remove_button(self, link_id: int) -> QToolButton | None:
        found = self.tree.findChild(QToolButton, f"removeLink.{link_id}")
        return found if isinstance(found, QToolButton) else None

    def _double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        ann_id = item.data(2, Qt.ItemDataRole.UserRole)
        if isinstance(ann_id, int):
            self.fillerChosen.emit(ann_id)


# -------------------------------------------------------------------------- the behaviour


class GoldLinking:
    """The window's gold-linking state (active event, relation being drawn) and its actions."""

    def __init__(self, window: ReviewSurface) -> None:
        self.w = window
        self.event_id: int | None = None  # the active gold event
        self.link_mode: tuple[str, int] | None = None  # (relation, source gold span)

    @property
    def codebook(self) -> Codebook:
        return self.w.session.codebook

    def _gold(self) -> dict[int, Annotation]:
        review = self.w.session.review
        return {a.id: a for a in review.gold} if review is not None else {}

    def _links(self) -> list[Link]:
        review = self.w.session.review
        if review is None:
            return []
        gold = self._gold()
        return [k for k in review.links if k.from_id in gold and k.to_id in gold]

    def _words(self, ann: Annotation) -> str:
        review = self.w.session.review
        return review.document.text[ann.start : ann.end] if review is not None else ""

    def event_label(self) -> Label | None:
        event = self._gold().get(self.event_id) if self.event_id is not None else None
        return self.codebook.label(event.label) if event is not None else None

    # ---------------------------------------------------------------------------- state

    def reset(self) -> None:
        self.event_id = None
        self.cancel(quiet=True)
        self.show()

    def current_changed(self, ann_id: int | None) -> None:
        """A gold span became current: an event becomes the active one."""
        ann = self._gold().get(ann_id) if ann_id is not None else None
        label = self.codebook.label(ann.label) if ann is not None else None
        if ann is not None and label is not None and label.roles:
            self.event_id = ann.id
        self.show()

    def refresh(self) -> None:
        """After any change: the active event may be gone, its fillers may have changed."""
        if self.event_id is not None and self.event_id not in self._gold():
            self.event_id = None
        if self.link_mode is not None and self.link_mode[1] not in self._gold():
            self.cancel(quiet=True)
        self.show()

    def show(self) -> None:
        gold = self._gold()
        event = gold.get(self.event_id) if self.event_id is not None else None
        label = self.codebook.label(event.label) if event is not None else None
        links = self._links()
        rows: list[FrameRow] = []
        fillers: list[int | None] = []
        title = ""
        marked: list[int] = []
        if event is not None and label is not None:
            own = [k for k in links if k.from_id == event.id]
            for n, role in enumerate(label.roles, start=1):
                key = str(n) if n <= MAX_ROLE_KEYS else ""
                filled = [k for k in own if k.role == role.name]
                if not filled:
                    rows.append(FrameRow(key, role.name, ""))
                    fillers.append(None)
                for k in filled:
                    rows.append(FrameRow(key, role.name, short(self._words(gold[k.to_id])), k.id))
                    fillers.append(k.to_id)
            role_names = {r.name for r in label.roles}
            for k in own:  # relations from the event (part_of, reported_by ...)
                if k.role not in role_names:
                    rows.append(FrameRow("", k.role, short(self._words(gold[k.to_id])), k.id))
                    fillers.append(k.to_id)
            marked = [k.to_id for k in own]
            title = (
                f"<b>{html.escape(event.label)}</b> “{html.escape(short(self._words(event), 60))}”"
                "<br><span style='color:#777'>in the gold view, digits link a span to a role</span>"
            )
        current = self.w.gold_current
        if current is not None and current != self.event_id and current in gold:
            # the current span's own relations (subset_of, alternative_to ...), to remove them
            source = short(self._words(gold[current]), 16)
            for k in links:
                if k.from_id == current:
                    rows.append(
                        FrameRow(
                            "", f"“{source}” {k.role}", short(self._words(gold[k.to_id])), k.id
                        )
                    )
                    fillers.append(k.to_id)
            if not title and rows:
                title = "<span style='color:#777'>No gold EVENT active: relations only</span>"
        self.w.event_frame.show_frame(title, rows, fillers)
        self.w.gold.view.set_role_fillers(marked)

    # --------------------------------------------------------------------------- linking

    def role_target(self) -> int | None:
        """The current gold span, else a gold span at the gold view's cursor (not the event)."""
        current = self.w.gold_current
        if current is not None and current != self.event_id:
            return current
        view = self.w.gold.view
        start, end = view.selection_cp()
        for cp in (start, end, view.cursor_cp()):
            for ann_id in view.annotations_at(cp):
                if ann_id != self.event_id:
                    return ann_id
        return None

    def link_role(self, index: int) -> None:
        """Fill role number ``index`` (0-based) of the active gold event."""
        s = self.w.session
        label = self.event_label()
        if self.event_id is None or label is None:
            s.fail("Click a gold EVENT first, then the gold span to link to one of its roles.")
            return
        if index >= len(label.roles):
            s.fail(f"{label.name} has only {len(label.roles)} roles.")
            return
        target = self.role_target()
        if target is None:
            s.fail(f"Click the gold span to link as {label.roles[index].name} of the event.")
            return
        self.link(self.event_id, label.roles[index].name, target)

    def link(self, from_id: int, role: str, to_id: int) -> bool:
        s = self.w.session
        if not s.push(cmd.add_link(s, Who(GOLD, s.reviewer), from_id, role, to_id)):
            return False
        target = self._gold().get(to_id)
        s.say(f"Gold: linked “{short(self._words(target)) if target else ''}” as {role}.")
        return True

    def remove(self, link_id: int) -> None:
        s = self.w.session
        link = next((k for k in self._links() if k.id == link_id), None)
        if link is not None:
            s.push(cmd.remove_link(s, Who(GOLD, s.reviewer), link_id, link.role))

    # ------------------------------------------------------------------------- relations

    def start(self, relation: str, source_id: int) -> None:
        self.link_mode = (relation, source_id)
        self.w.session.say(f"{relation}: click the target gold span (Esc cancels)")
        self.w.actions_.refresh()

    def cancel(self, quiet: bool = False) -> None:
        if self.link_mode is None:
            return
        self.link_mode = None
        if not quiet:
            self.w.session.say("Linking cancelled.")
        self.w.actions_.refresh()

    def clicked(self, ann_id: int) -> bool:
        """A click on the gold view; True when it completed (or cancelled) a relation."""
        if self.link_mode is None:
            return False
        relation, source = self.link_mode
        self.link_mode = None
        self.w.actions_.refresh()
        if ann_id < 0:
            self.w.session.say("Linking cancelled: no gold span there.")
        else:
            self.link(source, relation, ann_id)
        return True

    # ---------------------------------------------------------------------- context menu

    def menu(self, ids: list[int], pos: QPoint) -> QMenu | None:
        """Right-click on gold spans: select, link as a role of the active event, relations,
        delete."""
        gold = self._gold()
        spans = [gold[i] for i in ids if i in gold]
        if not spans:
            return None
        menu = QMenu(self.w.event_frame)  # inside the window, styled as it is
        menu.setObjectName("goldSpanMenu")
        event = gold.get(self.event_id) if self.event_id is not None else None
        label = self.event_label()
        for ann in spans:
            if len(spans) > 1:
                menu.addSection(f"{ann.label} “{short(self._words(ann), 30)}”")
            menu.addAction("Select", partial(self.w.select_gold, ann.id))
            if event is not None and label is not None and ann.id != event.id:
                for n, role in enumerate(label.roles, start=1):
                    if ann.label in role.targets:
                        key = f"\t{n}" if n <= MAX_ROLE_KEYS else ""
                        menu.addAction(
                            f"Link as {role.name} of “{short(self._words(event), 20)}”{key}",
                            partial(self.link, event.id, role.name, ann.id),
                        )
            relations = [r for r in self.codebook.relations if ann.label in r.sources]
            if relations:
                sub = menu.addMenu("Relation")
                for rel in relations:
                    sub.addAction(f"{rel.name} → …", partial(self.start, rel.name, ann.id))
            menu.addAction("Delete gold span", partial(self.w.delete_gold, ann.id))
        return menu
