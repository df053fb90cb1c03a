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

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "seeds" / "000_fb25855139c210c8.txt"
DEFAULT_CODEBOOK = REPO / "schema" / "conflict-events.yaml"
PG_URL = os.environ.get("ANNOTATOR_TEST_PG_URL", "")

BACKENDS = ["sqlite"] + (["postgres"] if PG_URL else [])


def reset_postgres(url: str) -> None:
    """Empty the test database: a fresh public schema."""
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
