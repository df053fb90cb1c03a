"""Assigning documents to coders: each document gets K coders, a random fraction F gets K+1
(the double-coded sample agreement is computed on), loads stay balanced (docs/team.md).

Deterministic for a seed: documents are taken in id order, shuffled by ``random.Random(seed)``,
and each takes the least-loaded eligible coders (ties broken by the same generator). A coder
who has started a document (has a status row for it) keeps it unless ``force``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, delete, select

from annotator.core.change import Change
from annotator.core.records import GOLD
from annotator.store.engine import Project
from annotator.store.services import ServiceError, audit, coder_id, valid_coder_name
from annotator.store.tables import Assignment, CoderRow, DocumentRow, DocumentStatus
from annotator.store.team import is_team, list_users, require_manager


@dataclass(frozen=True)
class AssignPlan:
    coders: Sequence[str]
    per_document: int = 1
    overlap: float = 0.0
    documents: Sequence[str] | None = None  # external ids; None: all (see ``unassigned``)
    unassigned: bool = False
    seed: int | None = None
    force: bool = False


@dataclass(frozen=True)
class AssignResult:
    documents: int
    extra: int  # documents that got K+1 coders
    kept: int  # started assignments kept
    loads: dict[str, int]
    seed: int


def _check(plan: AssignPlan) -> list[str]:
    names = sorted({valid_coder_name(n) for n in plan.coders})
    if not names:
        raise ServiceError("--coders: name at least one coder")
    if GOLD in names:
        raise ServiceError(f"--coders: {GOLD!r} is the adjudicated layer, not a coder")
    if plan.per_document < 1:
        raise ServiceError(f"--per-document {plan.per_document}: must be at least 1")
    if not 0.0 <= plan.overlap <= 1.0:
        raise ServiceError(f"--overlap {plan.overlap}: must be between 0 and 1")
    need = plan.per_document + (1 if plan.overlap > 0 else 0)
    if need > len(names):
        raise ServiceError(
            f"{need} coders per document need at least {need} coders; {len(names)} named"
        )
    return names


def assign(project: Project, plan: AssignPlan) -> tuple[AssignResult, Change]:
    """Draw the assignment of the chosen documents; one transaction."""
    require_manager(project, "assign")
    names = _check(plan)
    seed = plan.seed if plan.seed is not None else random.SystemRandom().randrange(2**31)
    rng = random.Random(seed)
    team = is_team(project)
    if team:
        coders = {u.name for u in list_users(project) if "coder" in u.roles}
        for name in names:
            if name not in coders:
                raise ServiceError(
                    f"--coders: {name!r} is not a coder of this project "
                    f"(add them with 'annotator users PROJECT add {name} --role coder')"
                )
    with project.write() as s:
        ids = {name: _coder(s, name, create=not team) for name in names}
        docs = _chosen_documents(s, plan)
        started = _started(s, docs) if not plan.force else set()
        current = s.exec(select(Assignment.document_id, Assignment.coder_id)).all()
        chosen = set(docs)
        pinned: dict[int, set[int]] = {}
        loads = {cid: 0 for cid in ids.values()}
        for doc, cid in current:
            if doc in chosen and (doc, cid) not in started:
                continue  # drawn again below
            if doc in chosen:
                pinned.setdefault(doc, set()).add(cid)
            if cid in loads:
                loads[cid] += 1
        n_extra = round(plan.overlap * len(docs))
        order = list(docs)
        rng.shuffle(order)
        extra = set(order[:n_extra])
        rng.shuffle(order)
        if chosen:
            s.exec(delete(Assignment).where(col(Assignment.document_id).in_(chosen)))
        kept = 0
        for doc in order:
            have = pinned.get(doc, set())
            kept += len(have)
            want = plan.per_document + (1 if doc in extra else 0) - len(have)
            eligible = [cid for cid in ids.values() if cid not in have]
            ranked = sorted(eligible, key=lambda cid: (loads[cid], rng.random()))
            for cid in sorted(have) + ranked[: max(want, 0)]:
                s.add(Assignment(document_id=doc, coder_id=cid))
                if cid in loads and cid not in have:
                    loads[cid] += 1
        audit(
            s,
            "",
            "assign",
            None,
            coders=names,
            documents=len(docs),
            per_document=plan.per_document,
            overlap=plan.overlap,
            seed=seed,
        )
        by_name = {name: loads[cid] for name, cid in ids.items()}
    result = AssignResult(len(docs), len(extra), kept, by_name, seed)
    return result, Change("assign")


def _coder(s: Session, name: str, *, create: bool) -> int:
    try:
        return coder_id(s, name, create=create)
    except ServiceError:
        raise ServiceError(
            f"--coders: {name!r} is not a user of this project "
            f"(add them with 'annotator users PROJECT add {name} --role coder')"
        ) from None


def _chosen_documents(s: Session, plan: AssignPlan) -> list[int]:
    if plan.documents is not None:
        wanted = list(dict.fromkeys(plan.documents))
        found = dict(
            s.exec(
                select(DocumentRow.ext_id, DocumentRow.id).where(
                    col(DocumentRow.ext_id).in_(wanted)
                )
            ).all()
        )
        missing = [d for d in wanted if d not in found]
        if missing:
            raise ServiceError(f"--documents: no document {missing[0]!r} in the project")
        return sorted(int(found[d] or 0) for d in wanted)
    query = select(DocumentRow.id).order_by(col(DocumentRow.id))
    if plan.unassigned:
        query = query.where(col(DocumentRow.id).not_in(select(Assignment.document_id)))
    return [int(i) for i in s.exec(query).all() if i is not None]


def _started(s: Session, docs: list[int]) -> set[tuple[int, int]]:
    """(document, coder) pairs where the coder has begun (a status row exists)."""
    rows = s.exec(
        select(DocumentStatus.document_id, DocumentStatus.coder_id).where(
            col(DocumentStatus.document_id).in_(docs)
        )
    ).all()
    return {(int(d), int(c)) for d, c in rows}


def assignments(project: Project) -> list[dict[str, object]]:
    """Every document (by external id, in id order) with its assigned coders' names."""
    with project.read() as s:
        docs = s.exec(select(DocumentRow.id, DocumentRow.ext_id).order_by(col(DocumentRow.id)))
        out: dict[int, dict[str, object]] = {
            int(i): {"document": ext, "coders": []} for i, ext in docs.all() if i is not None
        }
        rows = s.exec(
            select(Assignment.document_id, CoderRow.name)
            .join(CoderRow, col(CoderRow.id) == col(Assignment.coder_id))
            .order_by(col(CoderRow.name))
        ).all()
    for doc, name in rows:
        if doc in out:
            coders = out[doc]["coders"]
            assert isinstance(coders, list)
            coders.append(name)
    return list(out.values())


def queue(project: Project, coder: str) -> list[int]:
    """The document ids assigned to ``coder``: unfinished first, then done, each in id order."""
    with project.read() as s:
        cid = s.exec(select(CoderRow.id).where(CoderRow.name == coder)).first()
        if cid is None:
            return []
        docs = s.exec(
            select(Assignment.document_id, DocumentStatus.status)
            .join(
                DocumentStatus,
                (col(DocumentStatus.document_id) == col(Assignment.document_id))
                & (col(DocumentStatus.coder_id) == col(Assignment.coder_id)),
                isouter=True,
            )
            .where(Assignment.coder_id == cid)
            .order_by(col(Assignment.document_id))
        ).all()
    return [int(d) for d, st in docs if st != "done"] + [int(d) for d, st in docs if st == "done"]
