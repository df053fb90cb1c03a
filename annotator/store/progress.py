"""Where a project stands: per coder (assigned, started, done, annotations, last activity) and
per document (coders done of assigned, review state). See docs/team.md.

A document's coders are those assigned to it; a document nobody was assigned to counts the
coders who worked on it (personal projects code without assignments). Review states:
``unassigned`` (no coder), ``waiting`` (a coder is not done), ``ready`` (every coder done, gold
not), ``adjudicated`` (gold done) and ``stale`` (a coder changed their work after gold was
marked done, so the adjudication no longer covers it; docs/team.md).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from annotator.core.records import GOLD
from annotator.store.engine import Project
from annotator.store.plain_sql import collector_paused
from annotator.store.tables import (
    AnnotationRow,
    AuditEntry,
    CoderRow,
    DocumentRow,
)

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


@dataclass
class DocumentProgress:
    document: str  # external id
    title: str
    coders: list[str] = field(default_factory=list)
    done: list[str] = field(default_factory=list)
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


def progress(project: Project, *, documents: bool = True) -> Progress:
    """Read in one session; what a team member may see is what the server lets them read.
    ``documents``: also list every document (``annotator progress`` does), and count from that
    listing; without it (the progress view) the counts are aggregates the database computes."""
    tally: dict[int, list[int]] = {}  # coder -> assigned, started, done
    states = dict.fromkeys(STATES, 0)
    with project.read() as s:
        names = {int(i): n for i, n in s.exec(select(CoderRow.id, CoderRow.name)).all() if i}
        gold = next((i for i, n in names.items() if n == GOLD), None)
        if documents:
            rows = _documents(s, names, gold, tally=tally)
            for listed in rows:
                states[listed.state] += 1
        else:
            rows = []
            _count(s, gold, tally, states)
        counts = s.exec(
            select(AnnotationRow.coder_id, func.count())
            .where(col(AnnotationRow.deleted_at).is_(None))
            .group_by(col(AnnotationRow.coder_id))
        ).all()
        activity = s.exec(
            select(AuditEntry.coder, func.max(AuditEntry.at)).group_by(col(AuditEntry.coder))
        ).all()

    coders = {
        n: CoderProgress(n) for i, n in sorted(names.items(), key=lambda x: x[1]) if i != gold
    }
    for cid, (assigned, started, done) in tally.items():
        if cid in names and cid != gold:
            row = coders[names[cid]]
            row.assigned, row.started, row.done = assigned, started, done
    for cid, n in counts:
        if cid in names and cid != gold:
            coders[names[cid]].annotations = int(n)
    for who, at in activity:
        if who in coders and at is not None:
            coders[who].last_activity = at
    shown = [c for c in coders.values() if c.assigned or c.annotations or c.started]
    return Progress(shown, rows, states)


def _count(
    s: Session, gold: int | None, tally: dict[int, list[int]], states: dict[str, int]
) -> None:
    """The per-coder tallies and the documents in each review state, computed by the
    database (``_PER_CODER``, ``_WORKED``): what the listing counts, without the listing."""
    gold_param = {"gold": -1 if gold is None else gold}
    for cid, assigned, started, done, stale, adjudicated, ready, first in s.execute(
        text(_PER_CODER), gold_param
    ).all():
        # a document's states are counted on the row of its first coder only
        states["stale"] += int(stale)
        states["adjudicated"] += int(adjudicated)
        states["ready"] += int(ready)
        states["waiting"] += int(first) - int(stale) - int(adjudicated) - int(ready)
        tally[int(cid)] = [int(assigned), int(started), int(done)]
    for state, n in s.execute(text(_WORKED), gold_param).all():
        states[str(state)] += int(n)
    n_docs = int(s.exec(select(func.count()).select_from(DocumentRow)).one())
    states["unassigned"] = n_docs - sum(states.values())


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
            out += [d for d in _documents(s, names, gold, (ids[0], ids[-1])) if d.state == state]
    return out[:limit]


def _documents(
    s: Session,
    names: dict[int, str],
    gold: int | None,
    span: tuple[int, int] | None = None,
    *,
    tally: dict[int, list[int]] | None = None,
) -> list[DocumentProgress]:
    """Every document (or those with ids in ``span``, both ends included) in id order, with
    its coders, who is done, and its review state; ``tally``: each coder's assigned, started
    and done documents are counted into it."""

    params: dict[str, Any] = {"gold": -1 if gold is None else gold}
    within = ""
    if span is not None:
        params["lo"], params["hi"] = span
        within = " AND {0} >= :lo AND {0} <= :hi"
    connection = s.connection()

    def rows(sql: str) -> list[tuple[Any, ...]]:
        """Plain tuples from the driver's cursor, past SQLAlchemy's per-row processing: the
        listing reads a row per document and per assignment (hundreds of thousands)."""
        result = connection.execute(text(sql), params)
        try:
            return list(result.cursor.fetchall())
        finally:
            result.close()

    docs = rows("SELECT id, ext_id, title FROM document WHERE 1 = 1" + within.format("id"))
    # each assigned (document, coder) with the coder's status; the statuses of the documents
    # nobody was assigned (their coders are who worked on them); gold's statuses
    assigned = rows(
        "SELECT a.document_id, a.coder_id, s.status FROM assignment a "
        "LEFT JOIN document_status s ON s.document_id = a.document_id "
        "AND s.coder_id = a.coder_id WHERE 1 = 1" + within.format("a.document_id")
    )
    worked = rows(
        "SELECT s.document_id, s.coder_id, s.status FROM document_status s "
        "WHERE s.coder_id <> :gold AND NOT EXISTS "
        "(SELECT 1 FROM assignment x WHERE x.document_id = s.document_id)"
        + within.format("s.document_id")
    )
    gold_status: dict[int, str] = dict(
        rows(
            "SELECT document_id, status FROM document_status WHERE coder_id = :gold"
            + within.format("document_id")
        )
    )
    # coders by name: a document's coders are listed by their place in that order
    by_name = sorted(names, key=names.__getitem__)
    rank = {c: r for r, c in enumerate(by_name)}
    coders: dict[int, list[tuple[int, bool]]] = {}  # document -> (rank, done) per coder
    for doc, cid, st in assigned:
        coders.setdefault(doc, []).append((rank[cid], st == "done"))
    if tally is not None:
        for _doc, cid, st in assigned:
            counts = tally.setdefault(cid, [0, 0, 0])
            counts[0] += 1
            if st is not None:
                counts[1] += 1
                if st == "done":
                    counts[2] += 1
    for doc, cid, st in worked:
        coders.setdefault(doc, []).append((rank[cid], st == "done"))
    out: list[DocumentProgress] = []
    docs.sort()  # in id order
    with collector_paused():  # hundreds of thousands of small objects, no cycles
        _listing(docs, coders, gold_status, names, by_name, out)
    return out


def _listing(
    docs: list[tuple[Any, ...]],
    coders: dict[int, list[tuple[int, bool]]],
    gold_status: dict[int, str],
    names: dict[int, str],
    by_name: list[int],
    out: list[DocumentProgress],
) -> None:
    for doc_id, ext_id, title in docs:
        mine = coders.get(doc_id)
        if not mine:
            out.append(DocumentProgress(ext_id, title, [], [], "unassigned"))
            continue
        mine.sort()
        listed = [names[by_name[r]] for r, _ in mine]
        done = [names[by_name[r]] for r, d in mine if d]
        out.append(
            DocumentProgress(
                ext_id,
                title,
                listed,
                done,
                _state(True, len(done) == len(listed), gold_status.get(doc_id, "")),
            )
        )


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
