"""Gold marked done never hides a unit a coder opened at the same moment (two connections).

``finish`` checks that every unit is adjudicated and writes gold's status in one transaction,
holding gold's status row, which every edit that can open a unit locks too (on PostgreSQL;
SQLite's write transactions are serialised). Here a coder's span is written but not yet committed when
the reviewer's ``finish`` starts its transaction: the check must see the span once it is
committed and refuse, however the two interleave.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import text

from annotator.core.records import GOLD
from annotator.store import adjudication as adj
from annotator.store import queries, services
from annotator.store.engine import Project
from annotator.store.errors import ServiceError
from annotator.store.operations import run

from helpers.coding import mark, seed_document, span

TIMEOUT = 60  # seconds: only a hung writer waits this long


def finish_during_a_coders_edit(project: Project, doc: int) -> dict[str, Any]:
    """Alice's new span written, not committed, when the reviewer's ``finish`` starts; then
    committed once the reviewer waits for a lock (PostgreSQL) or has returned, so that a
    ``finish`` that does not wait for the edit is caught deciding without it (on SQLite, whose
    writers take turns, once the reviewer has asked for its turn). What each got (the coder's
    error, if any, under "coder")."""
    coder, reviewer = Project.open(project.url), Project.open(project.url)
    holding, entered = threading.Event(), threading.Event()
    outcome: dict[str, Any] = {}
    backend: list[int] = []  # the reviewer's server process

    def reviewer_waits() -> bool:
        with coder.connect() as conn:
            waiting = conn.execute(
                text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid"),
                {"pid": backend[0]},
            ).scalar()
        return waiting == "Lock"

    def coders_edit() -> None:  # alice's new span, committed once the reviewer has started
        try:
            with coder.write() as s:
                start, end = span(project, doc, "Monday")
                services._create_annotation(
                    s,
                    coder,
                    coder="alice",
                    document_id=doc,
                    label="DATE",
                    start=start,
                    end=end,
                    attributes={},
                )
                holding.set()
                assert entered.wait(TIMEOUT)
                deadline = time.monotonic() + TIMEOUT  # only a hung writer waits this long
                while backend and "finish" not in outcome and not reviewer_waits():
                    assert time.monotonic() < deadline, "the reviewer neither waited nor ended"
                    time.sleep(0.005)
        except BaseException as exc:  # pragma: no cover - reported below
            outcome["coder"] = exc

    write = reviewer.write

    @contextmanager
    def noted_write() -> Iterator[Any]:  # the reviewer's transaction has started
        if project.is_sqlite:
            entered.set()  # its turn comes once the coder's transaction ends
        with write() as s:
            if not project.is_sqlite:
                backend.append(s.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar())
                entered.set()
            yield s

    reviewer.write = noted_write  # type: ignore[method-assign]

    def reviewers_finish() -> None:
        try:
            outcome["finish"] = adj.finish(reviewer, "carol", doc)
        except ServiceError as exc:
            outcome["finish"] = exc

    first = threading.Thread(target=coders_edit)
    first.start()
    assert holding.wait(TIMEOUT)
    second = threading.Thread(target=reviewers_finish)
    second.start()
    for t in (first, second):
        t.join(TIMEOUT)
        assert not t.is_alive(), "a writer hung"
    coder.close()
    reviewer.close()
    return outcome


def test_a_coders_span_committed_while_gold_is_marked_done_keeps_it_open(
    project: Project,
) -> None:
    doc = seed_document(project)
    mark(project, doc, "ACTOR", "Syrian regime", "alice", category="state_forces")
    mark(project, doc, "ACTOR", "Syrian regime", "bob", category="state_forces")
    adj.accept_agreed(project, "carol", doc)
    assert adj.progress(project, doc).finished  # gold could be marked done now
    outcome = finish_during_a_coders_edit(project, doc)
    assert "coder" not in outcome
    refusal = outcome["finish"]
    assert isinstance(refusal, ServiceError), refusal
    assert str(refusal) == "1 unit not adjudicated yet (1 disagreement open)"
    assert queries.status(project, GOLD, doc) == "in_progress"


def test_the_same_on_a_document_gold_never_touched(project: Project) -> None:
    # No decision yet, so no gold status row for the coder's edit to lock: "done" waits for
    # the edit by the document's own lock, then sees the span.
    doc = seed_document(project)
    services.register_coder(project, GOLD)
    assert adj.progress(project, doc).finished  # nothing coded: done could be marked now
    assert queries.status(project, GOLD, doc) == "not_started"
    outcome = finish_during_a_coders_edit(project, doc)
    assert "coder" not in outcome
    refusal = outcome["finish"]
    assert isinstance(refusal, ServiceError), refusal
    assert str(refusal).startswith("1 unit not adjudicated yet")
    assert queries.status(project, GOLD, doc) != "done"
    assert [a.label for a in queries.annotations(project, doc, ["alice"])] == ["DATE"]


def test_finish_marks_gold_done_and_its_undo_reopens_it(project: Project) -> None:
    doc = seed_document(project)
    mark(project, doc, "ACTOR", "Syrian regime", "alice", category="state_forces")
    mark(project, doc, "ACTOR", "Syrian regime", "bob", category="state_forces")
    mark(project, doc, "DATE", "Monday", "alice")
    with pytest.raises(ServiceError, match=r"^2 units not adjudicated yet \(1 disagreement"):
        adj.finish(project, "carol", doc)
    adj.accept_agreed(project, "carol", doc)
    review = adj.load_review(project, doc)
    [monday] = [u for u in review.units if not review.resolution(u)]
    adj.reject(project, "carol", doc, monday.key)
    done = adj.finish(project, "carol", doc)
    assert queries.status(project, GOLD, doc) == "done"
    run(project, done.undo)
    assert queries.status(project, GOLD, doc) == "in_progress"
