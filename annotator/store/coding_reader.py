"""Reading many coders' work at once, for agreement, through the project's engine.

`annotator agreement` reads every span of every compared coder (150,000 for 1,000 documents x 3
coders x 50 spans). The SQL and the row decoding are in ``annotator.store.coding_sql`` (shared
with the read-only ``sqlite3`` path of ``annotator.store.read_only``); this module runs them on
the project's own connection, rows taken straight from the driver's cursor, past SQLAlchemy's
per-row processing. Permissions are those of that connection (on a team project, PostgreSQL's
grants and row-level security apply as usual).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from annotator.core.agreement.model import AnnotationTable
from annotator.core.records import Document, Link
from annotator.store import coding_sql
from annotator.store.coding_sql import BATCH, Run
from annotator.store.engine import Project


def runner(s: Session) -> Run:
    """``coding_sql``'s ``run`` on a session's connection."""
    connection = s.connection()

    def run(sql: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        result = connection.execute(text(sql), dict(params))
        try:
            return list(result.cursor.fetchall())
        finally:
            result.close()

    return run


@contextmanager
def reading(project: Project) -> Iterator[Run]:
    """A read session on ``project`` as ``coding_sql``'s ``run``."""
    with project.read() as s:
        yield runner(s)


def read_coding(
    project: Project, document_ids: Sequence[int], coders: Sequence[str]
) -> tuple[list[Document], AnnotationTable, list[Link]]:
    """The documents (in the order given) with the live annotations and links of `coders`
    (see ``coding_sql.read_coding``)."""
    with reading(project) as run:
        return coding_sql.read_coding(run, document_ids, coders)


__all__ = ["BATCH", "read_coding", "reading", "runner"]
