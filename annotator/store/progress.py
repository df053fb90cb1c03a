"""Where a project stands: per coder (assigned, started, done, annotations, last activity) and
per document (coders done of assigned, review state). See docs/team.md.

A document's coders are those assigned to it; a document nobody was assigned to counts the
coders who worked on it (personal projects code without assignments). Review states:
``unassigned`` (no coder), ``waiting`` (a coder is not done), ``ready`` (every coder done, gold
not), ``adjudicated`` (gold done) and ``stale`` (a coder changed their work after gold was
marked done, so the adjudication no longer covers it; docs/team.md).
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import text
from sqlmodel import col, select

from annotator.core.records import GOLD
from annotator.store.engine import Project
from annotator.store.plain_sql import collector_paused
from annotator.store.tables import (
    CoderRow,
    DocumentRow,
)

Names = tuple[str, ...]
Statements = dict[str, tuple[str, dict[str, Any]]]  # by key: SQL text, its parameters

STATES = ("unassigned", "waiting", "ready", "adjudicated", "stale")


@dataclass
class CoderProgress:
    coder: str
    assigned: int = 0
    started: int = 0
    done: int = 0
    annotations: int = 0
    last_activity: datetime | None = None

    def as_json(self) -> dict[str, object]:
        out = asdict(self)
        out["last_activity"] = self.last_activity.isoformat() if self.last_activity else None
        return out


@dataclass(slots=True)  # one per document in a listing: slots make each smaller, faster to write
class DocumentProgress:
    document: str  # external id
    title: str
    coders: Names = ()  # by name; a listing's documents share these tuples
    done: Names = ()
    state: str = "unassigned"

    def as_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class Progress:
    coders: list[CoderProgress]
    documents: list[DocumentProgress]
    states: dict[str, int] = field(default_factory=dict)  # documents in each review state

    def as_json(self) -> dict[str, object]:
        """For ``orjson.dumps``: the documents stay dataclasses, which orjson writes as the
        same objects as ``DocumentProgress.as_json`` in C (a listing has one per document)."""
        return {"coders": [c.as_json() for c in self.coders], "documents": self.documents}

    def count(self, state: str) -> int:
        return self.states.get(state, 0)

    @property
    def n_documents(self) -> int:
        return sum(self.states.values())


# Per coder: assigned, started, done; and the review states of the assigned documents, counted
# on each document's first coder's row: one pass over assignments and their statuses.
_PER_CODER = """
WITH j AS (
  SELECT a.document_id AS d, a.coder_id AS c,
    CASE WHEN s.status IS NULL THEN 0 ELSE 1 END AS started,
    CASE WHEN s.status = 'done' THEN 1 ELSE 0 END AS done
  FROM assignment a LEFT JOIN document_status s
    ON s.document_id = a.document_id AND s.coder_id = a.coder_id),
k AS (
  SELECT d, c, started, done,
    count(*) OVER (PARTITION BY d) AS n, sum(done) OVER (PARTITION BY d) AS nd,
    row_number() OVER (PARTITION BY d ORDER BY c) AS r
  FROM j)
SELECT k.c, count(*), sum(k.started), sum(k.done),
  sum(CASE WHEN k.r = 1 AND g.status = 'stale' THEN 1 ELSE 0 END),
  sum(CASE WHEN k.r = 1 AND g.status = 'done' THEN 1 ELSE 0 END),
  sum(CASE WHEN k.r = 1 AND coalesce(g.status, '') NOT IN ('stale', 'done') AND k.nd = k.n
      THEN 1 ELSE 0 END),
  sum(CASE WHEN k.r = 1 THEN 1 ELSE 0 END)
FROM k LEFT JOIN document_status g ON g.document_id = k.d AND g.coder_id = :gold
GROUP BY k.c
"""
# The review states of documents nobody was assigned but coders worked on.
_WORKED = """
WITH w AS (
  SELECT s.document_id AS d, count(*) AS n,
    sum(CASE WHEN s.status = 'done' THEN 1 ELSE 0 END) AS nd
  FROM document u JOIN document_status s ON s.document_id = u.id
  WHERE s.coder_id <> :gold
    AND NOT EXISTS (SELECT 1 FROM assignment x WHERE x.document_id = u.id)
  GROUP BY s.document_id)
SELECT CASE WHEN g.status = 'stale' THEN 'stale' WHEN g.status = 'done' THEN 'adjudicated'
  WHEN w.nd = w.n THEN 'ready' ELSE 'waiting' END, count(*)
FROM w LEFT JOIN document_status g ON g.document_id = w.d AND g.coder_id = :gold
GROUP BY 1
"""


# Each coder's live spans, from ``ix_annotation_live_coder_document`` alone.
_SPANS = "SELECT coder_id, count(*) FROM annotation WHERE deleted_at IS NULL GROUP BY coder_id"
# Each coder's latest audit entry: one look into ``ix_audit_coder_at`` per coder, however long
# the trail (revision 0009).
_ACTIVITY = "SELECT c.name, (SELECT max(a.at) FROM audit a WHERE a.coder = c.name) FROM coder c"


def progress(project: Project, *, documents: bool = True) -> Progress:
    """What a team member may see is what the server lets them read. ``documents``: also list
    every document (``annotator progress`` does), and count from that listing; without it (the
    progress view) the counts are aggregates the database computes.

    The statements run at once, each on a connection of its own (``_together``): the listing's
    half a second of server work each is then spread over the server's processors. Each sees
    the project as it was when it began, as a statement does at READ COMMITTED; a coder or
    document added meanwhile is left out of the rows that name it."""
    with project.read(brief=True) as s:
        names = {int(i): n for i, n in s.exec(select(CoderRow.id, CoderRow.name)).all() if i}
    gold = next((i for i, n in names.items() if n == GOLD), None)
    statements: Statements = {"spans": (_SPANS, {}), "activity": (_ACTIVITY, {})}
    if documents:
        statements |= _listing_statements(gold)
    else:
        statements |= _count_statements(gold)
    tally: dict[int, list[int]] = {}  # coder -> assigned, started, done
    states = dict.fromkeys(STATES, 0)
    with collector_paused():  # a row per document and per assignment: no cycles among them
        fetched = _together(project, statements)
        if documents:
            rows = _documents(fetched, names, tally=tally)
            for listed in rows:
                states[listed.state] += 1
        else:
            rows = []
            _count(fetched, tally, states)

    coders = {
        n: CoderProgress(n) for i, n in sorted(names.items(), key=lambda x: x[1]) if i != gold
    }
    for cid, (assigned, started, done) in tally.items():
        if cid in names and cid != gold:
            row = coders[names[cid]]
            row.assigned, row.started, row.done = assigned, started, done
    for cid, n in fetched["spans"]:
        if cid in names and cid != gold:
            coders[names[cid]].annotations = int(n)
    for who, at in fetched["activity"]:
        if who in coders and at is not None:
            coders[who].last_activity = _when(at)
    shown = [c for c in coders.values() if c.assigned or c.annotations or c.started]
    return Progress(shown, rows, states)


def _when(at: datetime | str) -> datetime:
    """A timestamp as the driver gives it: PostgreSQL's as a datetime, SQLite's as text."""
    return at if isinstance(at, datetime) else datetime.fromisoformat(at)


def _together(project: Project, statements: Statements) -> dict[str, list[tuple[Any, ...]]]:
    """Every statement's rows (plain tuples from the driver's cursor, past SQLAlchemy's per-row
    processing: a listing reads a row per document and per assignment, hundreds of thousands),
    the statements run at once, each on a pooled connection of its own. A failure of any is
    raised once all have ended."""

    def rows(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        with project.read(brief=True) as s:
            result = s.connection().execute(text(sql), params)
            try:
                return list(result.cursor.fetchall())
            finally:
                result.close()

    with ThreadPoolExecutor(max_workers=len(statements)) as pool:
        running = {key: pool.submit(rows, *statement) for key, statement in statements.items()}
    return {key: future.result() for key, future in running.items()}


def _count_statements(gold: int | None) -> Statements:
    params = {"gold": -1 if gold is None else gold}
    return {
        "per_coder": (_PER_CODER, params),
        "worked": (_WORKED, params),
        "n_documents": ("SELECT count(*) FROM document", {}),
    }


def _count(
    fetched: dict[str, list[tuple[Any, ...]]],
    tally: dict[int, list[int]],
    states: dict[str, int],
) -> None:
    """The per-coder tallies and the documents in each review state, computed by the
    database (``_PER_CODER``, ``_WORKED``): what the listing counts, without the listing."""
    for cid, assigned, started, done, stale, adjudicated, ready, first in fetched["per_coder"]:
        # a document's states are counted on the row of its first coder only
        states["stale"] += int(stale)
        states["adjudicated"] += int(adjudicated)
        states["ready"] += int(ready)
        states["waiting"] += int(first) - int(stale) - int(adjudicated) - int(ready)
        tally[int(cid)] = [int(assigned), int(started), int(done)]
    for state, n in fetched["worked"]:
        states[str(state)] += int(n)
    states["unassigned"] = int(fetched["n_documents"][0][0]) - sum(states.values())


def documents_in_state(
    project: Project, state: str, limit: int = 500, chunk: int = 1000
) -> list[DocumentProgress]:
    """The first ``limit`` documents (in id order) in this review state, e.g. ready for review:
    read a range of ``chunk`` document ids at a time, stopping once ``limit`` are found."""
    out: list[DocumentProgress] = []
    with project.read() as s:
        names = {int(i): n for i, n in s.exec(select(CoderRow.id, CoderRow.name)).all() if i}
        gold = next((i for i, n in names.items() if n == GOLD), None)
        after = 0
        while len(out) < limit:
            ids = [
                int(i)
                for i in s.exec(
                    select(DocumentRow.id)
                    .where(col(DocumentRow.id) > after)
                    .order_by(col(DocumentRow.id))
                    .limit(chunk)
                ).all()
                if i is not None
            ]
            if not ids:
                break
            after = ids[-1]
            fetched = {
                key: [tuple(row) for row in s.execute(text(sql), params).all()]
                for key, (sql, params) in _listing_statements(gold, (ids[0], ids[-1])).items()
            }
            out += [d for d in _documents(fetched, names) if d.state == state]
    return out[:limit]


def _listing_statements(gold: int | None, span: tuple[int, int] | None = None) -> Statements:
    """What the listing reads: every document (or those with ids in ``span``, both ends
    included); each assigned (document, coder) with the coder's status; the statuses of the
    documents nobody was assigned (their coders are who worked on them); gold's statuses."""
    params: dict[str, Any] = {"gold": -1 if gold is None else gold}
    within = ""
    if span is not None:
        params["lo"], params["hi"] = span
        within = " AND {0} >= :lo AND {0} <= :hi"
    return {
        # in the order of both primary keys: PostgreSQL merges the two indexes (a hash join
        # of 400,000 assignments with 1,300,000 statuses took twice as long)
        "assigned": (
            "SELECT a.document_id, a.coder_id, s.status FROM assignment a "
            "LEFT JOIN document_status s ON s.document_id = a.document_id "
            "AND s.coder_id = a.coder_id WHERE 1 = 1"
            + within.format("a.document_id")
            + " ORDER BY a.document_id, a.coder_id",
            params,
        ),
        "documents": (
            "SELECT id, ext_id, title FROM document WHERE 1 = 1" + within.format("id"),
            params,
        ),
        # the documents without assignments first (from two indexes), then their statuses
        "worked": (
            "SELECT s.document_id, s.coder_id, s.status FROM document d "
            "JOIN document_status s ON s.document_id = d.id "
            "WHERE s.coder_id <> :gold AND NOT EXISTS "
            "(SELECT 1 FROM assignment x WHERE x.document_id = d.id)" + within.format("d.id"),
            params,
        ),
        "gold": (
            "SELECT document_id, status FROM document_status WHERE coder_id = :gold"
            + within.format("document_id"),
            params,
        ),
    }


def _documents(
    fetched: dict[str, list[tuple[Any, ...]]],
    names: dict[int, str],
    *,
    tally: dict[int, list[int]] | None = None,
) -> list[DocumentProgress]:
    """The documents read by ``_listing_statements`` in id order, each with its coders (by
    name), who is done, and its review state; ``tally``: each coder's assigned, started and
    done documents are counted into it.

    Documents share few combinations of coders and statuses (two coders of twenty, each done
    or not: a few hundred), so each combination's names are worked out once and its tuples
    shared by every document that has it."""
    place = {c: (r, names[c]) for r, c in enumerate(sorted(names, key=names.__getitem__))}
    combinations: dict[tuple[tuple[int, str | None], ...], tuple[Names, Names]] = {}

    def named(combination: tuple[tuple[int, str | None], ...]) -> tuple[Names, Names]:
        # by name; a coder added after the names were read is left out
        ranked = sorted((place[c], st == "done") for c, st in combination if c in place)
        return (
            tuple(name for (_, name), _ in ranked),
            tuple(name for (_, name), done in ranked if done),
        )

    coders: dict[int, tuple[Names, Names]] = {}  # document -> its coders, those done
    coder_status = itemgetter(1, 2)
    for source in ("assigned", "worked"):
        rows = fetched[source]
        rows.sort()  # by document (the statements' own order is the planner's)
        for doc, group in groupby(rows, key=itemgetter(0)):
            if doc in coders:  # assigned meanwhile: its coders are the assigned ones
                continue
            combination = tuple(map(coder_status, group))
            found = combinations.get(combination)
            if found is None:
                found = combinations[combination] = named(combination)
            coders[doc] = found
    if tally is not None:  # (coder, status) pairs counted in C, then summed per coder
        for (cid, st), n in Counter(map(coder_status, fetched["assigned"])).items():
            if cid in place:
                counts = tally.setdefault(cid, [0, 0, 0])
                counts[0] += n
                if st is not None:
                    counts[1] += n
                    if st == "done":
                        counts[2] += n
    gold_status: dict[int, str] = dict(fetched["gold"])
    docs = fetched["documents"]
    docs.sort()  # in id order
    out: list[DocumentProgress] = []
    with collector_paused():  # hundreds of thousands of small objects, no cycles
        _listing(docs, coders, gold_status, out)
    return out


def _listing(
    docs: list[tuple[Any, ...]],
    coders: dict[int, tuple[Names, Names]],
    gold_status: dict[int, str],
    out: list[DocumentProgress],
) -> None:
    add = out.append
    nobody: tuple[Names, Names] = ((), ())
    for doc_id, ext_id, title in docs:
        listed, done = coders.get(doc_id, nobody)
        state = _state(bool(listed), len(done) == len(listed), gold_status.get(doc_id, ""))
        add(DocumentProgress(ext_id, title, listed, done, state))


def _state(has_coders: bool, all_done: bool, gold_status: str) -> str:
    if not has_coders:
        return "unassigned"
    if gold_status == "stale":
        return "stale"
    if gold_status == "done":
        return "adjudicated"
    return "ready" if all_done else "waiting"


@dataclass(frozen=True)
class PairAgreement:
    coders: tuple[str, str]
    documents: int  # compared: the latest the pair both finished, ``SAMPLE_PER_PAIR`` at most
    f1: float | None  # span F1, exact offsets and same label
    kappa: float | None  # Cohen's kappa on aligned units
    finished: int = 0  # every document assigned to both that both marked done


SAMPLE_PER_PAIR = 300
"""Documents compared per pair of coders: the latest both finished. Agreement as the team works
now, read and computed in well under a second however large the project."""

# Each document assigned to two coders who both marked it done, when the later of them did.
_DOUBLE_DONE = """
SELECT a1.coder_id, a2.coder_id, a1.document_id,
  CASE WHEN s1.updated_at > s2.updated_at THEN s1.updated_at ELSE s2.updated_at END
FROM assignment a1
JOIN assignment a2 ON a2.document_id = a1.document_id AND a2.coder_id > a1.coder_id
JOIN document_status s1 ON s1.document_id = a1.document_id AND s1.coder_id = a1.coder_id
  AND s1.status = 'done'
JOIN document_status s2 ON s2.document_id = a2.document_id AND s2.coder_id = a2.coder_id
  AND s2.status = 'done'
"""


def sample_agreement(project: Project, per_pair: int = SAMPLE_PER_PAIR) -> list[PairAgreement]:
    """Agreement so far on the double-coded sample: per pair of coders, over the latest
    ``per_pair`` documents assigned to both that both marked done (docs/agreement.md has the
    figures' definitions; ``finished`` says how many there are in all)."""
    from annotator.core.agreement import agreement_report
    from annotator.store.review import Selection, agreement_input

    with project.read() as s:
        names = {int(i): n for i, n in s.exec(select(CoderRow.id, CoderRow.name)).all() if i}
        result = s.connection().execute(text(_DOUBLE_DONE))
        try:
            rows = list(result.cursor.fetchall())  # plain tuples: one per document and pair
        finally:
            result.close()
    pairs: dict[tuple[str, str], list[tuple[Any, int]]] = {}
    for first, second, doc, finished in rows:
        a, b = sorted((names[first], names[second]))
        pairs.setdefault((a, b), []).append((finished, doc))
    out = []
    for pair, done in sorted(pairs.items()):
        latest = sorted(done, reverse=True)[:per_pair]  # by when, then by document
        docs = sorted(doc for _, doc in latest)
        selection = Selection(list(pair), docs, "assigned to both, both done")
        report = agreement_report(agreement_input(project, selection))
        row = report["pairs"][0]
        out.append(
            PairAgreement(
                pair, len(docs), row["f1"]["exact_labeled"], row["cohen_kappa"], len(done)
            )
        )
    return out
