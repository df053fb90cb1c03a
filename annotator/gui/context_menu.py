"""Right-click on spans: select, relabel, delete, link as a role of the active event, and start
a relation ("subset_of → …": then click the target span). Also the small menu that picks the
relation once its target is selected from the keyboard (a digit or a first letter)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Protocol

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QMenu, QWidget

from .coding import Coding
from .session import Session


class CodingSurface(Protocol):
    """What the span menu needs of the coding window (which opens it: no import back)."""

    session: Session
    coding: Coding

    def jump_to(self, ann_id: int) -> None: ...


def _short(text: str, n: int = 30) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= n else text[: n - 1] + "…"


def span_menu(w: CodingSurface, parent: QWidget, ids: list[int]) -> QMenu | None:
    s, coding = w.session, w.coding
    spans = [s.annotations[i] for i in ids if i in s.annotations]
    if not spans:
        return None
    menu = QMenu(parent)
    menu.setObjectName("spanMenu")
    event = s.annotations.get(s.active_event_id) if s.active_event_id is not None else None
    event_label = s.codebook.label(event.label) if event is not None else None
    for ann in spans:
        if len(spans) > 1:
            menu.addSection(f"{ann.label} “{_short(s.text_of(ann))}”")
        menu.addAction("Select", partial(w.jump_to, ann.id))
        if event is not None and event_label is not None and ann.id != event.id:
            for n, role in enumerate(event_label.roles, start=1):
                if ann.label in role.targets:
                    menu.addAction(
                        f"Link as {role.name} of “{_short(s.text_of(event), 20)}”\t{n}",
                        partial(coding.link, event.id, role.name, ann.id),
                    )
        relations = [r for r in s.codebook.relations if ann.label in r.sources]
        if relations:
            sub = menu.addMenu("Relation")
            for rel in relations:
                sub.addAction(
                    f"{rel.name} → …",
                    partial(s.start_link_mode, rel.name, ann.id),
                )
        relabel = menu.addMenu("Change Label")
        for lab in s.codebook.labels:
            if lab.name != ann.label:
                relabel.addAction(lab.name, partial(coding.relabel, ann.id, lab.name))
        menu.addAction("Delete", partial(coding.delete, ann.id))
    return menu


class KeyedMenu(QMenu):
    """A menu whose entries are chosen by their number (1-9) or by the first letter of their
    name; a letter several names share steps through them (Enter takes the highlighted one)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.names: list[str] = []
        self.picked: QAction | None = None  # stepped to by a shared first letter

    def add_choice(self, name: str, text: str, run: Callable[[], object]) -> QAction:
        n = len(self.names) + 1
        act = self.addAction(f"{n}  {text}" if n <= 9 else text)
        act.triggered.connect(run)
        self.names.append(name)
        return act

    def event(self, event: QEvent) -> bool:
        # a letter or digit here picks an entry: it must not reach the window's label and
        # role keys (which would relabel or link the selected span instead)
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and (event.text().isalnum() or event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter))
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text().lower()
        acts = [a for a in self.actions() if not a.isSeparator()]
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        # Enter takes the entry a shared first letter stepped to (unless a hover moved on)
        if enter and self.picked is not None and self.activeAction() in (None, self.picked):
            self.picked.trigger()
            self.close()
            return
        if text.isdigit() and text != "0":
            i = int(text) - 1
            if i < len(acts):
                acts[i].trigger()
                self.close()
            return
        if len(text) == 1 and text.isalpha():
            hits = [
                a for a, name in zip(acts, self.names, strict=False) if name[:1].lower() == text
            ]
            if len(hits) == 1:
                hits[0].trigger()
                self.close()
            elif hits:
                after = hits.index(self.picked) + 1 if self.picked in hits else 0
                self.picked = hits[after % len(hits)]
                self.setActiveAction(self.picked)
            return
        super().keyPressEvent(event)


def link_menu(
    parent: QWidget, title: str, entries: Sequence[tuple[str, str, Callable[[], object]]]
) -> KeyedMenu:
    """The relations (and event roles) that may link the span a relation started from and the
    target just selected: (name, text, what choosing it does) each."""
    menu = KeyedMenu(parent)
    menu.setObjectName("linkMenu")
    menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    menu.addSection(title)
    for name, text, run in entries:
        menu.add_choice(name, text, run)
    return menu
