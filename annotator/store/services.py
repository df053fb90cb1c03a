"""Use cases: each public function is one user action, one transaction, one ``Change``.

Each is a store operation (``annotator.store.operations``): it returns, in its ``Change``, the
steps that take it back, each expecting the row as the action left it, so an undo runs the
same path as the action and is refused if someone changed the row meanwhile.

Validation against the codebook happens here, before anything is written, so that a bad
request raises ``ServiceError`` with a one-line reason and the database is untouched.

``coder`` is the layer a service writes to; ``actor`` (default: the coder) is who did it, as the
audit trail records it. They differ in review mode, where a reviewer edits the ``gold`` layer by
hand: the audit entry names the reviewer and keeps the layer in its ``detail``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from annotator.core.change import Change
from annotator.core.records import GOLD
from annotator.store.engine import Project
from annotator.store.errors import ServiceError as ServiceError  # re-exported
from annotator.store.errors import StaleError
from annotator.store.locks import lock_layer, lock_layer_of
from annotator.store.operations import check, operation, run_one, step
from annotator.store.queries import missing_required_in
from annotator.store.tables import (
    AnnotationRow,
    AuditEntry,
    CoderRow,
    DocumentRow,
    DocumentStatus,
    LinkRow,
    ProjectSetting,
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


def coder_id(session: Session, name: str, *, create: bool = True) -> int:
    found = session.exec(select(CoderRow.id).where(CoderRow.name == name)).first()
    if found is None:
        if not create:
            raise ServiceError(f"unknown coder {name!r}")
        # Two first actions of a new coder at once (GUI and CLI, two laptops) both insert:
        # the second insert does nothing and both read the one row.
        insert_new(session, CoderRow, ["name"], name=valid_coder_name(name), created_at=now())
        found = session.exec(select(CoderRow.id).where(CoderRow.name == name)).one()
    assert found is not None
    return found


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


def _audit_edit(
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


def _document(session: Session, document_id: int) -> tuple[str, int]:
    """A document's external id and length; its text (up to megabytes) is not read."""
    row = session.exec(
        select(DocumentRow.ext_id, DocumentRow.length).where(DocumentRow.id == document_id)
    ).first()
    if row is None:
        raise ServiceError(f"no document {document_id}")
    return row[0], row[1]


def _own_annotation(session: Session, coder: str, annotation_id: int) -> AnnotationRow:
    row = session.get(AnnotationRow, annotation_id)
    if row is None:
        raise ServiceError(f"no annotation {annotation_id}")
    owner = session.get(CoderRow, row.coder_id)
    if owner is None or owner.name != coder:
        raise ServiceError(f"annotation {annotation_id} belongs to another coder")
    return row


def _check_span(doc: tuple[str, int], start: int, end: int) -> None:
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


def _span_name(row: AnnotationRow) -> str:
    return f"the {row.label} span at {row.start}-{row.end}"


def create_annotation(
    project: Project,
    coder: str,
    document_id: int,
    label: str,
    start: int,
    end: int,
    attributes: Mapping[str, Any] | None = None,
    note: str = "",
    source_uid: str = "",
    *,
    actor: str | None = None,
    suggested: bool = False,
) -> Change:
    """A new span. ``suggested``: the coder accepted a suggested span (other mentions of a
    linked name); audited as ``accept_suggestion`` so agreement can leave such spans out."""
    return run_one(
        project,
        "create_annotation",
        coder=coder,
        document_id=document_id,
        label=label,
        start=start,
        end=end,
        attributes=dict(attributes or {}),
        note=note,
        source_uid=source_uid,
        actor=actor,
        suggested=suggested,
    )


@operation
def _create_annotation(
    s: Session,
    project: Project,
    coder: str,
    document_id: int,
    label: str,
    start: int,
    end: int,
    attributes: Mapping[str, Any],
    note: str = "",
    source_uid: str = "",
    actor: str | None = None,
    suggested: bool = False,
) -> Change:
    check_layer(project, coder, actor)
    cb = project.codebook
    if cb.label(label) is None:
        raise ServiceError(f"unknown label {label!r} (codebook {cb.name} v{cb.version})")
    attrs = clean_attributes(attributes)
    errors = cb.attribute_errors(label, attrs)
    if errors:
        raise ServiceError(errors[0])
    doc = _document(s, document_id)
    _check_span(doc, start, end)
    row = AnnotationRow(
        uid=new_uid("a"),
        document_id=document_id,
        coder_id=coder_id(s, coder),
        label=label,
        start=start,
        end=end,
        attributes=attrs,
        note=note,
        codebook_version=cb.version,
        source_uid=source_uid,
    )
    s.add(row)
    s.flush()
    assert row.id is not None
    _open_for_edit(s, document_id, row.coder_id)
    action = "accept_suggestion" if suggested else "create_annotation"
    _audit_edit(s, coder, actor, action, document_id, "annotation", row.id, label=label)
    undo = step(
        "delete_annotation",
        coder=coder,
        annotation_id=row.id,
        actor=actor,
        expect=annotation_state(row),
    )
    return Change("create_annotation", document_id, (row.id,), spans=((start, end),), undo=(undo,))


def update_annotation(
    project: Project,
    coder: str,
    annotation_id: int,
    *,
    label: str | None = None,
    start: int | None = None,
    end: int | None = None,
    attributes: Mapping[str, Any] | None = None,
    note: str | None = None,
    replace_attributes: bool = False,
    actor: str | None = None,
) -> Change:
    """Edit a span. ``attributes`` are merged (a None value clears a field) unless replaced."""
    return run_one(
        project,
        "update_annotation",
        coder=coder,
        annotation_id=annotation_id,
        label=label,
        start=start,
        end=end,
        attributes=None if attributes is None else dict(attributes),
        note=note,
        replace_attributes=replace_attributes,
        actor=actor,
    )


@operation
def _update_annotation(
    s: Session,
    project: Project,
    coder: str,
    annotation_id: int,
    label: str | None = None,
    start: int | None = None,
    end: int | None = None,
    attributes: Mapping[str, Any] | None = None,
    note: str | None = None,
    replace_attributes: bool = False,
    actor: str | None = None,
    expect: Mapping[str, Any] | None = None,
) -> Change:
    check_layer(project, coder, actor)
    cb = project.codebook
    row = _own_annotation(s, coder, annotation_id)
    before = annotation_state(row)
    check(expect, before, _span_name(row))
    if row.deleted_at is not None:
        raise ServiceError(f"annotation {annotation_id} was deleted")
    old_span = (row.start, row.end)
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
    if (new_start, new_end) != old_span:
        _check_span(_document(s, row.document_id), new_start, new_end)
    row.label = new_label
    row.start, row.end = new_start, new_end
    row.attributes = attrs
    if note is not None:
        row.note = note
    row.codebook_version = cb.version
    row.updated_at = now()
    s.add(row)
    _open_for_edit(s, row.document_id, row.coder_id)
    _audit_edit(s, coder, actor, "update_annotation", row.document_id, "annotation", annotation_id)
    spans = (old_span, (new_start, new_end)) if old_span != (new_start, new_end) else (old_span,)
    undo = step(
        "update_annotation",
        coder=coder,
        annotation_id=annotation_id,
        label=before["label"],
        start=before["start"],
        end=before["end"],
        attributes=before["attributes"],
        note=before["note"],
        replace_attributes=True,
        actor=actor,
        expect=annotation_state(row),
    )
    return Change("update_annotation", row.document_id, (annotation_id,), spans=spans, undo=(undo,))


def delete_annotation(
    project: Project, coder: str, annotation_id: int, *, actor: str | None = None
) -> Change:
    """Soft-delete a span and the links that touch it; ``Change.links`` lists those links."""
    return run_one(
        project, "delete_annotation", coder=coder, annotation_id=annotation_id, actor=actor
    )


@operation
def _delete_annotation(
    s: Session,
    project: Project,
    coder: str,
    annotation_id: int,
    actor: str | None = None,
    expect: Mapping[str, Any] | None = None,
) -> Change:
    check_layer(project, coder, actor)
    row = _own_annotation(s, coder, annotation_id)
    check(expect, annotation_state(row), _span_name(row))
    if row.deleted_at is not None:
        return Change("delete_annotation", row.document_id)
    stamp = now()
    row.deleted_at = stamp
    s.add(row)
    links = s.exec(
        select(LinkRow).where(
            (LinkRow.from_id == annotation_id) | (LinkRow.to_id == annotation_id),
            col(LinkRow.deleted_at).is_(None),
        )
    ).all()
    for link in links:
        link.deleted_at = stamp
        s.add(link)
    _open_for_edit(s, row.document_id, row.coder_id)
    _audit_edit(s, coder, actor, "delete_annotation", row.document_id, "annotation", annotation_id)
    link_ids = tuple(link.id for link in links if link.id is not None)
    undo = step(
        "restore_annotation",
        coder=coder,
        annotation_id=annotation_id,
        link_ids=link_ids,
        actor=actor,
        expect=annotation_state(row),
    )
    return Change(
        "delete_annotation",
        row.document_id,
        (annotation_id,),
        link_ids,
        spans=((row.start, row.end),),
        undo=(undo,),
    )


def restore_annotation(
    project: Project,
    coder: str,
    annotation_id: int,
    link_ids: tuple[int, ...] = (),
    *,
    actor: str | None = None,
) -> Change:
    """Undo of a delete: the same row (and the links deleted with it) come back."""
    return run_one(
        project,
        "restore_annotation",
        coder=coder,
        annotation_id=annotation_id,
        link_ids=tuple(link_ids),
        actor=actor,
    )


@operation(refused="cannot bring the span back: its source span is in gold again")
def _restore_annotation(
    s: Session,
    project: Project,
    coder: str,
    annotation_id: int,
    link_ids: tuple[int, ...] = (),
    actor: str | None = None,
    expect: Mapping[str, Any] | None = None,
) -> Change:
    check_layer(project, coder, actor)
    lock_layer_of(s, annotation_id)
    row = _own_annotation(s, coder, annotation_id)
    check(expect, annotation_state(row), _span_name(row))
    _open_for_edit(s, row.document_id, row.coder_id)
    row.deleted_at = None
    s.add(row)
    s.flush()
    restored: list[int] = []
    kept_out: list[int] = []
    for link_id in link_ids:
        link = s.get(LinkRow, link_id)
        if link is None or link.deleted_at is None:
            continue
        # A role filled again meanwhile keeps its new filler: never more than its max.
        if _role_full(s, project, link) is not None:
            kept_out.append(link_id)
            continue
        link.deleted_at = None
        s.add(link)
        s.flush()
        restored.append(link_id)
    _audit_edit(
        s,
        coder,
        actor,
        "restore_annotation",
        row.document_id,
        "annotation",
        annotation_id,
        **({"links_not_restored": kept_out} if kept_out else {}),
    )
    undo = step(
        "delete_annotation",
        coder=coder,
        annotation_id=annotation_id,
        actor=actor,
        expect=annotation_state(row),
    )
    return Change(
        "restore_annotation",
        row.document_id,
        (annotation_id,),
        tuple(restored),
        spans=((row.start, row.end),),
        undo=(undo,),
    )


def _role_full(s: Session, project: Project, link: LinkRow) -> int | None:
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


def create_link(
    project: Project,
    coder: str,
    from_id: int,
    role: str,
    to_id: int,
    *,
    actor: str | None = None,
) -> Change:
    """Link two of the coder's spans by an event role or a relation, as the codebook allows."""
    return run_one(
        project, "create_link", coder=coder, from_id=from_id, role=role, to_id=to_id, actor=actor
    )


@operation(refused="the role was linked at the same time in another window; try again")
def _create_link(
    s: Session,
    project: Project,
    coder: str,
    from_id: int,
    role: str,
    to_id: int,
    actor: str | None = None,
) -> Change:
    check_layer(project, coder, actor)
    cb = project.codebook
    lock_layer_of(s, from_id)  # the role's fillers are counted, then one is added
    src = _own_annotation(s, coder, from_id)
    dst = _own_annotation(s, coder, to_id)
    if src.deleted_at is not None or dst.deleted_at is not None:
        raise ServiceError("cannot link a deleted annotation")
    if src.document_id != dst.document_id:
        raise ServiceError("cannot link spans of different documents")
    if from_id == to_id:
        raise ServiceError("a span cannot be linked to itself")
    problem = cb.link_error(src.label, role, dst.label)
    if problem:
        raise ServiceError(problem)
    live = (
        select(func.count())
        .select_from(LinkRow)
        .where(LinkRow.from_id == from_id, LinkRow.role == role, col(LinkRow.deleted_at).is_(None))
    )
    duplicate = s.exec(live.where(LinkRow.to_id == to_id)).one()
    if duplicate:
        raise ServiceError(f"{role} is already linked to that span")
    mx = cb.role_max(src.label, role)
    if mx is not None and s.exec(live).one() >= mx:
        raise ServiceError(f"role '{role}' takes at most {mx} span{'s' if mx > 1 else ''}")
    link = LinkRow(
        uid=new_uid("l"),
        document_id=src.document_id,
        coder_id=src.coder_id,
        from_id=from_id,
        role=role,
        to_id=to_id,
    )
    s.add(link)
    s.flush()
    assert link.id is not None
    _open_for_edit(s, src.document_id, src.coder_id)
    _audit_edit(s, coder, actor, "create_link", src.document_id, "link", link.id, role=role)
    undo = step("delete_link", coder=coder, link_id=link.id, actor=actor, expect={"live": True})
    return Change(
        "create_link",
        src.document_id,
        links=(link.id,),
        spans=((src.start, src.end), (dst.start, dst.end)),
        undo=(undo,),
    )


def _own_link(s: Session, coder: str, link_id: int) -> LinkRow:
    link = s.get(LinkRow, link_id)
    if link is None:
        raise ServiceError(f"no link {link_id}")
    owner = s.get(CoderRow, link.coder_id)
    if owner is None or owner.name != coder:
        raise ServiceError(f"link {link_id} belongs to another coder")
    return link


def delete_link(project: Project, coder: str, link_id: int, *, actor: str | None = None) -> Change:
    return run_one(project, "delete_link", coder=coder, link_id=link_id, actor=actor)


@operation
def _delete_link(
    s: Session,
    project: Project,
    coder: str,
    link_id: int,
    actor: str | None = None,
    expect: Mapping[str, Any] | None = None,
) -> Change:
    check_layer(project, coder, actor)
    link = _own_link(s, coder, link_id)
    check(expect, {"live": link.deleted_at is None}, f"the {link.role} link")
    _open_for_edit(s, link.document_id, link.coder_id)
    link.deleted_at = now()
    s.add(link)
    _audit_edit(s, coder, actor, "delete_link", link.document_id, "link", link_id)
    undo = step("restore_link", coder=coder, link_id=link_id, actor=actor, expect={"live": False})
    return Change(
        "delete_link",
        link.document_id,
        links=(link_id,),
        spans=_link_spans(s, link),
        undo=(undo,),
    )


def restore_link(project: Project, coder: str, link_id: int, *, actor: str | None = None) -> Change:
    return run_one(project, "restore_link", coder=coder, link_id=link_id, actor=actor)


@operation(refused="the role changed at the same time in another window; try again")
def _restore_link(
    s: Session,
    project: Project,
    coder: str,
    link_id: int,
    actor: str | None = None,
    expect: Mapping[str, Any] | None = None,
) -> Change:
    check_layer(project, coder, actor)
    layer = s.exec(
        select(LinkRow.document_id, LinkRow.coder_id).where(LinkRow.id == link_id)
    ).first()
    if layer is not None:
        lock_layer(s, layer[0], layer[1])
    link = _own_link(s, coder, link_id)
    check(expect, {"live": link.deleted_at is None}, f"the {link.role} link")
    _open_for_edit(s, link.document_id, link.coder_id)
    full = _role_full(s, project, link) if link.deleted_at is not None else None
    if full is not None:
        raise ServiceError(f"role '{link.role}' is full (at most {full}); remove its filler first")
    for end in (link.from_id, link.to_id):
        ann = s.get(AnnotationRow, end)
        if ann is None or ann.deleted_at is not None:
            raise StaleError("a span of this link was deleted since")
    link.deleted_at = None
    s.add(link)
    _audit_edit(s, coder, actor, "restore_link", link.document_id, "link", link_id)
    undo = step("delete_link", coder=coder, link_id=link_id, actor=actor, expect={"live": True})
    return Change(
        "restore_link",
        link.document_id,
        links=(link_id,),
        spans=_link_spans(s, link),
        undo=(undo,),
    )


def _link_spans(s: Session, link: LinkRow) -> tuple[tuple[int, int], ...]:
    out = []
    for ann_id in (link.from_id, link.to_id):
        ann = s.get(AnnotationRow, ann_id)
        if ann is not None:
            out.append((ann.start, ann.end))
    return tuple(out)


def touch_status(s: Session, document_id: int, coder_row_id: int) -> None:
    """The first edit of a document puts it in progress for that coder (race-safe: a row made
    meanwhile by another writer is kept)."""
    if s.get(DocumentStatus, (document_id, coder_row_id)) is None:
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


def _open_for_edit(s: Session, document_id: int, coder_row_id: int) -> None:
    """Check that the coder may change the document, before anything is written.

    A document marked done is refused until its coder reopens it (an audited status change),
    so "done" always means the layer as it was marked. The first edit of a document puts it in
    progress for that coder. A coder's change after gold was marked done makes that gold
    stale (see docs/team.md): review, ``info`` and ``--done-only`` treat it as not done until
    a reviewer marks it done again.
    """
    # Locked (on PostgreSQL) so a "done" marked meanwhile by another writer is seen.
    row = s.get(
        DocumentStatus,
        (document_id, coder_row_id),
        with_for_update=True,
        populate_existing=True,
    )
    if row is not None and row.status == "done":
        coder = s.get(CoderRow, coder_row_id)
        name = coder.name if coder is not None else "this coder"
        ext_id = _document(s, document_id)[0]
        raise ServiceError(
            f"document {ext_id} is marked done for {name}: reopen it first "
            "(Document → Reopen) to change it"
        )
    if row is None:
        touch_status(s, document_id, coder_row_id)
    gold_id = s.exec(select(CoderRow.id).where(CoderRow.name == GOLD)).first()
    if gold_id is None or gold_id == coder_row_id:
        return
    gold = s.get(
        DocumentStatus, (document_id, gold_id), with_for_update=True, populate_existing=True
    )
    if gold is None or gold.status != "done":
        return
    coder = s.get(CoderRow, coder_row_id)
    name = coder.name if coder is not None else ""
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


def set_status(
    project: Project, coder: str, document_id: int, status: str, *, actor: str | None = None
) -> Change:
    """Mark a document done (refused while required fields are empty) or reopen it."""
    return run_one(
        project, "set_status", coder=coder, document_id=document_id, status=status, actor=actor
    )


@operation
def _set_status(
    s: Session,
    project: Project,
    coder: str,
    document_id: int,
    status: str,
    actor: str | None = None,
    expect: Mapping[str, Any] | None = None,
) -> Change:
    if status not in STATUSES:
        raise ServiceError(f"unknown status {status!r} (one of {', '.join(STATUSES)})")
    check_layer(project, coder, actor)
    ext_id, _ = _document(s, document_id)
    cid = coder_id(s, coder)
    touch_status(s, document_id, cid)  # the row exists (maybe made meanwhile elsewhere)
    row = s.get(DocumentStatus, (document_id, cid), with_for_update=True, populate_existing=True)
    assert row is not None
    before = row.status
    check(expect, {"status": before}, f"the status of document {ext_id}")
    if status == "done":
        missing = missing_required_in(s, project.codebook, coder, document_id)
        if missing:
            first = missing[0]
            raise ServiceError(
                f"{len(missing)} required field(s) empty, first: {first.label} "
                f"'{first.text}' needs {', '.join(first.fields)}"
            )
    row.status = status
    row.updated_at = now()
    s.add(row)
    _audit_edit(s, coder, actor, f"status_{status}", document_id, "document", document_id)
    # taking the status back from a stale gold means in progress
    back = before if before in STATUSES else "in_progress"
    undo = step(
        "set_status",
        coder=coder,
        document_id=document_id,
        status=back,
        actor=actor,
        expect={"status": status},
    )
    return Change("set_status", document_id, status=True, undo=(undo,))


def register_coder(project: Project, name: str) -> Change:
    name = valid_coder_name(name)
    with project.write() as s:
        coder_id(s, name)
    return Change("register_coder")


REVIEWERS_KEY = "reviewers"


def set_reviewers(project: Project, names: list[str]) -> Change:
    """Who may open review mode (the only view of several coders' work); empty: anyone."""
    clean = sorted({valid_coder_name(n) for n in names})
    if GOLD in clean:
        raise ServiceError(f"{GOLD!r} is the adjudicated layer, not a reviewer")
    with project.write() as s:
        row = s.get(ProjectSetting, REVIEWERS_KEY) or ProjectSetting(key=REVIEWERS_KEY)
        row.value = ",".join(clean)
        s.add(row)
        audit(s, "", "set_reviewers", None, reviewers=clean)
    return Change("set_reviewers")


def reviewers(project: Project) -> list[str]:
    value = project.setting(REVIEWERS_KEY)
    return [n for n in value.split(",") if n]


def may_review(project: Project, coder: str) -> bool:
    names = reviewers(project)
    return coder != GOLD and (not names or coder in names)
