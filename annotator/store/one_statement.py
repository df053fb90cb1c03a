"""A coder's own span created, edited or deleted in one statement (PostgreSQL).

The transactional path of such an edit (``annotator.store.services``) costs BEGIN, four or five
statements and COMMIT, each a round trip, and the building of each statement. On a server, where
many coders write at once, that is most of the work an edit costs the coder's program and the
server. Here the common case is one statement the server runs as a transaction of its own: it
takes the locks the transactional path takes, in the same order (the document's lock shared,
then the coder's and gold's status rows, shared as it only reads them, then the span), and
writes the span, the first-edit status row and the audit entry only if neither status row
says "done".

Only the common case: a coder's edit of their own layer (not gold, not a reviewer's hand) whose
document and coder row the project already knows. When that is not so, or when the statement
finds the document done for the coder or gold done (a refusal, or gold made stale), or the span
gone, it writes nothing and returns None, and the service runs the transactional path, which
refuses with its own message or does the rarer work. So what these statements check is only
"everything is as usual"; the rules and their messages stay in one place.

The statements are the driver's own text, built once: no SQLAlchemy statement is constructed or
compiled per edit. SQLite keeps the transactional path (its writers take turns anyway).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from annotator.core.change import Change, Step
from annotator.core.codebook import Codebook
from annotator.core.records import GOLD, Annotation, Link
from annotator.store.engine import Project
from annotator.store.errors import ConflictError, ServiceError
from annotator.store.locks import document_key, layer_key
from annotator.store.operations import step
from annotator.store.rules import (
    STATUSES,
    already_linked,
    check_span,
    clean_attributes,
    edited_span,
    new_uid,
    role_taken,
    span_state,
)
from annotator.store.tables import now

# The coder's and gold's status rows of the document, locked in coder order once the document's
# lock is held shared (as ``rules.open_for_edit`` takes them), and whether the edit may go on.
# Shared: the statement only reads them, so coders editing one document at once do not wait for
# each other on gold's row; a writer that changes a status row (a status set, gold marked done
# or made stale, a unit reopened) locks it for update and waits for the edits under way. A row
# locked is read as last committed, so a "done" committed meanwhile is seen.
_OPEN = """
held AS MATERIALIZED (
  SELECT coder_id, status FROM document_status
  WHERE document_id = %(doc)s
    AND (coder_id = %(coder)s OR coder_id = (SELECT id FROM coder WHERE name = %(gold)s))
    AND (SELECT 1 FROM (SELECT pg_advisory_xact_lock_shared(%(key)s)) AS shared) = 1
  ORDER BY coder_id
  FOR SHARE),
usual AS (SELECT NOT EXISTS (SELECT 1 FROM held WHERE status = 'done') AS ok)"""


def _record(written: str, entity: str) -> str:
    """The first edit of a document puts it in progress for the coder (a row made meanwhile by
    another writer is kept), and the audit entry; both only when the row was written (the CTE
    ``written``, returning its id)."""
    return f"""
started AS (
  INSERT INTO document_status (document_id, coder_id, status, note, updated_at)
  SELECT %(doc)s, %(coder)s, 'in_progress', '', %(now)s FROM {written}
  WHERE NOT EXISTS (SELECT 1 FROM held WHERE coder_id = %(coder)s)
  ON CONFLICT (document_id, coder_id) DO NOTHING),
audited AS (
  INSERT INTO audit (at, coder, action, document_id, entity, entity_id, detail)
  SELECT %(now)s, %(who)s, %(action)s, %(doc)s, '{entity}', {written}.id, %(detail)s
  FROM {written})"""


_RECORD = _record("span", "annotation")

_CREATE = f"""WITH {_OPEN},
span AS (
  INSERT INTO annotation (uid, document_id, coder_id, label, start, "end", attributes, note,
                          codebook_version, source_uid, created_at, updated_at)
  SELECT %(uid)s, %(doc)s, %(coder)s, %(label)s, %(start)s, %(end)s, %(attributes)s, %(note)s,
         %(version)s, %(source)s, %(now)s, %(now)s
  FROM usual WHERE usual.ok
  RETURNING id),
{_RECORD}
SELECT id FROM span"""

# the columns an edit may change, as the statement sets them
_SETS = {
    "label": "label = %(label)s",
    "start": "start = %(start)s",
    "end": '"end" = %(end)s',
    "attributes": "attributes = %(attributes)s",
    "note": "note = %(note)s",
    "codebook_version": "codebook_version = %(version)s",
}


def _update_sql(columns: frozenset[str]) -> str:
    sets = ", ".join([_SETS[c] for c in _SETS if c in columns] + ["updated_at = %(now)s"])
    return f"""WITH {_OPEN},
span AS (
  UPDATE annotation SET {sets}
  WHERE id = %(id)s AND coder_id = %(coder)s AND deleted_at IS NULL
    AND (SELECT ok FROM usual)
  RETURNING id),
{_RECORD}
SELECT id FROM span"""


# the statement for each set of changed columns, built once
_UPDATES = {
    cols: _update_sql(cols)
    for cols in (
        frozenset(c for i, c in enumerate(_SETS) if n >> i & 1) for n in range(1 << len(_SETS))
    )
}

# the links touching the span go with it, in the same statement
_DELETE = f"""WITH {_OPEN},
span AS (
  UPDATE annotation SET deleted_at = %(now)s
  WHERE id = %(id)s AND coder_id = %(coder)s AND deleted_at IS NULL
    AND (SELECT ok FROM usual)
  RETURNING id, label, start, "end", attributes, note),
links AS (
  UPDATE link SET deleted_at = %(now)s
  WHERE (from_id = %(id)s OR to_id = %(id)s) AND deleted_at IS NULL
    AND EXISTS (SELECT 1 FROM span)
  RETURNING id),
{_RECORD}
SELECT span.label, span.start, span."end", span.attributes, span.note,
       (SELECT coalesce(array_agg(links.id ORDER BY links.id), '{{}}') FROM links)
FROM span"""

# run once the layer's lock is held (``locks.lock_layer``): the fillers it counts are then all
# committed ones. Both spans live, in the coder's layer of the document, their labels a pair
# the role allows (``allowed``: from label, to label, the role's most fillers or NULL).
_LINK = f"""WITH {_OPEN},
ends AS (
  SELECT f.start AS from_start, f."end" AS from_end, t.start AS to_start, t."end" AS to_end,
         allowed.most
  FROM annotation f
  JOIN annotation t ON t.id = %(to)s AND t.document_id = f.document_id
    AND t.coder_id = f.coder_id AND t.deleted_at IS NULL
  JOIN unnest(CAST(%(from_labels)s AS text[]), CAST(%(to_labels)s AS text[]),
              CAST(%(most)s AS integer[])) AS allowed (from_label, to_label, most)
    ON allowed.from_label = f.label AND allowed.to_label = t.label
  WHERE f.id = %(from)s AND f.document_id = %(doc)s AND f.coder_id = %(coder)s
    AND f.deleted_at IS NULL),
fillers AS (
  SELECT count(*) AS n, count(*) FILTER (WHERE to_id = %(to)s) AS twice FROM link
  WHERE from_id = %(from)s AND role = %(role)s AND deleted_at IS NULL),
made AS (
  INSERT INTO link (uid, document_id, coder_id, from_id, role, to_id, created_at)
  SELECT %(uid)s, %(doc)s, %(coder)s, %(from)s, %(role)s, %(to)s, %(now)s
  FROM usual, ends, fillers
  WHERE usual.ok AND fillers.twice = 0 AND (ends.most IS NULL OR fillers.n < ends.most)
  RETURNING id),
{_record("made", "link")}
SELECT (SELECT id FROM made), usual.ok AND ends.from_start IS NOT NULL, fillers.twice > 0,
       fillers.n, ends.most, ends.from_start, ends.from_end, ends.to_start, ends.to_end
FROM usual CROSS JOIN fillers LEFT JOIN ends ON true"""

_LAYER_LOCK = "SELECT pg_advisory_xact_lock(%(layer)s)"

# a status the coder's layer already has, changed: the row locked, changed and audited
_STATUS = """WITH held AS MATERIALIZED (
  SELECT status FROM document_status
  WHERE document_id = %(doc)s AND coder_id = %(coder)s
  FOR UPDATE),
changed AS (
  UPDATE document_status SET status = %(status)s, updated_at = %(now)s
  WHERE document_id = %(doc)s AND coder_id = %(coder)s AND EXISTS (SELECT 1 FROM held)
  RETURNING document_id AS id),
audited AS (
  INSERT INTO audit (at, coder, action, document_id, entity, entity_id, detail)
  SELECT %(now)s, %(who)s, %(action)s, %(doc)s, 'document', %(doc)s, %(detail)s FROM changed)
SELECT status FROM held"""

_DOCUMENT = "SELECT ext_id, length FROM document WHERE id = %(doc)s"

_SPAN = """SELECT id, uid, document_id, coder_id, label, start, "end", attributes, note,
       codebook_version, source_uid, deleted_at
FROM annotation WHERE id = %(id)s"""


def _usual(project: Project, coder: str, actor: str | None) -> int | None:
    """The coder's row id when an edit by ``actor`` may take the one-statement path."""
    if project.is_sqlite or coder == GOLD or (actor is not None and actor != coder):
        return None
    return project.known.coders.get(coder)


def _document(project: Project, document_id: int) -> tuple[str, int]:
    """A document's external id and length, read once per project (they never change)."""
    known = project.known.documents.get(document_id)
    if known is None:
        row = project.statement(_DOCUMENT, {"doc": document_id})
        if row is None:
            raise ServiceError(f"no document {document_id}")
        known = project.known.documents[document_id] = (row[0], row[1])
    return known


def _layer(project: Project, annotation_id: int) -> tuple[int, int] | None:
    """The document and coder row of a span (never change), read once per project; None for
    no such span."""
    layer = project.known.layers.get(annotation_id)
    if layer is None:
        row = project.statement(_SPAN, {"id": annotation_id})
        if row is None:
            return None
        layer = project.known.layers[annotation_id] = (row.document_id, row.coder_id)
    return layer


def edit_made(
    coder: str, row: Any, after: Mapping[str, Any], actor: str | None
) -> tuple[Annotation, Step, tuple[tuple[int, int], ...]]:
    """What an edit of the span ``row`` to ``after`` (``rules.edited_span``) made, for its
    Change (either path): the span's record as it is now, the undo step, the places to
    repaint."""
    record = Annotation(
        row.id,
        row.uid,
        row.document_id,
        coder,
        after["label"],
        after["start"],
        after["end"],
        dict(after["attributes"]),
        after["note"],
        after["codebook_version"],
        row.source_uid,
    )
    undo = step(
        "update_annotation",
        coder=coder,
        annotation_id=row.id,
        label=row.label,
        start=row.start,
        end=row.end,
        attributes=dict(row.attributes),
        note=row.note,
        replace_attributes=True,
        actor=actor,
        expect=span_state(
            after["label"],
            after["start"],
            after["end"],
            after["attributes"],
            after["note"],
            live=True,
        ),
    )
    old, new = (row.start, row.end), (after["start"], after["end"])
    return record, undo, ((old, new) if old != new else (old,))


def _parameters(coder: str, coder_row: int, doc: int) -> dict[str, Any]:
    return {
        "doc": doc,
        "coder": coder_row,
        "gold": GOLD,
        "key": document_key(doc),
        "now": now(),
        "who": coder,
        "detail": "{}",
    }


def create_annotation(
    project: Project,
    coder: str,
    document_id: int,
    label: str,
    start: int,
    end: int,
    attributes: Mapping[str, Any],
    note: str,
    source_uid: str,
    actor: str | None,
    suggested: bool,
) -> Change | None:
    """``services.create_annotation`` in one statement, or None: take the transactional path."""
    coder_row = _usual(project, coder, actor)
    cb = project.codebook
    if coder_row is None or cb.label(label) is None:
        return None
    doc = _document(project, document_id)
    attrs = clean_attributes(attributes)
    if cb.attribute_errors(label, attrs):
        return None
    check_span(doc, start, end)  # the same refusal the transactional path gives
    uid = new_uid("a")
    action = "accept_suggestion" if suggested else "create_annotation"
    row = project.statement(
        _CREATE,
        _parameters(coder, coder_row, document_id)
        | {
            "uid": uid,
            "label": label,
            "start": start,
            "end": end,
            "attributes": json.dumps(attrs),
            "note": note,
            "version": cb.version,
            "source": source_uid,
            "action": action,
            "detail": json.dumps({"label": label}),
        },
    )
    if row is None:
        return None
    ann_id: int = row[0]
    project.known.layers[ann_id] = (document_id, coder_row)
    record = Annotation(
        ann_id, uid, document_id, coder, label, start, end, attrs, note, cb.version, source_uid
    )
    state = span_state(label, start, end, attrs, note, live=True)
    undo = step("delete_annotation", coder=coder, annotation_id=ann_id, actor=actor, expect=state)
    return Change(
        "create_annotation",
        document_id,
        (ann_id,),
        spans=((start, end),),
        undo=(undo,),
        rows=(record,),
    )


def update_annotation(
    project: Project,
    coder: str,
    annotation_id: int,
    label: str | None,
    start: int | None,
    end: int | None,
    attributes: Mapping[str, Any] | None,
    note: str | None,
    replace_attributes: bool,
    actor: str | None,
) -> Change | None:
    """``services.update_annotation``: the span read, then one statement; or None."""
    coder_row = _usual(project, coder, actor)
    if coder_row is None:
        return None
    row = project.statement(_SPAN, {"id": annotation_id})
    if row is None or row.coder_id != coder_row or row.deleted_at is not None:
        return None
    project.known.layers[annotation_id] = (row.document_id, coder_row)
    cb = project.codebook
    after = edited_span(
        cb,
        row,
        lambda: _document(project, row.document_id),
        label=label,
        start=start,
        end=end,
        attributes=attributes,
        note=note,
        replace_attributes=replace_attributes,
    )
    changed = frozenset(k for k, v in after.items() if getattr(row, k) != v)
    done = project.statement(
        _UPDATES[changed],
        _parameters(coder, coder_row, row.document_id)
        | {
            "id": annotation_id,
            "label": after["label"],
            "start": after["start"],
            "end": after["end"],
            "attributes": json.dumps(after["attributes"]),
            "note": after["note"],
            "version": cb.version,
            "action": "update_annotation",
        },
    )
    if done is None:
        return None
    record, undo, spans = edit_made(coder, row, after, actor)
    return Change(
        "update_annotation",
        row.document_id,
        (annotation_id,),
        spans=spans,
        undo=(undo,),
        rows=(record,),
    )


def delete_annotation(
    project: Project, coder: str, annotation_id: int, actor: str | None
) -> Change | None:
    """``services.delete_annotation`` in one statement (two when the project does not know the
    span's document yet), or None."""
    coder_row = _usual(project, coder, actor)
    if coder_row is None:
        return None
    layer = _layer(project, annotation_id)
    if layer is None or layer[1] != coder_row:
        return None
    document_id = layer[0]
    done = project.statement(
        _DELETE,
        _parameters(coder, coder_row, document_id)
        | {"id": annotation_id, "action": "delete_annotation"},
    )
    if done is None:
        return None
    label, start, end, attributes, note, links = done
    return deletion_made(
        coder, annotation_id, document_id, (label, start, end, attributes, note), links, actor
    )


def deletion_made(
    coder: str,
    annotation_id: int,
    document_id: int,
    span: tuple[str, int, int, Mapping[str, Any], str],
    link_ids: tuple[int, ...] | list[int],
    actor: str | None,
) -> Change:
    """The Change of a span deleted with its links (either path): ``span`` is the deleted
    span's label, start, end, attributes and note; its undo brings span and links back."""
    label, start, end, attributes, note = span
    links = tuple(link_ids)
    undo = step(
        "restore_annotation",
        coder=coder,
        annotation_id=annotation_id,
        link_ids=links,
        actor=actor,
        expect=span_state(label, start, end, attributes, note, live=False),
    )
    return Change(
        "delete_annotation",
        document_id,
        (annotation_id,),
        links,
        spans=((start, end),),
        undo=(undo,),
    )


def create_link(
    project: Project, coder: str, from_id: int, role: str, to_id: int, actor: str | None
) -> Change | None:
    """``services.create_link``: the layer's lock and one statement, in one transaction sent
    as one round trip (the span's document read first when the project does not know it);
    or None."""
    coder_row = _usual(project, coder, actor)
    if coder_row is None or from_id == to_id:
        return None
    layer = _layer(project, from_id)
    if layer is None or layer[1] != coder_row:
        return None
    doc = layer[0]
    froms, tos, most = _allowed(project.codebook, role)
    uid = new_uid("l")
    parameters = _parameters(coder, coder_row, doc) | {
        "uid": uid,
        "from": from_id,
        "to": to_id,
        "role": role,
        "from_labels": froms,
        "to_labels": tos,
        "most": most,
        "action": "create_link",
        "detail": json.dumps({"role": role}),
    }
    try:
        made = project.statements(
            (_LAYER_LOCK, {"layer": layer_key(doc, coder_row)}), (_LINK, parameters)
        )
    except ConflictError:  # the database's own rule: the transactional path words it
        return None
    link_id, usual, twice, fillers, full_at, *places = made
    if link_id is None:
        if not usual:  # done, a span gone, a pair the role does not take: words elsewhere
            return None
        if twice:
            raise ServiceError(already_linked(role))
        if full_at is not None and fillers >= full_at:
            raise ServiceError(role_taken(role, full_at))
        return None
    from_start, from_end, to_start, to_end = places
    undo = step("delete_link", coder=coder, link_id=link_id, actor=actor, expect={"live": True})
    return Change(
        "create_link",
        doc,
        links=(link_id,),
        spans=((from_start, from_end), (to_start, to_end)),
        undo=(undo,),
        link_rows=(Link(link_id, uid, doc, coder, from_id, role, to_id),),
    )


_ALLOWED: dict[tuple[int, str], tuple[Codebook, tuple[list[str], list[str], list[int | None]]]]
_ALLOWED = {}


def _allowed(cb: Codebook, role: str) -> tuple[list[str], list[str], list[int | None]]:
    """The label pairs ``role`` links, as the codebook says (``Codebook.link_error``), and the
    role's most fillers for each: three columns. Worked out once per codebook and role."""
    key = (id(cb), role)
    kept = _ALLOWED.get(key)
    if kept is not None and kept[0] is cb:
        return kept[1]
    names = [label.name for label in cb.labels]
    pairs = [(f, t) for f in names for t in names if cb.link_error(f, role, t) is None]
    columns = (
        [f for f, _ in pairs],
        [t for _, t in pairs],
        [cb.role_max(f, role) for f, _ in pairs],
    )
    if len(_ALLOWED) > 100:  # codebooks of projects long closed
        _ALLOWED.clear()
    _ALLOWED[key] = (cb, columns)
    return columns


def set_status(
    project: Project, coder: str, document_id: int, status: str, actor: str | None
) -> Change | None:
    """``services.set_status`` back to in progress, on a layer that has a status already, in
    one statement; or None (marking done checks the required fields first: transactional)."""
    coder_row = _usual(project, coder, actor)
    if coder_row is None or status != "in_progress":
        return None
    before = project.statement(
        _STATUS,
        _parameters(coder, coder_row, document_id)
        | {"status": status, "action": f"status_{status}"},
    )
    if before is None:
        return None
    back = before[0] if before[0] in STATUSES else "in_progress"
    undo = step(
        "set_status",
        coder=coder,
        document_id=document_id,
        status=back,
        actor=actor,
        expect={"status": status},
    )
    return Change("set_status", document_id, status=True, undo=(undo,))
