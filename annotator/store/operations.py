"""Undo and redo live in the store: each operation returns its own inverse (as Anki does).

An operation is a function ``(session, project, **arguments) -> Change`` registered here by
name with ``@operation``; ``run`` executes one or more ``Step``s (an operation's name and
arguments) in one transaction and returns one ``Change`` whose ``undo`` steps take it all back.
Running those undo steps returns a Change whose ``undo`` is the redo, and so on: a window keeps
only the steps, never rows, and the store checks each step's ``expect`` (the state the row must
still be in) in the same transaction, so an undo of a row another window or process changed is
refused with ``StaleError``.

The public services (``services.create_annotation``, ``adjudication.accept`` ...) are one-step
``run`` calls, so an action, its undo and its redo take the same path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, TypeVar, overload

from sqlalchemy import event
from sqlmodel import Session, col, select

from annotator.core.change import Change, Step, combine
from annotator.store import queries
from annotator.store.engine import Project
from annotator.store.errors import ConflictError, ServiceError, StaleError
from annotator.store.rules import coder_names, forget
from annotator.store.tables import AnnotationRow, LinkRow

Operation = Callable[..., Change]
F = TypeVar("F", bound=Operation)
T = TypeVar("T")

_OPERATIONS: dict[str, Operation] = {}
_REFUSED: dict[str, str] = {}  # what to tell the user when a unique index refuses the write


@overload
def operation(fn: F, /) -> F: ...
@overload
def operation(*, refused: str = "") -> Callable[[F], F]: ...
def operation(fn: F | None = None, /, *, refused: str = "") -> F | Callable[[F], F]:
    """Register ``fn`` (named ``_name``) as the operation ``name``. ``refused``: the one-line
    reason shown when the database's own rules (a unique index) refuse its write, which means
    another writer did the same at the same time."""

    def register(f: F) -> F:
        name = f.__name__.lstrip("_")
        _OPERATIONS[name] = f
        if refused:
            _REFUSED[name] = refused
        return f

    return register(fn) if fn is not None else register


def step(name: str, **arguments: Any) -> Step:
    if name not in _OPERATIONS:
        raise KeyError(f"no store operation {name!r}")
    return Step(name, arguments)


def run(project: Project, steps: Sequence[Step]) -> Change:
    """Run ``steps`` in one transaction: all of them or, on any error, none."""
    if not steps:
        raise ServiceError("nothing to do")
    try:
        with project.write() as s:
            s.info[_WRITTEN] = {}
            changes = [_OPERATIONS[st.operation](s, project, **st.arguments) for st in steps]
            change = combine(changes)
            # the written rows as they are now, in the same transaction
            rows = tuple(_live(s, AnnotationRow, change.annotations, queries.to_annotation))
            link_rows = tuple(_live(s, LinkRow, change.links, queries.to_link))
    except ConflictError:
        refused = next((_REFUSED[st.operation] for st in steps if st.operation in _REFUSED), "")
        if refused:
            raise ServiceError(refused) from None
        raise
    return replace(change, rows=rows, link_rows=link_rows)


def _live(s: Session, table: Any, ids: Sequence[int], convert: Callable[[Any, str], T]) -> list[T]:
    """The live ones among these rows, by id. A row this transaction wrote is locked by it, so
    the copy it flushed (or the record a Core write noted, ``wrote``) is the row as it is: no
    round trip then; any other is read."""
    if not ids:
        return []
    written: dict[tuple[type, int | None], Any] = s.info.get(_WRITTEN, {})
    found = [written.get((table, i), _UNSEEN) for i in ids]
    held: list[Any] = [r for r in found if r is not _UNSEEN]
    if len(held) < len(found):
        held = list(
            s.exec(
                select(table).where(col(table.id).in_(list(ids)), col(table.deleted_at).is_(None))
            )
        )
    names = coder_names(s, {r.coder_id for r in held if isinstance(r, table)})
    out: list[T] = []
    for r in held:
        if isinstance(r, table):
            if r.deleted_at is None:
                out.append(convert(r, names.get(r.coder_id, "")))
        elif r is not None:
            out.append(r)  # the record a Core write noted
    return out


_WRITTEN = "annotator_written"
_UNSEEN = object()


def wrote(s: Session, table: type[AnnotationRow | LinkRow], row_id: int, row: Any) -> None:
    """Inside ``run``: a span or link a Core statement wrote, as it is now (its ``Annotation``
    or ``Link`` record; None when it is no longer live), for the read-back without a round
    trip. The session's own copy, if it holds one, is read again when next used."""
    forget(s, table, row_id)
    written = s.info.get(_WRITTEN)
    if written is not None:
        written[(table, row_id)] = row


@event.listens_for(Session, "after_flush")
def _keep_written(session: Session, _context: Any) -> None:
    """Inside ``run``: the spans and links each flush wrote, held for the read-back."""
    written = session.info.get(_WRITTEN)
    if written is None:
        return
    for row in (*session.new, *session.dirty):
        if isinstance(row, AnnotationRow | LinkRow):
            written[(type(row), row.id)] = row


def run_one(project: Project, name: str, **arguments: Any) -> Change:
    return run(project, [step(name, **arguments)])


def check(expect: Mapping[str, Any] | None, found: Mapping[str, Any], what: str) -> None:
    """Refuse (StaleError) when a row is not in the state a step expects to find it in."""
    if expect is None:
        return
    if any(found.get(k) != v for k, v in expect.items()):
        if expect.get("live") is True and found.get("live") is False:
            raise StaleError(f"{what} was deleted since (in another window or process)")
        if expect.get("live") is False and found.get("live") is True:
            raise StaleError(f"{what} was brought back since (in another window or process)")
        raise StaleError(f"{what} was changed since (in another window or process)")


def merged_undo(first: Sequence[Step], later: Sequence[Step]) -> tuple[Step, ...] | None:
    """The undo of two consecutive edits of one span as one step (typing merges into a single
    undo step): the first edit's inverse, expecting what the later edit left. None when they
    are not edits of the same span."""
    if len(first) != 1 or len(later) != 1:
        return None
    a, b = first[0], later[0]
    if a.operation != "update_annotation" or b.operation != a.operation:
        return None
    if any(a.arguments.get(k) != b.arguments.get(k) for k in ("coder", "annotation_id")):
        return None
    return (Step(a.operation, {**a.arguments, "expect": b.arguments.get("expect")}),)
