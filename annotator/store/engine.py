"""Opening a project database: engine, SQLite pragmas, schema migrations, sessions.

``PROJECT`` is a file path (SQLite, suggested extension ``.annot``) or any SQLAlchemy URL.
SQLite runs with WAL, foreign keys and a busy timeout; write transactions start with
``BEGIN IMMEDIATE`` so that a GUI and a CLI on the same file queue instead of failing with
"database is locked" when a reader upgrades to a writer.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session, SQLModel, col, create_engine, select

from annotator.core.codebook import Codebook, CodebookError, parse_codebook
from annotator.store import migrations, tables
from annotator.store.tables import CodebookVersion, ProjectSetting

# How long a write waits for another process's transaction before giving up (milliseconds).
BUSY_TIMEOUT_MS = int(os.environ.get("ANNOTATOR_BUSY_TIMEOUT_MS", "10000"))


class ProjectError(Exception):
    """A user-facing problem with a project (missing, unreadable, not a project)."""


def project_url(project: str | Path) -> str:
    """Turn a PROJECT argument (path or URL) into an SQLAlchemy URL."""
    text = str(project)
    if "://" in text:
        try:
            make_url(text)
        except ArgumentError as exc:
            raise ProjectError(f"{text}: not a valid database URL ({exc})") from None
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def _sqlite_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own handling is off).
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA foreign_keys = ON")
    # WAL + NORMAL is durable against a killed process (not against power loss mid-commit).
    cur.execute("PRAGMA synchronous = NORMAL")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    mode = "IMMEDIATE" if conn.get_execution_options().get("annotator_write") else "DEFERRED"
    conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    return engine


class Project:
    """An open project database. Cheap to keep open; sessions are short and per action."""

    def __init__(self, url: str, engine: Engine) -> None:
        self.url = url
        self.engine = engine
        self._write_engine = engine.execution_options(annotator_write=True)
        self._codebook: Codebook | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def display_name(self) -> str:
        if self.is_sqlite and self.engine.url.database:
            return Path(self.engine.url.database).name
        return self.engine.url.render_as_string(hide_password=True)

    @classmethod
    def open(cls, project: str | Path, *, create: bool = False) -> Project:
        """Open an existing project (or create an empty one with ``create``)."""
        url = project_url(project)
        if url.startswith("sqlite:///") and not create:
            path = Path(url.removeprefix("sqlite:///"))
            if not path.exists():
                raise ProjectError(f"{project}: no such project (create it with 'annotator init')")
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                migrations.ensure_current(conn, create=create)
                conn.commit()
        except OperationalError as exc:
            engine.dispose()
            raise ProjectError(f"{project}: cannot open database ({exc.orig})") from None
        except migrations.NotAProject as exc:
            engine.dispose()
            raise ProjectError(f"{project}: {exc}") from None
        return cls(url, engine)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error."""
        with Session(self._write_engine) as session, session.begin():
            yield session

    # ------------------------------------------------------------------ codebook

    @property
    def codebook(self) -> Codebook:
        if self._codebook is None:
            self._codebook = self.load_codebook()
        return self._codebook

    def load_codebook(self) -> Codebook:
        with self.read() as s:
            source = s.exec(
                select(CodebookVersion.source).order_by(col(CodebookVersion.id).desc()).limit(1)
            ).first()
        if source is None:
            raise ProjectError(f"{self.display_name}: the project has no codebook")
        try:
            return parse_codebook(source)
        except CodebookError as exc:
            raise ProjectError(f"stored codebook is invalid: {exc}") from None

    def forget_codebook(self) -> None:
        self._codebook = None

    def setting(self, key: str, default: str = "") -> str:
        with self.read() as s:
            row = s.get(ProjectSetting, key)
            return row.value if row is not None else default

    @cached_property
    def metadata(self) -> Any:
        return SQLModel.metadata


__all__ = ["Project", "ProjectError", "project_url", "tables"]
