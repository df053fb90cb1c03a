"""Reading a current project file with the stdlib ``sqlite3`` alone, for a read-only command.

``annotator agreement`` reads a project and writes nothing. Opening it through the project's
engine imports SQLAlchemy and SQLModel, which costs more than a third of the command on a
1,000-document project; a project file already at the newest schema needs none of what the
engine adds (migrations, the write path), so it is read here through a read-only ``sqlite3``
connection (``file:...?mode=ro``: nothing is written, no file is created beside it), running the
same SQL as the engine path (``annotator.store.coding_sql``).

The safety rules of ``Project.open`` hold: the file must pass SQLite's quick check and be a
finished project (``project_file.look``) and be stamped with the newest schema
(``schema_head.HEAD``). Anything else (a database URL, a missing, damaged or unfinished file,
an older schema to migrate, a newer one to refuse) gets ``None``, and the caller opens the
project the normal way, which refuses or migrates exactly as every other command does.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from annotator.store import project_file
from annotator.store.plain_sql import Run
from annotator.store.schema_head import HEAD


def open_current(project: str | Path, *, check: bool = True) -> sqlite3.Connection | None:
    """A read-only connection to ``project`` when it is a sound project file at the newest
    schema; ``None`` when it has to be opened through ``Project.open``. ``check=False`` spares
    SQLite's quick check of the whole file (a glance that the store's open repeats with it)."""
    text = str(project)
    if "://" in text:
        return None  # a database server (or an explicit SQLAlchemy URL): the engine's job
    path = Path(text).expanduser().resolve()
    if not path.is_file() or (check and project_file.look(path).state != "project"):
        return None
    try:
        conn = project_file.connect_read_only(path)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        row = None
    if row is None or row[0] != HEAD:
        conn.close()
        return None
    return conn


def runner(conn: sqlite3.Connection) -> Run:
    """``coding_sql``'s ``run`` on a ``sqlite3`` connection (rows fetched in C)."""

    def run(sql: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        return conn.execute(sql, params).fetchall()

    return run


__all__ = ["open_current", "runner"]
