"""The aggregate queries behind ``info``, ``progress`` and the coder's paged document list give
the figures counted here, in Python, over the very rows the test inserted (docs/team.md, "Scale").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

import orjson
import pytest
from sqlalchemy import text

from annotator.store import progress as progress_module
from annotator.store import queries
from annotator.store.engine import Project

CODERS = ["alice", "bob", "carol", "gold"]
LABELS = ["ACTOR", "EVENT", "CASUALTY", "LOCATION", "BOGUS"]
N_DOCS = 40


@dataclass
class Fixture:
    ids: dict[str, int] = field(default_factory=dict)  # coder name -> id
    assigned: set[tuple[int, str]] = field(default_factory=set)  # (document, coder)
    status: dict[tuple[int, str], str] = field(default_factory=dict)
    annotations: list[tuple[int, str, str, dict[str, object], bool]] = field(
        default_factory=list
    )  # document, coder, label, attributes, deleted
    audit: list[tuple[str, datetime]] = field(default_factory=list)  # coder, when


def _attributes(i: int, label: str) -> dict[str, object]:
    if label == "CASUALTY":
        return [{}, {"count_scope": ""}, {"count_scope": "event"}, {"count_scope": "cumulative"}][
            i % 4
        ]
    if label == "ACTOR" and i % 5 == 0:
        return {"nonsense": 1}  # an attribute the codebook does not have: flagged
    return {}


def build(project: Project) -> Fixture:
    fx = Fixture()
    with project.engine.begin() as conn:
        for name in CODERS:
            fx.ids[name] = conn.execute(
                text(
                    "INSERT INTO coder (name, created_at) VALUES (:n, CURRENT_TIMESTAMP) "
                    "RETURNING id"
                ),
                {"n": name},
            ).scalar_one()
        for d in range(1, N_DOCS + 1):
            title = "" if d % 9 == 0 else f"Shelling in town {d}" if d % 2 else f"Raid {d}"
            conn.execute(
                text(
                    "INSERT INTO document (id, ext_id, sha256, title, source, url, published, "
                    "language, meta, text, length, created_at) VALUES (:i, :e, :h, :t, '', '', "
                    "'', 'en', '{}', 'Some text about it.', 19, CURRENT_TIMESTAMP)"
                ),
                {"i": d, "e": f"doc{d:02}", "h": f"sha{d}", "t": title},
            )
        for d in range(1, 31):  # 31..40 unassigned
            for coder in ("alice", "bob") if d <= 24 else ("bob", "carol"):
                fx.assigned.add((d, coder))
        for d in range(1, N_DOCS + 1):
            for coder in ("alice", "bob", "carol"):
                if (d * 7 + len(coder)) % 3 == 0:
                    fx.status[(d, coder)] = "done" if d % 2 else "in_progress"
        for d, st in ((3, "done"), (4, "stale"), (9, "done"), (31, "done")):
            fx.status[(d, "gold")] = st
        for i in range(700):
            d, coder, label = 1 + i % N_DOCS, CODERS[i % 4], LABELS[(i // 3) % 5]
            fx.annotations.append((d, coder, label, _attributes(i, label), i % 7 == 0))
        for d, coder in sorted(fx.assigned):
            conn.execute(
                text(
                    "INSERT INTO assignment (document_id, coder_id, assigned_at) "
                    "VALUES (:d, :c, CURRENT_TIMESTAMP)"
                ),
                {"d": d, "c": fx.ids[coder]},
            )
        for (d, coder), st in sorted(fx.status.items()):
            conn.execute(
                text(
                    "INSERT INTO document_status (document_id, coder_id, status, note, "
                    "updated_at) VALUES (:d, :c, :s, '', CURRENT_TIMESTAMP)"
                ),
                {"d": d, "c": fx.ids[coder], "s": st},
            )
        for i, (d, coder, label, attrs, deleted) in enumerate(fx.annotations):
            conn.execute(
                text(
                    'INSERT INTO annotation (uid, document_id, coder_id, label, start, "end", '
                    "attributes, note, codebook_version, source_uid, created_at, updated_at, "
                    "deleted_at) VALUES (:u, :d, :c, :l, 0, 4, :a, '', 1, '', "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, "
                    + ("CURRENT_TIMESTAMP)" if deleted else "NULL)")
                ),
                {
                    "u": f"a{i}",
                    "d": d,
                    "c": fx.ids[coder],
                    "l": label,
                    "a": orjson.dumps(attrs).decode(),
                },
            )
        for i in range(60):  # the audit trail: each coder's entries, not in time order
            coder, day = CODERS[i % 4], 1 + (i * 11) % 28
            fx.audit.append((coder, datetime(2026, 2, day, 9, i % 60, tzinfo=UTC)))
        for coder, at in fx.audit:
            conn.execute(
                text(
                    "INSERT INTO audit (at, coder, action, entity, detail) "
                    "VALUES (:at, :c, 'create_annotation', 'annotation', '{}')"
                ),
                {
                    "at": at if not project.is_sqlite else at.strftime("%Y-%m-%d %H:%M:%S.%f"),
                    "c": coder,
                },
            )
        if not project.is_sqlite:  # explicit ids: move the sequence past them
            conn.execute(text("SELECT setval('document_id_seq', 1000)"))
    return fx


def live(fx: Fixture) -> list[tuple[int, str, str, dict[str, object]]]:
    return [(d, c, lab, a) for d, c, lab, a, deleted in fx.annotations if not deleted]


def test_info_counts_equal_the_rows_inserted(project: Project) -> None:
    fx = build(project)
    got = queries.info(project)
    spans = live(fx)
    assert got["documents"] == N_DOCS
    assert got["annotations"] == len(spans)
    assert got["annotations_by_label"] == dict(sorted(Counter(s[2] for s in spans).items()))
    assert got["annotations_by_coder"] == dict(sorted(Counter(s[1] for s in spans).items()))
    flagged = [s for s in spans if s[2] == "BOGUS" or "nonsense" in s[3]]
    assert got["flagged_for_review"] == len(flagged) > 0
    unscoped = Counter(s[1] for s in spans if s[2] == "CASUALTY" and not s[3].get("count_scope"))
    assert got["casualties_without_scope"] == dict(sorted(unscoped.items()))
    for coder in ("alice", "bob", "carol"):
        mine = [st for (_, c), st in fx.status.items() if c == coder]
        assert got["progress"][coder] == {
            "done": mine.count("done"),
            "in_progress": mine.count("in_progress"),
            "stale": 0,
            "not_started": N_DOCS - len(mine),
        }


def expected_state(fx: Fixture, d: int) -> str:
    coders = {c for doc, c in fx.assigned if doc == d} or {
        c for (doc, c) in fx.status if doc == d and c != "gold"
    }
    if not coders:
        return "unassigned"
    gold = fx.status.get((d, "gold"))
    if gold == "stale":
        return "stale"
    if gold == "done":
        return "adjudicated"
    return "ready" if all(fx.status.get((d, c)) == "done" for c in coders) else "waiting"


def test_progress_counts_equal_the_rows_inserted(project: Project) -> None:
    fx = build(project)
    report = progress_module.progress(project)
    states = Counter(expected_state(fx, d) for d in range(1, N_DOCS + 1))
    assert {s for s in states if states[s]} >= {"unassigned", "waiting", "ready", "stale"}
    for state in progress_module.STATES:
        assert report.count(state) == states[state], state
    assert report.n_documents == N_DOCS
    assert [d.state for d in report.documents] == [
        expected_state(fx, d) for d in range(1, N_DOCS + 1)
    ]
    spans = Counter(s[1] for s in live(fx))
    rows = {c.coder: c for c in report.coders}
    assert sorted(rows) == ["alice", "bob", "carol"]  # gold is no coder
    for coder, row in rows.items():
        mine = [d for d, c in fx.assigned if c == coder]
        assert row.assigned == len(mine)
        assert row.started == sum((d, coder) in fx.status for d in mine)
        assert row.done == sum(fx.status.get((d, coder)) == "done" for d in mine)
        assert row.annotations == spans[coder]
        last = max(at for who, at in fx.audit if who == coder)
        got = row.last_activity
        assert got is not None
        assert (got if got.tzinfo else got.replace(tzinfo=UTC)) == last  # SQLite's: naive UTC
    ready = progress_module.documents_in_state(project, "ready", limit=3, chunk=4)
    want = [f"doc{d:02}" for d in range(1, N_DOCS + 1) if expected_state(fx, d) == "ready"]
    assert [d.document for d in ready] == want[:3]
    # the view's counts come from the database's aggregates, the listing's from its rows
    counts_only = progress_module.progress(project, documents=False)
    assert counts_only.documents == [] and counts_only.states == report.states
    assert [
        (c.coder, c.assigned, c.started, c.done, c.annotations) for c in counts_only.coders
    ] == [(c.coder, c.assigned, c.started, c.done, c.annotations) for c in report.coders]


def expected_list(fx: Fixture, coder: str) -> list[tuple[int, str]]:
    """(document, status) in list order: the coder's queue, unfinished first, or all."""
    mine = sorted(d for d, c in fx.assigned if c == coder)
    status = {d: fx.status.get((d, coder), "not_started") for d in range(1, N_DOCS + 1)}
    if not mine:
        return [(d, status[d]) for d in range(1, N_DOCS + 1)]
    rows = [(d, status[d]) for d in mine]
    return [r for r in rows if r[1] != "done"] + [r for r in rows if r[1] == "done"]


@pytest.mark.parametrize("coder", ["alice", "carol", "gold", "nobody"])
def test_the_document_list_read_in_pages_is_the_whole_list(project: Project, coder: str) -> None:
    fx = build(project)
    want = expected_list(fx, coder)
    got: list[queries.DocumentSummary] = []
    page = queries.document_page(project, coder, limit=7)
    while page.rows:
        got += page.rows
        page = queries.document_page(project, coder, after=page.keys[-1], limit=7)
    assert [(r.id, r.status) for r in got] == want
    assert [r.id for r in queries.document_summaries(project, coder)] == [d for d, _ in want]
    counts = Counter(d for d, c, *_ in live(fx) if c == coder)
    assert [r.n_annotations for r in got] == [counts[d] for d, _ in want]
    assert queries.document_counts(project, coder) == (
        len(want),
        sum(st == "done" for _, st in want),
    )
    titles = {r.id: r.title for r in got}
    raids = [d for d, _ in want if "raid" in titles[d].casefold()]
    assert [r.id for r in queries.document_page(project, coder, words="RAID").rows] == raids
    unfinished = [d for d, st in want if st != "done"]
    assert [r.id for r in queries.document_page(project, coder, status="unfinished").rows] == (
        unfinished
    )
    untitled = [d for d, _ in want if d % 9 == 0]  # listed by their external id
    assert [r.id for r in queries.document_page(project, coder, words="doc").rows] == untitled
    if want:
        middle = want[len(want) // 2][0]
        found = queries.document_page(project, coder, document_id=middle, limit=1)
        through = queries.document_page(project, coder, through=found.keys[0], limit=None)
        assert [r.id for r in through.rows] == [d for d, _ in want[: len(want) // 2 + 1]]


def test_search_words_are_text_not_patterns(project: Project) -> None:
    build(project)
    assert queries.document_page(project, "alice", words="%").rows == []
    assert queries.document_page(project, "alice", words="_").rows == []
