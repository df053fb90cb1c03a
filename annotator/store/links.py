"""Links between a coder's spans: an event's roles filled, relations between spans. Each is a
store operation returning its own undo (``annotator.store.operations``); the public functions
are re-exported by ``annotator.store.services``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import bindparam, func, insert, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from annotator.core.change import Change
from annotator.core.records import Link
from annotator.store import one_statement
from annotator.store.engine import Project
from annotator.store.errors import ServiceError, StaleError
from annotator.store.locks import lock_layer, lock_layer_of
from annotator.store.operations import check, operation, run_one, step, wrote
from annotator.store.rules import (
    ANNOTATION,
    LINK,
    AnyRow,
    already_linked,
    audit_edit,
    check_layer,
    check_owner,
    core,
    new_uid,
    open_for_edit,
    role_full,
    role_taken,
)
from annotator.store.tables import AnnotationRow, LinkRow, now


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
    quick = one_statement.create_link(project, coder, from_id, role, to_id, actor)
    if quick is not None:
        return quick
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
    # both spans, with the role's live fillers and whether ``to_id`` is one of them, in one
    # statement (read once the layer is held)
    filling = (LINK.c.from_id == from_id, LINK.c.role == role, LINK.c.deleted_at.is_(None))
    fillers = sa_select(func.count()).where(*filling).scalar_subquery()
    duplicate = sa_select(func.count()).where(*filling, LINK.c.to_id == to_id).scalar_subquery()
    both = {
        r.id: r
        for r in core(s).execute(
            sa_select(
                ANNOTATION.c.id,
                ANNOTATION.c.document_id,
                ANNOTATION.c.coder_id,
                ANNOTATION.c.label,
                ANNOTATION.c.start,
                ANNOTATION.c.end,
                ANNOTATION.c.deleted_at,
                fillers.label("fillers"),
                duplicate.label("duplicate"),
            ).where(ANNOTATION.c.id.in_([from_id, to_id]))
        )
    }
    src, dst = _own(s, coder, both, from_id), _own(s, coder, both, to_id)
    if src.deleted_at is not None or dst.deleted_at is not None:
        raise ServiceError("cannot link a deleted annotation")
    if src.document_id != dst.document_id:
        raise ServiceError("cannot link spans of different documents")
    if from_id == to_id:
        raise ServiceError("a span cannot be linked to itself")
    problem = cb.link_error(src.label, role, dst.label)
    if problem:
        raise ServiceError(problem)
    if src.duplicate:
        raise ServiceError(already_linked(role))
    mx = cb.role_max(src.label, role)
    if mx is not None and src.fillers >= mx:
        raise ServiceError(role_taken(role, mx))
    uid = new_uid("l")
    link_id: int = (
        core(s)
        .execute(
            insert(LINK).returning(LINK.c.id),
            {
                "uid": uid,
                "document_id": src.document_id,
                "coder_id": src.coder_id,
                "from_id": from_id,
                "role": role,
                "to_id": to_id,
                "created_at": now(),
            },
        )
        .scalar_one()
    )
    wrote(s, LinkRow, link_id, Link(link_id, uid, src.document_id, coder, from_id, role, to_id))
    open_for_edit(s, src.document_id, src.coder_id)
    audit_edit(s, coder, actor, "create_link", src.document_id, "link", link_id, role=role)
    undo = step("delete_link", coder=coder, link_id=link_id, actor=actor, expect={"live": True})
    return Change(
        "create_link",
        src.document_id,
        links=(link_id,),
        spans=((src.start, src.end), (dst.start, dst.end)),
        undo=(undo,),
    )


def _own(s: Session, coder: str, both: dict[int, AnyRow], annotation_id: int) -> AnyRow:
    """One of a link's two spans read together (``own_annotation`` without a round trip)."""
    row = both.get(annotation_id)
    if row is None:
        raise ServiceError(f"no annotation {annotation_id}")
    check_owner(s, coder, row.coder_id, f"annotation {annotation_id}")
    return row


def own_link(s: Session, coder: str, link_id: int) -> LinkRow:
    link = s.get(LinkRow, link_id)
    if link is None:
        raise ServiceError(f"no link {link_id}")
    check_owner(s, coder, link.coder_id, f"link {link_id}")
    return link


def delete_link(project: Project, coder: str, link_id: int, *, actor: str | None = None) -> Change:
    return run_one(project, "delete_link", coder=coder, link_id=link_id, actor=actor)


_FROM, _TO = ANNOTATION.alias("from_span"), ANNOTATION.alias("to_span")
_LINK_WITH_SPANS = (
    sa_select(
        LINK.c.document_id,
        LINK.c.coder_id,
        LINK.c.role,
        LINK.c.deleted_at,
        _FROM.c.start.label("from_start"),
        _FROM.c.end.label("from_end"),
        _TO.c.start.label("to_start"),
        _TO.c.end.label("to_end"),
    )
    .select_from(
        LINK.outerjoin(_FROM, _FROM.c.id == LINK.c.from_id).outerjoin(_TO, _TO.c.id == LINK.c.to_id)
    )
    .where(LINK.c.id == bindparam("link_id"))
)


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
    # the link with its two spans' places (to repaint), in one statement
    link = core(s).execute(_LINK_WITH_SPANS, {"link_id": link_id}).first()
    if link is None:
        raise ServiceError(f"no link {link_id}")
    check_owner(s, coder, link.coder_id, f"link {link_id}")
    check(expect, {"live": link.deleted_at is None}, f"the {link.role} link")
    open_for_edit(s, link.document_id, link.coder_id)
    core(s).execute(update(LINK).where(LINK.c.id == link_id).values(deleted_at=now()))
    wrote(s, LinkRow, link_id, None)
    audit_edit(s, coder, actor, "delete_link", link.document_id, "link", link_id)
    undo = step("restore_link", coder=coder, link_id=link_id, actor=actor, expect={"live": False})
    spans = tuple(
        (a, b)
        for a, b in ((link.from_start, link.from_end), (link.to_start, link.to_end))
        if a is not None
    )
    return Change("delete_link", link.document_id, links=(link_id,), spans=spans, undo=(undo,))


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
    link = own_link(s, coder, link_id)
    check(expect, {"live": link.deleted_at is None}, f"the {link.role} link")
    open_for_edit(s, link.document_id, link.coder_id)
    full = role_full(s, project, link) if link.deleted_at is not None else None
    if full is not None:
        raise ServiceError(f"role '{link.role}' is full (at most {full}); remove its filler first")
    for end in (link.from_id, link.to_id):
        ann = s.get(AnnotationRow, end)
        if ann is None or ann.deleted_at is not None:
            raise StaleError("a span of this link was deleted since")
    link.deleted_at = None
    s.add(link)
    audit_edit(s, coder, actor, "restore_link", link.document_id, "link", link_id)
    undo = step("delete_link", coder=coder, link_id=link_id, actor=actor, expect={"live": True})
    return Change(
        "restore_link",
        link.document_id,
        links=(link_id,),
        spans=link_spans(s, link),
        undo=(undo,),
    )


def link_spans(s: Session, link: LinkRow) -> tuple[tuple[int, int], ...]:
    out = []
    for ann_id in (link.from_id, link.to_id):
        ann = s.get(AnnotationRow, ann_id)
        if ann is not None:
            out.append((ann.start, ann.end))
    return tuple(out)
