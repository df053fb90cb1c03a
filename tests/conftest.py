"""Shared fixtures. Qt must see the offscreen platform before it loads."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from annotator.core.codebook import Codebook, load_codebook
from annotator.store.engine import Project
from annotator.store.setup import create_project

from helpers.paths import DEFAULT_CODEBOOK
from helpers.postgres import BACKENDS, PG_DATABASE, PG_SERVER_URL, PG_URL, reset_postgres
from helpers.project_files import mount_point


def _pg_admin(statement: str) -> None:
    engine = create_engine(PG_SERVER_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(statement))
    engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def _own_postgres_database() -> Iterator[None]:
    """Create this run's own database (only when PostgreSQL is configured) and drop it after."""
    if not PG_SERVER_URL:
        yield
        return
    _pg_admin(f'CREATE DATABASE "{PG_DATABASE}"')
    yield
    _pg_admin(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test run on the PostgreSQL backend carries the ``postgres`` marker (select or skip
    those with ``-m``)."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("project") == "postgres":
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def codebook() -> Codebook:
    return load_codebook(DEFAULT_CODEBOOK)


@pytest.fixture(params=BACKENDS)
def project(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Project]:
    """An empty project with the default codebook, on SQLite and (if configured) PostgreSQL."""
    if request.param == "postgres":
        reset_postgres(PG_URL)
        target: str | Path = PG_URL
    else:
        target = tmp_path / "test.annot"
    opened = create_project(target)
    yield opened
    opened.close()


@pytest.fixture
def sqlite_project(tmp_path: Path) -> Iterator[Project]:
    opened = create_project(tmp_path / "test.annot")
    yield opened
    opened.close()


__all__ = ["mount_point"]  # a fixture every test may take: a small disk of our own
