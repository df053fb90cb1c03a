"""Rules hold when two writers do the conflicting thing at the same instant (docs/team.md).

Each trial starts two threads, each with its own ``Project`` (its own engine and connections, as
two processes would have), lines them up on a barrier and lets both act at once. On PostgreSQL
at READ COMMITTED a check-then-insert without a lock lets both through; the layer locks in
``annotator.store.locks`` and the unique index of revision 0005 must leave exactly one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from annotator.core.records import GOLD
from annotator.store import adjudication as adj
from annotator.store import queries, services
from annotator.store.engine import Project
from annotator.store.importer import import_paths
from annotator.store.services import ServiceError
from annotator.store.tables import AnnotationRow, CoderRow, DocumentStatus, LinkRow

from helpers.paths import SEED

TRIALS = 12
TIMEOUT = 60.0


@pytest.fixture
def doc_id(project: Project) -> int:
    import_paths(project, [SEED])
    return queries.document_ids(project)[0]


@pytest.fixture
def twins(project: Project) -> Iterator[tuple[Project, Project]]:
    """Two more connections to the same project, as two other processes would hold."""
    a, b = Project.open(project.url), Project.open(project.url)
    yield a, b
    a.close()
    b.close()


def at_once(first: Callable[[], Any], second: Callable[[], Any]) -> list[Any]:
    """Run both at the same moment; each result is its return value or the exception raised."""
    barrier = threading.Barrier(2, timeout=TIMEOUT)
    results: list[Any] = [None, None]

    def run(i: int, work: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[i] = work()
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate((first, second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
        assert not t.is_alive(), "a writer hung"
    return results


def refused(results: list[Any]) -> list[Exception]:
    errors = [r for r in results if isinstance(r, Exception)]
    for error in errors:  # a refusal is a one-line ServiceError, never database text
        assert isinstance(error, ServiceError), repr(error)
        assert "\n" not in str(error)
    return errors


def span_of(project: Project, doc_id: int, label: str, start: int, coder: str = "alice") -> int:
    attrs = {"event_type": "violence_against_civilians"} if label == "EVENT" else {}
    return services.create_annotation(
        project, coder, doc_id, label, start, start + 4, attrs
    ).created_id


def test_two_writers_link_a_second_actor1_at_once(
    project: Project, doc_id: int, twins: tuple[Project, Project]
) -> None:
    a, b = twins
    for trial in range(TRIALS):
        base = trial * 20
        event = span_of(project, doc_id, "EVENT", base)
        one = span_of(project, doc_id, "ACTOR", base + 5)
        two = span_of(project, doc_id, "ACTOR", base + 10)
        results = at_once(
            lambda: services.create_link(a, "alice", event, "actor1", one),  # noqa: B023
            lambda: services.create_link(b, "alice", event, "actor1", two),  # noqa: B023
        )
        assert len(refused(results)) == 1, results
        assert "at most 1" in str(refused(results)[0])
        with project.read() as s:
            live = s.exec(
                select(func.count())
                .select_from(LinkRow)
                .where(LinkRow.from_id == event, col(LinkRow.deleted_at).is_(None))
            ).one()
        assert live == 1, f"trial {trial}: {live} actor1 fillers"


def test_two_writers_link_the_same_filler_at_once(
    project: Project, doc_id: int, twins: tuple[Project, Project]
) -> None:
    """assoc_actor1 takes several fillers, but the same span only once."""
    a, b = twins
    for trial in range(TRIALS):
        base = trial * 20
        event = span_of(project, doc_id, "EVENT", base)
        actor = span_of(project, doc_id, "ACTOR", base + 5)
        results = at_once(
            lambda: services.create_link(a, "alice", event, "assoc_actor1", actor),  # noqa: B023
            lambda: services.create_link(b, "alice", event, "assoc_actor1", actor),  # noqa: B023
        )
        assert len(refused(results)) == 1, results
        assert len(queries.links(project, doc_id, ["alice"])) == trial + 1


def test_undo_of_a_delete_and_a_new_link_at_once_never_overfill(
    project: Project, doc_id: int, twins: tuple[Project, Project]
) -> None:
    """Restoring a deleted span brings its actor1 link back only if the role is still free."""
    a, b = twins
    for trial in range(TRIALS):
        base = trial * 20
        event = span_of(project, doc_id, "EVENT", base)
        old = span_of(project, doc_id, "ACTOR", base + 5)
        new = span_of(project, doc_id, "ACTOR", base + 10)
        services.create_link(project, "alice", event, "actor1", old)
        deleted = services.delete_annotation(project, "alice", old)
        at_once(
            lambda: services.restore_annotation(a, "alice", old, deleted.links),  # noqa: B023
            lambda: services.create_link(b, "alice", event, "actor1", new),  # noqa: B023
        )
        with project.read() as s:
            live = s.exec(
                select(func.count())
                .select_from(LinkRow)
                .where(LinkRow.from_id == event, col(LinkRow.deleted_at).is_(None))
            ).one()
        assert live == 1, f"trial {trial}: {live} actor1 fillers"


def test_two_reviewers_accept_the_same_span_at_once(
    project: Project, doc_id: int, twins: tuple[Project, Project]
) -> None:
    a, b = twins
    for trial in range(TRIALS):
        actor = span_of(project, doc_id, "ACTOR", trial * 20, coder="bob")
        results = at_once(
            lambda: adj.accept(a, "carol", [actor]),  # noqa: B023
            lambda: adj.accept(b, "dave", [actor]),  # noqa: B023
        )
        assert len(refused(results)) == 1, results
        with project.read() as s:
            copies = s.exec(
                select(func.count())
                .select_from(AnnotationRow)
                .join(CoderRow, col(CoderRow.id) == AnnotationRow.coder_id)
                .where(CoderRow.name == GOLD, col(AnnotationRow.deleted_at).is_(None))
            ).one()
        assert copies == trial + 1


def test_a_new_coders_first_actions_at_once_both_land(
    project: Project, doc_id: int, twins: tuple[Project, Project]
) -> None:
    """Two windows of a coder nobody has seen yet: one coder row, one status row, two spans."""
    a, b = twins
    for trial in range(TRIALS):
        name = f"newcomer{trial}"
        results = at_once(
            lambda: span_of(a, doc_id, "ACTOR", 0, coder=name),  # noqa: B023
            lambda: span_of(b, doc_id, "ACTOR", 10, coder=name),  # noqa: B023
        )
        assert refused(results) == []
        with project.read() as s:
            coders = s.exec(select(CoderRow).where(CoderRow.name == name)).all()
            assert len(coders) == 1
            statuses = s.exec(
                select(DocumentStatus).where(DocumentStatus.coder_id == coders[0].id)
            ).all()
            assert len(statuses) == 1
        assert len(queries.annotations(project, doc_id, [name])) == 2


def test_done_and_reopen_at_once_leave_one_status(
    project: Project, doc_id: int, twins: tuple[Project, Project]
) -> None:
    a, b = twins
    for trial in range(TRIALS):
        name = f"fresh{trial}"
        results = at_once(
            lambda: services.set_status(a, name, doc_id, "done"),  # noqa: B023
            lambda: services.set_status(b, name, doc_id, "in_progress"),  # noqa: B023
        )
        assert refused(results) == []
        assert queries.status(project, name, doc_id) in ("done", "in_progress")


def test_the_database_refuses_a_second_live_gold_copy_of_one_span(
    project: Project, doc_id: int
) -> None:
    """Bringing back a deleted gold copy while the span is in gold again: the unique index of
    revision 0005 refuses it, and the reviewer gets one line."""
    actor = span_of(project, doc_id, "ACTOR", 0, coder="bob")
    [first] = adj.accept(project, "carol", [actor]).annotations
    services.delete_annotation(project, GOLD, first, actor="carol")
    [second] = adj.accept(project, "carol", [actor]).annotations
    with pytest.raises(ServiceError, match="in gold again") as refused:
        services.restore_annotation(project, GOLD, first, actor="carol")
    assert "\n" not in str(refused.value)
    assert [a.id for a in queries.annotations(project, doc_id, [GOLD])] == [second]
