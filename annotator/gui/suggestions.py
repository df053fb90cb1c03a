"""Suggested spans in the coding window: other mentions of a name the coder has just linked to
the actor registry or the gazetteer, or of a span to "tag all occurrences" of.

Nothing is written without a key press: suggestions show as dashed outlines in the article,
the current one bolder; Alt+Y accepts it, Alt+N rejects it, Alt+Shift+Y accepts all that are
left (one undo step). An accepted suggestion becomes a span of the coder's layer with the same
label and reference attributes, audited as an accepted suggestion (docs/dataset.md), so
agreement can be computed with and without them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from annotator.core.suggestions import Suggestion, find_mentions

from .coding import Coding
from .document_view import DocumentView
from .session import Session

REFERENCE_ATTRIBUTES = {"ACTOR": "actor", "LOCATION": "geonames_id"}
KEYS = "Alt+Y accepts, Alt+N rejects, Alt+Shift+Y accepts all"


class Suggestions(QObject):
    changed = Signal()

    def __init__(self, session: Session, coding: Coding, view: DocumentView) -> None:
        super().__init__(session)
        self.session, self.coding, self.view = session, coding, view
        self.items: list[Suggestion] = []
        self.index = 0
        session.documentOpened.connect(lambda _d: self.clear())
        session.projectChanged.connect(self.clear)
        session.coderChanged.connect(self.clear)

    @property
    def pending(self) -> bool:
        return bool(self.items)

    @property
    def current(self) -> Suggestion | None:
        return self.items[self.index] if self.items else None

    # ------------------------------------------------------------------ offering

    def clear(self) -> None:
        self.items, self.index = [], 0
        self._show()

    def offer(self, items: list[Suggestion], what: str) -> None:
        self.items, self.index = items, 0
        self._show()
        if items:
            n = len(items)
            self.session.notice.emit(
                f"{n} other mention{'s' if n != 1 else ''} of {what} suggested: {KEYS}.", False
            )
            self.view.scroll_to_cp(items[0].start)

    def _taken(self) -> list[tuple[int, int, str]]:
        return [(a.start, a.end, a.label) for a in self.session.annotations.values()]

    def after_reference(self, annotation_id: int) -> None:
        """The coder linked a span to a registry actor or a place: suggest its other mentions."""
        s = self.session
        ann = s.annotations.get(annotation_id)
        doc = s.document
        if ann is None or doc is None or ann.label not in REFERENCE_ATTRIBUTES:
            return
        name = REFERENCE_ATTRIBUTES[ann.label]
        value = ann.attributes.get(name)
        if not isinstance(value, str) or not value:
            return
        spellings = [doc.text[ann.start : ann.end]]
        if ann.label == "ACTOR":
            from annotator.store import registry

            entry = next((a for a in registry.actors(s.project) if a.name == value), None)
            if entry is not None:
                spellings += [entry.name, *entry.aliases]
        keep: dict[str, Any] = {name: value}
        for extra in ("category", "country", "admin_level", "geo_precision"):
            if extra in ann.attributes:
                keep[extra] = ann.attributes[extra]
        found = find_mentions(doc.text, spellings, ann.label, keep, self._taken())
        self.offer(found, f"“{value}”")

    def tag_all(self) -> None:
        """Every other occurrence of the selected span's words, with its label and attributes."""
        s = self.session
        ann = s.annotations.get(s.current_id) if s.current_id is not None else None
        doc = s.document
        if ann is None or doc is None:
            s.fail("Select a span first: its other occurrences are suggested.")
            return
        words = doc.text[ann.start : ann.end]
        found = find_mentions(doc.text, [words], ann.label, dict(ann.attributes), self._taken())
        if not found:
            s.notice.emit(f"No other occurrence of “{words}” to tag.", False)
        self.offer(found, f"“{words}”")

    # ------------------------------------------------------------------ deciding

    def accept(self) -> None:
        item = self.current
        if item is None:
            return
        if self.coding.accept_suggestions([item]):
            self._drop(self.index)

    def reject(self) -> None:
        if self.current is not None:
            self._drop(self.index)

    def accept_all(self) -> None:
        if self.items and self.coding.accept_suggestions(list(self.items)):
            self.clear()

    def _drop(self, i: int) -> None:
        del self.items[i]
        if self.index >= len(self.items):
            self.index = 0
        self._show()
        if self.current is not None:
            self.view.scroll_to_cp(self.current.start)

    def _show(self) -> None:
        self.view.set_suggestions([(x.start, x.end) for x in self.items], self.index)
        self.changed.emit()
