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

from annotator.core.change import Change, Step, combine
from annotator.store import queries
from annotator.store.engine import Project
from annotator.store.errors import ConflictError, ServiceError, StaleError

Operation = Callable[..., Change]
F = TypeVar("F", bound=Operation)

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
            changes = [_OPERATIONS[st.operation](s, project, **st.arguments) for st in steps]
            change = combine(changes)
            # the written rows as they are now, read in the same transaction
            rows = tuple(queries.live_annotations(s, change.annotations))
            link_rows = tuple(queries.live_links(s, change.links))
    except ConflictError:
        refused = next((_REFUSED[st.operation] for st in steps if st.operation in _REFUSED), "")
        if refused:
            raise ServiceError(refused) from None
        raise
    return replace(change, rows=rows, link_rows=link_rows)


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
