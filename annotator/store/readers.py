"""Format readers for ``annotator import``: txt and JSONL (docs/formats.md); CSV lives in
``csv_reader`` and brat in ``brat_import``. Each yields ``PendingDocument``s checked against
the codebook; a fault raises ``ImportRejected`` naming the file, line and field."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson

from annotator.core.codebook import Codebook
from annotator.core.records import GOLD
from annotator.core.text import TextError, check_text, guess_title_and_date, normalise
from annotator.store.import_model import (
    ANNOTATION_KEYS,
    DOCUMENT_KEYS,
    LINK_KEYS,
    ImportOptions,
    ImportRejected,
    ImportReport,
    InputFile,
    PendingAnnotation,
    PendingDocument,
    PendingLink,
    decode_file,
    published_date,
    read_bytes,
)
from annotator.store.services import new_uid, valid_coder_name


def read_txt(path: Path, options: ImportOptions) -> Iterator[PendingDocument]:
    data = read_bytes(path, options.max_bytes)
    text = normalise(decode_file(path, data, options.max_bytes, options.encoding)).text
    title, published = guess_title_and_date(text)
    yield PendingDocument(str(path), text, ext_id=path.stem, title=title, published=published)


UTF8_BOM = b"\xef\xbb\xbf"


def read_jsonl(path: Path, options: ImportOptions, codebook: Codebook) -> Iterator[PendingDocument]:
    """One document per line, read as a stream (the size limit applies per line)."""
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise ImportRejected(f"{path}: cannot read ({exc.strerror})") from None
    seen = False
    with fh:
        for lineno, line in enumerate(fh, start=1):
            if lineno == 1:
                line = line.removeprefix(UTF8_BOM)
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
        published=published_date(_str_field(obj, "published", where), where, options.date_format),
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
        name = valid_coder_name(value)
    except ValueError as exc:
        raise ImportRejected(f"{where}: field 'coder': {exc}") from None
    if name == GOLD and not options.allow_gold:
        raise ImportRejected(
            f"{where}: field 'coder': {GOLD!r} is the adjudicated layer; "
            "a lead imports gold with --allow-gold"
        )
    return name


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
    if start == end:
        raise ImportRejected(
            f"{where}: offsets {start}-{end} mark an empty span (zero length); "
            "a span covers at least one character"
        )
    if start > end:
        raise ImportRejected(f"{where}: offsets {start}-{end}: the span ends before it starts")
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


def read_file(
    file: InputFile, options: ImportOptions, codebook: Codebook, report: ImportReport
) -> Iterator[PendingDocument]:
    path, fmt = file.path, file.format
    if fmt == "txt":
        return read_txt(path, options)
    if fmt == "jsonl":
        return read_jsonl(path, options, codebook)
    if fmt == "csv":
        from annotator.store.csv_reader import read_csv

        return read_csv(path, options)
    from annotator.store.brat_import import read_brat

    coder = file.coder
    if coder:
        try:
            coder = valid_coder_name(coder)
        except ValueError as exc:
            raise ImportRejected(f"{path.parent}: coder folder name: {exc}") from None
    docs: Iterator[PendingDocument] = read_brat(path, options, codebook, report, coder)
    return docs


# ------------------------------------------------------------------------------- checking


def check_document(doc: PendingDocument, codebook: Codebook) -> None:
    """Cross-annotation checks of one document: unique ids, links valid for the codebook, and
    no NUL character in any field (PostgreSQL cannot store one in text)."""
    nul = _nul_field(doc)
    if nul:
        raise ImportRejected(f"{doc.origin}: field {nul!r} contains a NUL character (\\0)")
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


def _nul_field(doc: PendingDocument) -> str:
    """The name of the first field holding a NUL character, or ""."""
    for name in ("text", "ext_id", "title", "source", "url", "published", "language"):
        if "\x00" in getattr(doc, name):
            return "id" if name == "ext_id" else name
    found = _nul_in(doc.metadata, "metadata")
    if found:
        return found
    for i, a in enumerate(doc.annotations):
        where = f"annotations[{i}]"
        for name in ("uid", "coder", "label", "note", "source_uid"):
            if "\x00" in getattr(a, name):
                return f"{where}.{name}"
        found = _nul_in(a.attributes, f"{where}.attributes")
        if found:
            return found
    for i, k in enumerate(doc.links):
        for name in ("uid", "coder", "from_uid", "role", "to_uid"):
            if "\x00" in getattr(k, name):
                return f"links[{i}].{name}"
    return ""


def _nul_in(value: object, where: str) -> str:
    if isinstance(value, str):
        return where if "\x00" in value else ""
    if isinstance(value, dict):
        for key, item in value.items():
            found = _nul_in(key, f"{where} key") or _nul_in(item, f"{where}.{key}")
            if found:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = _nul_in(item, f"{where}[{i}]")
            if found:
                return found
    return ""
