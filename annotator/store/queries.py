"""Read-side queries: rows come back as the plain records of ``annotator.core.records``."""
# (No "from __future__ import annotations" here: this module defines a function of that name.)

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Text, bindparam, func
from sqlalchemy import cast as sa_cast
from sqlalchemy import select as sa_select
from sqlalchemy import text as sa_text
from sqlmodel import Session, col, select

from annotator.core.codebook import Codebook
from annotator.core.records import Annotation, Document, Link
from annotator.store.engine import Project, known_facts
from annotator.store.rules import ANNOTATION, CODER, SPAN_COLUMNS, coder_names
from annotator.store.tables import (
    AnnotationRow,
    Assignment,
    CoderRow,
    DocumentRow,
    DocumentStatus,
    LinkRow,
)


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    id: int
    ext_id: str
    title: str
    length: int
    status: str  # not_started | in_progress | done (for the coder asked about)
    n_annotations: int


@dataclass(frozen=True, slots=True)
class MissingField:
    annotation_id: int
    label: str
    text: str
    start: int
    fields: tuple[str, ...]


def to_document(row: DocumentRow) -> Document:
    assert row.id is not None
    return Document(
        id=row.id,
        ext_id=row.ext_id,
        text=row.text,
        title=row.title,
        source=row.source,
        url=row.url,
        published=row.published,
        language=row.language,
        metadata=dict(row.meta or {}),
        sha256=row.sha256,
    )


def to_annotation(row: AnnotationRow, coder: str) -> Annotation:
    assert row.id is not None
    return Annotation(
        id=row.id,
        uid=row.uid,
        document_id=row.document_id,
        coder=coder,
        label=row.label,
        start=row.start,
        end=row.end,
        attributes=dict(row.attributes or {}),
        note=row.note,
        codebook_version=row.codebook_version,
        source_uid=row.source_uid,
    )


def to_link(row: LinkRow, coder: str) -> Link:
    assert row.id is not None
    return Link(row.id, row.uid, row.document_id, coder, row.from_id, row.role, row.to_id)


def coders(project: Project) -> list[str]:
    with project.read() as s:
        return list(s.exec(select(CoderRow.name).order_by(col(CoderRow.name))).all())


def coder_ids(s: Session, names: Iterable[str] | None) -> dict[int, str]:
    """The row ids of these coders (every coder when None) that exist, with their names; known
    ones without a round trip (a coder's row is never renamed or deleted)."""
    if names is not None:
        wanted = list(names)
        known, learned = known_facts(s)
        found = {n: known.coders.get(n) or learned.coders.get(n) for n in wanted}
        if all(i is not None for i in found.values()):
            return {i: n for n, i in found.items() if i is not None}
    q = sa_select(CODER.c.id, CODER.c.name)
    if names is not None:
        q = q.where(CODER.c.name.in_(wanted))
    return {i: n for i, n in s.connection().execute(q).all() if i is not None}


def document(project: Project, document_id: int) -> Document:
    with project.read() as s:
        row = s.get(DocumentRow, document_id)
        if row is None:
            raise KeyError(document_id)
        return to_document(row)


Key = tuple[int, int]  # a row's place in a coder's list: (1 if done in a queue else 0, id)


@dataclass(frozen=True, slots=True)
class DocumentPage:
    """Rows of a coder's document list, in list order, with each row's place (``Key``)."""

    rows: list[DocumentSummary]
    keys: list[Key]
    queue: bool  # the coder has documents assigned: the list is their queue


def _like(words: str) -> str:
    escaped = words.casefold().strip().replace("\\", "\\\\").replace("%", "\\%")
    return "%" + escaped.replace("_", "\\_") + "%"


def document_page(
    project: Project,
    coder: str,
    *,
    after: Key | None = None,
    through: Key | None = None,
    limit: int | None = 200,
    words: str = "",
    status: str = "",
    document_id: int | None = None,
) -> DocumentPage:
    """A page of the coder's document list, read in SQL whatever the project's size.

    The list is the coder's queue when they have documents assigned (unfinished first, then
    done, each in id order), else every document in import order. ``after``: the rows after
    this place (keyset paging); ``through``: up to and including this place; ``words``: the
    title (or external id) contains them; ``status``: not_started, in_progress, done, stale,
    or unfinished (anything but done); ``document_id``: that one row, if it is in the list.
    """
    with project.read() as s:
        cid = s.exec(select(CoderRow.id).where(CoderRow.name == coder)).first()
        queue = (
            cid is not None
            and s.exec(
                select(Assignment.document_id).where(Assignment.coder_id == cid).limit(1)
            ).first()
            is not None
        )
        params: dict[str, Any] = {"cid": -1 if cid is None else cid}
        where: list[str] = []
        if words.strip():
            params["like"] = _like(words)
            where.append(
                "lower(CASE WHEN d.title = '' THEN d.ext_id ELSE d.title END) "
                "LIKE :like ESCAPE '\\'"
            )
        if status == "not_started":
            where.append("ds.status IS NULL")
        elif status == "unfinished":
            where.append("(ds.status IS NULL OR ds.status <> 'done')")
        elif status:
            params["status"] = status
            where.append("ds.status = :status")
        if document_id is not None:
            params["doc"] = document_id
            where.append("d.id = :doc")
        # The queue is two parts read one after the other, each in id order along an index
        # (assignment by coder and document): a page stops reading as soon as it is full.
        parts = (
            [(0, "(ds.status IS NULL OR ds.status <> 'done')"), (1, "ds.status = 'done'")]
            if queue
            else [(0, "")]
        )
        found: list[tuple[Any, ...]] = []
        for flag, part in parts:
            if (after is not None and after[0] > flag) or (
                through is not None and through[0] < flag
            ):
                continue
            if limit is not None and len(found) >= limit:
                break
            conditions = [*where, part] if part else list(where)
            if queue:
                conditions.append("a.coder_id = :cid")
            if after is not None and after[0] == flag:
                params["after"] = after[1]
                conditions.append("d.id > :after")
            if through is not None and through[0] == flag:
                params["through"] = through[1]
                conditions.append("d.id <= :through")
            sql = (
                f"SELECT d.id, d.ext_id, d.title, d.length, ds.status, {flag} FROM "
                + (
                    "assignment a JOIN document d ON d.id = a.document_id "
                    if queue
                    else "document d "
                )
                + "LEFT JOIN document_status ds ON ds.document_id = d.id AND ds.coder_id = :cid"
                + (" WHERE " + " AND ".join(conditions) if conditions else "")
                + (" ORDER BY a.document_id" if queue else " ORDER BY d.id")
            )
            if limit is not None:
                params["limit"] = limit - len(found)
                sql += " LIMIT :limit"
            found += s.execute(sa_text(sql), params).all()
        ids = [int(r[0]) for r in found]
        counts: dict[int, int] = {}
        if cid is not None:
            for i in range(0, len(ids), 500):
                counts.update(
                    s.execute(
                        sa_select(col(AnnotationRow.document_id), func.count())
                        .where(
                            col(AnnotationRow.document_id).in_(ids[i : i + 500]),
                            col(AnnotationRow.coder_id) == cid,
                            col(AnnotationRow.deleted_at).is_(None),
                        )
                        .group_by(col(AnnotationRow.document_id))
                    ).all()
                )
    rows = [
        DocumentSummary(int(i), e, t or e, n, st or "not_started", counts.get(int(i), 0))
        for i, e, t, n, st, _ in found
    ]
    return DocumentPage(rows, [(int(f), int(i)) for i, *_, f in found], queue)


def document_counts(project: Project, coder: str) -> tuple[int, int]:
    """How many documents the coder's list has, and how many of them they marked done."""
    with project.read() as s:
        cid = s.exec(select(CoderRow.id).where(CoderRow.name == coder)).first()
        if cid is None:
            return int(s.exec(select(func.count()).select_from(DocumentRow)).one()), 0
        total = s.exec(
            select(func.count()).select_from(Assignment).where(Assignment.coder_id == cid)
        ).one()
        done = s.execute(  # two indexes: assignments and done statuses, by coder and document
            sa_text(
                "SELECT count(*) FROM assignment a JOIN document_status ds "
                "ON ds.document_id = a.document_id AND ds.coder_id = a.coder_id "
                "WHERE a.coder_id = :cid AND ds.status = 'done'"
            ),
            {"cid": cid},
        ).scalar_one()
        if total:
            return int(total), int(done)
        total = s.exec(select(func.count()).select_from(DocumentRow)).one()
        done = s.exec(
            select(func.count())
            .select_from(DocumentStatus)
            .where(DocumentStatus.coder_id == cid, DocumentStatus.status == "done")
        ).one()
        return int(total), int(done)


def document_summaries(project: Project, coder: str) -> list[DocumentSummary]:
    """The coder's whole document list (``document_page`` without a limit): every document in
    import order, or their queue (assigned documents, unfinished first) when they have one."""
    return document_page(project, coder, limit=None).rows


def annotations(
    project: Project, document_id: int, coders: Sequence[str] | None = None
) -> list[Annotation]:
    """Live annotations of a document, of the given coders (all when None), by position."""
    with project.read(brief=True) as s:
        return _annotations(s, [document_id], coders).get(document_id, [])


_ANNOTATION_COLUMNS = tuple(c for c in SPAN_COLUMNS if c.name != "deleted_at")  # live ones
# built once (building a statement costs about as much as running it on a server): the live
# spans of some documents, by position, of every coder or of some (their row ids)
_LIVE_SPANS = sa_select(*_ANNOTATION_COLUMNS).where(
    ANNOTATION.c.document_id.in_(bindparam("documents", expanding=True)),
    ANNOTATION.c.deleted_at.is_(None),
)
_SPANS_IN_ORDER = (ANNOTATION.c.start, ANNOTATION.c.end, ANNOTATION.c.id)
_EVERY_CODERS_SPANS = _LIVE_SPANS.order_by(*_SPANS_IN_ORDER)
_SOME_CODERS_SPANS = _LIVE_SPANS.where(
    ANNOTATION.c.coder_id.in_(bindparam("coders", expanding=True))
).order_by(*_SPANS_IN_ORDER)
_LIVE_SPAN = sa_select(*_ANNOTATION_COLUMNS).where(
    ANNOTATION.c.id == bindparam("id"), ANNOTATION.c.deleted_at.is_(None)
)


def _annotations(
    s: Session, document_ids: Sequence[int], coders: Sequence[str] | None
) -> dict[int, list[Annotation]]:
    # Plain column rows, not ORM objects: a 10,000-span document loads several times faster.
    # Every coder's (``coders`` None): no filter by coder, their names looked up after.
    names = coder_ids(s, coders) if coders is not None else None
    if names is None:
        q, parameters = _EVERY_CODERS_SPANS, {"documents": list(document_ids)}
    else:
        q, parameters = _SOME_CODERS_SPANS, {"documents": list(document_ids), "coders": list(names)}
    rows = s.connection().execute(q, parameters).all()
    if names is None:
        names = coder_names(s, {r[3] for r in rows})
    out: dict[int, list[Annotation]] = {}
    for i, uid, doc, coder, label, start, end, attrs, note, version, source in rows:
        if coder not in names:
            continue
        out.setdefault(doc, []).append(
            Annotation(
                i,
                uid,
                doc,
                names[coder],
                label,
                start,
                end,
                dict(attrs or {}),
                note,
                version,
                source,
            )
        )
    return out


def links(project: Project, document_id: int, coders: Sequence[str] | None = None) -> list[Link]:
    with project.read() as s:
        return _links(s, [document_id], coders).get(document_id, [])


def _links(
    s: Session, document_ids: Sequence[int], coders: Sequence[str] | None
) -> dict[int, list[Link]]:
    names = coder_ids(s, coders)
    q = sa_select(
        col(LinkRow.id),
        col(LinkRow.uid),
        col(LinkRow.document_id),
        col(LinkRow.coder_id),
        col(LinkRow.from_id),
        col(LinkRow.role),
        col(LinkRow.to_id),
    ).where(
        col(LinkRow.document_id).in_(list(document_ids)),
        col(LinkRow.deleted_at).is_(None),
        col(LinkRow.coder_id).in_(list(names)),
    )
    out: dict[int, list[Link]] = {}
    # Plain column rows, not ORM objects, as for annotations: exports read millions.
    for i, uid, doc, coder, from_id, role, to_id in s.execute(q.order_by(col(LinkRow.id))):
        out.setdefault(doc, []).append(Link(i, uid, doc, names[coder], from_id, role, to_id))
    return out


def live_annotations(s: Session, annotation_ids: Sequence[int]) -> list[Annotation]:
    """The live ones among these annotations, inside an open session."""
    if not annotation_ids:
        return []
    names = coder_ids(s, None)
    rows = s.exec(
        select(AnnotationRow).where(
            col(AnnotationRow.id).in_(list(annotation_ids)), col(AnnotationRow.deleted_at).is_(None)
        )
    ).all()
    return [to_annotation(r, names.get(r.coder_id, "")) for r in rows]


def live_links(s: Session, link_ids: Sequence[int]) -> list[Link]:
    """The live ones among these links, inside an open session."""
    if not link_ids:
        return []
    names = coder_ids(s, None)
    rows = s.exec(
        select(LinkRow).where(
            col(LinkRow.id).in_(list(link_ids)), col(LinkRow.deleted_at).is_(None)
        )
    ).all()
    return [to_link(r, names.get(r.coder_id, "")) for r in rows]


@dataclass(frozen=True, slots=True)
class CoderView:
    """One coder's view of a document, read in one snapshot (one session)."""

    document: Document
    status: str
    annotations: list[Annotation]
    links: list[Link]


def coder_view(project: Project, document_id: int, coder: str) -> CoderView:
    with project.read() as s:
        row = s.get(DocumentRow, document_id)
        if row is None:
            raise KeyError(document_id)
        return CoderView(
            to_document(row),
            _status(s, coder, document_id),
            _annotations(s, [document_id], [coder]).get(document_id, []),
            _links(s, [document_id], [coder]).get(document_id, []),
        )


def annotation(project: Project, annotation_id: int) -> Annotation | None:
    with project.read(brief=True) as s:
        row = s.connection().execute(_LIVE_SPAN, {"id": annotation_id}).first()
        if row is None:
            return None
        i, uid, doc, coder, label, start, end, attrs, note, version, source = row
        name = coder_names(s, [coder]).get(coder, "")
        return Annotation(
            i, uid, doc, name, label, start, end, dict(attrs or {}), note, version, source
        )


def link(project: Project, link_id: int, coder: str) -> Link | None:
    """One live link of ``coder`` by id."""
    with project.read() as s:
        row = s.exec(
            select(LinkRow)
            .join(CoderRow, col(CoderRow.id) == col(LinkRow.coder_id))
            .where(LinkRow.id == link_id, CoderRow.name == coder)
        ).first()
        if row is None or row.deleted_at is not None:
            return None
        return to_link(row, coder)


def status(project: Project, coder: str, document_id: int) -> str:
    with project.read() as s:
        return _status(s, coder, document_id)


def _status(s: Session, coder: str, document_id: int) -> str:
    cid = s.exec(select(CoderRow.id).where(CoderRow.name == coder)).first()
    if cid is None:
        return "not_started"
    row = s.get(DocumentStatus, (document_id, cid))
    return row.status if row is not None else "not_started"


def missing_required(project: Project, coder: str, document_id: int) -> list[MissingField]:
    """The coder's spans in this document whose required fields are empty."""
    with project.read() as s:
        return missing_required_in(s, project.codebook, coder, document_id)


def missing_required_in(
    s: Session, cb: Codebook, coder: str, document_id: int
) -> list[MissingField]:
    """``missing_required`` inside an open session (a write checks it in its own transaction)."""
    text = s.exec(select(DocumentRow.text).where(DocumentRow.id == document_id)).first() or ""
    out = []
    for a in _annotations(s, [document_id], [coder]).get(document_id, []):
        fields = cb.missing_required(a.label, a.attributes)
        if fields:
            out.append(MissingField(a.id, a.label, text[a.start : a.end], a.start, tuple(fields)))
    return out


def flagged_annotations(project: Project, codebook: Codebook) -> list[int]:
    """Live annotations that the codebook no longer describes (label, attribute or value gone)."""
    flagged = []
    with project.read() as s:
        rows = s.exec(
            select(AnnotationRow.id, AnnotationRow.label, AnnotationRow.attributes).where(
                col(AnnotationRow.deleted_at).is_(None)
            )
        ).all()
    for ann_id, label, attrs in rows:
        if ann_id is not None and codebook.attribute_errors(label, attrs or {}):
            flagged.append(ann_id)
    return flagged


def document_ids(project: Project, *, ext_ids: Sequence[str] | None = None) -> list[int]:
    """Document ids in import order; read in batches (a server-side cursor on PostgreSQL), so
    200,000 of them never sit in memory as rows as well as ints (an export's peak)."""
    with project.read() as s:
        q = sa_select(col(DocumentRow.id)).order_by(col(DocumentRow.id))
        if ext_ids is not None:
            q = q.where(col(DocumentRow.ext_id).in_(list(ext_ids)))
        out: list[int] = []
        for batch in s.execute(q.execution_options(yield_per=10_000)).scalars().partitions():
            out.extend(batch)
        return out


def done_document_ids(project: Project, coders: Sequence[str]) -> set[int]:
    """Documents marked done by every one of ``coders``."""
    with project.read() as s:
        ids = coder_ids(s, coders)
        rows = s.exec(
            select(DocumentStatus.document_id, DocumentStatus.coder_id).where(
                DocumentStatus.status == "done", col(DocumentStatus.coder_id).in_(list(ids))
            )
        ).all()
    per_doc: Counter[int] = Counter(d for d, _ in rows)
    return {d for d, n in per_doc.items() if n == len(ids)}


def iter_documents(
    project: Project,
    document_ids: Sequence[int],
    coders: Sequence[str] | None = None,
    labels: Sequence[str] | None = None,
    batch: int = 200,
) -> Iterator[tuple[Document, list[Annotation], list[Link]]]:
    """Stream documents with their annotations and links, a batch per short read session."""
    wanted = set(labels) if labels is not None else None
    for i in range(0, len(document_ids), batch):
        chunk = list(document_ids[i : i + batch])
        with project.read() as s:
            docs = {
                row.id: to_document(row)
                for row in s.exec(select(DocumentRow).where(col(DocumentRow.id).in_(chunk)))
            }
            anns = _annotations(s, chunk, coders)
            lnks = _links(s, chunk, coders)
        for doc_id in chunk:
            if doc_id not in docs:
                continue
            doc_anns = anns.get(doc_id, [])
            doc_links = lnks.get(doc_id, [])
            if wanted is not None:
                doc_anns = [a for a in doc_anns if a.label in wanted]
                keep = {a.id for a in doc_anns}
                doc_links = [k for k in doc_links if k.from_id in keep and k.to_id in keep]
            yield docs[doc_id], doc_anns, doc_links


def casualties_without_scope(project: Project) -> dict[str, int]:
    """Per coder, live CASUALTY spans whose ``count_scope`` is blank: never added to an
    event's totals until someone says whether the figure is the event's or a running total."""
    out: dict[str, int] = {}
    with project.read() as s:
        names = coder_ids(s, None)
        rows = s.exec(
            select(AnnotationRow.coder_id, AnnotationRow.attributes).where(
                AnnotationRow.label == "CASUALTY", col(AnnotationRow.deleted_at).is_(None)
            )
        ).all()
    for coder, attrs in rows:
        if (attrs or {}).get("count_scope") in (None, ""):
            out[names[coder]] = out.get(names[coder], 0) + 1
    return dict(sorted(out.items()))


def annotation_groups(s: Session) -> list[tuple[int, str, dict[str, Any], int]]:
    """Live annotations counted by coder, label and attribute values, in one pass the database
    aggregates (5,000,000 spans are a few hundred groups, not 5,000,000 rows in Python)."""
    attrs = sa_cast(col(AnnotationRow.attributes), Text)  # JSON has no equality on PostgreSQL
    rows = s.execute(
        sa_select(col(AnnotationRow.coder_id), col(AnnotationRow.label), attrs, func.count())
        .where(col(AnnotationRow.deleted_at).is_(None))
        .group_by(col(AnnotationRow.coder_id), col(AnnotationRow.label), attrs)
    ).all()
    return [(c, label, dict(orjson.loads(a or "{}") or {}), int(n)) for c, label, a, n in rows]


def info(project: Project) -> dict[str, Any]:
    """Counts for ``annotator info``: documents, coders, annotations by label, progress. Every
    figure is an aggregate the database computes (docs/team.md, "Scale")."""
    cb = project.codebook
    with project.read() as s:
        n_docs = s.exec(select(func.count()).select_from(DocumentRow)).one()
        names = coder_ids(s, None)
        by_label: Counter[str] = Counter()
        by_coder: Counter[str] = Counter()
        unscoped: Counter[str] = Counter()
        flagged = 0
        for c, label, attributes, n in annotation_groups(s):
            by_label[label] += n
            by_coder[names[c]] += n
            if cb.attribute_errors(label, attributes):
                flagged += n
            if label == "CASUALTY" and attributes.get("count_scope") in (None, ""):
                unscoped[names[c]] += n
        n_links = s.exec(
            select(func.count()).select_from(LinkRow).where(col(LinkRow.deleted_at).is_(None))
        ).one()
        progress: dict[str, dict[str, int]] = {
            n: {"done": 0, "in_progress": 0, "stale": 0} for n in names.values()
        }
        for c, st, n in s.exec(
            select(DocumentStatus.coder_id, DocumentStatus.status, func.count()).group_by(
                col(DocumentStatus.coder_id), col(DocumentStatus.status)
            )
        ).all():
            progress[names[c]][st] = n
    return {
        "project": project.display_name,
        "codebook": {"name": cb.name, "version": cb.version},
        "documents": n_docs,
        "coders": sorted(names.values()),
        "annotations": sum(by_label.values()),
        "links": n_links,
        "annotations_by_label": dict(sorted(by_label.items())),
        "annotations_by_coder": dict(sorted(by_coder.items())),
        # kept from an earlier codebook version whose label, attribute or value is gone
        "flagged_for_review": flagged,
        # casualty figures whose count_scope is blank: never counted (docs/fatalities.md)
        "casualties_without_scope": dict(sorted(unscoped.items())),
        "progress": {
            # "stale": gold marked done whose coders changed their work since (docs/team.md)
            n: {**p, "not_started": n_docs - p["done"] - p["in_progress"] - p["stale"]}
            for n, p in sorted(progress.items())
        },
    }
