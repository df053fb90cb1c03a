"""An action costs few round trips to the database (docs/team.md, "Load"): what never changes
(a coder's row id, a document's length) is read once per project, only once committed, and a
pooled server connection is checked only when it has been idle."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event, text

from annotator.store import engine, queries, services
from annotator.store.engine import Project
from annotator.store.importer import import_paths
from annotator.store.operations import run, step
from annotator.store.setup import create_project

from helpers.paths import SEED


@contextmanager
def statements(project: Project) -> Iterator[list[str]]:
    """Every statement sent to the database meanwhile, as its first words."""
    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(" ".join(statement.split()[:3]))

    event.listen(project.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(project.engine, "before_cursor_execute", note)


def test_a_span_created_reads_no_coder_or_document_row_it_knows(project: Project) -> None:
    import_paths(project, [SEED])
    doc = queries.document_ids(project)[0]
    services.register_coder(project, "gold")  # gold exists: its status is checked, not looked up
    services.create_annotation(project, "ann", doc, "ACTOR", 0, 4)
    with statements(project) as seen:
        change = services.create_annotation(project, "ann", doc, "ACTOR", 10, 14)
    if project.is_sqlite:  # the status rows (locked on a server), then the span
        assert seen == [
            "BEGIN IMMEDIATE",
            "SELECT document_status.document_id, document_status.coder_id,",
            "INSERT INTO annotation",
            "INSERT INTO audit",
        ]
    else:  # one statement, its own transaction (no BEGIN, no COMMIT)
        assert seen == ["WITH held AS"]
    # the row read back from what the transaction wrote, as the database has it
    assert change.rows == (queries.annotation(project, change.created_id),)


def test_a_span_edited_or_deleted_on_a_server_is_one_statement(project: Project) -> None:
    if project.is_sqlite:
        pytest.skip("one statement per edit: PostgreSQL (SQLite's writers take turns anyway)")
    import_paths(project, [SEED])
    doc = queries.document_ids(project)[0]
    made = services.create_annotation(project, "ann", doc, "ACTOR", 0, 4).created_id
    with statements(project) as seen:
        edited = services.update_annotation(project, "ann", made, note="why", end=5)
    assert seen == ["SELECT id, uid,", "WITH held AS"]  # the span as it is, then the edit
    assert edited.rows == (queries.annotation(project, made),)
    assert edited.spans == ((0, 4), (0, 5))
    with statements(project) as seen:
        deleted = services.delete_annotation(project, "ann", made)
    assert seen == ["WITH held AS"]  # its document is known: no read first
    assert queries.annotation(project, made) is None
    assert deleted.spans == ((0, 5),)
    # a project that has not seen the span reads its document first
    other = Project.open(project.url)
    services.register_coder(other, "ann")
    again = services.create_annotation(project, "ann", doc, "ACTOR", 6, 9).created_id
    with statements(other) as seen:
        services.delete_annotation(other, "ann", again)
    assert seen == ["SELECT id, uid,", "WITH held AS"]
    other.close()


def test_a_coder_made_in_a_transaction_rolled_back_is_not_remembered(project: Project) -> None:
    import_paths(project, [SEED])
    doc = queries.document_ids(project)[0]
    first = step(
        "create_annotation",
        coder="newcomer",
        document_id=doc,
        label="ACTOR",
        start=0,
        end=4,
        attributes={},
    )
    bad = step(
        "create_annotation",
        coder="newcomer",
        document_id=doc,
        label="NO_SUCH_LABEL",
        start=0,
        end=4,
        attributes={},
    )
    with pytest.raises(services.ServiceError, match="unknown label"):
        run(project, [first, bad])
    assert "newcomer" not in project.known.coders
    assert queries.coders(project) == []
    # the newcomer's next action makes the row again and lands
    change = services.create_annotation(project, "newcomer", doc, "ACTOR", 0, 4)
    assert [a.coder for a in queries.annotations(project, doc)] == ["newcomer"]
    assert change.rows[0].coder == "newcomer"


def test_a_connection_the_server_dropped_while_idle_is_replaced(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    if project.is_sqlite:
        pytest.skip("a server connection: PostgreSQL only")
    import_paths(project, [SEED])
    doc = queries.document_ids(project)[0]
    with project.connect() as conn:  # the pool's one connection: the server ends it
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    other = Project.open(project.url)
    with other.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar_one()
    other.close()
    monkeypatch.setattr(engine, "PING_IDLE_S", 0.0)  # as if it had been idle for long
    change = services.create_annotation(project, "ann", doc, "ACTOR", 0, 4)
    assert queries.annotation(project, change.created_id) is not None


def test_sqlite_writers_take_turns_and_a_stuck_turn_costs_only_the_busy_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = create_project(tmp_path / "turns.annot")
    import_paths(project, [SEED])
    doc = queries.document_ids(project)[0]
    turn = tmp_path / "turns.annot-writer"
    assert turn.exists()
    services.create_annotation(project, "ann", doc, "ACTOR", 0, 4)
    # after an action the turn is free again: another holder gets it at once
    other = os.open(turn, os.O_RDWR)
    fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    # a holder that never lets go (a process stopped mid-action) delays a write by the busy
    # timeout at most; SQLite itself is free, so the write lands
    monkeypatch.setenv("ANNOTATOR_BUSY_TIMEOUT_MS", "200")
    stuck = Project.open(project.url)
    change = services.create_annotation(stuck, "ann", doc, "ACTOR", 10, 14)
    assert queries.annotation(project, change.created_id) is not None
    os.close(other)  # the abandoned waiter gets the turn, lets go of it, and is gone
    again = os.open(turn, os.O_RDWR)
    free = False
    for _ in range(600):  # bounds a hang only: the waiter's thread needs a moment to run
        try:
            fcntl.flock(again, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            time.sleep(0.1)
            continue
        free = True
        break
    os.close(again)
    assert free
    stuck.close()
    project.close()
