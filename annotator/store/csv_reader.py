"""CSV import: one document per row (docs/formats.md).

The text column is ``--text-column``; ``title``/``id`` columns are named by options too;
``source``, ``url``, ``published``, ``language`` are recognised; other columns become metadata.
UTF-8 unless ``--encoding`` says otherwise (UTF-16 is recognised); ``--delimiter`` for ``;`` or
tab files. A field may be as large as a document (``--max-size``). Errors name the line a record
starts on.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson

from annotator.core.text import TextError, check_text, normalise
from annotator.store.import_model import (
    ImportOptions,
    ImportRejected,
    PendingDocument,
    decode_file,
    published_date,
    read_bytes,
)

RECOGNISED = ("source", "url", "published", "language", "text_file")


def read_csv(path: Path, options: ImportOptions) -> Iterator[PendingDocument]:
    data = read_bytes(path, max(options.max_bytes * 1000, 2**31))
    raw = decode_file(path, data, 2**62, options.encoding)
    # The csv module's own field limit (131,072 characters) is nobody's choice: a field may
    # hold a whole document. The limit is process-wide, so it is only ever raised.
    csv.field_size_limit(max(csv.field_size_limit(), options.max_bytes + 1))
    try:
        reader = csv.reader(
            io.StringIO(raw.lstrip("\ufeff"), newline=""), delimiter=options.delimiter, strict=True
        )
    except TypeError as exc:
        raise ImportRejected(f"--delimiter {options.delimiter!r}: {exc}") from None
    rows = _records(reader, path, options)
    try:
        _first, header = next(rows)
    except StopIteration:
        raise ImportRejected(f"{path}: empty file (no header)") from None
    if options.text_column not in header:
        hint = "" if options.delimiter != "," or len(header) > 1 else "; or set --delimiter"
        raise ImportRejected(
            f"{path}:1: no text column {options.text_column!r} (columns: {', '.join(header)}); "
            f"name it with --text-column{hint}"
        )
    known = {options.text_column, options.title_column, options.id_column, *RECOGNISED}
    seen = False
    for line, cells in rows:
        where = f"{path}:{line}"
        if len(cells) > len(header):
            raise ImportRejected(f"{where}: more cells than header columns")
        row = dict(zip(header, cells, strict=False))
        yield _document(path, row, where, options, known)
        seen = True
    if not seen:
        raise ImportRejected(f"{path}: empty file (no rows)")


def _records(reader: Any, path: Path, options: ImportOptions) -> Iterator[tuple[int, list[str]]]:
    """(the line a record starts on, its cells), blank lines left out."""
    first = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportRejected(f"{path}:{first}: {_csv_problem(str(exc), options)}") from None
        if cells:
            yield first, cells
        first = reader.line_num + 1


def _csv_problem(message: str, options: ImportOptions) -> str:
    if "unexpected end of data" in message:
        return "a quoted field starts in this record and its closing quote never comes"
    if "field larger than field limit" in message:
        return f"a field is over the size limit of {options.max_bytes:,} characters (--max-size)"
    if "expected after" in message:
        return f'malformed CSV ({message}; a quote inside a quoted field is written twice: "")'
    return f"malformed CSV ({message})"


def _document(
    path: Path, row: Mapping[str, str], where: str, options: ImportOptions, known: set[str]
) -> PendingDocument:
    norm = normalise(_bundle_text(path, row, where, options) or row.get(options.text_column) or "")
    try:
        check_text(norm.text, options.max_bytes)
    except TextError as exc:
        raise ImportRejected(f"{where}: column {options.text_column!r}: {exc}") from None
    ext_id = (row.get(options.id_column) or "").strip()
    return PendingDocument(
        where,
        norm.text,
        ext_id=ext_id,
        explicit_id=bool(ext_id),
        title=(row.get(options.title_column) or "").strip(),
        source=row.get("source") or "",
        url=row.get("url") or "",
        published=published_date((row.get("published") or "").strip(), where, options.date_format),
        language=row.get("language") or "",
        metadata=_metadata(row, known, where),
    )


def _bundle_text(path: Path, row: Mapping[str, str], where: str, options: ImportOptions) -> str:
    """The exact text from ``text_file`` (our CSV bundle, docs/formats.md); "" without one."""
    name = (row.get("text_file") or "").strip()
    if not name:
        return ""
    rel = Path(name)
    if rel.is_absolute() or ".." in rel.parts:
        raise ImportRejected(f"{where}: column 'text_file': {name!r} is outside the bundle")
    file = path.parent / rel
    return decode_file(file, read_bytes(file, options.max_bytes), options.max_bytes)


def _metadata(row: Mapping[str, str], known: set[str], where: str) -> dict[str, Any]:
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
