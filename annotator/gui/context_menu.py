"""Right-click on spans: select, relabel, delete, link as a role of the active event, and start
a relation ("subset_of → …": then click the target span)."""

from __future__ import annotations

from functools import partial
from typing import Protocol

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
