"""Which PostgreSQL server the tests may use, and the database this run makes for itself.

ANNOTATOR_TEST_PG_URL names a server (and a database to connect to for maintenance). The tests
never write there: each test run creates a database of its own, named below, and drops it at the
end (tests/conftest.py), so parallel runs and other users of the server are left alone.
"""

from __future__ import annotations

import os
import uuid

from sqlalchemy import create_engine, text

PG_SERVER_URL = os.environ.get("ANNOTATOR_TEST_PG_URL", "")
PG_DATABASE = f"annotator_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
PG_URL = PG_SERVER_URL.rsplit("/", 1)[0] + "/" + PG_DATABASE if PG_SERVER_URL else ""

BACKENDS = ["sqlite"] + (["postgres"] if PG_URL else [])


def reset_postgres(url: str) -> None:
    """Empty this run's own test database: a fresh public schema."""
    assert url == PG_URL, "tests only reset the database they created"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
