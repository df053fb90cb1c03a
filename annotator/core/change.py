"""What a user action changed, so that each view can decide what to redraw (Anki's OpChanges)."""

from __future__ import annotations

from dataclasses import dataclass, field


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

    @property
    def created_id(self) -> int:
        """The id of the single annotation or link this action created."""
        ids = self.annotations or self.links
        if len(ids) != 1:
            raise ValueError(f"{self.action} did not create exactly one row")
        return ids[0]
