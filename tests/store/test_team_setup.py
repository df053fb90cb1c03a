"""How a team project is set up on the server: every table protected (new ones after an
upgrade too), projects on one server kept apart, passwords stored by the server only."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from annotator.store import migrations, team
from annotator.store.assign import AssignPlan, assign
from annotator.store.engine import Project, ProjectError
from annotator.store.tables import DocumentRow

from helpers.team import Team, needs_postgres, new_team, team_db  # noqa: F401

pytestmark = needs_postgres


def protection(t: Team) -> dict[str, tuple[str, bool, bool, int]]:
    """Per table: owner, row-level security enabled, forced, number of policies."""
    with psycopg.connect(t.dsn_as("postgres")) as conn:
        rows = conn.execute(
            "SELECT c.relname, pg_get_userbyid(c.relowner), c.relrowsecurity, "
            "c.relforcerowsecurity, (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r'"
        ).fetchall()
    return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}


def assert_all_protected(t: Team) -> None:
    owner = team.group(team.role_prefix(t.database), "owner")
    tables = protection(t)
    assert {"annotation", "link", "document_status", "audit", "assignment"} <= set(tables)
    for name, (table_owner, enabled, forced, policies) in tables.items():
        assert table_owner == owner, name
        if name != "alembic_version":
            assert enabled and forced and policies >= 1, name


def test_every_table_is_owned_by_the_project_and_forces_row_security(team_db: Team) -> None:  # noqa: F811
    assert_all_protected(team_db)


def downgrade_one_revision(url: str) -> None:
    """Take the project one schema revision back (as its administrator), the way Alembic does."""
    from alembic.config import Config
    from alembic.runtime.environment import EnvironmentContext
    from sqlalchemy import create_engine
    from sqlmodel import SQLModel

    script = migrations._script()

    def back(rev: Any, _context: Any) -> Any:
        return script._downgrade_revs("-1", rev)

    engine = create_engine(url)
    with engine.begin() as conn:
        with EnvironmentContext(Config(), script, fn=back, destination_rev="-1") as env:
            env.configure(connection=conn, target_metadata=SQLModel.metadata)
            with env.begin_transaction():
                env.run_migrations()
        assert migrations.current_revision(conn) != migrations.HEAD
    engine.dispose()


def test_an_upgrade_protects_the_new_tables(team_db: Team) -> None:  # noqa: F811
    alice = team_db.add("alice", "coder")
    bob = team_db.add("bob", "coder")
    admin = team_db.open_as(None)
    with admin.write() as s:
        s.add(DocumentRow(ext_id="d1", sha256="1" * 64, text="one two", length=7))
        s.add(DocumentRow(ext_id="d2", sha256="2" * 64, text="three", length=5))
    assign(admin, AssignPlan(coders=[alice], documents=["d1"]))
    assign(admin, AssignPlan(coders=[bob], documents=["d2"]))
    for project in team_db.opened:
        project.close()
    team_db.opened.clear()
    downgrade_one_revision(team_db.url)  # the newest revision's tables and indexes are gone
    with pytest.raises(ProjectError, match="cannot open database"):
        Project.open(team_db.url_as(alice))  # a coder may not upgrade the schema
    Project.open(team_db.url).close()  # a manager may
    assert_all_protected(team_db)
    with psycopg.connect(team_db.dsn_as(alice)) as conn:
        assert conn.execute("SELECT count(*) FROM assignment").fetchone() == (1,)
        assert conn.execute("SELECT ext_id FROM document").fetchall() == [("d1",)]


def test_projects_on_one_server_do_not_mix(team_db: Team) -> None:  # noqa: F811
    with new_team() as other:
        person = team_db.add("alice", "coder")
        team.add_user(other.open_as(None), person, "reviewer", None)
        only_here = team_db.add("bob", "coder")
        assert team.my_roles(team_db.open_as(person)) == ("coder",)
        assert team.my_roles(other.open_as(person)) == ("reviewer",)
        with pytest.raises(psycopg.OperationalError, match="permission denied"):
            psycopg.connect(other.dsn_as(only_here)).close()
        with pytest.raises(ProjectError, match="permission denied"):
            Project.open(other.url_as(only_here))
        assert [u.name for u in team.list_users(other.open_as(None))] == [person, "postgres"]


def test_a_password_is_kept_by_the_server_only(team_db: Team) -> None:  # noqa: F811
    admin = team_db.open_as(None)
    name = team_db.name("dana")
    team_db.logins.append(name)
    team.add_user(admin, name, "coder", "it's a secret")
    with psycopg.connect(team_db.dsn_as("postgres")) as conn:
        stored = conn.execute(
            "SELECT rolpassword FROM pg_authid WHERE rolname = %s", (name,)
        ).fetchone()
    assert stored is not None and stored[0] and "secret" not in stored[0]
    with pytest.raises(team.TeamError, match="invalid user name"):
        team.add_user(admin, "Robert'); DROP TABLE annotation; --", "coder", None)
    with pytest.raises(team.TeamError, match="unknown role"):
        team.add_user(admin, name, "admin", None)
