"""Shared fixtures. Qt must see the offscreen platform before it loads."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from annotator.core.codebook import Codebook, load_codebook
from annotator.store.engine import Project
from annotator.store.setup import create_project

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "seeds" / "000_fb25855139c210c8.txt"
DEFAULT_CODEBOOK = REPO / "schema" / "conflict-events.yaml"
# ANNOTATOR_TEST_PG_URL names a server (and a database to connect to for maintenance). The
# tests never write there: each test run creates a database of its own, named below, and drops
# it at the end, so parallel runs and other users of the server are left alone.
PG_SERVER_URL = os.environ.get("ANNOTATOR_TEST_PG_URL", "")
PG_DATABASE = f"annotator_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
PG_URL = PG_SERVER_URL.rsplit("/", 1)[0] + "/" + PG_DATABASE if PG_SERVER_URL else ""

BACKENDS = ["sqlite"] + (["postgres"] if PG_URL else [])


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


def reset_postgres(url: str) -> None:
    """Empty this run's own test database: a fresh public schema."""
    assert url == PG_URL, "tests only reset the database they created"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


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
