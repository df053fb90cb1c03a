"""``annotator import``: txt files and folders, JSONL (SPEC §3.4), CSV, brat standoff.

Every input is read and validated completely before anything is written, then written in one
transaction: a bad line rejects the import with ``file:line: reason`` and the project is
unchanged. A document whose text is already in the project (same SHA-256) is skipped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import insert
from sqlmodel import Session, SQLModel, col, select

from annotator.core.codebook import Codebook
from annotator.core.records import GOLD
from annotator.core.text import (
    TextError,
    check_text,
    decode,
    guess_title_and_date,
    normalise,
    sha256,
)
from annotator.store.engine import Project
from annotator.store.services import coder_id, new_uid, valid_coder_name
from annotator.store.tables import AnnotationRow, AuditEntry, CoderRow, DocumentRow, LinkRow

FORMATS = ("txt", "jsonl", "csv", "brat")
DEFAULT_MAX_BYTES = 10_000_000
ANNOTATION_KEYS = {
    "id",
    "coder",
    "label",
    "start",
    "end",
    "text",
    "attributes",
    "note",
    "codebook",
    "version",
    "source",
}
LINK_KEYS = {"id", "coder", "from", "role", "to"}
DOCUMENT_KEYS = {
    "id",
    "title",
    "text",
    "source",
    "url",
    "published",
    "language",
    "metadata",
    "annotations",
    "links",
}
Progress = Callable[[int], None]


class ImportRejected(ValueError):
    """The input is refused; the message names file, line and field. Nothing was written."""


@dataclass
class ImportOptions:
    format: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    coder: str = "imported"  # for annotations that name no coder
    text_column: str = "text"
    title_column: str = "title"
    id_column: str = "id"
    label_map: dict[str, str] = field(default_factory=dict)  # brat: their type -> our label
    ignore_unknown_labels: bool = False  # brat: drop (and count) types that map to nothing


@dataclass
class PendingAnnotation:
    uid: str
    coder: str
    label: str
    start: int
    end: int
    attributes: dict[str, Any]
    note: str = ""
    version: int = 0
    source_uid: str = ""


@dataclass
class PendingLink:
    uid: str
    coder: str
    from_uid: str
    role: str
    to_uid: str


@dataclass
class PendingDocument:
    origin: str  # "file" or "file:line", for messages
    text: str
    ext_id: str = ""
    explicit_id: bool = False
    title: str = ""
    source: str = ""
    url: str = ""
    published: str = ""
    language: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    annotations: list[PendingAnnotation] = field(default_factory=list)
    links: list[PendingLink] = field(default_factory=list)
    sha: str = ""


@dataclass
class ImportReport:
    files: int = 0
    added: int = 0
    skipped: int = 0  # already in the project (same text)
    merged: int = 0  # of those, documents that received another coder's annotations
    annotations: int = 0
    links: int = 0
    dropped: dict[str, int] = field(default_factory=dict)  # brat types left out on request
    skipped_ids: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------- reading


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if path.is_dir():
        return "brat" if any(path.rglob("*.ann")) else "txt"
    return {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".ann": "brat"}.get(suffix, "txt")


def collect(paths: Sequence[str | Path], fmt: str | None) -> list[tuple[Path, str]]:
    """The files to read, each with its format."""
    out: list[tuple[Path, str]] = []
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise ImportRejected(f"{p}: no such file or folder")
        kind = fmt or detect_format(p)
        if kind not in FORMATS:
            raise ImportRejected(f"{p}: unknown format {kind!r} (one of {', '.join(FORMATS)})")
        if p.is_dir():
            pattern = {"txt": "*.txt", "jsonl": "*.jsonl", "csv": "*.csv", "brat": "*.txt"}[kind]
            files = sorted(f for f in p.rglob(pattern) if f.is_file())
            if kind == "brat":
                files = [f for f in files if f.with_suffix(".ann").exists()]
            if not files:
                raise ImportRejected(f"{p}: no {pattern} files in this folder")
            out.extend((f, kind) for f in files)
        elif kind == "brat" and p.suffix.lower() == ".ann":
            out.append((p.with_suffix(".txt"), kind))
        else:
            out.append((p, kind))
    return out


def _read_bytes(path: Path, limit: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > limit:
            raise ImportRejected(f"{path}: file is {size:,} bytes, over the limit of {limit:,}")
        return path.read_bytes()
    except OSError as exc:
        raise ImportRejected(f"{path}: cannot read ({exc.strerror})") from None


def _decode(path: Path, data: bytes, limit: int) -> str:
    try:
        return decode(data, limit)
    except TextError as exc:
        raise ImportRejected(f"{path}: {exc}") from None


def read_txt(path: Path, options: ImportOptions) -> Iterator[PendingDocument]:
    text = normalise(_decode(path, _read_bytes(path, options.max_bytes), options.max_bytes)).text
    title, published = guess_title_and_date(text)
    yield PendingDocument(str(path), text, ext_id=path.stem, title=title, published=published)


def read_jsonl(path: Path, options: ImportOptions, codebook: Codebook) -> Iterator[PendingDocument]:
    """One document per line, read as a stream (the size limit applies per line)."""
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise ImportRejected(f"{path}: cannot read ({exc.strerror})") from None
    seen = False
    with fh:
        for lineno, line in enumerate(fh, start=1):
            if line.isspace():
                continue
            where = f"{path}:{lineno}"
            if len(line) > options.max_bytes * 2:  # JSON escapes may double a text's size
                raise ImportRejected(f"{where}: line of {len(line):,} bytes is over the limit")
            if b"\x00" in line:
                raise ImportRejected(f"{where}: binary data (NUL bytes), not JSON lines")
            try:
                # orjson parses bytes and checks their UTF-8 itself: no separate decoding pass.
                obj = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                reason = "invalid UTF-8" if "utf-8" in str(exc).lower() else "malformed JSON"
                raise ImportRejected(f"{where}: {reason} ({exc})") from None
            seen = True
            yield document_from_json(obj, where, options, codebook)
    if not seen:
        raise ImportRejected(f"{path}: empty file (no JSON lines)")


def _str_field(obj: Mapping[str, Any], key: str, where: str) -> str:
    value = obj.get(key)
    if value is None:
        return ""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise ImportRejected(f"{where}: field '{key}' must be a string")
    return str(value)


def _published(value: str, where: str) -> str:
    """An ISO date or date-time → ``YYYY-MM-DD``; anything else is refused."""
    if not value:
        return ""
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value).date().isoformat()
    except ValueError:
        raise ImportRejected(
            f"{where}: field 'published': {value!r} is not an ISO date (YYYY-MM-DD)"
        ) from None


def document_from_json(
    obj: Any, where: str, options: ImportOptions, codebook: Codebook
) -> PendingDocument:
    if not isinstance(obj, dict):
        raise ImportRejected(f"{where}: each line must be a JSON object")
    unknown = set(obj) - DOCUMENT_KEYS
    if unknown:
        raise ImportRejected(f"{where}: unknown field '{sorted(unknown)[0]}'")
    raw_text = obj.get("text")
    if not isinstance(raw_text, str):
        raise ImportRejected(f"{where}: field 'text' is missing or not a string")
    norm = normalise(raw_text)
    try:
        check_text(norm.text, options.max_bytes)
    except TextError as exc:
        raise ImportRejected(f"{where}: field 'text': {exc}") from None
    metadata = obj.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise ImportRejected(f"{where}: field 'metadata' must be an object")
    ext_id = _str_field(obj, "id", where)
    doc = PendingDocument(
        where,
        norm.text,
        ext_id=ext_id,
        explicit_id=bool(ext_id),
        title=_str_field(obj, "title", where),
        source=_str_field(obj, "source", where),
        url=_str_field(obj, "url", where),
        published=_published(_str_field(obj, "published", where), where),
        language=_str_field(obj, "language", where),
        metadata=metadata,
    )
    anns = obj.get("annotations") or []
    if not isinstance(anns, list):
        raise ImportRejected(f"{where}: field 'annotations' must be a list")
    for i, a in enumerate(anns):
        doc.annotations.append(
            _annotation_from_json(
                a, f"{where}: annotations[{i}]", norm, raw_text, options, codebook
            )
        )
    links = obj.get("links") or []
    if not isinstance(links, list):
        raise ImportRejected(f"{where}: field 'links' must be a list")
    for i, k in enumerate(links):
        lw = f"{where}: links[{i}]"
        if not isinstance(k, dict):
            raise ImportRejected(f"{lw}: must be an object")
        unknown = set(k) - LINK_KEYS
        if unknown:
            raise ImportRejected(f"{lw}: unknown field '{sorted(unknown)[0]}'")
        for key in ("from", "role", "to"):
            if not isinstance(k.get(key), str) or not k.get(key):
                raise ImportRejected(f"{lw}: field '{key}' is missing or not a string")
        coder = _coder(k.get("coder"), lw, options)
        doc.links.append(
            PendingLink(
                _str_field(k, "id", lw) or new_uid("l"), coder, k["from"], k["role"], k["to"]
            )
        )
    return doc


def _coder(value: Any, where: str, options: ImportOptions) -> str:
    if value is None or value == "":
        return options.coder
    if not isinstance(value, str):
        raise ImportRejected(f"{where}: field 'coder' must be a string")
    try:
        return valid_coder_name(value)
    except ValueError as exc:
        raise ImportRejected(f"{where}: field 'coder': {exc}") from None


def _annotation_from_json(
    a: Any, where: str, norm: Any, raw_text: str, options: ImportOptions, codebook: Codebook
) -> PendingAnnotation:
    if not isinstance(a, dict):
        raise ImportRejected(f"{where}: must be an object")
    unknown = set(a) - ANNOTATION_KEYS
    if unknown:
        raise ImportRejected(f"{where}: unknown field '{sorted(unknown)[0]}'")
    start, end = a.get("start"), a.get("end")
    for key, value in (("start", start), ("end", end)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ImportRejected(f"{where}: field '{key}' must be a whole number")
    assert isinstance(start, int) and isinstance(end, int)
    if not 0 <= start < end <= len(raw_text):
        raise ImportRejected(
            f"{where}: offsets {start}-{end} out of range (text length {len(raw_text)})"
        )
    if "text" in a and a["text"] != raw_text[start:end]:
        raise ImportRejected(
            f"{where}: field 'text' {a['text']!r} does not match the document text at "
            f"{start}-{end} ({raw_text[start:end]!r})"
        )
    label = a.get("label")
    if not isinstance(label, str) or codebook.label(label) is None:
        raise ImportRejected(
            f"{where}: unknown label {label!r} (codebook has {', '.join(codebook.label_names)})"
        )
    attrs = a.get("attributes") or {}
    if not isinstance(attrs, dict):
        raise ImportRejected(f"{where}: field 'attributes' must be an object")
    errors = codebook.attribute_errors(label, attrs)
    if errors:
        raise ImportRejected(f"{where}: attributes: {errors[0]}")
    version = a.get("version", codebook.version)
    if isinstance(version, bool) or not isinstance(version, int):
        raise ImportRejected(f"{where}: field 'version' must be a whole number")
    note = a.get("note") or ""
    if not isinstance(note, str):
        raise ImportRejected(f"{where}: field 'note' must be a string")
    return PendingAnnotation(
        uid=_str_field(a, "id", where) or new_uid("a"),
        coder=_coder(a.get("coder"), where, options),
        label=label,
        start=norm.offset(start),
        end=norm.offset(end),
        attributes={k: v for k, v in attrs.items() if v is not None and v != "" and v != []},
        note=note,
        version=version,
        source_uid=_str_field(a, "source", where),
    )


def read_csv(path: Path, options: ImportOptions) -> Iterator[PendingDocument]:
    raw = _decode(path, _read_bytes(path, max(options.max_bytes * 1000, 2**31)), 2**62)
    reader = csv.DictReader(io.StringIO(raw.lstrip("\ufeff"), newline=""))
    header = reader.fieldnames or []
    if options.text_column not in header:
        raise ImportRejected(
            f"{path}:1: no text column {options.text_column!r} (columns: {', '.join(header)}); "
            "name it with --text-column"
        )
    known = {
        options.text_column,
        options.title_column,
        options.id_column,
        "source",
        "url",
        "published",
        "language",
    }
    seen = False
    try:
        for row in reader:
            where = f"{path}:{reader.line_num}"
            if None in row:
                raise ImportRejected(f"{where}: more cells than header columns")
            norm = normalise(row.get(options.text_column) or "")
            try:
                check_text(norm.text, options.max_bytes)
            except TextError as exc:
                raise ImportRejected(f"{where}: column {options.text_column!r}: {exc}") from None
            ext_id = (row.get(options.id_column) or "").strip()
            seen = True
            yield (
                PendingDocument(
                    where,
                    norm.text,
                    ext_id=ext_id,
                    explicit_id=bool(ext_id),
                    title=(row.get(options.title_column) or "").strip(),
                    source=row.get("source") or "",
                    url=row.get("url") or "",
                    published=_published((row.get("published") or "").strip(), where),
                    language=row.get("language") or "",
                    metadata=_csv_metadata(row, known, where),
                )
            )
    except csv.Error as exc:
        raise ImportRejected(f"{path}:{reader.line_num}: malformed CSV ({exc})") from None
    if not seen:
        raise ImportRejected(f"{path}: empty file (no rows)")


def _csv_metadata(row: Mapping[str, str], known: set[str], where: str) -> dict[str, Any]:
    """Unknown columns become metadata; a ``metadata`` column (as our CSV export writes it)
    holds a JSON object whose keys are merged in."""
    meta: dict[str, Any] = {k: v for k, v in row.items() if k not in known and v}
    raw = meta.pop("metadata", None)
    if raw:
        try:
            parsed = orjson.loads(raw)
        except orjson.JSONDecodeError:
            parsed = None
        if not isinstance(parsed, dict):
            raise ImportRejected(f"{where}: column 'metadata' is not a JSON object")
        meta = {**parsed, **meta}
    return meta


def read_file(
    path: Path, fmt: str, options: ImportOptions, codebook: Codebook, report: ImportReport
) -> Iterator[PendingDocument]:
    if fmt == "txt":
        return read_txt(path, options)
    if fmt == "jsonl":
        return read_jsonl(path, options, codebook)
    if fmt == "csv":
        return read_csv(path, options)
    from annotator.store.brat_import import read_brat

    docs: Iterator[PendingDocument] = read_brat(path, options, codebook, report)
    return docs


# ------------------------------------------------------------------------------- checking


def check_document(doc: PendingDocument, codebook: Codebook) -> None:
    """Cross-annotation checks of one document: unique ids, links valid for the codebook."""
    by_uid: dict[str, PendingAnnotation] = {}
    for a in doc.annotations:
        if a.uid in by_uid:
            raise ImportRejected(f"{doc.origin}: duplicate annotation id {a.uid!r}")
        by_uid[a.uid] = a
    seen_links: set[str] = set()
    filled: dict[tuple[str, str], int] = {}
    for k in doc.links:
        where = f"{doc.origin}: link {k.uid!r}"
        if k.uid in seen_links:
            raise ImportRejected(f"{where}: duplicate link id")
        seen_links.add(k.uid)
        src, dst = by_uid.get(k.from_uid), by_uid.get(k.to_uid)
        if src is None or dst is None:
            missing = k.from_uid if src is None else k.to_uid
            raise ImportRejected(f"{where}: no annotation with id {missing!r} in this document")
        if src.coder != k.coder or dst.coder != k.coder:
            raise ImportRejected(f"{where}: links a span of another coder")
        problem = codebook.link_error(src.label, k.role, dst.label)
        if problem:
            raise ImportRejected(f"{where}: {problem}")
        mx = codebook.role_max(src.label, k.role)
        filled[(k.from_uid, k.role)] = filled.get((k.from_uid, k.role), 0) + 1
        if mx is not None and filled[(k.from_uid, k.role)] > mx:
            raise ImportRejected(f"{where}: role '{k.role}' takes at most {mx}")


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


__all__ = ["GOLD", "ImportOptions", "ImportRejected", "ImportReport", "import_paths"]
