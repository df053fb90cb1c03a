"""What an import reads into, before anything is written: pending documents, annotations and
links, the options, the report, and finding the input files."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from annotator.core.text import TextError, decode

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
    allow_gold: bool = False  # accept annotations of the adjudicated layer (a lead's import)
    join_fragments: bool = False  # brat: read a discontinuous span as one (counted)
    encoding: str = ""  # txt, CSV, brat: "" = UTF-8 (UTF-16 recognised by its BOM or NULs)
    delimiter: str = ","  # CSV
    date_format: str = ""  # a strptime format for 'published' values that are not ISO


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
    repeated: int = 0  # the same text again later in this input (read as one document)
    merged: int = 0  # of those, documents that received another coder's annotations
    annotations: int = 0
    links: int = 0
    # brat: what was left out on request ("relation 'Cause'": 2), and what was kept in another
    # form ("normalisations (N) kept as notes": 3); each one counted, never silently.
    dropped: dict[str, int] = field(default_factory=dict)
    converted: dict[str, int] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)  # "file line N: what could not be kept"
    skipped_ids: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------- reading


EXTENSIONS = {".txt": "txt", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".ann": "brat"}


def detect_format(path: Path) -> str:
    if path.is_dir():
        return "brat" if any(path.rglob("*.ann")) else "txt"
    fmt = EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        raise ImportRejected(
            f"{path}: unknown file type {path.suffix or '(no extension)'!r}: import reads "
            ".txt, .jsonl/.ndjson, .csv and brat (.txt + .ann); name the format with "
            "--format txt|jsonl|csv|brat"
        )
    return fmt


@dataclass(frozen=True)
class InputFile:
    path: Path
    format: str
    coder: str = ""  # brat: the coder folder of a multi-coder export it is in


def collect(paths: Sequence[str | Path], fmt: str | None) -> list[InputFile]:
    """The files to read, each with its format."""
    out: list[InputFile] = []
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
            folders = coder_folders(p, files) if kind == "brat" else False
            out.extend(InputFile(f, kind, f.parent.name if folders else "") for f in files)
        elif kind == "brat" and p.suffix.lower() == ".ann":
            out.append(InputFile(p.with_suffix(".txt"), kind))
        else:
            out.append(InputFile(p, kind))
    return out


def coder_folders(root: Path, files: Sequence[Path]) -> bool:
    """Is ``root`` a brat export with a folder per coder (our ``export --format brat`` of
    several coders): ``annotation.conf`` at the top, no documents there, and two or more
    subfolders each holding the same documents?"""
    if not (root / "annotation.conf").is_file():
        return False
    by_folder: dict[Path, set[str]] = {}
    for f in files:
        if f.parent.parent != root:
            return False
        by_folder.setdefault(f.parent, set()).add(f.name)
    names = list(by_folder.values())
    return len(names) >= 2 and all(n == names[0] for n in names)


def read_bytes(path: Path, limit: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > limit:
            raise ImportRejected(f"{path}: file is {size:,} bytes, over the limit of {limit:,}")
        return path.read_bytes()
    except OSError as exc:
        raise ImportRejected(f"{path}: cannot read ({exc.strerror})") from None


def decode_file(path: Path, data: bytes, limit: int, encoding: str = "") -> str:
    """The text of a file: UTF-8 (or UTF-16, told by its BOM or its NULs) unless ``encoding``
    names another; a byte that does not decode is named with its line."""
    encoding = encoding or _utf16(data)
    if not encoding and b"\x00" in data[:8192]:
        # Text with a stray NUL decodes, and the field check names its line and field; what
        # does not decode is binary.
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            binary = True
        else:
            binary = _CONTROL.search(data, 0, 8192) is not None
        if binary:
            raise ImportRejected(f"{path}: binary file (contains NUL bytes), not text")
        encoding = "utf-8"
    if not encoding:
        try:
            return decode(data, limit)
        except TextError as exc:
            if "invalid UTF-8" not in str(exc):
                raise ImportRejected(f"{path}: {exc}") from None
            encoding = "utf-8"
    if not data.strip(b"\x00 \t\r\n"):
        raise ImportRejected(f"{path}: empty file")
    if len(data) > limit:
        raise ImportRejected(f"{path}: file is {len(data):,} bytes, over the limit of {limit:,}")
    try:
        return data.decode(encoding)
    except LookupError:
        raise ImportRejected(f"--encoding {encoding!r}: no such encoding") from None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        hint = "; if it comes from Excel or Windows, try --encoding cp1252"
        raise ImportRejected(
            f"{path}:{line}: invalid {exc.encoding.upper()}: byte 0x{data[exc.start]:02x} at "
            f"offset {exc.start:,}{hint if encoding == 'utf-8' else ''}"
        ) from None


# Control bytes that text (even text with a stray NUL) does not hold and binary data does.
_CONTROL = re.compile(rb"[\x01-\x08\x0e-\x1a]")


def _utf16(data: bytes) -> str:
    """ "utf-16" for a UTF-16 file (a BOM, or NULs in every other byte of its start), else ""."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = data[:4096]
    if len(head) < 4 or b"\x00" not in head:
        return ""
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return ""


def published_date(value: str, where: str, date_format: str = "") -> str:
    """An ISO date or date-time (or one in ``date_format``, a strptime format) -> ``YYYY-MM-DD``;
    anything else is refused, naming the field."""
    if not value:
        return ""
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value).date().isoformat()
    except ValueError:
        pass
    if date_format:
        try:
            return datetime.strptime(value, date_format).date().isoformat()
        except ValueError:
            raise ImportRejected(
                f"{where}: field 'published': {value!r} is neither an ISO date (YYYY-MM-DD) "
                f"nor in --date-format {date_format!r}"
            ) from None
    raise ImportRejected(
        f"{where}: field 'published': {value!r} is not an ISO date (YYYY-MM-DD); give its "
        "format with --date-format, e.g. --date-format %d/%m/%Y"
    )
