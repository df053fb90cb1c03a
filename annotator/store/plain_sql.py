"""Portable SQL text and row decoding for the readers that run without SQLAlchemy.

``annotator agreement`` (``coding_sql``) and the coding window's first look at a project
(``first_look``) read a project through any connection: each function takes ``run(sql, params)
-> rows`` (plain tuples), the SQL uses named ``:p`` parameters, casts JSON columns to text and
quotes ``"end"``, so the same text runs on the engine's connection (SQLite or PostgreSQL) and on
a stdlib ``sqlite3`` one (``read_only``). This module imports nothing heavier than orjson.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import orjson

Run = Callable[[str, Mapping[str, Any]], list[tuple[Any, ...]]]
"""Runs one SELECT with named parameters and returns every row as a plain tuple."""

DOCUMENTS = (
    "SELECT id, ext_id, text, title, source, url, published, language, CAST(meta AS TEXT), "
    "sha256 FROM document WHERE id IN {documents}"
)
ANNOTATIONS = (
    'SELECT a.id, a.uid, a.document_id, c.name, a.label, a.start, a."end", '
    "CAST(a.attributes AS TEXT), a.note, a.codebook_version, a.source_uid "
    "FROM annotation a JOIN coder c ON c.id = a.coder_id "
    "WHERE a.document_id IN {documents} AND a.deleted_at IS NULL AND c.name IN {coders} "
    'ORDER BY a.document_id, a.start, a."end", a.id'
)
LINKS = (
    "SELECT l.id, l.uid, l.document_id, c.name, l.from_id, l.role, l.to_id "
    "FROM link l JOIN coder c ON c.id = l.coder_id "
    "WHERE l.document_id IN {documents} AND l.deleted_at IS NULL AND c.name IN {coders} "
    "ORDER BY l.id"
)


def in_list(prefix: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
    """``(:prefix0, :prefix1, ...)`` and its parameters (an empty list matches nothing)."""
    if not values:
        return "(NULL)", {}
    params = {f"{prefix}{i}": v for i, v in enumerate(values)}
    return "(" + ", ".join(f":{k}" for k in params) + ")", params


def json_object(raw: Any) -> dict[str, Any]:
    """A JSON object column read as text (or already decoded by the driver)."""
    if raw is None or raw == "":
        return {}
    if isinstance(raw, dict):
        return raw
    value = orjson.loads(raw)
    return value if isinstance(value, dict) else {}


def codebook_source(run: Run) -> str | None:
    """The project's current codebook (its YAML), None if it has none."""
    rows = run("SELECT source FROM codebook_version ORDER BY id DESC LIMIT 1", {})
    return str(rows[0][0]) if rows else None


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while hundreds of thousands of rows, tuples and dicts are
    built: they hold no cycles, and its repeated passes over them cost a third of the read."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


__all__ = [
    "ANNOTATIONS",
    "DOCUMENTS",
    "LINKS",
    "Run",
    "codebook_source",
    "collector_paused",
    "in_list",
    "json_object",
]
