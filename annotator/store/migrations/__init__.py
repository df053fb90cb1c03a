"""Schema versions, managed by Alembic without an ``alembic.ini``.

A new project is created from the current table definitions and stamped at the newest
revision (Alembic's recommended way to build an up-to-date database from scratch); an existing
one is upgraded through ``versions/``. Add a revision there whenever a table changes, and set
``HEAD`` (in ``annotator/store/schema_head.py``) to it (a test checks that ``HEAD`` is Alembic's
head).

Opening a project that is already current reads ``alembic_version`` with one query and never
imports Alembic, which keeps the program's start fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

from annotator.store import tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from annotator.store.schema_head import HEAD as HEAD

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory

HERE = Path(__file__).parent


class NotAProject(Exception):
    pass


def _script() -> ScriptDirectory:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    return ScriptDirectory.from_config(cfg)


def _known(script: ScriptDirectory, revision: str) -> bool:
    from alembic.util import CommandError

    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False


def head_revision() -> str:
    head = _script().get_current_head()
    assert head is not None
    return head


def current_revision(conn: Connection) -> str | None:
    """The stamped revision, or None for a database Alembic never stamped."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    try:
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    except DBAPIError:
        return None
    return str(row[0]) if row is not None else None


def ensure_current(conn: Connection, *, create: bool) -> None:
    """Create, or upgrade to the newest schema, the database behind ``conn``."""
    current = current_revision(conn)
    if current == HEAD:
        return
    from alembic.runtime.environment import EnvironmentContext
    from alembic.runtime.migration import MigrationContext

    script = _script()
    if current is None:
        existing = set(inspect(conn).get_table_names())
        if existing - {"alembic_version"}:
            raise NotAProject("not an Annotator project (it has other tables)")
        if not create:
            raise NotAProject("not an Annotator project (empty database; run 'annotator init')")
        SQLModel.metadata.create_all(conn)
        from annotator.store.watch import install_triggers

        install_triggers(conn)  # PostgreSQL: live windows hear of changes (docs/team.md)
        MigrationContext.configure(conn).stamp(script, "head")
        return

    if not _known(script, current):
        raise NotAProject(
            f"made by a newer version of Annotator (schema {current}, this one knows up to "
            f"{HEAD}); upgrade Annotator to open it"
        )

    def upgrade(rev: Any, _context: Any) -> Any:
        return script._upgrade_revs("head", rev)

    from alembic.config import Config

    with EnvironmentContext(Config(), script, fn=upgrade, destination_rev="head") as env:
        env.configure(connection=conn, target_metadata=SQLModel.metadata)
        with env.begin_transaction():
            env.run_migrations()
            # A team project's new tables get their owner, grants and row-level security.
            from annotator.store.team_policies import secure_after_upgrade

            secure_after_upgrade(conn)
