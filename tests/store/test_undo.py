"""Undo in the store: each action returns its own inverse, which checks what it expects to find.

Another window or process may change a row between an action and its undo: the undo is then
refused (StaleError) and nothing is written, instead of being applied blindly.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import select

from annotator.core.records import GOLD
from annotator.store import adjudication as adj
from annotator.store import operations, queries, services
from annotator.store.engine import Project
from annotator.store.errors import DatabaseError, ServiceError, StaleError, StoreError
from annotator.store.tables import AuditEntry, CoderRow

from helpers.coding import code_two_coders, mark, seed_document


def live(project: Project, doc: int, coder: str = "alice") -> dict[int, tuple[str, int, int]]:
    return {a.id: (a.label, a.start, a.end) for a in queries.annotations(project, doc, [coder])}


def test_create_undo_redo_take_the_same_path_and_keep_the_row(project: Project) -> None:
    doc = seed_document(project)
    change = services.create_annotation(project, "alice", doc, "ACTOR", 0, 6)
    ann = change.created_id
    assert [a.id for a in change.rows] == [ann]  # the written row comes back with the change
    undone = operations.run(project, change.undo)
    assert live(project, doc) == {} and undone.rows == ()
    redone = operations.run(project, undone.undo)
    assert live(project, doc) == {ann: ("ACTOR", 0, 6)}
    assert [a.id for a in redone.rows] == [ann]  # the same row (same id), not a copy


def test_an_undo_of_a_span_edited_elsewhere_is_refused(project: Project) -> None:
    doc = seed_document(project)
    change = services.create_annotation(project, "alice", doc, "ACTOR", 0, 6)
    ann = change.created_id
    services.update_annotation(project, "alice", ann, end=9)  # another window of alice's
    with pytest.raises(StaleError, match="changed since"):
        operations.run(project, change.undo)
    assert live(project, doc) == {ann: ("ACTOR", 0, 9)}  # not deleted behind the edit


def test_an_undo_of_a_delete_refused_once_the_span_is_back(project: Project) -> None:
    doc = seed_document(project)
    ann = services.create_annotation(project, "alice", doc, "ACTOR", 0, 6).created_id
    deleted = services.delete_annotation(project, "alice", ann)
    services.restore_annotation(project, "alice", ann)  # brought back elsewhere
    services.update_annotation(project, "alice", ann, note="kept")
    with pytest.raises(StaleError, match=r"changed since|brought back"):
        operations.run(project, deleted.undo)
    assert queries.annotation(project, ann) is not None


def test_an_edit_undone_restores_label_attributes_and_note(project: Project) -> None:
    doc = seed_document(project)
    ann = services.create_annotation(
        project, "alice", doc, "CASUALTY", 0, 6, {"kind": "killed", "best": 3}, note="n"
    ).created_id
    relabel = services.update_annotation(project, "alice", ann, label="ACTOR", note="m")
    after = queries.annotation(project, ann)
    assert after is not None and after.label == "ACTOR" and "best" not in after.attributes
    operations.run(project, relabel.undo)
    back = queries.annotation(project, ann)
    assert back is not None
    assert (back.label, back.attributes, back.note) == (
        "CASUALTY",
        {"kind": "killed", "best": 3},
        "n",
    )


def test_typing_merges_into_one_undo_that_expects_the_last_edit(project: Project) -> None:
    doc = seed_document(project)
    ann = services.create_annotation(project, "alice", doc, "ACTOR", 0, 6).created_id
    first = services.update_annotation(project, "alice", ann, note="a")
    second = services.update_annotation(project, "alice", ann, note="ab")
    merged = operations.merged_undo(first.undo, second.undo)
    assert merged is not None
    with pytest.raises(StaleError):  # the first edit's undo alone no longer applies
        operations.run(project, first.undo)
    operations.run(project, merged)
    back = queries.annotation(project, ann)
    assert back is not None and back.note == ""
    other = services.create_annotation(project, "alice", doc, "ACTOR", 10, 16).created_id
    elsewhere = services.update_annotation(project, "alice", other, note="x")
    assert operations.merged_undo(second.undo, elsewhere.undo) is None


def test_a_status_undo_expects_the_status_it_left(project: Project) -> None:
    doc = seed_document(project)
    services.create_annotation(project, "alice", doc, "ACTOR", 0, 6)
    done = services.set_status(project, "alice", doc, "done")
    services.set_status(project, "alice", doc, "in_progress")  # reopened in another window
    with pytest.raises(StaleError, match="status"):
        operations.run(project, done.undo)
    services.set_status(project, "alice", doc, "done")
    operations.run(project, done.undo)
    assert queries.status(project, "alice", doc) == "in_progress"


def test_a_link_undo_refused_when_the_link_went_elsewhere(project: Project) -> None:
    doc = seed_document(project)
    event = mark(project, doc, "EVENT", "attack", event_type="violence_against_civilians")
    actor = mark(project, doc, "ACTOR", "Syrian regime")
    linked = services.create_link(project, "alice", event, "actor1", actor)
    services.delete_link(project, "alice", linked.created_id)
    with pytest.raises(StaleError, match="deleted since"):
        operations.run(project, linked.undo)


def test_replacing_a_resolution_is_one_transaction(project: Project) -> None:
    """Accepting bob's version of a unit alice's version resolved: a failure in the accept
    leaves alice's copy in gold (the withdrawal is rolled back with it)."""
    work = code_two_coders(project)
    units = adj.load_review(project, work.doc).units
    unit = next(u for u in units if u.spans.get("alice") and u.spans.get("bob") and not u.agreed)
    alice_span, bob_span = unit.spans["alice"], unit.spans["bob"]
    first = adj.decide(project, "rita", work.doc, unit.key, alice_span.id)
    previous = adj.load_review(project, work.doc).resolutions[unit.key]
    services.delete_annotation(project, "bob", bob_span.id)  # bob takes his span back
    with pytest.raises(ServiceError):
        adj.decide(project, "rita", work.doc, unit.key, bob_span.id, previous=previous)
    gold = queries.annotations(project, work.doc, [GOLD])
    assert [a.id for a in gold] == list(first.annotations)  # still accepted, not withdrawn
    with project.read() as s:
        actions = [e.action for e in s.exec(select(AuditEntry)).all()]
    assert adj.WITHDRAW not in actions


def test_a_replacing_decision_is_undone_in_one_step(project: Project) -> None:
    work = code_two_coders(project)
    units = adj.load_review(project, work.doc).units
    unit = next(u for u in units if u.spans.get("alice") and u.spans.get("bob") and not u.agreed)
    adj.decide(project, "rita", work.doc, unit.key, unit.spans["alice"].id)
    previous = adj.load_review(project, work.doc).resolutions[unit.key]
    second = adj.decide(project, "rita", work.doc, unit.key, None, "neither", previous)
    assert adj.load_review(project, work.doc).resolutions[unit.key].how == "rejected"
    back = operations.run(project, second.undo)
    now = adj.load_review(project, work.doc).resolutions[unit.key]
    assert (now.how, now.gold_ids) == ("accepted", previous.gold_ids)
    operations.run(project, back.undo)  # and the redo
    assert adj.load_review(project, work.doc).resolutions[unit.key].how == "rejected"


def test_a_database_failure_is_the_stores_own_error_in_one_line(project: Project) -> None:
    with pytest.raises(DatabaseError) as failed, project.write() as s:
        s.exec(text("SELECT * FROM no_such_table"))  # type: ignore[call-overload]
    message = str(failed.value)
    assert "\n" not in message and message.startswith("database error, nothing was changed")
    with pytest.raises(StoreError), project.write() as s:
        s.add(CoderRow(name="twin"))
        s.add(CoderRow(name="twin"))  # a unique constraint: IntegrityError at commit
    assert queries.coders(project) == []
    with pytest.raises(DatabaseError), project.connect() as conn:  # server queries too
        conn.execute(text("SELECT * FROM no_such_table"))
