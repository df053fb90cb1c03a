"""A team project on the test PostgreSQL server: its own database and login roles (uuid-named),
all dropped at the end. Tests that use it are skipped, with the reason shown, without a server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from annotator.store import team
from annotator.store.engine import Project

from helpers.postgres import PG_SERVER_URL

needs_postgres = pytest.mark.skipif(
    not PG_SERVER_URL,
    reason="team projects need PostgreSQL: set ANNOTATOR_TEST_PG_URL (CI starts a server)",
)


@dataclass
class Team:
    database: str
    url: str  # as the administrator who ran init --team (the first manager)
    suffix: str
    logins: list[str] = field(default_factory=list)
    opened: list[Project] = field(default_factory=list)

    def name(self, person: str) -> str:
        return f"{person}_{self.suffix}"

    def add(self, person: str, role: str) -> str:
        name = self.name(person)
        self.logins.append(name)
        admin = self.open_as(None)
        team.add_user(admin, name, role, None)
        return name

    def url_as(self, login: str | None) -> str:
        url = make_url(self.url)
        if login is not None:
            url = url.set(username=login, password=None)
        return url.render_as_string(hide_password=False)

    def open_as(self, login: str | None) -> Project:
        project = Project.open(self.url_as(login))
        self.opened.append(project)
        return project

    def dsn_as(self, login: str) -> str:
        """A plain libpq connection string for ``psycopg.connect``."""
        url = make_url(self.url)
        return f"host={url.host} port={url.port or 5432} dbname={self.database} user={login}"


def _admin(statement: str) -> None:
    engine = create_engine(PG_SERVER_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(statement))
    engine.dispose()


@contextmanager
def new_team(*, init: bool = True) -> Iterator[Team]:
    """A uuid-named database (a team project when ``init``) and, at the end, no trace of it
    or of the login roles the test added through ``Team.add`` / ``Team.logins``."""
    if not PG_SERVER_URL:
        pytest.skip("team projects need PostgreSQL: set ANNOTATOR_TEST_PG_URL")
    suffix = uuid.uuid4().hex[:8]
    database = f"annotator_team_{suffix}"
    url = make_url(PG_SERVER_URL).set(database=database).render_as_string(hide_password=False)
    made = Team(database, url, suffix)
    try:
        if init:
            made.opened.append(team.init_team(url))
        yield made
    finally:
        for project in made.opened:
            project.close()
        _admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        prefix = team.role_prefix(database)
        for role in [*(team.group(prefix, r) for r in (*team.ROLES, "owner")), *made.logins]:
            _admin(f'DROP ROLE IF EXISTS "{role}"')


@pytest.fixture
def team_db() -> Iterator[Team]:
    """An empty team project (default codebook); the test's administrator is its manager."""
    with new_team() as made:
        yield made
