"""Older project files are upgraded in place when opened; new ones start at the newest revision."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlmodel import SQLModel

from annotator.store import migrations, queries
from annotator.store.engine import Project, ProjectError
from annotator.store.importer import import_paths
from annotator.store.setup import create_project

from conftest import SEED


def test_new_project_is_at_head(tmp_path: Path) -> None:
    project = create_project(tmp_path / "p.annot")
    with project.engine.connect() as conn:
        assert migrations.current_revision(conn) == migrations.head_revision()
    project.close()


def test_project_at_revision_0001_is_upgraded_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.annot"
    project = create_project(path)
    import_paths(project, [SEED])
    project.close()
    # Turn the file back into a revision-0001 project: no label index, stamped 0001.
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_annotation_label"))
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    engine.dispose()

    reopened = Project.open(path)
    with reopened.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == "0002"
        names = {ix["name"] for ix in inspect(conn).get_indexes("annotation")}
        # The upgraded file has exactly the shape the table definitions describe.
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []
    assert "ix_annotation_label" in names
    assert queries.info(reopened)["documents"] == 1
    reopened.close()


def test_foreign_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE customers (id INTEGER)"))
    engine.dispose()
    with pytest.raises(ProjectError, match="not an Annotator project"):
        Project.open(path)


def test_missing_project_file(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no such project"):
        Project.open(tmp_path / "missing.annot")


def test_head_constant_is_alembics_head() -> None:
    assert migrations.head_revision() == migrations.HEAD


def test_a_project_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.annot"
    create_project(path).close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(ProjectError, match="newer version of Annotator"):
        Project.open(path)
