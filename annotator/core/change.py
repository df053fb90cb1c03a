"""What a user action changed, so that each view can decide what to redraw (Anki's OpChanges),
and how to take it back.

A ``Change`` names the rows an action wrote and carries them as they are after it (read in the
action's own transaction), so a view needs no second read. ``undo`` is the store's own inverse
of the action: store operations described as data (``Step``), each holding what it expects to
find, so that an undo of a row someone else changed meanwhile is refused, not applied blindly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from annotator.core.records import Annotation, Link


@dataclass(frozen=True, slots=True)
class Step:
    """One store operation as data: its name and its keyword arguments (see
    ``annotator.store.operations``). An ``expect`` argument is the state the rows must still
    be in for the step to apply."""

    operation: str
    arguments: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Change:
    """Returned by every store service after its transaction has committed."""

    action: str
    document_id: int | None = None
    annotations: tuple[int, ...] = ()  # ids created, edited, deleted or restored
    links: tuple[int, ...] = ()
    status: bool = False  # a document status changed
    documents: bool = False  # documents were added or removed
    codebook: bool = False
    spans: tuple[tuple[int, int], ...] = field(default=())  # (start, end) ranges to repaint
    undo: tuple[Step, ...] = ()  # what takes this action back, in one transaction
    # the live rows among ``annotations`` / ``links`` after the action (a deleted one is absent)
    rows: tuple[Annotation, ...] = ()
    link_rows: tuple[Link, ...] = ()

    @property
    def created_id(self) -> int:
        """The id of the single annotation or link this action created."""
        ids = self.annotations or self.links
        if len(ids) != 1:
            raise ValueError(f"{self.action} did not create exactly one row")
        return ids[0]


def combine(changes: list[Change]) -> Change:
    """Several steps run in one transaction as one Change; its undo takes the last step back
    first. The action is the last step's (the one the user asked for)."""
    if len(changes) == 1:
        return changes[0]
    last = changes[-1]
    undo: tuple[Step, ...] = ()
    for c in changes:
        undo = c.undo + undo
    return Change(
        last.action,
        next((c.document_id for c in changes if c.document_id is not None), None),
        tuple(dict.fromkeys(i for c in changes for i in c.annotations)),
        tuple(dict.fromkeys(i for c in changes for i in c.links)),
        status=any(c.status for c in changes),
        documents=any(c.documents for c in changes),
        codebook=any(c.codebook for c in changes),
        spans=tuple(dict.fromkeys(r for c in changes for r in c.spans)),
        undo=undo,
    )
