"""Every user action is one committed transaction, validated against the codebook."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from annotator.core.records import GOLD
from annotator.store import queries, services
from annotator.store.engine import Project
from annotator.store.services import ServiceError
from annotator.store.tables import AuditEntry

from helpers.coding import mark, seed_document, span


@pytest.fixture
def doc_id(project: Project) -> int:
    return seed_document(project)


def test_create_edit_delete_restore_annotation(project: Project, doc_id: int) -> None:
    start, end = span(project, doc_id, "15 civilians")
    change = services.create_annotation(
        project, "alice", doc_id, "CASUALTY", start, start + 2, {"kind": "killed", "best": 15}
    )
    ann_id = change.created_id
    [ann] = queries.annotations(project, doc_id, ["alice"])
    assert (ann.id, ann.label, ann.start, ann.end) == (ann_id, "CASUALTY", start, start + 2)
    assert ann.attributes == {"kind": "killed", "best": 15}
    assert queries.status(project, "alice", doc_id) == "in_progress"

    services.update_annotation(
        project, "alice", ann_id, attributes={"victim": "civilians", "best": None}
    )
    assert queries.annotation(project, ann_id).attributes == {
        "kind": "killed",
        "victim": "civilians",
    }  # type: ignore[union-attr]
    services.update_annotation(project, "alice", ann_id, end=end, note="incl. 2 children")
    ann2 = queries.annotation(project, ann_id)
    assert ann2 is not None and (ann2.end, ann2.note) == (end, "incl. 2 children")

    services.delete_annotation(project, "alice", ann_id)
    assert queries.annotations(project, doc_id) == []
    services.restore_annotation(project, "alice", ann_id)
    assert queries.annotation(project, ann_id) == ann2  # the very same row comes back


def test_invalid_requests_write_nothing(project: Project, doc_id: int) -> None:
    with pytest.raises(ServiceError, match="unknown label 'VICTIM'"):
        services.create_annotation(project, "alice", doc_id, "VICTIM", 0, 5)
    with pytest.raises(ServiceError, match="outside the text"):
        services.create_annotation(project, "alice", doc_id, "ACTOR", 0, 10**6)
    with pytest.raises(ServiceError, match="'eaten' is not one of"):
        services.create_annotation(project, "alice", doc_id, "CASUALTY", 0, 5, {"kind": "eaten"})
    with pytest.raises(ServiceError, match="unknown attribute"):
        services.create_annotation(project, "alice", doc_id, "ACTOR", 0, 5, {"colour": "red"})
    assert queries.annotations(project, doc_id) == []
    assert queries.info(project)["annotations"] == 0


def test_coders_cannot_touch_each_others_work(project: Project, doc_id: int) -> None:
    ann_id = services.create_annotation(project, "alice", doc_id, "ACTOR", 0, 6).created_id
    with pytest.raises(ServiceError, match="another coder"):
        services.delete_annotation(project, "bob", ann_id)
    assert queries.annotations(project, doc_id, ["bob"]) == []
    assert len(queries.annotations(project, doc_id, ["alice"])) == 1


def test_links_follow_roles_and_max(project: Project, doc_id: int) -> None:
    e = mark(project, doc_id, "EVENT", "attack")
    a1 = mark(project, doc_id, "ACTOR", "Syrian regime")
    a2 = mark(project, doc_id, "ACTOR", "Russia")
    c15 = mark(project, doc_id, "CASUALTY", "15")
    c2 = mark(project, doc_id, "CASUALTY", "two")

    link = services.create_link(project, "alice", e, "actor1", a1).created_id
    with pytest.raises(ServiceError, match="at most 1"):
        services.create_link(project, "alice", e, "actor1", a2)
    with pytest.raises(ServiceError, match="takes ACTOR, not CASUALTY"):
        services.create_link(project, "alice", e, "actor2", c15)
    with pytest.raises(ServiceError, match="already linked"):
        services.create_link(project, "alice", e, "actor1", a1)
    services.create_link(project, "alice", e, "casualties", c15)
    services.create_link(project, "alice", e, "casualties", c2)
    services.create_link(project, "alice", c2, "subset_of", c15)
    with pytest.raises(ServiceError, match="goes from CASUALTY, not ACTOR"):
        services.create_link(project, "alice", a1, "subset_of", a2)
    with pytest.raises(ServiceError, match="unknown role or relation"):
        services.create_link(project, "alice", a1, "likes", a2)
    assert len(queries.links(project, doc_id)) == 4

    # Deleting a span takes its links along; restoring brings the same links back.
    change = services.delete_annotation(project, "alice", c15)
    assert len(change.links) == 2
    assert {k.role for k in queries.links(project, doc_id)} == {"actor1", "casualties"}
    services.restore_annotation(project, "alice", c15, change.links)
    assert len(queries.links(project, doc_id)) == 4

    services.delete_link(project, "alice", link)
    services.create_link(project, "alice", e, "actor1", a2)  # the slot is free again
    with pytest.raises(ServiceError):
        services.restore_link(project, "bob", link)


def test_done_requires_required_fields(project: Project, doc_id: int) -> None:
    c = mark(project, doc_id, "CASUALTY", "15")
    with pytest.raises(ServiceError, match="CASUALTY '15' needs kind"):
        services.set_status(project, "alice", doc_id, "done")
    assert queries.status(project, "alice", doc_id) == "in_progress"
    services.update_annotation(project, "alice", c, attributes={"kind": "killed"})
    with pytest.raises(ServiceError, match="CASUALTY '15' needs count_scope"):
        services.set_status(project, "alice", doc_id, "done")
    services.update_annotation(
        project, "alice", c, attributes={"kind": "killed", "count_scope": "event"}
    )
    services.set_status(project, "alice", doc_id, "done")
    assert queries.status(project, "alice", doc_id) == "done"
    assert queries.done_document_ids(project, ["alice"]) == {doc_id}
    services.set_status(project, "alice", doc_id, "in_progress")
    assert queries.status(project, "alice", doc_id) == "in_progress"


def test_every_action_is_audited(project: Project, doc_id: int) -> None:
    services.create_annotation(project, "alice", doc_id, "ACTOR", 0, 6)
    with project.read() as s:
        actions = [a.action for a in s.exec(select(AuditEntry))]
    assert actions == ["import", "create_annotation"]


def test_info_counts(project: Project, doc_id: int) -> None:
    services.create_annotation(project, "alice", doc_id, "ACTOR", 0, 6)
    services.create_annotation(project, "bob", doc_id, "ACTOR", 0, 6)
    info = queries.info(project)
    assert info["documents"] == 1 and info["coders"] == ["alice", "bob"]
    assert info["annotations_by_label"] == {"ACTOR": 2}
    assert info["progress"]["alice"] == {
        "done": 0,
        "in_progress": 1,
        "stale": 0,
        "not_started": 0,
    }


def test_a_reviewers_hand_edits_of_gold_are_audited_as_the_reviewer(
    project: Project, doc_id: int
) -> None:
    def last() -> tuple[str, str, dict[str, object]]:
        with project.read() as s:
            entry = s.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc())).first()
        assert entry is not None
        return entry.coder, entry.action, entry.detail

    # the coding path is unchanged: the coder is the actor, no layer in the detail
    services.create_annotation(project, "alice", doc_id, "ACTOR", 0, 6)
    assert last() == ("alice", "create_annotation", {"label": "ACTOR"})

    gold = {"actor": "carol"}
    start, end = span(project, doc_id, "attack")
    event = services.create_annotation(
        project,
        GOLD,
        doc_id,
        "EVENT",
        start,
        end,
        {"event_type": "violence_against_civilians"},
        actor="carol",
    ).created_id
    assert last() == ("carol", "create_annotation", {"label": "EVENT", "layer": GOLD})
    start, end = span(project, doc_id, "15 civilians")
    casualty = services.create_annotation(
        project, GOLD, doc_id, "CASUALTY", start, end, {"kind": "killed", "best": 15}, **gold
    ).created_id
    services.update_annotation(project, GOLD, casualty, note="checked", **gold)
    assert last() == ("carol", "update_annotation", {"layer": GOLD})
    link = services.create_link(project, GOLD, event, "casualties", casualty, **gold).links[0]
    assert last() == ("carol", "create_link", {"role": "casualties", "layer": GOLD})
    services.delete_link(project, GOLD, link, **gold)
    assert last()[:2] == ("carol", "delete_link")
    services.restore_link(project, GOLD, link, **gold)
    assert last()[:2] == ("carol", "restore_link")
    removed = services.delete_annotation(project, GOLD, casualty, **gold).links
    assert last()[:2] == ("carol", "delete_annotation")
    services.restore_annotation(project, GOLD, casualty, removed, **gold)
    assert last()[:2] == ("carol", "restore_annotation")
    services.set_status(project, GOLD, doc_id, "in_progress", **gold)
    assert last() == ("carol", "status_in_progress", {"layer": GOLD})
    # the rows themselves are gold's, whoever edited them
    assert [a.coder for a in queries.annotations(project, doc_id, [GOLD])] == [GOLD, GOLD]
    assert [k.coder for k in queries.links(project, doc_id, [GOLD])] == [GOLD]
    with project.read() as s:
        gold_entries = s.exec(select(AuditEntry).where(AuditEntry.coder == GOLD)).all()
    assert gold_entries == []


def test_undo_never_overfills_a_role(project: Project, doc_id: int) -> None:
    e = mark(project, doc_id, "EVENT", "attack")
    a1 = mark(project, doc_id, "ACTOR", "Syrian regime")
    a2 = mark(project, doc_id, "ACTOR", "Russia")
    first = services.create_link(project, "alice", e, "actor1", a1).created_id
    services.delete_link(project, "alice", first)
    services.create_link(project, "alice", e, "actor1", a2)  # actor1 (max 1) is filled again
    with pytest.raises(ServiceError, match="role 'actor1' is full"):
        services.restore_link(project, "alice", first)
    # Deleting and restoring a span brings back only the links that still fit.
    gone = services.delete_annotation(project, "alice", a2)
    services.create_link(project, "alice", e, "actor1", a1)
    back = services.restore_annotation(project, "alice", a2, gone.links)
    assert back.links == ()
    assert [k.to_id for k in queries.links(project, doc_id) if k.role == "actor1"] == [a1]


def test_a_done_document_refuses_edits_until_reopened(project: Project, doc_id: int) -> None:
    ann = mark(project, doc_id, "ACTOR", "Russia")
    event = mark(project, doc_id, "EVENT", "attacks")
    link = services.create_link(project, "alice", event, "actor1", ann).created_id
    services.set_status(project, "alice", doc_id, "done")
    with project.read() as s:
        audited = len(s.exec(select(AuditEntry.id)).all())
    attempts = [
        lambda: mark(project, doc_id, "ACTOR", "Turkey"),
        lambda: services.update_annotation(project, "alice", ann, note="x"),
        lambda: services.delete_annotation(project, "alice", ann),
        lambda: services.delete_link(project, "alice", link),
        lambda: services.create_link(project, "alice", event, "actor2", ann),
    ]
    for attempt in attempts:
        with pytest.raises(ServiceError, match=r"marked done for alice: reopen it first"):
            attempt()
    assert len(queries.annotations(project, doc_id, ["alice"])) == 2
    assert len(queries.links(project, doc_id, ["alice"])) == 1
    assert queries.status(project, "alice", doc_id) == "done"
    with project.read() as s:
        assert len(s.exec(select(AuditEntry.id)).all()) == audited
    # another coder's work on the same document is not held
    mark(project, doc_id, "ACTOR", "Turkey", coder="bob")
    # reopening is an audited status change; then edits go through again
    services.set_status(project, "alice", doc_id, "in_progress")
    services.update_annotation(project, "alice", ann, note="x")
    with project.read() as s:
        actions = s.exec(select(AuditEntry.action).order_by(col(AuditEntry.id))).all()
    assert actions[-2:] == ["status_in_progress", "update_annotation"]


def test_gold_goes_stale_when_a_coder_changes_their_work(project: Project, doc_id: int) -> None:
    from annotator.store.exporting import ExportFilter, selected_documents

    ann = mark(project, doc_id, "ACTOR", "Russia")
    services.set_status(project, "alice", doc_id, "done")
    services.create_annotation(
        project, GOLD, doc_id, "ACTOR", *span(project, doc_id, "Russia"), actor="carol"
    )
    services.set_status(project, GOLD, doc_id, "done", actor="carol")
    gold_done = ExportFilter(coders=(GOLD,), done_only=True)
    assert selected_documents(project, gold_done) == [doc_id]

    services.set_status(project, "alice", doc_id, "in_progress")
    assert queries.status(project, GOLD, doc_id) == "done"  # reopening alone changes nothing
    services.update_annotation(project, "alice", ann, end=span(project, doc_id, "Russia")[1] - 1)
    assert queries.status(project, GOLD, doc_id) == "stale"
    assert selected_documents(project, gold_done) == []
    info = queries.info(project)
    assert info["progress"][GOLD] == {"done": 0, "in_progress": 0, "stale": 1, "not_started": 0}
    with project.read() as s:
        entry = s.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc())).first()
    assert entry is not None and (entry.action, entry.coder) == ("update_annotation", "alice")
    with project.read() as s:
        stale = s.exec(select(AuditEntry).where(AuditEntry.action == "gold_stale")).all()
    assert [(e.coder, e.document_id) for e in stale] == [("alice", doc_id)]
    # stale gold may be edited; marking it done again (a reviewer looked) makes it done
    services.create_annotation(
        project, GOLD, doc_id, "ACTOR", *span(project, doc_id, "Turkey"), actor="carol"
    )
    services.set_status(project, GOLD, doc_id, "done", actor="carol")
    assert selected_documents(project, gold_done) == [doc_id]
    # a coder who starts on the document after gold was made changes nothing it was made from
    mark(project, doc_id, "ACTOR", "Turkey", coder="dave")
    assert queries.status(project, GOLD, doc_id) == "done"


def test_gold_is_written_only_by_a_reviewer(project: Project, doc_id: int) -> None:
    for actor in (None, "gold"):
        with pytest.raises(ServiceError, match="may not write the gold layer"):
            services.create_annotation(project, GOLD, doc_id, "ACTOR", 0, 3, actor=actor)
    services.set_reviewers(project, ["carol"])
    with pytest.raises(ServiceError, match="'bob' may not write the gold layer"):
        services.create_annotation(project, GOLD, doc_id, "ACTOR", 0, 3, actor="bob")
    with pytest.raises(ServiceError, match="may not write the gold layer"):
        services.set_status(project, GOLD, doc_id, "done", actor="bob")
    assert queries.annotations(project, doc_id, [GOLD]) == []
    services.create_annotation(project, GOLD, doc_id, "ACTOR", 0, 3, actor="carol")
    assert len(queries.annotations(project, doc_id, [GOLD])) == 1
