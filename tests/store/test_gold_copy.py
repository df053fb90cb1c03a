"""A decision copies what the whole document's alignment says, reading only what it touches.

``GoldCopy`` aligns only the stretches of overlapping spans a decision touches (the copied
span's, and those its coders' links point into). The gold written for a varied document must
be what the full path (every span read, the document aligned whole) wrote; the expected rows
below are that path's output on this fixture, written out.
"""

from __future__ import annotations

import pytest

from annotator.core.records import GOLD
from annotator.store import adjudication as adj
from annotator.store import gold_copy, queries, services
from annotator.store.engine import Project
from annotator.store.gold_copy import SpanRow, stretches
from annotator.store.importer import import_paths
from annotator.store.review_state import Resolution

from helpers.paths import SEED

KILLED = "Syrian regime attack killed 15 civilians, including two children and three women"


def three_coders(project: Project) -> tuple[int, str, dict[str, int]]:
    """alice, bob and dave on the seed article: an event tangled with its actor (bob's event
    "regime attack" overlaps the actors), nested and partial casualties, and links into other
    stretches of the document (a place and an actor paragraphs away). Ids by name."""
    import_paths(project, [SEED])
    doc = queries.document_ids(project)[0]
    text = queries.document(project, doc).text
    base = text.index(KILLED)
    ids: dict[str, int] = {}

    def at(needle: str, after: str) -> tuple[int, int]:
        start = text.index(needle, text.index(after))
        return start, start + len(needle)

    def add(coder: str, name: str, label: str, where: tuple[int, int], **attrs: object) -> None:
        ids[name] = services.create_annotation(project, coder, doc, label, *where, attrs).created_id

    def link(coder: str, event: str, role: str, target: str) -> None:
        services.create_link(project, coder, ids[event], role, ids[target])

    casualty = {"kind": "killed", "count_scope": "event"}
    event = {"event_type": "violence_against_civilians"}
    stronghold = "Idlib, which is the last stronghold"
    add("alice", "a_event", "EVENT", at("attack", KILLED), **event)
    add("alice", "a_actor", "ACTOR", at("Syrian regime", KILLED), category="state_forces")
    add("alice", "a_15", "CASUALTY", at("15 civilians", KILLED), best=15, **casualty)
    add("alice", "a_children", "CASUALTY", at("two children", KILLED), best=2, **casualty)
    add("alice", "a_sunday", "DATE", at("Sunday", "regime came on"))
    add("alice", "a_idlib", "LOCATION", at("Idlib", stronghold))
    for role, target in [
        ("actor1", "a_actor"),
        ("casualties", "a_15"),
        ("casualties", "a_children"),
        ("time", "a_sunday"),
        ("place", "a_idlib"),
    ]:
        link("alice", "a_event", role, target)
    add("bob", "b_event", "EVENT", at("regime attack", KILLED), **event)
    add("bob", "b_actor", "ACTOR", (base - 4, base + len("Syrian regime")), category="state_forces")
    add("bob", "b_15", "CASUALTY", at("15", KILLED), best=15, **casualty)
    add(
        "bob", "b_women", "CASUALTY", at("two children and three women", KILLED), best=5, **casualty
    )
    add("bob", "b_idlib", "LOCATION", at("Idlib", stronghold))
    add("bob", "b_russia", "ACTOR", at("Russia", "forces backed by"), category="state_forces")
    for role, target in [
        ("actor1", "b_actor"),
        ("actor2", "b_russia"),
        ("casualties", "b_15"),
        ("casualties", "b_women"),
        ("place", "b_idlib"),
    ]:
        link("bob", "b_event", role, target)
    add("dave", "d_event", "EVENT", at("attack killed", KILLED), **event)
    add("dave", "d_actor", "ACTOR", at("regime", KILLED), category="state_forces")
    add("dave", "d_women", "CASUALTY", at("three women", KILLED), best=3, **casualty)
    link("dave", "d_event", "actor1", "d_actor")
    link("dave", "d_event", "casualties", "d_women")
    return doc, text, ids


Rows = list[tuple[str, str, str]]


def gold_now(project: Project, doc: int, text: str, ids: dict[str, int]) -> tuple[Rows, Rows]:
    """Gold as (label, text, copied from) and its links as (from, role, to), by names."""
    name_of = {services_source(project, i): n for n, i in ids.items()}
    gold = queries.annotations(project, doc, [GOLD])
    by_id = {g.id: name_of.get(g.source_uid, "by hand") for g in gold}
    spans = sorted((g.label, text[g.start : g.end], by_id[g.id]) for g in gold)
    links = sorted(
        (by_id[k.from_id], k.role, by_id[k.to_id]) for k in queries.links(project, doc, [GOLD])
    )
    return spans, links


def services_source(project: Project, ann_id: int) -> str:
    a = queries.annotation(project, ann_id)
    assert a is not None
    return f"{a.coder}:{a.uid}"


@pytest.mark.parametrize(
    ("few", "max_ids"),
    [(8, 64), (0, 64), (8, 0)],
    ids=["stretches-found-in-the-database", "every-span-read", "rows-filtered-here"],
)
def test_a_decision_writes_what_the_whole_documents_alignment_wrote(
    project: Project, monkeypatch: pytest.MonkeyPatch, few: int, max_ids: int
) -> None:
    monkeypatch.setattr(gold_copy, "FEW", few)
    monkeypatch.setattr(gold_copy, "MAX_IDS", max_ids)  # 0: no IN list, every row read
    doc, text, ids = three_coders(project)
    adj.accept(project, "carol", [ids["b_actor"]])
    adj.accept(project, "carol", [ids["a_event"]])
    adj.accept(project, "carol", [ids["b_15"]])
    adj.accept(project, "carol", [ids["d_women"]])
    adj.accept(project, "carol", [ids["a_idlib"]])
    assert gold_now(project, doc, text, ids) == EXPECTED_FIRST
    # the reviewer changes their mind on the event: alice's copy out, bob's in, one transaction
    review = adj.load_review(project, doc)
    unit = next(u for u in review.units if "bob" in u.spans and u.spans["bob"].id == ids["b_event"])
    previous = review.resolution(unit)
    assert isinstance(previous, Resolution) and previous.how == "accepted"
    adj.decide(project, "carol", doc, unit.key, ids["b_event"], previous=previous)
    adj.accept(project, "carol", [ids["b_russia"], ids["a_sunday"]])
    assert gold_now(project, doc, text, ids) == EXPECTED_FINAL


# what the full path (every span read as an object, the whole document aligned) wrote
EXPECTED_FIRST = (
    [
        ("ACTOR", "the Syrian regime", "b_actor"),
        ("CASUALTY", "15", "b_15"),
        ("CASUALTY", "three women", "d_women"),
        ("EVENT", "attack", "a_event"),
        ("LOCATION", "Idlib", "a_idlib"),
    ],
    [
        ("a_event", "actor1", "b_actor"),  # alice's actor's unit: bob's copy
        ("a_event", "casualties", "b_15"),  # came with bob's 15, later
        ("a_event", "casualties", "d_women"),  # "two children" shares a unit with dave's
        ("a_event", "place", "a_idlib"),  # paragraphs away
    ],
)
EXPECTED_FINAL = (
    [
        ("ACTOR", "Russia", "b_russia"),
        ("ACTOR", "the Syrian regime", "b_actor"),
        ("CASUALTY", "15", "b_15"),
        ("CASUALTY", "three women", "d_women"),
        ("DATE", "Sunday", "a_sunday"),
        ("EVENT", "regime attack", "b_event"),
        ("LOCATION", "Idlib", "a_idlib"),
    ],
    [
        ("b_event", "actor1", "b_actor"),
        ("b_event", "actor2", "b_russia"),
        ("b_event", "casualties", "b_15"),
        ("b_event", "casualties", "d_women"),  # bob's "two children and three women"
        ("b_event", "place", "a_idlib"),  # bob's Idlib, another stretch: alice's copy
    ],
)


def test_stretches_chain_overlapping_and_touching_spans() -> None:
    rows: list[SpanRow] = [
        (1, 1, "a", "X", 0, 5, ""),
        (2, 2, "b", "X", 4, 9, ""),  # overlaps 1
        (3, 1, "c", "X", 9, 12, ""),  # touches 2: kept together, to be safe
        (4, 2, "d", "X", 13, 14, ""),  # apart
        (5, 1, "e", "X", 13, 13, ""),  # empty, at 4's start
        (6, 2, "f", "X", 20, 30, ""),
        (7, 1, "g", "X", 22, 24, ""),  # inside 6
    ]
    assert stretches(rows) == {1: 0, 2: 0, 3: 0, 4: 1, 5: 1, 6: 2, 7: 2}


def test_the_database_finds_the_same_stretches_as_stretches(project: Project) -> None:
    """``GoldCopy``'s one statement numbers the stretches as ``stretches`` does: for each span,
    the spans of its stretch, on a document with chains, touching spans, ties, and
    gold (left out) and deleted spans (left out)."""
    import_paths(project, [SEED])
    doc = queries.document_ids(project)[0]
    made = {}
    for name, coder, start, end in [
        ("a", "alice", 0, 5),
        ("b", "bob", 4, 9),  # overlaps a
        ("c", "alice", 9, 12),  # touches b
        ("d", "bob", 13, 14),  # apart
        ("e", "alice", 13, 15),  # starts with d
        ("f", "bob", 20, 30),
        ("g", "alice", 22, 24),  # inside f
        ("h", "bob", 22, 24),  # the same offsets as g
        ("i", "alice", 31, 40),
        ("j", "bob", 35, 36),
        ("k", "alice", 50, 60),
    ]:
        made[name] = services.create_annotation(project, coder, doc, "ACTOR", start, end).created_id
    services.create_annotation(project, GOLD, doc, "ACTOR", 12, 21, actor="carol")  # a bridge
    services.delete_annotation(project, "bob", made["j"])  # no longer part of i's stretch
    services.create_annotation(project, "bob", doc, "ACTOR", 40, 50)  # touches i and k
    services.register_coder(project, GOLD)
    with project.write() as s:
        copy = gold_copy.GoldCopy(s, project.codebook, "carol", doc)
        coded = [r for r in gold_copy.live_spans(s, doc) if r[1] != copy.gold_id]
        stretch_of = stretches(coded)
        for span in coded:
            want = {r[0] for r in coded if stretch_of[r[0]] == stretch_of[span[0]]}
            found = copy._stretch_rows([span[0]])
            assert set(found) == want, span
            assert all(found[i] == (*r[:6], "") for r in coded if (i := r[0]) in found)
        s.rollback()
