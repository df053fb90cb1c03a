"""The user actions both windows put on their undo stacks, parameterised by layer and actor.

The coding window writes the coder's own layer (``Who(coder)``); the review window edits gold
by hand as the reviewer (``Who(GOLD, reviewer)``) and adjudicates. Each function returns a
``StoreCommand`` (``annotator.gui.undo``): the store action to run once, named for the Edit
menu; its undo and redo are the store's own inverses, so there is no per-action undo code here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from annotator.core.records import GOLD
from annotator.core.suggestions import Suggestion
from annotator.store import operations, services

from .undo import Runs, StoreCommand

if TYPE_CHECKING:  # review's modules load numpy: only the review window needs them at run time
    from annotator.store.review_state import Resolution, UnitKey

MERGE_TEXT = 1
MERGE_BOUNDARY = 2


class Who(NamedTuple):
    """Whose layer an action writes, and who does it when that is someone else (the reviewer
    editing gold: the audit trail names the reviewer)."""

    layer: str
    actor: str | None = None

    def name(self, label: str) -> str:
        return f"gold {label}" if self.layer == GOLD else label


# ---------------------------------------------------------------------------------- spans


def add_span(
    session: Runs,
    who: Who,
    document_id: int,
    label: str,
    start: int,
    end: int,
    attributes: dict[str, Any] | None = None,
) -> StoreCommand:
    project, attrs = session.project, dict(attributes or {})
    return StoreCommand(
        session,
        f"add {who.name(label)}",
        lambda: services.create_annotation(
            project, who.layer, document_id, label, start, end, attrs, actor=who.actor
        ),
    )


def accept_suggestions(
    session: Runs, who: Who, document_id: int, items: Sequence[Suggestion]
) -> StoreCommand:
    """Suggested spans (other mentions of a linked name) into the layer: all of them in one
    transaction, one undo step."""
    project = session.project
    steps = [
        operations.step(
            "create_annotation",
            coder=who.layer,
            document_id=document_id,
            label=item.label,
            start=item.start,
            end=item.end,
            attributes=dict(item.attributes),
            actor=who.actor,
            suggested=True,
        )
        for item in items
    ]
    n = len(steps)
    return StoreCommand(
        session,
        f"accept {n} suggestion{'s' if n != 1 else ''}",
        lambda: operations.run(project, steps),
    )


def delete_span(session: Runs, who: Who, annotation_id: int, label: str) -> StoreCommand:
    project = session.project
    return StoreCommand(
        session,
        f"delete {who.name(label)}",
        lambda: services.delete_annotation(project, who.layer, annotation_id, actor=who.actor),
    )


def edit_span(
    session: Runs,
    who: Who,
    annotation_id: int,
    text: str,
    merge: int = -1,
    *,
    label: str | None = None,
    start: int | None = None,
    end: int | None = None,
    attributes: dict[str, Any] | None = None,
    note: str | None = None,
) -> StoreCommand:
    """Label, boundaries, attribute values (merged: None clears one) or the note of a span."""
    project = session.project
    values = dict(attributes) if attributes is not None else None
    return StoreCommand(
        session,
        text,
        lambda: services.update_annotation(
            project,
            who.layer,
            annotation_id,
            label=label,
            start=start,
            end=end,
            attributes=values,
            note=note,
            actor=who.actor,
        ),
        merge,
    )


# ---------------------------------------------------------------------------------- links


def add_link(session: Runs, who: Who, from_id: int, role: str, to_id: int) -> StoreCommand:
    project = session.project
    return StoreCommand(
        session,
        f"link {who.name(role)}",
        lambda: services.create_link(project, who.layer, from_id, role, to_id, actor=who.actor),
    )


def remove_link(session: Runs, who: Who, link_id: int, role: str) -> StoreCommand:
    project = session.project
    return StoreCommand(
        session,
        f"unlink {who.name(role)}",
        lambda: services.delete_link(project, who.layer, link_id, actor=who.actor),
    )


# ------------------------------------------------------------------------------- document


def set_status(session: Runs, who: Who, document_id: int, status: str) -> StoreCommand:
    project = session.project
    done = status == "done"
    return StoreCommand(
        session,
        ("mark gold done" if done else "reopen gold")
        if who.layer == GOLD
        else ("mark done" if done else "reopen"),
        lambda: services.set_status(project, who.layer, document_id, status, actor=who.actor),
    )


def finish_gold(
    session: Runs, reviewer: str, document_id: int, coders: Sequence[str]
) -> StoreCommand:
    """Gold done for the document, refused while a unit is open; undo reopens gold."""
    from annotator.store import adjudication

    project, names = session.project, tuple(coders)
    return StoreCommand(
        session,
        "mark gold done",
        lambda: adjudication.finish(project, reviewer, document_id, names),
    )


# --------------------------------------------------------------------------- adjudication


def decide(
    session: Runs,
    reviewer: str,
    document_id: int,
    key: UnitKey,
    accept_id: int | None,
    text: str,
    note: str,
    previous: Resolution | None,
) -> StoreCommand:
    """Accept one coder's span of a unit into gold (``accept_id``) or reject the unit (None),
    taking back how it was resolved before in the same transaction. A unit a gold span was
    drawn over by hand keeps that span."""
    from annotator.store import adjudication

    project = session.project
    earlier = previous if previous is not None and previous.how != "edited" else None
    return StoreCommand(
        session,
        text,
        lambda: adjudication.decide(project, reviewer, document_id, key, accept_id, note, earlier),
    )


def accept_agreed(
    session: Runs, reviewer: str, document_id: int, coders: Sequence[str], note: str
) -> StoreCommand:
    from annotator.store import adjudication

    project, names = session.project, tuple(coders)
    return StoreCommand(
        session,
        "accept agreed units",
        lambda: adjudication.accept_agreed(project, reviewer, document_id, names, note),
        describe=lambda change: f"accept {len(change.annotations)} agreed units",
    )
