"""``annotator import``: txt files and folders, JSONL, CSV, brat standoff (docs/formats.md).

An import runs in two phases so that it never starves the coders writing to the same project:

1. *Staging*, with no lock held: every file is read, validated and hashed into memory; a bad
   line anywhere raises ``ImportRejected`` (``file:line: reason``) before anything is written.
   The same text twice in the input becomes one document carrying every coder's annotations.
2. *Writing*, one short transaction (``BEGIN IMMEDIATE`` on SQLite) of ``executemany`` inserts:
   all-or-nothing, also against a crash or a kill (the database commits it whole or not at all).

A document whose text is already in the project (same SHA-256) is skipped, bringing only the
annotations of coders new to it. Two imports of the same documents at once are decided by the
database's own uniqueness (``INSERT ... ON CONFLICT DO NOTHING`` on the content hash): one adds
them, the other reports them skipped - never a duplicate-key error.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Insert, Table, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, col, select

from annotator.core.codebook import Codebook
from annotator.core.records import GOLD
from annotator.core.text import sha256
from annotator.store.engine import Project
from annotator.store.import_merge import merge_into
from annotator.store.import_model import (
    DEFAULT_MAX_BYTES,
    FORMATS,
    ImportOptions,
    ImportRejected,
    ImportReport,
    InputFile,
    PendingDocument,
    Progress,
    collect,
)
from annotator.store.readers import check_document, read_file
from annotator.store.services import coder_id, valid_coder_name
from annotator.store.tables import (
    AnnotationRow,
    AuditEntry,
    CoderRow,
    DocumentRow,
    LinkRow,
    now,
)

BATCH = 500  # rows per executemany and per "IN (...)" look-up
DOCUMENT_TABLE: Table = SQLModel.metadata.tables["document"]


def import_paths(
    project: Project,
    paths: Sequence[str | Path],
    options: ImportOptions | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Read, validate and import; raises ImportRejected (project untouched) on any fault.

    ``progress`` is called with the number of documents staged since its last call.
    """
    options = options or ImportOptions()
    if options.coder == GOLD and not options.allow_gold:
        raise ImportRejected(
            f"--coder {GOLD}: the adjudicated layer; a lead imports gold with --allow-gold"
        )
    codebook = project.codebook
    report = ImportReport()
    staged = stage(collect(paths, options.format), options, codebook, report, progress)
    known = _Known.read(project)
    skipped, fresh = plan(staged, known)
    rows = sqlite_rows(fresh) if project.is_sqlite else None
    with project.write() as s:
        writer = _Writer(s, codebook.version, report, known, rows)
        writer.write(skipped, fresh)
        writer.finish()
    return report


def stage(
    files: Sequence[InputFile],
    options: ImportOptions,
    codebook: Codebook,
    report: ImportReport,
    progress: Progress | None = None,
) -> list[PendingDocument]:
    """Every document of the input, checked and hashed; repeated texts merged into the first."""
    first: dict[str, PendingDocument] = {}
    out: list[PendingDocument] = []
    since = 0
    for file in files:
        for doc in read_file(file, options, codebook, report):
            check_document(doc, codebook)
            doc.sha = sha256(doc.text)
            earlier = first.get(doc.sha)
            if earlier is None:
                first[doc.sha] = doc
                out.append(doc)
            else:
                report.repeated += 1
                if merge_into(earlier, doc, {a.uid for a in earlier.annotations}, set()):
                    report.merged += 1
            since += 1
            if progress is not None and since >= BATCH:
                progress(since)
                since = 0
        report.files += 1
    if progress is not None and since:
        progress(since)
    return out


SQLITE_INSERT = (
    "INSERT INTO document (ext_id, sha256, title, source, url, published, language, meta, text,"
    " length, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
)


def plan(
    staged: Sequence[PendingDocument], known: _Known
) -> tuple[list[tuple[PendingDocument, int]], list[PendingDocument]]:
    """Before the lock: the documents already in the project (with their ids) and the new
    ones, each given a free external id. What another import adds meanwhile is caught by the
    database's uniqueness when the new ones are inserted (``_Writer._resolve``)."""
    skipped: list[tuple[PendingDocument, int]] = []
    fresh: list[PendingDocument] = []
    for doc in staged:
        existing = known.sha.get(doc.sha)
        if existing is not None:
            skipped.append((doc, existing))
            continue
        doc.ext_id = _unique_ext_id(doc, known.ext_ids)
        known.ext_ids.add(doc.ext_id)
        fresh.append(doc)
    return skipped, fresh


def sqlite_rows(fresh: Sequence[PendingDocument]) -> list[tuple[Any, ...]]:
    """Each new document's row for ``SQLITE_INSERT``, built before the write lock is taken, as
    the columns' own types store them."""
    meta = DOCUMENT_TABLE.c.meta.type.bind_processor(sqlite.dialect())
    assert meta is not None
    created = now().strftime("%Y-%m-%d %H:%M:%S.%f")  # SQLAlchemy's DateTime on SQLite
    return [
        (
            d.ext_id,
            d.sha,
            d.title,
            d.source,
            d.url,
            d.published,
            d.language,
            meta(d.metadata),
            d.text,
            len(d.text),
            created,
        )
        for d in fresh
    ]


class _Known:
    """Content hashes and external ids already in the project, read before the write lock is
    taken; the write transaction then only reads the rows added since (``refresh``)."""

    def __init__(self, sha: dict[str, int], ext_ids: set[str], last_id: int) -> None:
        self.sha = sha
        self.ext_ids = ext_ids
        self.last_id = last_id

    @classmethod
    def read(cls, project: Project) -> _Known:
        with project.read() as s:
            return cls._from(s, 0)

    @classmethod
    def _from(cls, s: Session, after: int) -> _Known:
        rows = s.exec(
            select(DocumentRow.sha256, DocumentRow.id, DocumentRow.ext_id).where(
                col(DocumentRow.id) > after
            )
        ).all()
        return cls(
            {sha: int(i or 0) for sha, i, _ in rows},
            {e for _, _, e in rows},
            max((int(i or 0) for _, i, _ in rows), default=after),
        )

    def refresh(self, s: Session) -> None:
        new = self._from(s, self.last_id)
        self.sha.update(new.sha)
        self.ext_ids |= new.ext_ids
        self.last_id = new.last_id


def _insert_new_documents(dialect: Any) -> Insert:
    """``INSERT ... ON CONFLICT DO NOTHING RETURNING id, sha256``: rows that another import
    added meanwhile (same text or same external id) are left out, not an error."""
    stmt: Insert = dialect.insert(DOCUMENT_TABLE).on_conflict_do_nothing()
    return stmt.returning(DOCUMENT_TABLE.c.id, DOCUMENT_TABLE.c.sha256)


class _Writer:
    """Inserts staged documents with their annotations and links, inside one transaction."""

    def __init__(
        self,
        session: Session,
        codebook_version: int,
        report: ImportReport,
        known: _Known,
        sqlite_rows: list[tuple[Any, ...]] | None = None,
    ) -> None:
        self.s = session
        self.version = codebook_version
        self.report = report
        self.known = known
        known.refresh(session)
        self.coders: dict[str, int] = {}
        dialect: Any = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        self.insert = _insert_new_documents(dialect)
        self.coder_insert = dialect.insert(CoderRow).on_conflict_do_nothing()
        self.sqlite_rows = sqlite_rows
        self.retried: set[str] = set()  # content hashes inserted a second time

    def _coder(self, name: str) -> int:
        """The coder's id, creating the coder if new: ``ON CONFLICT DO NOTHING``, so that two
        imports bringing the same new coder at once both get the one row."""
        if name not in self.coders:
            self.s.execute(self.coder_insert.values(name=valid_coder_name(name), created_at=now()))
            self.coders[name] = coder_id(self.s, name, create=False)
        return self.coders[name]

    def write(
        self, skipped: Sequence[tuple[PendingDocument, int]], fresh: list[PendingDocument]
    ) -> None:
        for doc, document_id in skipped:
            self._skip(doc, document_id)
        if self.sqlite_rows is not None:
            self._insert_sqlite(fresh, self.sqlite_rows)
        else:
            for start in range(0, len(fresh), BATCH):
                batch = fresh[start : start + BATCH]
                self._added(batch, self._insert_returning(batch))

    def _skip(self, doc: PendingDocument, document_id: int) -> None:
        self.report.skipped += 1
        self.report.skipped_ids.append(doc.ext_id or doc.sha[:12])
        if doc.annotations and self._merge(doc, document_id):
            self.report.merged += 1

    def _added(self, batch: list[PendingDocument], added: dict[str, int]) -> None:
        """Book the documents of ``batch`` that were inserted (``added``: hash -> id), write
        their annotations, and resolve the others."""
        lost = [d for d in batch if d.sha not in added]
        if lost:
            self._resolve(lost)
        new = [d for d in batch if d.sha in added]
        self.report.added += len(new)
        for d in new:
            self.known.sha[d.sha] = added[d.sha]
        with_annotations = [(d, added[d.sha]) for d in new if d.annotations]
        if with_annotations:
            self._write_annotations(with_annotations)

    def _insert_returning(self, batch: list[PendingDocument]) -> dict[str, int]:
        rows = [
            {
                "ext_id": d.ext_id,
                "sha256": d.sha,
                "title": d.title,
                "source": d.source,
                "url": d.url,
                "published": d.published,
                "language": d.language,
                "meta": d.metadata,
                "text": d.text,
                "length": len(d.text),
            }
            for d in batch
        ]
        return {sha: int(i) for i, sha in self.s.connection().execute(self.insert, rows)}

    def _insert_sqlite(self, fresh: list[PendingDocument], rows: list[tuple[Any, ...]]) -> None:
        """One driver executemany of rows prepared before the lock was taken. This transaction
        holds SQLite's write lock, so the rows past the largest id are this import's."""
        cursor = self.s.connection().connection.cursor()  # the driver's own: no row objects
        try:
            before = cursor.execute("SELECT coalesce(max(id), 0) FROM document").fetchone()[0]
            # The two unique indexes take rows in random order: a page cache large enough to
            # hold them spares re-reading pages (SQLite's default is 2 MB).
            cursor.execute("PRAGMA cache_size = -65536")
            cursor.executemany(SQLITE_INSERT, rows)
            if cursor.rowcount == len(fresh) and not any(d.annotations for d in fresh):
                self.report.added += len(fresh)  # the common case: no ids needed
                return
            cursor.execute("SELECT sha256, id FROM document WHERE id > ?", (before,))
            added = dict(cursor.fetchall())
        finally:
            cursor.close()
        self._added(fresh, added)

    def _insert(self, batch: list[PendingDocument]) -> None:
        """Insert ``batch`` again (after ``_resolve`` gave them other external ids)."""
        if self.sqlite_rows is not None:
            self._insert_sqlite(batch, sqlite_rows(batch))
        else:
            self._added(batch, self._insert_returning(batch))

    def _resolve(self, lost: list[PendingDocument]) -> None:
        """Documents another import added while this one was staging: skipped if their text is
        there now; if only their external id was taken, they get another one (or, for an id
        the input gave explicitly, the import is refused)."""
        there = dict(
            self.s.exec(
                select(DocumentRow.sha256, DocumentRow.id).where(
                    col(DocumentRow.sha256).in_([d.sha for d in lost])
                )
            ).all()
        )
        taken = set(
            self.s.exec(
                select(DocumentRow.ext_id).where(
                    col(DocumentRow.ext_id).in_([d.ext_id for d in lost])
                )
            ).all()
        )
        self.known.ext_ids |= taken
        retry: list[PendingDocument] = []
        for doc in lost:
            existing = there.get(doc.sha)
            if existing is not None:
                self.known.sha[doc.sha] = int(existing)
                self._skip(doc, int(existing))
                continue
            if doc.ext_id not in taken or doc.sha in self.retried:
                # Refused, yet neither its text nor its id can be seen: rows this role may
                # not read (a team project's row-level security).
                raise ImportRejected(
                    f"{doc.origin}: this document is already in the project but hidden from "
                    "you (same text or id); ask the project's manager to import it"
                )
            self.retried.add(doc.sha)
            doc.ext_id = _unique_ext_id(doc, self.known.ext_ids)
            self.known.ext_ids.add(doc.ext_id)
            retry.append(doc)
        if retry:
            self._insert(retry)

    def _merge(self, doc: PendingDocument, document_id: int) -> bool:
        """Bring the annotations of coders who have none on this document yet.

        Coders work offline in their own projects; a lead gathers their JSONL exports. A
        coder who already has work on the document is left alone, so importing the same file
        twice is still a no-op. Ids that clash with other coders' ids are renumbered.
        """
        # Another import merging into this document at the same time waits here (PostgreSQL;
        # SQLite's write lock already serialises imports), then sees what that one added.
        self.s.exec(select(DocumentRow.id).where(DocumentRow.id == document_id).with_for_update())
        present = set(
            self.s.exec(
                select(CoderRow.name)
                .join(AnnotationRow, col(AnnotationRow.coder_id) == col(CoderRow.id))
                .where(
                    AnnotationRow.document_id == document_id,
                    col(AnnotationRow.deleted_at).is_(None),
                )
            ).all()
        )
        taken = set(
            self.s.exec(
                select(AnnotationRow.uid).where(AnnotationRow.document_id == document_id)
            ).all()
        ) | set(self.s.exec(select(LinkRow.uid).where(LinkRow.document_id == document_id)).all())
        target = PendingDocument(doc.origin, doc.text)
        if not merge_into(target, doc, taken, present):
            return False
        self._write_annotations([(target, document_id)])
        return True

    def _write_annotations(self, docs: Sequence[tuple[PendingDocument, int]]) -> None:
        rows: list[dict[str, Any]] = []
        keys: list[tuple[int, str]] = []  # (document id, uid) of each row, for the links
        for doc, doc_id in docs:
            for a in doc.annotations:
                keys.append((doc_id, a.uid))
                rows.append(
                    {
                        "uid": a.uid,
                        "document_id": doc_id,
                        "coder_id": self._coder(a.coder),
                        "label": a.label,
                        "start": a.start,
                        "end": a.end,
                        "attributes": a.attributes,
                        "note": a.note,
                        "codebook_version": a.version or self.version,
                        "source_uid": a.source_uid,
                    }
                )
        result = self.s.execute(
            insert(AnnotationRow).returning(col(AnnotationRow.id), sort_by_parameter_order=True),
            rows,
        )
        ann_ids = {key: new_id for key, (new_id,) in zip(keys, result.all(), strict=True)}
        links = [
            {
                "uid": k.uid,
                "document_id": doc_id,
                "coder_id": self._coder(k.coder),
                "from_id": ann_ids[(doc_id, k.from_uid)],
                "role": k.role,
                "to_id": ann_ids[(doc_id, k.to_uid)],
            }
            for doc, doc_id in docs
            for k in doc.links
        ]
        if links:
            self.s.execute(insert(LinkRow), links)
        self.report.annotations += len(rows)
        self.report.links += len(links)

    def finish(self) -> None:
        r = self.report
        self.s.add(
            AuditEntry(
                action="import",
                detail={
                    "added": r.added,
                    "skipped": r.skipped,
                    "merged": r.merged,
                    "annotations": r.annotations,
                    "links": r.links,
                },
            )
        )


def _unique_ext_id(doc: PendingDocument, known: set[str]) -> str:
    base = doc.ext_id or f"doc-{doc.sha[:12]}"
    if base not in known:
        return base
    if doc.explicit_id:
        raise ImportRejected(
            f"{doc.origin}: id {base!r} is already used by another document with different text"
        )
    n = 2
    while f"{base}-{n}" in known:
        n += 1
    return f"{base}-{n}"


__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "ImportOptions",
    "ImportRejected",
    "ImportReport",
    "import_paths",
    "stage",
]
