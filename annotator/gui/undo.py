"""The one undo command of both windows: a thin QUndoCommand over the store's own inverses.

A store action returns, in its ``Change``, the steps that take it back
(``annotator.store.operations``); running those returns the steps that redo it, and so on. So a
``StoreCommand`` keeps only steps, never rows and never the session's state at undo time: the
store checks in the same transaction that each row is still as the step expects, and refuses
(a one-line ``StoreError``) when another window or process changed it meanwhile. A refused undo
or redo is shown and the command is dropped from the stack.

A session (coding or review) runs the action once (``first_run``) before the command goes on
its stack, so a refused action never becomes an undo step; the stack's own first ``redo`` is
then skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QUndoCommand, QUndoGroup, QUndoStack

from annotator.core.change import Change, Step
from annotator.store import operations
from annotator.store.engine import Project
from annotator.store.errors import DatabaseError, StoreError


class Runs(Protocol):
    """What a command needs of its session: run a store call and show its Change, or fail."""

    @property
    def project(self) -> Project: ...

    def run(self, service: Callable[[], Change]) -> Change: ...

    def fail(self, message: str) -> None: ...


class StoreCommand(QUndoCommand):
    """One user action on the undo stack. ``text`` names it ("add ACTOR"): the Edit menu shows
    "Undo add ACTOR". Commands with the same ``merge`` id whose undos are edits of one span
    (typing in a field, moving a boundary key after key) merge into one step."""

    def __init__(
        self,
        session: Runs,
        text: str,
        action: Callable[[], Change],
        merge: int = -1,
        describe: Callable[[Change], str] | None = None,
    ) -> None:
        super().__init__(text)
        self._describe = describe  # names the command from what it did ("accept 3 agreed units")
        self.session = session
        self.project = session.project  # the project it was done in, not the one open later
        self._action = action
        self._merge = merge
        self._pushed = False
        self._undo: tuple[Step, ...] = ()
        self._redo: tuple[Step, ...] = ()
        self.change: Change | None = None  # what the action itself did

    @property
    def created_id(self) -> int:
        assert self.change is not None
        return self.change.created_id

    def first_run(self) -> Change:
        self.change = self.session.run(self._action)
        self._undo = self.change.undo
        if self._describe is not None:
            self.setText(self._describe(self.change))
        return self.change

    def undoable(self) -> bool:
        return bool(self._undo)

    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True
            return
        change = self._run("Redo", self._redo)
        if change is not None:
            self._undo = change.undo

    def undo(self) -> None:
        change = self._run("Undo", self._undo)
        if change is not None:
            self._redo = change.undo

    def _run(self, verb: str, steps: tuple[Step, ...]) -> Change | None:
        project = self.project
        try:
            return self.session.run(lambda: operations.run(project, steps))
        except StoreError as exc:
            self.session.fail(f"{verb} {self.text()}: not done, {exc}")
            self.setObsolete(True)
            return None

    def id(self) -> int:
        return self._merge

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, StoreCommand) or other.id() != self.id():
            return False
        if other.text() != self.text():  # "edit note" then "edit victim": two steps
            return False
        merged = operations.merged_undo(self._undo, other._undo)
        if merged is None:
            return False
        self._undo = merged
        return True


class UndoStacks:
    """One QUndoStack per document, gathered in a QUndoGroup (Edit → Undo follows the open one).

    ``push`` runs the command's action first and puts it on the stack only if it worked; a
    refused action or a database failure (both ``StoreError``, one line) goes to ``fail``.
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

    def push(self, command: StoreCommand, document_id: int | None) -> bool:
        try:
            command.first_run()
        except DatabaseError as exc:  # e.g. the disk is full: say so, keep the window alive
            self._fail(f"Not saved: {exc}.")
            return False
        except StoreError as exc:  # refused, or a project opened read-only
            self._fail(str(exc))
            return False
        if document_id is not None and command.undoable():
            self.stack(document_id).push(command)
        return True

    def name_actions(self, undo: QAction, redo: QAction) -> None:
        """Let the Undo and Redo menu items say what they take back ("Undo add ACTOR")."""

        def name(action: QAction, verb: str, what: str) -> None:
            action.setText(f"&{verb} {what}" if what else f"&{verb}")

        self.group.undoTextChanged.connect(lambda what: name(undo, "Undo", what))
        self.group.redoTextChanged.connect(lambda what: name(redo, "Redo", what))
        name(undo, "Undo", self.group.undoText())
        name(redo, "Redo", self.group.redoText())
