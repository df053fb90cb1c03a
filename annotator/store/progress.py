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

from sqlalchemy import func
from sqlmodel import col, select

from annotator.core.records import GOLD
from annotator.store.engine import Project
from annotator.store.tables import (
    AnnotationRow,
    Assignment,
    AuditEntry,
    CoderRow,
    DocumentRow,
    DocumentStatus,
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

    def as_json(self) -> dict[str, object]:
        return {
            "coders": [c.as_json() for c in self.coders],
            "documents": [d.as_json() for d in self.documents],
        }

    def count(self, state: str) -> int:
        return sum(1 for d in self.documents if d.state == state)


def _naive(stamp: datetime) -> datetime:
    return stamp.replace(tzinfo=None)


def progress(project: Project) -> Progress:
    """Read in one session; what a team member may see is what the server lets them read."""
    with project.read() as s:
        names = {int(i): n for i, n in s.exec(select(CoderRow.id, CoderRow.name)).all() if i}
        docs = s.exec(
            select(DocumentRow.id, DocumentRow.ext_id, DocumentRow.title).order_by(
                col(DocumentRow.id)
            )
        ).all()
        assigned = s.exec(select(Assignment.document_id, Assignment.coder_id)).all()
        statuses = s.exec(
            select(
                DocumentStatus.document_id,
                DocumentStatus.coder_id,
                DocumentStatus.status,
                DocumentStatus.updated_at,
            )
        ).all()
        counts = s.exec(
            select(AnnotationRow.coder_id, func.count())
            .where(col(AnnotationRow.deleted_at).is_(None))
            .group_by(col(AnnotationRow.coder_id))
        ).all()
        activity = s.exec(
            select(AuditEntry.coder, func.max(AuditEntry.at)).group_by(col(AuditEntry.coder))
        ).all()

    gold = next((i for i, n in names.items() if n == GOLD), None)
    by_doc: dict[int, set[int]] = {}
    for doc, cid in assigned:
        by_doc.setdefault(doc, set()).add(cid)
    status = {(d, c): (st, _naive(at)) for d, c, st, at in statuses}
    coders = {
        n: CoderProgress(n) for i, n in sorted(names.items(), key=lambda x: x[1]) if i != gold
    }
    for doc, cids in by_doc.items():
        for cid in cids:
            row = coders[names[cid]]
            row.assigned += 1
            st = status.get((doc, cid))
            row.started += st is not None
            row.done += st is not None and st[0] == "done"
    for cid, n in counts:
        if cid in names and cid != gold:
            coders[names[cid]].annotations = int(n)
    for who, at in activity:
        if who in coders and at is not None:
            coders[who].last_activity = at
    worked: dict[int, set[int]] = {}
    for doc, cid in status:
        if cid != gold:
            worked.setdefault(doc, set()).add(cid)

    documents = []
    for doc_id, ext_id, title in docs:
        assert doc_id is not None
        cids = by_doc.get(doc_id) or worked.get(doc_id, set())
        done = {c for c in cids if status.get((doc_id, c), ("", None))[0] == "done"}
        documents.append(
            DocumentProgress(
                ext_id,
                title,
                sorted(names[c] for c in cids),
                sorted(names[c] for c in done),
                _state(doc_id, cids, done, status, gold),
            )
        )
    shown = [c for c in coders.values() if c.assigned or c.annotations or c.started]
    return Progress(shown, documents)


def _state(
    doc: int,
    cids: set[int],
    done: set[int],
    status: dict[tuple[int, int], tuple[str, datetime]],
    gold: int | None,
) -> str:
    if not cids:
        return "unassigned"
    found = status.get((doc, gold)) if gold is not None else None
    gold_status = found[0] if found is not None else ""
    if gold_status == "stale":
        return "stale"
    if gold_status == "done":
        return "adjudicated"
    return "ready" if done == cids else "waiting"


@dataclass(frozen=True)
class PairAgreement:
    coders: tuple[str, str]
    documents: int
    f1: float | None  # span F1, exact offsets and same label
    kappa: float | None  # Cohen's kappa on aligned units


def sample_agreement(project: Project) -> list[PairAgreement]:
    """Agreement so far on the double-coded sample: per pair of coders, over the documents
    assigned to both that both marked done (docs/agreement.md has the figures' definitions)."""
    from annotator.core.agreement import agreement_report
    from annotator.store.review import Selection, agreement_input

    with project.read() as s:
        names = {int(i): n for i, n in s.exec(select(CoderRow.id, CoderRow.name)).all() if i}
        done = set(
            s.exec(
                select(DocumentStatus.document_id, DocumentStatus.coder_id).where(
                    DocumentStatus.status == "done"
                )
            ).all()
        )
        assigned = s.exec(select(Assignment.document_id, Assignment.coder_id)).all()
    by_doc: dict[int, list[str]] = {}
    for doc, cid in assigned:
        if (doc, cid) in done:
            by_doc.setdefault(doc, []).append(names[cid])
    pairs: dict[tuple[str, str], list[int]] = {}
    for doc, coders in sorted(by_doc.items()):
        ordered = sorted(coders)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                pairs.setdefault((a, b), []).append(doc)
    out = []
    for pair, docs in sorted(pairs.items()):
        selection = Selection(list(pair), docs, "assigned to both, both done")
        report = agreement_report(agreement_input(project, selection))
        row = report["pairs"][0]
        out.append(PairAgreement(pair, len(docs), row["f1"]["exact_labeled"], row["cohen_kappa"]))
    return out
