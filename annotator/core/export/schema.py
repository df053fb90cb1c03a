"""``schema.json``: the data dictionary written beside the CSV tables (docs/formats.md).

For every table, every column in order: its name, its type (``integer``, ``number``,
``string``, ``boolean``, ``date``) and what it means, plus the pandas dtype that reads it
without loss (``Int64``, ``Float64``, ``string``, ``boolean``; dates as ``string``, listed in
``date_columns`` for ``parse_dates``). Nullable dtypes: an empty cell is ``<NA>``, and an
integer column stays integer even when some rows are empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from annotator.core.codebook import Attribute, Codebook

PANDAS_DTYPES = {
    "integer": "Int64",
    "number": "Float64",
    "string": "string",
    "boolean": "boolean",
    "date": "string",
}
ATTRIBUTE_KINDS = {
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "date": "date",
    "choice": "string",
    "multi_choice": "string",
    "text": "string",
}

Column = tuple[str, str, str]  # name, type, meaning

GUARD = " (a text cell starting with = + - @ tab or CR has a ' put in front)"
DOCUMENT_COLUMNS: tuple[Column, ...] = (
    ("id", "string", "the document id (other tables: document_id)"),
    ("title", "string", "title" + GUARD),
    ("source", "string", "news source" + GUARD),
    ("url", "string", "address of the article"),
    ("published", "date", "publication date, YYYY-MM-DD"),
    ("language", "string", "language code"),
    ("metadata", "string", "other document fields, a JSON object"),
    ("text_file", "string", "the exact text, UTF-8: every offset counts code points in it"),
    ("text", "string", "the text" + GUARD + "; offsets refer to text_file"),
)
ANNOTATION_COLUMNS: tuple[Column, ...] = (
    ("document_id", "string", "documents.csv id"),
    ("annotation_id", "string", "the span's id, unique per coder and document"),
    ("coder", "string", "who coded it (gold: the adjudicated version)"),
    ("label", "string", "ACTOR, EVENT, ... (docs/codebook.md)"),
    ("start", "integer", "first character, a code point offset into text_file"),
    ("end", "integer", "one past the last character (code points)"),
    ("text", "string", "the covered text" + GUARD),
    ("note", "string", "the coder's note"),
    ("codebook_version", "integer", "codebook version the span was coded with"),
    ("source", "string", "gold only: coder:annotation_id of the span it was accepted from"),
)
OTHER_ATTRIBUTES: Column = (
    "other_attributes",
    "string",
    "JSON object of attributes the codebook does not define (any more) or whose value does "
    "not fit the column's type",
)
LINK_COLUMNS: tuple[Column, ...] = (
    ("document_id", "string", "documents.csv id"),
    ("link_id", "string", "the link's id"),
    ("coder", "string", "who made it"),
    ("from_id", "string", "annotation_id of the event or span the link starts at"),
    ("from_label", "string", "its label"),
    ("from_text", "string", "its text" + GUARD),
    ("role", "string", "event role or relation (docs/codebook.md)"),
    ("to_id", "string", "annotation_id of the span it points at"),
    ("to_label", "string", "its label"),
    ("to_text", "string", "its text" + GUARD),
)
ADJUDICATION_COLUMNS: tuple[Column, ...] = (
    ("document_id", "string", "documents.csv id"),
    ("decision", "string", "accepted (copied into gold) or rejected (nothing in gold here)"),
    ("gold_id", "string", "accepted: annotation_id of the gold span made"),
    ("sources", "string", "coder:annotation_id of the coders' spans decided on, '; '-joined"),
    ("reviewer", "string", "who decided"),
    ("note", "string", "the reviewer's note" + GUARD),
    ("decided_at", "string", "when, ISO 8601 UTC"),
)


def attribute_kind(attr: Attribute) -> str:
    return ATTRIBUTE_KINDS.get(attr.type, "string")


def attribute_meaning(labels: Sequence[str], attr: Attribute) -> str:
    where = "/".join(labels)
    what = f"{where} {attr.name} ({attr.type})"
    if attr.type == "multi_choice":
        what += ", values '; '-joined"
    return f"{what}: {attr.description}" if attr.description else what


def table(columns: Sequence[Column], description: str) -> dict[str, Any]:
    return {
        "description": description,
        "columns": [{"name": n, "type": t, "description": d} for n, t, d in columns],
        "pandas_dtypes": {n: PANDAS_DTYPES[t] for n, t, _ in columns},
        "date_columns": [n for n, t, _ in columns if t == "date"],
    }


def schema_json(codebook: Codebook, tables: dict[str, dict[str, Any]]) -> bytes:
    doc = {
        "format": "annotator CSV bundle (docs/formats.md)",
        "codebook": codebook.name,
        "codebook_version": codebook.version,
        "types": {
            "integer": "whole number; empty = no value",
            "number": "decimal number; empty = no value",
            "string": "text; empty = no value",
            "boolean": "true or false; empty = no value",
            "date": "YYYY-MM-DD; empty = no value",
        },
        "tables": tables,
    }
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
