"""Adjudication writes the gold layer: copies with provenance, links, rejections, progress."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from annotator.core.records import GOLD, Annotation
from annotator.store import adjudication as adj
from annotator.store import queries, services
from annotator.store.engine import Project
from annotator.store.services import ServiceError
from annotator.store.tables import AuditEntry

from helpers.coding import Work, code_two_coders, seed_document, source


@pytest.fixture
def work(project: Project) -> Work:
    return code_two_coders(project)


def gold(project: Project, work: Work) -> list[Annotation]:
    return queries.annotations(project, work.doc, [GOLD])


def test_units_and_disagreements_of_the_document(project: Project, work: Work) -> None:
    review = adj.load_review(project, work.doc)
    assert review.coders == ("alice", "bob")
    kinds = {
        work.text[u.start : u.end]: sorted(d.kind for d in u.differences) for u in review.units
    }
    assert kinds == {
        "attack": [],
        "Syrian regime": [],
        "15 civilians": ["boundary"],
        "Idlib": ["label"],
        "Sunday": ["missing_span"],
        "more than 600": ["number"],
    }
    number = next(u for u in review.units if u.differences and u.differences[0].kind == "number")
    assert dict(number.differences[0].said) == {"alice": "600", "bob": "6000"}
    assert review.progress() == adj.AdjudicationProgress(6, 0, 4, 0)
    assert [d.id for d in adj.review_documents(project)] == [work.doc]


def test_accept_copies_the_span_with_provenance_and_audit(project: Project, work: Work) -> None:
    bob_15 = work.ids[("bob", "fifteen")]
    change = adj.accept(project, "carol", [bob_15], note="codebook: the number only")
    [g] = gold(project, work)
    assert change.annotations == (g.id,)
    assert (g.coder, g.label, work.text[g.start : g.end]) == (GOLD, "CASUALTY", "15")
    assert g.attributes == {"kind": "killed", "best": 15, "count_scope": "event"}
    assert g.source_uid == source(project, bob_15)
    with project.read() as s:
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == adj.ACCEPT)).one()
    assert (entry.coder, entry.entity_id) == ("carol", g.id)
    assert entry.detail == {"note": "codebook: the number only", "source": g.source_uid}
    assert queries.status(project, GOLD, work.doc) == "in_progress"
    review = adj.load_review(project, work.doc)
    resolved = {work.text[u.start : u.end]: r for u in review.units if (r := review.resolution(u))}
    assert resolved == {
        "15 civilians": adj.Resolution(
            "accepted", (g.id,), g.source_uid, "codebook: the number only"
        )
    }


def test_accepting_the_same_span_twice_is_refused(project: Project, work: Work) -> None:
    alice_idlib = work.ids[("alice", "idlib")]
    adj.accept(project, "carol", [alice_idlib])
    with pytest.raises(ServiceError, match="already in gold"):
        adj.accept(project, "carol", [alice_idlib])
    # a batch with one refused span writes nothing at all
    with pytest.raises(ServiceError, match="already in gold"):
        adj.accept(project, "carol", [work.ids[("alice", "sunday")], alice_idlib])
    assert len(gold(project, work)) == 1
    with pytest.raises(ServiceError, match="gold already"):
        adj.accept(project, "carol", [gold(project, work)[0].id])


def test_accept_copies_links_between_spans_in_gold(project: Project, work: Work) -> None:
    event, actor = work.ids[("alice", "event")], work.ids[("alice", "actor")]
    change = adj.accept(project, "carol", [event, actor])
    links = queries.links(project, work.doc, [GOLD])
    by_source = {g.source_uid: g.id for g in gold(project, work)}
    assert [(k.from_id, k.role, k.to_id) for k in links] == [
        (by_source[source(project, event)], "actor1", by_source[source(project, actor)])
    ]
    assert change.links == (links[0].id,)
    # bob's casualty comes in later: the gold event (alice's) gets its casualties role, since
    # alice linked her own "15 civilians", which lies in the same unit as bob's "15"
    bob_15 = work.ids[("bob", "fifteen")]
    adj.accept(project, "carol", [bob_15])
    roles = {(k.role, k.to_id) for k in queries.links(project, work.doc, [GOLD])}
    gold_15 = next(g.id for g in gold(project, work) if g.label == "CASUALTY")
    assert ("casualties", gold_15) in roles and len(roles) == 2


def test_withdraw_and_reinstate_are_the_undo_of_accept(project: Project, work: Work) -> None:
    change = adj.accept(project, "carol", [work.ids[("bob", "event")], work.ids[("bob", "actor")]])
    removed = adj.withdraw(project, "carol", change.annotations)
    assert gold(project, work) == [] and queries.links(project, work.doc, [GOLD]) == []
    assert removed.links == change.links
    adj.reinstate(project, "carol", removed.annotations, removed.links)
    assert sorted(g.id for g in gold(project, work)) == sorted(change.annotations)
    assert [k.id for k in queries.links(project, work.doc, [GOLD])] == list(change.links)


def test_accept_agreed_takes_every_agreed_unit_once(project: Project, work: Work) -> None:
    change = adj.accept_agreed(project, "carol", work.doc, ["alice", "bob"])
    copies = gold(project, work)
    assert sorted(work.text[g.start : g.end] for g in copies) == ["Syrian regime", "attack"]
    assert {g.source_uid for g in copies} == {
        source(project, work.ids[("alice", "event")]),
        source(project, work.ids[("alice", "actor")]),
    }
    assert [k.role for k in queries.links(project, work.doc, [GOLD])] == ["actor1"]
    assert len(change.annotations) == 2
    again = adj.accept_agreed(project, "carol", work.doc, ["alice", "bob"])
    assert again.annotations == () and len(gold(project, work)) == 2
    # bob first: provenance is bob's, and nothing is copied twice
    assert adj.accept_agreed(project, "carol", work.doc, ["bob", "alice"]).annotations == ()


def test_reject_resolves_a_unit_as_no_span(project: Project, work: Work) -> None:
    review = adj.load_review(project, work.doc)
    sunday = next(u for u in review.units if work.text[u.start : u.end] == "Sunday")
    change = adj.reject(project, "carol", work.doc, sunday.key, note="not the event's date")
    assert change.spans == ((sunday.start, sunday.end),)
    assert gold(project, work) == []  # nothing is written to gold
    review = adj.load_review(project, work.doc)
    assert review.resolution(sunday) == adj.Resolution("rejected", note="not the event's date")
    assert review.progress() == adj.AdjudicationProgress(6, 1, 4, 1)
    with pytest.raises(ServiceError, match="rejected already"):
        adj.reject(project, "carol", work.doc, sunday.key)
    adj.unreject(project, "carol", work.doc, sunday.key)
    assert adj.progress(project, work.doc) == adj.AdjudicationProgress(6, 0, 4, 0)
    with project.read() as s:
        actions = [e.action for e in s.exec(select(AuditEntry).where(AuditEntry.coder == "carol"))]
    assert actions == [adj.REJECT, adj.UNREJECT]
    # an accepted unit cannot be rejected; an unknown span cannot be named
    adj.accept(project, "carol", [work.ids[("alice", "sunday")]])
    with pytest.raises(ServiceError, match="is in gold"):
        adj.reject(project, "carol", work.doc, sunday.key)
    with pytest.raises(ServiceError, match="no span"):
        adj.reject(project, "carol", work.doc, ["nobody:a1"])


def test_progress_counts_accepted_edited_and_rejected_units(project: Project, work: Work) -> None:
    adj.accept_agreed(project, "carol", work.doc)
    assert adj.progress(project, work.doc) == adj.AdjudicationProgress(6, 2, 4, 0)
    adj.accept(project, "carol", [work.ids[("bob", "fifteen")]])
    adj.accept(project, "carol", [work.ids[("alice", "idlib")]])
    # the number: the reviewer draws the span by hand in gold (no provenance)
    start, end = work.at("more than 600")
    services.create_annotation(
        project,
        GOLD,
        work.doc,
        "CASUALTY",
        start,
        end,
        {"kind": "killed", "best": 600, "count_scope": "cumulative"},
        actor="carol",
    )
    assert adj.progress(project, work.doc) == adj.AdjudicationProgress(6, 5, 4, 3)
    with pytest.raises(ServiceError, match="1 unit not adjudicated yet \\(1 disagreement open\\)"):
        adj.finish(project, "carol", work.doc)
    review = adj.load_review(project, work.doc)
    sunday = next(u for u in review.units if not review.resolution(u))
    adj.reject(project, "carol", work.doc, sunday.key)
    state = adj.progress(project, work.doc)
    assert state == adj.AdjudicationProgress(6, 6, 4, 4) and state.finished
    adj.finish(project, "carol", work.doc)
    assert queries.status(project, GOLD, work.doc) == "done"
    assert adj.review_documents(project)[0].gold_status == "done"
    with project.read() as s:  # one action, one audit entry: the reviewer's, on gold
        entry = s.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc())).first()
    assert entry is not None
    assert (entry.coder, entry.action, entry.detail) == ("carol", "status_done", {"layer": GOLD})


def test_hand_edits_go_through_the_ordinary_services(project: Project, work: Work) -> None:
    [gold_id] = adj.accept(project, "carol", [work.ids[("alice", "fifteen")]]).annotations
    start, _ = work.at("15 civilians")
    services.update_annotation(
        project, GOLD, gold_id, end=start + 2, note="number only", actor="carol"
    )
    edited = queries.annotation(project, gold_id)
    assert edited is not None and (edited.end, edited.note) == (start + 2, "number only")
    assert edited.source_uid == source(project, work.ids[("alice", "fifteen")])
    services.delete_annotation(project, GOLD, gold_id, actor="carol")
    assert gold(project, work) == []
    services.restore_annotation(project, GOLD, gold_id, actor="carol")
    with pytest.raises(ServiceError, match="another coder"):
        services.update_annotation(
            project, GOLD, work.ids[("alice", "fifteen")], end=start + 2, actor="carol"
        )
    # the coders' own layers are untouched by all of this
    assert {a.coder for a in queries.annotations(project, work.doc, ["alice", "bob"])} == {
        "alice",
        "bob",
    }
    assert len(queries.annotations(project, work.doc, ["alice"])) == 6


def test_units_without_two_coders_are_not_review_documents(project: Project) -> None:
    doc = seed_document(project)
    services.create_annotation(project, "alice", doc, "ACTOR", 0, 6)
    assert adj.review_documents(project) == []
    with pytest.raises(ServiceError, match="at least two coders"):
        adj.accept_agreed(project, "carol", doc)
