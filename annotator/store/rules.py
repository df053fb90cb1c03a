"""What every edit of a layer checks and records, shared by the services and adjudication.

Who may write a layer (a coder their own, a reviewer gold), the spans and links a coder owns,
whether a document is open for edits (a document marked done is not; a coder's change makes a
gold marked done stale), the first-edit status row, the audit trail, and ``annotation_state``:
what an undo step expects to find of a span (``annotator.store.operations``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from annotator.core.records import GOLD
from annotator.store.engine import Project, known_facts
from annotator.store.errors import ServiceError
from annotator.store.tables import (
    AnnotationRow,
    AuditEntry,
    CoderRow,
    DocumentRow,
    DocumentStatus,
    LinkRow,
    now,
)

STATUSES = ("in_progress", "done")
# Gold marked done whose coders' layers changed since: set by the store, not by a user.
STALE = "stale"


def new_uid(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:12]}"


def valid_coder_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 100 or any(c in name for c in ",\n\t"):
        raise ServiceError(f"invalid coder name {name!r} (1-100 characters, no commas)")
    return name


def known_coder(session: Session, name: str) -> int | None:
    """A coder's row id if already read (by this project or in this session), without a
    round trip."""
    known, learned = known_facts(session)
    return known.coders.get(name) or learned.coders.get(name)


def coder_id(session: Session, name: str, *, create: bool = True) -> int:
    cached = known_coder(session, name)
    if cached is not None:
        return cached
    found = session.exec(select(CoderRow.id).where(CoderRow.name == name)).first()
    if found is None:
        if not create:
            raise ServiceError(f"unknown coder {name!r}")
        # Two first actions of a new coder at once (GUI and CLI, two laptops) both insert:
        # the second insert does nothing and both read the one row.
        insert_new(session, CoderRow, ["name"], name=valid_coder_name(name), created_at=now())
        found = session.exec(select(CoderRow.id).where(CoderRow.name == name)).one()
    assert found is not None
    known_facts(session)[1].coders[name] = found
    return found


def coder_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """The names of these coder rows (known ones without a round trip)."""
    known, learned = known_facts(session)
    by_id = {i: n for n, i in (*known.coders.items(), *learned.coders.items())}
    wanted = set(ids)
    missing = wanted - by_id.keys()
    if missing:
        for i, n in session.exec(
            select(CoderRow.id, CoderRow.name).where(col(CoderRow.id).in_(sorted(missing)))
        ).all():
            assert i is not None
            learned.coders[n] = i
            by_id[i] = n
    return {i: by_id[i] for i in wanted if i in by_id}


def insert_new(session: Session, table: type[Any], keys: list[str], **values: Any) -> None:
    """INSERT a row unless one with the same ``keys`` exists (also one committed meanwhile)."""
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    session.execute(
        module.insert(table).values(**values).on_conflict_do_nothing(index_elements=keys)
    )


def audit(
    session: Session,
    coder: str,
    action: str,
    document_id: int | None,
    entity: str = "",
    entity_id: int | None = None,
    **detail: Any,
) -> None:
    session.add(
        AuditEntry(
            coder=coder,
            action=action,
            document_id=document_id,
            entity=entity,
            entity_id=entity_id,
            detail=detail,
        )
    )


def audit_edit(
    s: Session,
    coder: str,
    actor: str | None,
    action: str,
    document_id: int | None,
    entity: str,
    entity_id: int | None,
    **detail: Any,
) -> None:
    """Audit an edit of ``coder``'s layer by ``actor`` (the coder when None)."""
    if actor and actor != coder:
        detail["layer"] = coder
    audit(s, actor or coder, action, document_id, entity, entity_id, **detail)


def check_layer(project: Project, coder: str, actor: str | None) -> None:
    """Only a reviewer, acting as themselves, writes the gold layer (on a team project the
    server also enforces it, see docs/team.md); a coder's own layer is theirs."""
    if coder == GOLD:
        require_reviewer(project, actor)


def require_reviewer(project: Project, reviewer: str | None) -> None:
    if not reviewer or reviewer == GOLD or not may_review(project, reviewer):
        who = repr(reviewer) if reviewer else "a coder"
        raise ServiceError(f"{who} may not write the gold layer: only a reviewer, in review mode")


def document_of(session: Session, document_id: int) -> tuple[str, int]:
    """A document's external id and length; its text (up to megabytes) is not read."""
    known, learned = known_facts(session)
    cached = known.documents.get(document_id) or learned.documents.get(document_id)
    if cached is not None:
        return cached
    row = session.exec(
        select(DocumentRow.ext_id, DocumentRow.length).where(DocumentRow.id == document_id)
    ).first()
    if row is None:
        raise ServiceError(f"no document {document_id}")
    learned.documents[document_id] = (row[0], row[1])
    return row[0], row[1]


def own_annotation(session: Session, coder: str, annotation_id: int) -> AnnotationRow:
    row = session.get(AnnotationRow, annotation_id)
    if row is None:
        raise ServiceError(f"no annotation {annotation_id}")
    check_owner(session, coder, row.coder_id, f"annotation {annotation_id}")
    return row


def check_owner(session: Session, coder: str, owner_id: int, what: str) -> None:
    """Refuse unless the row of coder ``owner_id`` is ``coder``'s."""
    if known_coder(session, coder) == owner_id:
        return
    if coder_names(session, [owner_id]).get(owner_id) != coder:
        raise ServiceError(f"{what} belongs to another coder")


def check_span(doc: tuple[str, int], start: int, end: int) -> None:
    ext_id, length = doc
    if start == end:
        raise ServiceError(
            f"span {start}-{end} in document {ext_id} is empty (zero length): "
            "a span covers at least one character"
        )
    if start > end:
        raise ServiceError(f"span {start}-{end} in document {ext_id} ends before it starts")
    if not (0 <= start < end <= length):
        raise ServiceError(
            f"span {start}-{end} is outside the text of document {ext_id} (length {length})"
        )


def clean_attributes(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """Empty values (None, "", []) mean "not filled": they are not stored."""
    return {k: v for k, v in attributes.items() if v is not None and v != "" and v != []}


def annotation_state(row: AnnotationRow) -> dict[str, Any]:
    """What an undo step expects to find of a span: its content and whether it is live."""
    return {
        "label": row.label,
        "start": row.start,
        "end": row.end,
        "attributes": dict(row.attributes or {}),
        "note": row.note,
        "live": row.deleted_at is None,
    }


def span_name(row: AnnotationRow) -> str:
    return f"the {row.label} span at {row.start}-{row.end}"


def role_full(s: Session, project: Project, link: LinkRow) -> int | None:
    """The role's max if bringing ``link`` back would put more fillers in it than that."""
    src = s.get(AnnotationRow, link.from_id)
    if src is None:
        return None
    mx = project.codebook.role_max(src.label, link.role)
    if mx is None:
        return None
    live = s.exec(
        select(func.count())
        .select_from(LinkRow)
        .where(
            LinkRow.from_id == link.from_id,
            LinkRow.role == link.role,
            col(LinkRow.deleted_at).is_(None),
            LinkRow.id != link.id,
        )
    ).one()
    return mx if live >= mx else None


def touch_status(
    s: Session, document_id: int, coder_row_id: int, *, exists: bool | None = None
) -> None:
    """The first edit of a document puts it in progress for that coder (race-safe: a row made
    meanwhile by another writer is kept). ``exists``: whether the caller has just read it."""
    if exists is None:
        exists = s.get(DocumentStatus, (document_id, coder_row_id)) is not None
    if not exists:
        insert_new(
            s,
            DocumentStatus,
            ["document_id", "coder_id"],
            document_id=document_id,
            coder_id=coder_row_id,
            status="in_progress",
            note="",
            updated_at=now(),
        )


def open_for_edit(s: Session, document_id: int, coder_row_id: int) -> None:
    """Check that the coder may change the document, before anything is written.

    A document marked done is refused until its coder reopens it (an audited status change),
    so "done" always means the layer as it was marked. The first edit of a document puts it in
    progress for that coder. A coder's change after gold was marked done makes that gold
    stale (see docs/team.md): review, ``info`` and ``--done-only`` treat it as not done until
    a reviewer marks it done again.
    """
    # Both status rows (the coder's, gold's) in one statement, locked (on PostgreSQL) so that a
    # "done" marked meanwhile by another writer is seen; in coder order, as every writer does.
    gold_id = known_coder(s, GOLD)
    if gold_id is None:
        gold_id = s.exec(select(CoderRow.id).where(CoderRow.name == GOLD)).first()
        if gold_id is not None:
            known_facts(s)[1].coders[GOLD] = gold_id
    layers = sorted({coder_row_id} | ({gold_id} if gold_id is not None else set()))
    rows = {
        r.coder_id: r
        for r in s.exec(
            select(DocumentStatus)
            .where(
                DocumentStatus.document_id == document_id,
                col(DocumentStatus.coder_id).in_(layers),
            )
            .order_by(col(DocumentStatus.coder_id))
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()
    }
    row = rows.get(coder_row_id)
    if row is not None and row.status == "done":
        name = coder_names(s, [coder_row_id]).get(coder_row_id, "this coder")
        ext_id = document_of(s, document_id)[0]
        raise ServiceError(
            f"document {ext_id} is marked done for {name}: reopen it first "
            "(Document → Reopen) to change it"
        )
    if row is None:
        touch_status(s, document_id, coder_row_id, exists=False)
    if gold_id is None or gold_id == coder_row_id:
        return
    gold = rows.get(gold_id)
    if gold is None or gold.status != "done":
        return
    name = coder_names(s, [coder_row_id]).get(coder_row_id, "")
    # Only a coder whose work the gold was made from: one who had worked on the document
    # before gold was marked done (a coder starting on it afterwards changes nothing made).
    worked_before = s.exec(
        select(AuditEntry.id)
        .where(
            AuditEntry.document_id == document_id,
            AuditEntry.coder == name,
            col(AuditEntry.at) <= gold.updated_at,
        )
        .limit(1)
    ).first()
    if worked_before is None:
        return
    gold.status = STALE
    gold.updated_at = now()
    s.add(gold)
    audit(s, name, "gold_stale", document_id, "document", document_id, layer=GOLD)


REVIEWERS_KEY = "reviewers"


def reviewers(project: Project) -> list[str]:
    value = project.setting(REVIEWERS_KEY)
    return [n for n in value.split(",") if n]


def may_review(project: Project, coder: str) -> bool:
    names = reviewers(project)
    return coder != GOLD and (not names or coder in names)
