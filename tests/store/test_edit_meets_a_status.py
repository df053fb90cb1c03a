"""A coder's edit that runs while a status is being changed sees the status as committed.

On PostgreSQL a coder's edit is one statement (``one_statement``) that reads the coder's and
gold's status rows with a lock: a status set meanwhile (the coder's own "done" from another
window, gold marked done by a reviewer) makes the edit wait for it, then read it as committed.
Here another connection holds such a change uncommitted while the edit is sent; it commits once
the edit waits for a lock, or has returned (so an edit that does not wait is caught having
decided without the change). SQLite's writers take turns, so the race cannot happen there.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text

from annotator.core.records import GOLD
from annotator.store import adjudication as adj
from annotator.store import queries, services
from annotator.store.engine import Project
from annotator.store.errors import ServiceError
from annotator.store.locks import document_key

from helpers.coding import mark, seed_document, span

TIMEOUT = 60  # seconds: only a hung writer waits this long


def edit_while_held(
    project: Project, hold: str, params: dict[str, Any], edit: Callable[[], object]
) -> object:
    """Run ``hold`` (SQL) in a transaction of another connection, then ``edit`` in a thread;
    commit the transaction once the edit waits for a lock or has ended. The edit's result, or
    the exception it raised."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(edit())
        except Exception as exc:
            outcome.append(exc)

    with project.engine.connect() as holder, project.engine.connect() as watcher:
        watcher = watcher.execution_options(isolation_level="AUTOCOMMIT")
        mine = holder.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        for statement in hold.split(";"):
            holder.execute(text(statement), params)
        thread = threading.Thread(target=run)
        thread.start()
        deadline = time.monotonic() + TIMEOUT
        while thread.is_alive():
            waiting = watcher.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND pid <> :mine"
                ),
                {"mine": mine},
            ).scalar()
            if waiting:
                break
            assert time.monotonic() < deadline, "the edit neither waited nor ended"
            time.sleep(0.005)
        holder.commit()
        thread.join(TIMEOUT)
        assert not thread.is_alive(), "the edit hung"
    return outcome[0]


@pytest.fixture
def editor(project: Project) -> Any:
    if project.is_sqlite:
        pytest.skip("SQLite's writers take turns: an edit never runs beside a status change")
    other = Project.open(project.url)
    yield other
    other.close()


def test_an_edit_waits_for_the_coders_own_done_and_is_refused(
    project: Project, editor: Project
) -> None:
    doc = seed_document(project)
    start, end = span(project, doc, "Monday")
    made = services.create_annotation(editor, "alice", doc, "DATE", start, end)  # learns alice
    alice = editor.known.coders["alice"]
    outcome = edit_while_held(  # alice's other window marks the document done
        project,
        "UPDATE document_status SET status = 'done' WHERE document_id = :d AND coder_id = :c",
        {"d": doc, "c": alice},
        lambda: services.update_annotation(editor, "alice", made.created_id, note="late"),
    )
    assert isinstance(outcome, ServiceError), outcome
    assert "is marked done for alice" in str(outcome)
    [kept] = queries.annotations(project, doc, ["alice"])
    assert kept.note == ""


def test_an_edit_waits_for_gold_marked_done_and_makes_it_stale(
    project: Project, editor: Project
) -> None:
    doc = seed_document(project)
    mark(project, doc, "ACTOR", "Syrian regime", "alice", category="state_forces")
    mark(project, doc, "ACTOR", "Syrian regime", "bob", category="state_forces")
    adj.accept_agreed(project, "carol", doc)  # gold has its status row now, in progress
    assert queries.status(project, GOLD, doc) == "in_progress"
    start, end = span(project, doc, "Monday")
    services.create_annotation(editor, "alice", doc, "DATE", start, end)  # learns alice
    with project.connect() as conn:
        gold = conn.execute(text("SELECT id FROM coder WHERE name = :n"), {"n": GOLD}).scalar()
    [first] = [a for a in queries.annotations(project, doc, ["alice"]) if a.label == "ACTOR"]
    # the reviewer's finish: the document's lock, then gold's status set to done
    outcome = edit_while_held(
        project,
        "SELECT pg_advisory_xact_lock(:k); "
        "UPDATE document_status SET status = 'done' WHERE document_id = :d AND coder_id = :g",
        {"k": document_key(doc), "d": doc, "g": gold},
        lambda: services.update_annotation(editor, "alice", first.id, note="after gold"),
    )
    assert not isinstance(outcome, Exception), outcome
    assert queries.status(project, GOLD, doc) == "stale"
