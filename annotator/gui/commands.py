"""Undo commands: they hold ids and values, never ORM objects, and call store services.

``Session.push`` runs ``first_run`` (the real action) before the command goes on the stack,
so a refused action (ServiceError) never becomes an undo step. Deletes are soft: undoing a
create deletes the row, redoing it restores the *same* row (same id, same uid).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoCommand

from annotator.core.change import Change
from annotator.store import services

from .session import Session
from .undo import ServiceCommandBase

MERGE_TEXT = 1
MERGE_BOUNDARY = 2


class ServiceCommand(ServiceCommandBase):
    """A coding-window command; see :mod:`.undo` for the run-once-then-undo protocol."""

    def __init__(self, session: Session, text: str) -> None:
        super().__init__(session, text)
        self.session = session

    @property
    def project(self) -> Any:
        return self.session.project

    @property
    def coder(self) -> str:
        return self.session.coder


class CreateSpan(ServiceCommand):
    def __init__(
        self,
        session: Session,
        document_id: int,
        label: str,
        start: int,
        end: int,
        attributes: dict[str, Any] | None = None,
        suggested: bool = False,
    ) -> None:
        super().__init__(session, f"Add {label}")
        self.document_id = document_id
        self.label, self.start, self.end = label, start, end
        self.attributes = dict(attributes or {})
        self.suggested = suggested
        self.annotation_id: int | None = None
        self.link_ids: tuple[int, ...] = ()

    def do(self) -> None:
        if self.annotation_id is None:
            change = self.session.run(
                lambda: services.create_annotation(
                    self.project,
                    self.coder,
                    self.document_id,
                    self.label,
                    self.start,
                    self.end,
                    self.attributes,
                    suggested=self.suggested,
                )
            )
            self.annotation_id = change.created_id
        else:
            ann_id, links = self.annotation_id, self.link_ids
            self.session.run(
                lambda: services.restore_annotation(self.project, self.coder, ann_id, links)
            )

    def undo_it(self) -> None:
        assert self.annotation_id is not None
        ann_id = self.annotation_id
        change = self.session.run(
            lambda: services.delete_annotation(self.project, self.coder, ann_id)
        )
        self.link_ids = change.links


class DeleteSpan(ServiceCommand):
    def __init__(self, session: Session, annotation_id: int, label: str) -> None:
        super().__init__(session, f"Delete {label}")
        self.annotation_id = annotation_id
        self.link_ids: tuple[int, ...] = ()

    def do(self) -> None:
        ann_id = self.annotation_id
        change = self.session.run(
            lambda: services.delete_annotation(self.project, self.coder, ann_id)
        )
        self.link_ids = change.links

    def undo_it(self) -> None:
        ann_id, links = self.annotation_id, self.link_ids
        self.session.run(
            lambda: services.restore_annotation(self.project, self.coder, ann_id, links)
        )


class EditSpan(ServiceCommand):
    """Attribute values, the note, the label or a boundary of one span: old and new kept.

    Typing in one text field, or moving one boundary key press after key press, merges into
    a single undo step.
    """

    def __init__(
        self,
        session: Session,
        annotation_id: int,
        old: dict[str, Any],
        new: dict[str, Any],
        text: str,
        merge: int = -1,
    ) -> None:
        super().__init__(session, text)
        self.annotation_id = annotation_id
        self.old, self.new = dict(old), dict(new)
        self._merge = merge

    def id(self) -> int:
        return self._merge

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, EditSpan) or other.annotation_id != self.annotation_id:
            return False
        if set(other.new) != set(self.new):
            return False
        self.new = dict(other.new)
        return True

    def _apply(self, values: dict[str, Any]) -> Change:
        fields: dict[str, Any] = {}
        attrs = {k[5:]: v for k, v in values.items() if k.startswith("attr.")}
        if attrs:
            fields["attributes"] = attrs
        for key in ("label", "start", "end", "note"):
            if key in values:
                fields[key] = values[key]
        ann_id = self.annotation_id
        return self.session.run(
            lambda: services.update_annotation(self.project, self.coder, ann_id, **fields)
        )

    def do(self) -> None:
        self._apply(self.new)

    def undo_it(self) -> None:
        self._apply(self.old)


class CreateLink(ServiceCommand):
    def __init__(self, session: Session, from_id: int, role: str, to_id: int) -> None:
        super().__init__(session, f"Link {role}")
        self.from_id, self.role, self.to_id = from_id, role, to_id
        self.link_id: int | None = None

    def do(self) -> None:
        if self.link_id is None:
            change = self.session.run(
                lambda: services.create_link(
                    self.project, self.coder, self.from_id, self.role, self.to_id
                )
            )
            self.link_id = change.created_id
        else:
            link_id = self.link_id
            self.session.run(lambda: services.restore_link(self.project, self.coder, link_id))

    def undo_it(self) -> None:
        assert self.link_id is not None
        link_id = self.link_id
        self.session.run(lambda: services.delete_link(self.project, self.coder, link_id))


class DeleteLink(ServiceCommand):
    def __init__(self, session: Session, link_id: int, role: str) -> None:
        super().__init__(session, f"Unlink {role}")
        self.link_id = link_id

    def do(self) -> None:
        link_id = self.link_id
        self.session.run(lambda: services.delete_link(self.project, self.coder, link_id))

    def undo_it(self) -> None:
        link_id = self.link_id
        self.session.run(lambda: services.restore_link(self.project, self.coder, link_id))


class SetStatus(ServiceCommand):
    def __init__(self, session: Session, document_id: int, old: str, new: str) -> None:
        super().__init__(session, "Mark done" if new == "done" else "Reopen")
        self.document_id = document_id
        # a document never touched has no status row; reopening means in_progress
        self.old = old if old in services.STATUSES else "in_progress"
        self.new = new

    def _set(self, status: str) -> None:
        doc = self.document_id
        self.session.run(lambda: services.set_status(self.project, self.coder, doc, status))

    def do(self) -> None:
        self._set(self.new)

    def undo_it(self) -> None:
        self._set(self.old)
