"""Right-click on spans: select, relabel, delete, link as a role of the active event, and start
a relation ("subset_of → …": then click the target span)."""

from __future__ import annotations

import html
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu

from .actions import ActionRegistry

if TYPE_CHECKING:
    from .main_window import MainWindow


def _short(text: str, n: int = 30) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= n else text[: n - 1] + "…"


def span_menu(w: MainWindow, ids: list[int]) -> QMenu | None:
    s, coding = w.session, w.coding
    spans = [s.annotations[i] for i in ids if i in s.annotations]
    if not spans:
        return None
    menu = QMenu(w)
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


def keys_html(registry: ActionRegistry) -> str:
    rows = []
    for spec in registry.specs():
        keys = registry.qaction(spec.id).shortcuts()
        if not keys:
            continue
        shown = ", ".join(k.toString(k.SequenceFormat.NativeText) for k in keys)
        title = spec.title.replace("&", "")
        rows.append(f"<tr><td><b>{html.escape(shown)}</b></td><td>{html.escape(title)}</td></tr>")
    return "<table cellspacing=4>" + "".join(rows) + "</table>"
