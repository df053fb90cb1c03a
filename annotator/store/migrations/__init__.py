"""Schema versions, managed by Alembic without an ``alembic.ini``.

A new project is created from the current table definitions and stamped at the newest
revision (Alembic's recommended way to build an up-to-date database from scratch); an existing
one is upgraded through ``versions/``. Add a revision there whenever a table changes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from annotator.store import tables  # noqa: F401  (registers the tables on SQLModel.metadata)

HERE = Path(__file__).parent


class NotAProject(Exception):
    pass


def _script() -> ScriptDirectory:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    return ScriptDirectory.from_config(cfg)


def head_revision() -> str:
    head = _script().get_current_head()
    assert head is not None
    return head


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def ensure_current(conn: Connection, *, create: bool) -> None:
    """Create, or upgrade to the newest schema, the database behind ``conn``."""
    script = _script()
    head = script.get_current_head()
    current = current_revision(conn)
    if current == head:
        return
    if current is None:
        existing = set(inspect(conn).get_table_names())
        if existing - {"alembic_version"}:
            raise NotAProject("not an Annotator project (it has other tables)")
        if not create:
            raise NotAProject("not an Annotator project (empty database; run 'annotator init')")
        SQLModel.metadata.create_all(conn)
        MigrationContext.configure(conn).stamp(script, "head")
        return

    def upgrade(rev: Any, _context: Any) -> Any:
        return script._upgrade_revs("head", rev)

    cfg = script.config if hasattr(script, "config") else Config()
    with EnvironmentContext(cfg, script, fn=upgrade, destination_rev="head") as env:
        env.configure(connection=conn, target_metadata=SQLModel.metadata)
        with env.begin_transaction():
            env.run_migrations()
