"""The base of every undo command: the action runs once before it is pushed, then undo/redo.

A session (coding or review) runs ``first_run`` (the real action, a store service) before the
command goes on its stack, so a refused action (ServiceError) never becomes an undo step; the
stack's own first ``redo`` is then skipped. If a later undo or redo is refused (the data
changed meanwhile), the session shows why and the command is dropped from the stack.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtGui import QUndoCommand
from sqlalchemy.exc import SQLAlchemyError

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
        except (ServiceError, SQLAlchemyError) as exc:
            self._reporter.fail(f"{self.text()}: {exc}")
            self.setObsolete(True)

    def do(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def undo_it(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError
