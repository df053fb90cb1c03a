"""Noticing what other processes changed in a project, cheaply (docs/team.md, "Live windows").

An open window asks ``Watcher.poll()`` every half second or so which tables changed since the
last call. No Qt here: the GUI adapter (``annotator.gui.live``) owns the timer.

- PostgreSQL: a statement-level trigger on every table sends ``NOTIFY annotator_changes`` with
  the table's name (folded by PostgreSQL to one message per table per transaction); the watcher
  holds one extra connection that LISTENs and drains the queue without waiting.
- SQLite: ``PRAGMA data_version`` on a connection of the watcher's own changes whenever another
  connection commits; it tells *that* something changed, not what, so ``poll`` answers ``ALL``.

A window reads back only what its views show (document list, statuses, codebook, reviewers,
decisions); it does not matter if a change was its own.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from annotator.store.tables import CodebookVersion

if TYPE_CHECKING:  # for annotations only: opening a project (engine) installs these triggers
    from annotator.store.engine import Project

CHANNEL = "annotator_changes"
# Every table a window may show something of; ``ALL`` is the answer when we cannot tell which.
TABLES = frozenset(
    {
        "annotation",
        "assignment",
        "audit",
        "codebook_version",
        "coder",
        "document",
        "document_status",
        "link",
        "project_setting",
    }
)
ALL = TABLES

_FUNCTION = f"""
CREATE OR REPLACE FUNCTION annotator_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME);
    RETURN NULL;
END
$$"""


def install_triggers(conn: Connection) -> None:
    """Create the NOTIFY triggers (PostgreSQL only; idempotent). Called for new projects and by
    migration 0005."""
    if conn.dialect.name != "postgresql":
        return
    conn.execute(text(_FUNCTION))
    present = set(inspect(conn).get_table_names())
    for table in sorted(TABLES & present):
        name = f"annotator_notify_{table}"
        conn.execute(text(f'DROP TRIGGER IF EXISTS {name} ON "{table}"'))
        conn.execute(
            text(
                f'CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
                "FOR EACH STATEMENT EXECUTE FUNCTION annotator_notify()"
            )
        )


def remove_triggers(conn: Connection) -> None:
    if conn.dialect.name != "postgresql":
        return
    for table in sorted(TABLES & set(inspect(conn).get_table_names())):
        conn.execute(text(f'DROP TRIGGER IF EXISTS annotator_notify_{table} ON "{table}"'))
    conn.execute(text("DROP FUNCTION IF EXISTS annotator_notify()"))


class Watcher:
    """Which tables of ``project`` changed since the last ``poll``; never blocks."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._pg: Any = None
        self._sqlite: sqlite3.Connection | None = None
        self._data_version: int | None = None
        self._codebook_id = self._latest_codebook_id()
        self._connect()

    # ------------------------------------------------------------------ connections

    def _connect(self) -> None:
        url = self.project.engine.url
        if self.project.is_sqlite:
            if url.database:
                self._sqlite = sqlite3.connect(url.database, check_same_thread=False)
                self._data_version = self._read_data_version()
            return
        import psycopg

        conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        try:
            self._pg = psycopg.connect(conninfo, autocommit=True, connect_timeout=5)
            self._pg.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error:
            self._pg = None  # the server is away: poll() tries again

    def _read_data_version(self) -> int | None:
        assert self._sqlite is not None
        try:
            row = self._sqlite.execute("PRAGMA data_version").fetchone()
        except sqlite3.Error:
            return None
        return int(row[0]) if row else None

    def close(self) -> None:
        if self._pg is not None:
            self._pg.close()
            self._pg = None
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None

    # ------------------------------------------------------------------------ polling

    def poll(self) -> frozenset[str]:
        """The tables changed since the last call (``ALL`` when unknown); empty: nothing."""
        changed = self._poll_sqlite() if self.project.is_sqlite else self._poll_postgres()
        if "codebook_version" in changed:
            latest = self._latest_codebook_id()
            if latest != self._codebook_id:
                self._codebook_id = latest
                self.project.forget_codebook()  # the next use reads the new version
        return changed

    def _poll_sqlite(self) -> frozenset[str]:
        if self._sqlite is None:
            return frozenset()
        version = self._read_data_version()
        if version is None or version == self._data_version:
            return frozenset()
        self._data_version = version
        return ALL

    def _poll_postgres(self) -> frozenset[str]:
        import psycopg

        if self._pg is None or self._pg.closed:
            self._connect()
            # Whatever happened while we were not listening is unknown: look at everything.
            return ALL if self._pg is not None else frozenset()
        try:
            names = {n.payload for n in self._pg.notifies(timeout=0)}
        except psycopg.Error:
            self.close()
            return frozenset()
        return frozenset(names & TABLES)

    def _latest_codebook_id(self) -> int | None:
        try:
            with self.project.engine.connect() as conn:
                value = conn.execute(
                    text(f"SELECT max(id) FROM {CodebookVersion.__tablename__}")
                ).scalar()
        except SQLAlchemyError:  # a lost connection: compare again next time
            return getattr(self, "_codebook_id", None)
        return int(value) if value is not None else None


def documents_fingerprint(project: Project, coder: str) -> tuple[Any, ...]:
    """What a coder's document list depends on, in a few index look-ups: the newest document,
    codebook version and assignment count, and the newest of the coder's statuses. Equal
    fingerprints: the list need not be read again (SQLite's watcher cannot say what changed)."""
    with project.connect() as conn:
        row = conn.execute(
            text(
                "SELECT (SELECT max(id) FROM document), (SELECT max(id) FROM codebook_version), "
                "(SELECT max(s.updated_at) FROM document_status s JOIN coder c "
                "ON c.id = s.coder_id WHERE c.name = :coder)"
            ),
            {"coder": coder},
        ).one()
        assigned = (
            conn.execute(
                text(
                    "SELECT count(*) FROM assignment a JOIN coder c ON c.id = a.coder_id "
                    "WHERE c.name = :coder"
                ),
                {"coder": coder},
            ).scalar()
            if inspect(conn).has_table("assignment")
            else None
        )
    return (*row, assigned)
