"""The reviewer's choices as undo commands: adjudicating the current unit and editing gold.

No widgets. The window passes what it shows (the current disagreement row, the note typed, the
text selected, the gold span in the form) and learns whether a command ran; the rules of what a
choice means (a coder without a span there means "no span", a version already in gold is not
accepted twice, only the attributes that changed are written) live here.
"""

from __future__ import annotations

from typing import Any

from annotator.core.records import GOLD, Annotation
from annotator.store.review_state import source_of

from .. import commands as cmd
from ..commands import Who
from ..undo import StoreCommand
from .disagreements import Row
from .session import ReviewSession


class Decisions:
    def __init__(self, session: ReviewSession) -> None:
        self.session = session

    @property
    def who(self) -> Who:
        """The reviewer edits the gold layer by hand."""
        return Who(GOLD, self.session.reviewer)

    # ------------------------------------------------------------------------- adjudicating

    def accept_version(self, row: Row, k: int, note: str) -> bool:
        """Accept coder k's span of the row's unit; a coder without one there means no span.
        True when a command ran."""
        s = self.session
        if s.review is None or not 1 <= k <= len(s.coders):
            return False
        coder = s.coders[k - 1]
        span = row.unit.spans.get(coder)
        if span is None:
            return self.reject(row, note or f"{coder} marked nothing here")
        resolution = row.resolution
        if resolution is not None and resolution.source == source_of(span):
            s.say(f"{coder}'s version is in gold already.")
            return False
        command = cmd.decide(
            s,
            s.reviewer,
            s.review.document.id,
            row.unit.key,
            span.id,
            f"accept {coder}'s version",
            note,
            row.resolution,
        )
        return s.push(command)

    def reject(self, row: Row, note: str) -> bool:
        """Resolve the row's unit as no span in gold. True when a command ran."""
        s = self.session
        if s.review is None:
            return False
        doc, key = s.review.document.id, row.unit.key
        text = "reject (no span)"
        command = cmd.decide(s, s.reviewer, doc, key, None, text, note, row.resolution)
        return s.push(command)

    def accept_agreed(self, note: str) -> StoreCommand | None:
        """Every unit all coders agree on, into gold: the command when it ran."""
        s = self.session
        if s.review is None:
            return None
        command = cmd.accept_agreed(s, s.reviewer, s.review.document.id, s.review.coders, note)
        if not s.push(command):
            return None
        if command.change is None or not command.change.annotations:
            s.fail("every agreed unit is in gold already")
            return None
        return command

    def toggle_done(self) -> None:
        s = self.session
        if s.review is None:
            return
        doc = s.review.document.id
        if s.review.gold_status != "done":
            s.push(cmd.finish_gold(s, s.reviewer, doc, s.coders))
        else:
            s.push(cmd.set_status(s, self.who, doc, "in_progress"))

    # --------------------------------------------------------------------------- hand edits

    def gold(self, ann_id: int | None) -> Annotation | None:
        """The gold span ``ann_id`` of the document under review, if it is there."""
        review = self.session.review
        if review is None or ann_id is None:
            return None
        return next((a for a in review.gold if a.id == ann_id), None)

    def add_gold(self, label: str, start: int, end: int) -> int | None:
        """A gold span of ``label`` drawn over the selection: its id when it was made."""
        s = self.session
        if s.review is None:
            return None
        if start >= end:
            s.fail("Select words in any layer first, then add them to gold.")
            return None
        command = cmd.add_span(
            s, self.who, s.review.document.id, label, start, end, s.codebook.defaults(label)
        )
        return command.created_id if s.push(command) else None

    def resize_gold(self, ann: Annotation, start: int, end: int) -> None:
        if start >= end:
            return
        s = self.session
        s.push(cmd.edit_span(s, self.who, ann.id, "gold boundaries", start=start, end=end))

    def delete_gold(self, ann: Annotation) -> None:
        self.session.push(cmd.delete_span(self.session, self.who, ann.id, ann.label))

    def edit_attributes(self, ann: Annotation, values: dict[str, Any]) -> None:
        s = self.session
        s.push(cmd.edit_span(s, self.who, ann.id, "gold attributes", attributes=dict(values)))

    def edit_note(self, ann: Annotation, note: str) -> None:
        if ann.note != note:
            s = self.session
            s.push(cmd.edit_span(s, self.who, ann.id, "gold note", note=note))
