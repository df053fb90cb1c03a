"""``annotator import``: txt files and folders, JSONL (SPEC §3.4), CSV, brat standoff.

The readers (``readers``, ``brat_import``) stream checked documents; this module writes them in
batches inside one transaction, so a bad line anywhere rejects the whole import with
``file:line: reason`` and the project is unchanged. A document whose text is already in the
project (same SHA-256) is skipped, bringing only the annotations of coders new to it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, SQLModel, col, select

from annotator.core.records import GOLD
from annotator.core.text import sha256
from annotator.store.engine import Project
from annotator.store.import_model import (
    DEFAULT_MAX_BYTES,
    FORMATS,
    ImportOptions,
    ImportRejected,
    ImportReport,
    PendingDocument,
    Progress,
    collect,
)
from annotator.store.readers import check_document, read_file
from annotator.store.services import coder_id, new_uid
from annotator.store.tables import AnnotationRow, AuditEntry, CoderRow, DocumentRow, LinkRow

# ------------------------------------------------------------------------------- writing


def import_paths(
    project: Project,
    paths: Sequence[str | Path],
    options: ImportOptions | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Read, validate and import; raises ImportRejected (project untouched) on any fault.

    Everything is written in one transaction while the input streams in, a batch at a time
    (memory stays flat for large files); any fault rolls the whole import back. (A reader
    thread a batch ahead was tried: GIL hand-offs made it no faster.)
    """
    options = options or ImportOptions()
    if options.coder == GOLD and not options.allow_gold:
        raise ImportRejected(
            f"--coder {GOLD}: the adjudicated layer; a lead imports gold with --allow-gold"
        )
    codebook = project.codebook
    report = ImportReport()
    files = collect(paths, options.format)

    def batches() -> Iterator[list[PendingDocument]]:
        batch: list[PendingDocument] = []
        for path, fmt in files:
            for doc in read_file(path, fmt, options, codebook, report):
                check_document(doc, codebook)
                doc.sha = sha256(doc.text)
                batch.append(doc)
                if len(batch) >= BATCH:
                    yield batch
                    batch = []
            report.files += 1
        if batch:
            yield batch

    with project.write() as s:
        writer = _Writer(s, codebook.version, report)
        for batch in batches():
            writer.write(batch)
            if progress is not None:
                progress(len(batch))
        writer.finish()
    return report


BATCH = 500
DOCUMENT_TABLE = SQLModel.metadata.tables["document"]


class _Writer:
    """Inserts validated documents with their annotations and links, batch by batch."""

    def __init__(self, session: Session, codebook_version: int, report: ImportReport) -> None:
        self.s = session
        self.version = codebook_version
        self.report = report
        self.known_sha: dict[str, int] = {
            sha: i for sha, i in session.exec(select(DocumentRow.sha256, DocumentRow.id)) if i
        }
        self.known_ids = set(session.exec(select(DocumentRow.ext_id)).all())
        self.coders: dict[str, int] = {}

    def _coder(self, name: str) -> int:
        if name not in self.coders:
            self.coders[name] = coder_id(self.s, name)
        return self.coders[name]

    def write(self, pending: Sequence[PendingDocument]) -> None:
        report = self.report
        fresh: list[PendingDocument] = []
        for doc in pending:
            existing = self.known_sha.get(doc.sha)
            if existing is not None:
                report.skipped += 1
                report.skipped_ids.append(doc.ext_id or doc.sha[:12])
                if doc.annotations and self._merge(doc, existing):
                    report.merged += 1
                continue
            self.known_sha[doc.sha] = 0  # a later duplicate in the same input is skipped too
            doc.ext_id = _unique_ext_id(doc, self.known_ids)
            self.known_ids.add(doc.ext_id)
            fresh.append(doc)
        if not fresh:
            return
        # A Core executemany (no ORM bulk layer, no RETURNING) is the fastest portable path;
        # the new ids are then read back by their unique external ids.
        self.s.connection().execute(
            insert(DOCUMENT_TABLE),
            [
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
                for d in fresh
            ],
        )
        new_ids = dict(
            self.s.exec(
                select(DocumentRow.ext_id, DocumentRow.id).where(
                    col(DocumentRow.ext_id).in_([d.ext_id for d in fresh])
                )
            ).all()
        )
        report.added += len(fresh)
        for d in fresh:
            self.known_sha[d.sha] = int(new_ids[d.ext_id] or 0)
        with_annotations = [(d, int(new_ids[d.ext_id] or 0)) for d in fresh if d.annotations]
        if with_annotations:
            self._write_annotations(with_annotations)

    def _merge(self, doc: PendingDocument, document_id: int) -> bool:
        """Bring the annotations of coders who have none on this document yet.

        Coders work offline in their own projects; a lead gathers their JSONL exports. A
        coder who already has work on the document is left alone, so importing the same file
        twice is still a no-op. Ids that clash with other coders' ids are renumbered.
        """
        if not document_id:
            return False  # the same text earlier in this very input: nothing to merge into
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
        newcomers = {a.coder for a in doc.annotations} - present
        if not newcomers:
            return False
        taken = set(
            self.s.exec(
                select(AnnotationRow.uid).where(AnnotationRow.document_id == document_id)
            ).all()
        ) | set(self.s.exec(select(LinkRow.uid).where(LinkRow.document_id == document_id)).all())
        renamed: dict[str, str] = {}
        for a in doc.annotations:
            if a.coder in newcomers and a.uid in taken:
                renamed[a.uid] = new_uid("a")
        doc.annotations = [a for a in doc.annotations if a.coder in newcomers]
        for a in doc.annotations:
            a.uid = renamed.get(a.uid, a.uid)
        doc.links = [k for k in doc.links if k.coder in newcomers]
        for k in doc.links:
            k.from_uid = renamed.get(k.from_uid, k.from_uid)
            k.to_uid = renamed.get(k.to_uid, k.to_uid)
            if k.uid in taken:
                k.uid = new_uid("l")
        self._write_annotations([(doc, document_id)])
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
]
