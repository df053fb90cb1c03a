"""Use cases: each public function is one user action, one transaction, one ``Change``.

Each is a store operation (``annotator.store.operations``): it returns, in its ``Change``, the
steps that take it back, each expecting the row as the action left it, so an undo runs the
same path as the action and is refused if someone changed the row meanwhile.

Validation against the codebook happens here, before anything is written, so that a bad
request raises ``ServiceError`` with a one-line reason and the database is untouched.

``coder`` is the layer a service writes to; ``actor`` (default: the coder) is who did it, as the
audit trail records it. They differ in review mode, where a reviewer edits the ``gold`` layer by
hand: the audit entry names the reviewer and keeps the layer in its ``detail``.

Spans and statuses are here, links in ``annotator.store.links`` and the rules every edit checks
in ``annotator.store.rules``; this module re-exports both, so callers need only ``services``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import insert, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session

from annotator.core.change import Change
from annotator.core.records import GOLD, Annotation
from annotator.store import one_statement
from annotator.store.engine import Project, known_facts
from annotator.store.errors import ServiceError
from annotator.store.links import create_link, delete_link, restore_link
from annotator.store.locks import lock_layer_of
from annotator.store.operations import check, operation, run_one, step, wrote
from annotator.store.queries import missing_required_in
from annotator.store.rules import (
    ANNOTATION,
    LINK,
    REVIEWERS_KEY,
    STALE,
    STATUS,
    STATUSES,
    annotation_state,
    audit,
    audit_edit,
    check_layer,
    check_span,
    clean_attributes,
    coder_id,
    core,
    document_of,
    edited_span,
    forget,
    insert_new,
    may_review,
    new_uid,
    open_for_edit,
    own_annotation,
    own_span,
    require_reviewer,
    reviewers,
    role_full,
    span_name,
    span_state,
    touch_status,
    valid_coder_name,
)
from annotator.store.tables import AnnotationRow, DocumentStatus, LinkRow, ProjectSetting, now


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
    attributes = dict(attributes or {})
    quick = one_statement.create_annotation(
        project,
        coder,
        document_id,
        label,
        start,
        end,
        attributes,
        note,
        source_uid,
        actor,
        suggested,
    )
    if quick is not None:
        return quick
    return run_one(
        project,
        "create_annotation",
        coder=coder,
        document_id=document_id,
        label=label,
        start=start,
        end=end,
        attributes=attributes,
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
    doc = document_of(s, document_id)
    check_span(doc, start, end)
    cid = coder_id(s, coder)
    # the status rows first, then the span: the order every edit takes its locks in
    open_for_edit(s, document_id, cid)
    uid = new_uid("a")
    stamp = now()
    ann_id: int = (
        core(s)
        .execute(
            insert(ANNOTATION).returning(ANNOTATION.c.id),
            {
                "uid": uid,
                "document_id": document_id,
                "coder_id": cid,
                "label": label,
                "start": start,
                "end": end,
                "attributes": attrs,
                "note": note,
                "codebook_version": cb.version,
                "source_uid": source_uid,
                "created_at": stamp,
                "updated_at": stamp,
            },
        )
        .scalar_one()
    )
    known_facts(s)[1].layers[ann_id] = (document_id, cid)  # kept once committed
    wrote(
        s,
        AnnotationRow,
        ann_id,
        Annotation(
            ann_id,
            uid,
            document_id,
            coder,
            label,
            start,
            end,
            dict(attrs),
            note,
            cb.version,
            source_uid,
        ),
    )
    action = "accept_suggestion" if suggested else "create_annotation"
    audit_edit(s, coder, actor, action, document_id, "annotation", ann_id, label=label)
    state = span_state(label, start, end, attrs, note, live=True)
    undo = step("delete_annotation", coder=coder, annotation_id=ann_id, actor=actor, expect=state)
    return Change("create_annotation", document_id, (ann_id,), spans=((start, end),), undo=(undo,))


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
    quick = one_statement.update_annotation(
        project,
        coder,
        annotation_id,
        label,
        start,
        end,
        attributes,
        note,
        replace_attributes,
        actor,
    )
    if quick is not None:
        return quick
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
    row = own_span(s, coder, annotation_id)
    before = annotation_state(row)
    check(expect, before, span_name(row))
    if row.deleted_at is not None:
        raise ServiceError(f"annotation {annotation_id} was deleted")
    after = edited_span(
        cb,
        row,
        lambda: document_of(s, row.document_id),
        label=label,
        start=start,
        end=end,
        attributes=attributes,
        note=note,
        replace_attributes=replace_attributes,
    )
    # only the columns that change, as the ORM's flush wrote them (a concurrent edit of another
    # column by another window is kept), and the time of the edit
    values = {k: v for k, v in after.items() if getattr(row, k) != v}
    open_for_edit(s, row.document_id, row.coder_id)  # the status rows before the span
    core(s).execute(
        update(ANNOTATION)
        .where(ANNOTATION.c.id == annotation_id)
        .values(**values, updated_at=now())
    )
    record, undo, spans = one_statement.edit_made(coder, row, after, actor)
    wrote(s, AnnotationRow, annotation_id, record)
    audit_edit(s, coder, actor, "update_annotation", row.document_id, "annotation", annotation_id)
    return Change("update_annotation", row.document_id, (annotation_id,), spans=spans, undo=(undo,))


def delete_annotation(
    project: Project, coder: str, annotation_id: int, *, actor: str | None = None
) -> Change:
    """Soft-delete a span and the links that touch it; ``Change.links`` lists those links."""
    quick = one_statement.delete_annotation(project, coder, annotation_id, actor)
    if quick is not None:
        return quick
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
    row = own_span(s, coder, annotation_id)
    check(expect, annotation_state(row), span_name(row))
    if row.deleted_at is not None:
        return Change("delete_annotation", row.document_id)
    open_for_edit(s, row.document_id, row.coder_id)  # the status rows before the span
    stamp = now()
    conn = core(s)
    conn.execute(
        update(ANNOTATION).where(ANNOTATION.c.id == annotation_id).values(deleted_at=stamp)
    )
    wrote(s, AnnotationRow, annotation_id, None)
    # the live links touching it, deleted with it in one statement
    link_ids = tuple(
        sorted(
            conn.execute(
                update(LINK)
                .where(
                    or_(LINK.c.from_id == annotation_id, LINK.c.to_id == annotation_id),
                    LINK.c.deleted_at.is_(None),
                )
                .values(deleted_at=stamp)
                .returning(LINK.c.id)
            ).scalars()
        )
    )
    for link_id in link_ids:
        wrote(s, LinkRow, link_id, None)
    audit_edit(s, coder, actor, "delete_annotation", row.document_id, "annotation", annotation_id)
    span = (row.label, row.start, row.end, row.attributes, row.note)
    return one_statement.deletion_made(coder, annotation_id, row.document_id, span, link_ids, actor)


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
    row = own_annotation(s, coder, annotation_id)
    check(expect, annotation_state(row), span_name(row))
    open_for_edit(s, row.document_id, row.coder_id)
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
        if role_full(s, project, link) is not None:
            kept_out.append(link_id)
            continue
        link.deleted_at = None
        s.add(link)
        s.flush()
        restored.append(link_id)
    audit_edit(
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


def set_status(
    project: Project, coder: str, document_id: int, status: str, *, actor: str | None = None
) -> Change:
    """Mark a document done (refused while required fields are empty) or reopen it."""
    quick = one_statement.set_status(project, coder, document_id, status, actor)
    if quick is not None:
        return quick
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
    ext_id, _ = document_of(s, document_id)
    cid = coder_id(s, coder)
    conn = core(s)
    held = (
        sa_select(STATUS.c.status)
        .where(STATUS.c.document_id == document_id, STATUS.c.coder_id == cid)
        .with_for_update()
    )
    before = conn.execute(held).scalar()
    if before is None:  # the first status of this layer (maybe made meanwhile elsewhere)
        touch_status(s, document_id, cid, exists=False)
        before = conn.execute(held).scalar_one()
    check(expect, {"status": before}, f"the status of document {ext_id}")
    if status == "done":
        missing = missing_required_in(s, project.codebook, coder, document_id)
        if missing:
            first = missing[0]
            raise ServiceError(
                f"{len(missing)} required field(s) empty, first: {first.label} "
                f"'{first.text}' needs {', '.join(first.fields)}"
            )
    conn.execute(
        update(STATUS)
        .where(STATUS.c.document_id == document_id, STATUS.c.coder_id == cid)
        .values(status=status, updated_at=now())
    )
    forget(s, DocumentStatus, (document_id, cid))
    audit_edit(s, coder, actor, f"status_{status}", document_id, "document", document_id)
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


__all__ = [  # the services, and the rules and links re-exported for callers of ``services``
    "REVIEWERS_KEY",
    "STALE",
    "STATUSES",
    "ServiceError",
    "annotation_state",
    "audit",
    "check_layer",
    "clean_attributes",
    "coder_id",
    "create_annotation",
    "create_link",
    "delete_annotation",
    "delete_link",
    "insert_new",
    "may_review",
    "new_uid",
    "register_coder",
    "require_reviewer",
    "restore_annotation",
    "restore_link",
    "reviewers",
    "set_reviewers",
    "set_status",
    "touch_status",
    "update_annotation",
    "valid_coder_name",
]
