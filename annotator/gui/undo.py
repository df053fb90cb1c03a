"""The base of every undo command: the action runs once before it is pushed, then undo/redo.

A session (coding or review) runs ``first_run`` (the real action, a store service) before the
command goes on its stack, so a refused action (ServiceError) never becomes an undo step; the
stack's own first ``redo`` is then skipped. If a later undo or redo is refused (the data
changed meanwhile), the session shows why and the command is dropped from the stack.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoCommand, QUndoGroup, QUndoStack
from sqlalchemy.exc import SQLAlchemyError

from annotator.store.engine import ProjectError, describe_database_error
from annotator.store.services import ServiceError


class Reports(Protocol):
    def fail(self, message: str) -> None: ...


class ServiceCommandBase(QUndoCommand):
    def __init__(self, session: Reports, text: str) -> None:
        super().__init__(text)
        self._reporter = session
        self._pushed = False

    def first_run(self) -> None:
        self.do()

    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True
            return
        self._safely(self.do)

    def undo(self) -> None:
        self._safely(self.undo_it)

    def _safely(self, work: Callable[[], None]) -> None:
        try:
            work()
        except (ServiceError, ProjectError) as exc:  # ProjectError: opened read-only
            self._reporter.fail(f"{self.text()}: {exc}")
            self.setObsolete(True)
        except SQLAlchemyError as exc:
            self._reporter.fail(f"{self.text()}: {describe_database_error(exc)}")
            self.setObsolete(True)

    def do(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def undo_it(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class UndoStacks:
    """One QUndoStack per document, gathered in a QUndoGroup (Edit → Undo follows the open one).

    ``push`` runs the command's action first and puts it on the stack only if it worked; a
    refused action (ServiceError) or a database failure is reported through ``fail`` instead.
    """

    def __init__(self, owner: QObject, fail: Callable[[str], None]) -> None:
        self.owner = owner
        self.group = QUndoGroup(owner)
        self._fail = fail
        self._stacks: dict[int, QUndoStack] = {}

    def stack(self, document_id: int) -> QUndoStack:
        if document_id not in self._stacks:
            stack = QUndoStack(self.owner)
            self.group.addStack(stack)
            self._stacks[document_id] = stack
        return self._stacks[document_id]

    def activate(self, document_id: int) -> None:
        self.group.setActiveStack(self.stack(document_id))

    def clear(self) -> None:
        for stack in self._stacks.values():
            self.group.removeStack(stack)
            stack.deleteLater()
        self._stacks.clear()

    def push(self, command: QUndoCommand, document_id: int | None) -> bool:
        first_run = getattr(command, "first_run", None)
        try:
            if first_run is not None:
                first_run()
        except (ServiceError, ProjectError) as exc:  # ProjectError: opened read-only
            self._fail(str(exc))
            return False
        except SQLAlchemyError as exc:  # e.g. the disk is full: say so, keep the window alive
            from .team_login import refusal

            self._fail(refusal(exc) or f"Not saved: {describe_database_error(exc)}.")
            return False
        if document_id is not None:
            self.stack(document_id).push(command)
        return True
