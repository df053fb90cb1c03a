"""What every edit of a layer checks and records, shared by the services and adjudication.

Who may write a layer (a coder their own, a reviewer gold), the spans and links a coder owns,
whether a document is open for edits (a document marked done is not; a coder's change makes a
gold marked done stale), the first-edit status row, the audit trail, and ``annotation_state``:
what an undo step expects to find of a span (``annotator.store.operations``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, Row, func, insert, or_, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, SQLModel, col, select

from annotator.core.codebook import Codebook
from annotator.core.records import GOLD
from annotator.store.engine import Project, known_facts
from annotator.store.errors import ServiceError
from annotator.store.locks import sharing_document
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
    conn = core(session)
    module: Any = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(
        module.insert(SQLModel.metadata.tables[table.__tablename__])
        .values(**values)
        .on_conflict_do_nothing(index_elements=keys)
    )


def core(session: Session) -> Connection:
    """The session's connection, for a Core statement (no ORM objects made or tracked: the hot
    path's reads and writes). What the session holds unwritten is written first, so the
    statement sees it, in order."""
    session.flush()
    return session.connection()


def forget(session: Session, table: type[Any], *keys: Any) -> None:
    """After a Core write of these rows (primary keys): a copy the session holds is read again
    when next used, never served stale from its identity map."""
    for key in keys:
        row = session.identity_map.get(identity_key(table, key))
        if row is not None:
            session.expire(row)


# the tables, for Core statements
AUDIT = SQLModel.metadata.tables["audit"]
ANNOTATION = SQLModel.metadata.tables["annotation"]
LINK = SQLModel.metadata.tables["link"]
STATUS = SQLModel.metadata.tables["document_status"]
CODER = SQLModel.metadata.tables["coder"]
AnyRow = Row[*tuple[Any, ...]]  # a Core result row, its columns read by name


def audit_now(
    session: Session,
    coder: str,
    action: str,
    document_id: int | None,
    entity: str = "",
    entity_id: int | None = None,
    **detail: Any,
) -> None:
    """``audit``, written at once by a Core statement (the hot path's edits)."""
    core(session).execute(
        insert(AUDIT),
        {
            "at": now(),
            "coder": coder,
            "action": action,
            "document_id": document_id,
            "entity": entity,
            "entity_id": entity_id,
            "detail": detail,
        },
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
    audit_now(s, actor or coder, action, document_id, entity, entity_id, **detail)


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


# a span's columns as the hot path reads them (Core rows, no ORM objects)
SPAN_COLUMNS = (
    ANNOTATION.c.id,
    ANNOTATION.c.uid,
    ANNOTATION.c.document_id,
    ANNOTATION.c.coder_id,
    ANNOTATION.c.label,
    ANNOTATION.c.start,
    ANNOTATION.c.end,
    ANNOTATION.c.attributes,
    ANNOTATION.c.note,
    ANNOTATION.c.codebook_version,
    ANNOTATION.c.source_uid,
    ANNOTATION.c.deleted_at,
)


def own_span(session: Session, coder: str, annotation_id: int) -> AnyRow:
    """``own_annotation`` as a plain column row (``SPAN_COLUMNS``), read by a Core statement."""
    row = (
        core(session)
        .execute(sa_select(*SPAN_COLUMNS).where(ANNOTATION.c.id == annotation_id))
        .first()
    )
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


def edited_span(
    cb: Codebook,
    row: AnnotationRow | AnyRow,
    document: Callable[[], tuple[str, int]],
    *,
    label: str | None,
    start: int | None,
    end: int | None,
    attributes: Mapping[str, Any] | None,
    note: str | None,
    replace_attributes: bool,
) -> dict[str, Any]:
    """What an edit of the span ``row`` leaves, by column (None: unchanged): ``attributes``
    merged into the span's (a None value clears a field) unless replaced, those the new label
    does not have dropped. Refuses an unknown label, attributes the codebook does not take and
    a span out of the document (``document``: its external id and length, read if needed)."""
    new_label = label if label is not None else row.label
    if label is not None and cb.label(label) is None:
        raise ServiceError(f"unknown label {label!r}")
    if attributes is not None:
        merged = {} if replace_attributes else dict(row.attributes)
        merged.update(attributes)
        attrs = clean_attributes(merged)
    else:
        attrs = dict(row.attributes)
    if label is not None and label != row.label:
        new = cb.label(label)
        assert new is not None
        attrs = {k: v for k, v in attrs.items() if new.attribute(k) is not None}
    if attributes is not None or label is not None:
        errors = cb.attribute_errors(new_label, attrs)
        if errors:
            raise ServiceError(errors[0])
    new_start = row.start if start is None else start
    new_end = row.end if end is None else end
    if (new_start, new_end) != (row.start, row.end):
        check_span(document(), new_start, new_end)
    return {
        "label": new_label,
        "start": new_start,
        "end": new_end,
        "attributes": attrs,
        "note": row.note if note is None else note,
        "codebook_version": cb.version,
    }


def annotation_state(row: AnnotationRow | AnyRow) -> dict[str, Any]:
    """What an undo step expects to find of a span: its content and whether it is live."""
    return span_state(
        row.label, row.start, row.end, row.attributes, row.note, live=row.deleted_at is None
    )


def span_state(
    label: str,
    start: int,
    end: int,
    attributes: Mapping[str, Any] | None,
    note: str,
    *,
    live: bool,
) -> dict[str, Any]:
    """``annotation_state`` of a span with these values."""
    return {
        "label": label,
        "start": start,
        "end": end,
        "attributes": dict(attributes or {}),
        "note": note,
        "live": live,
    }


def span_name(row: AnnotationRow | AnyRow) -> str:
    return f"the {row.label} span at {row.start}-{row.end}"


def already_linked(role: str) -> str:
    """Why a link is refused that the span has already (the one-line message)."""
    return f"{role} is already linked to that span"


def role_taken(role: str, most: int) -> str:
    """Why a link is refused to a role that has its most fillers already."""
    return f"role '{role}' takes at most {most} span{'s' if most > 1 else ''}"


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
    # Gold's row id, until the project knows it, is looked up by the same statement.
    gold_id = known_coder(s, GOLD)
    if gold_id is None:
        gold_row = sa_select(CODER.c.id).where(CODER.c.name == GOLD).scalar_subquery()
        layer = or_(STATUS.c.coder_id == coder_row_id, STATUS.c.coder_id == gold_row)
    else:
        layer = STATUS.c.coder_id.in_(sorted({coder_row_id, gold_id}))
    statement = (
        sa_select(STATUS.c.document_id, STATUS.c.coder_id, STATUS.c.status, STATUS.c.updated_at)
        .where(STATUS.c.document_id == document_id, layer)
        .order_by(STATUS.c.coder_id)
        .with_for_update()
    )
    if s.get_bind().dialect.name == "postgresql":
        # and the document's lock, shared: gold marked done meanwhile waits for this edit
        # even where gold has no status row yet (``locks.hold_document``)
        statement = statement.where(sharing_document(document_id))
    rows = {r.coder_id: r for r in core(s).execute(statement)}
    if gold_id is None:
        found = [c for c in rows if c != coder_row_id]
        if found:  # gold's status row names gold's id: known from now on
            gold_id = found[0]
            known_facts(s)[1].coders[GOLD] = gold_id
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
    core(s).execute(
        update(STATUS)
        .where(STATUS.c.document_id == document_id, STATUS.c.coder_id == gold_id)
        .values(status=STALE, updated_at=now())
    )
    forget(s, DocumentStatus, (document_id, gold_id))
    audit_now(s, name, "gold_stale", document_id, "document", document_id, layer=GOLD)


REVIEWERS_KEY = "reviewers"


def reviewers(project: Project) -> list[str]:
    value = project.setting(REVIEWERS_KEY)
    return [n for n in value.split(",") if n]


def may_review(project: Project, coder: str) -> bool:
    names = reviewers(project)
    return coder != GOLD and (not names or coder in names)
