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

from helpers.paths import SEED


def test_new_project_is_at_head(tmp_path: Path) -> None:
    project = create_project(tmp_path / "p.annot")
    with project.engine.connect() as conn:
        assert migrations.current_revision(conn) == migrations.head_revision()
    project.close()


# What each revision added, newest first: turning a file back to revision r drops the indexes
# of the revisions after r.
ADDED = [
    ("0009", "audit", "ix_audit_coder_at"),
    ("0008", "annotation", "ix_annotation_live_coder_document"),
    ("0008", "assignment", "ix_assignment_coder_document"),
    ("0008", "document_status", "ix_document_status_done"),
    ("0005", "annotation", "uq_annotation_live_source"),
    ("0005", "document_status", "ix_document_status_coder"),
    ("0003", "audit", "ix_audit_action_document"),
    ("0002", "annotation", "ix_annotation_label"),
]
# Revisions that added a table (turning back drops the table).
ADDED_TABLES = {"0004": ("assignment",), "0007": ("place", "actor")}


@pytest.mark.parametrize("old", ["0001", "0002", "0003", "0007"])
def test_an_older_project_is_upgraded_and_keeps_its_data(tmp_path: Path, old: str) -> None:
    path = tmp_path / "old.annot"
    project = create_project(path)
    import_paths(project, [SEED])
    project.close()
    # Turn the file back into a project of revision `old`: without the later indexes.
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        for revision, _table, index in ADDED:
            if revision > old:
                conn.execute(text(f"DROP INDEX {index}"))
        for revision, tables in ADDED_TABLES.items():
            if revision > old:
                for table in tables:
                    conn.execute(text(f"DROP TABLE {table}"))
        conn.execute(text(f"UPDATE alembic_version SET version_num = '{old}'"))
    engine.dispose()

    reopened = Project.open(path)
    with reopened.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == migrations.HEAD
        for _revision, table, index in ADDED:
            assert index in {ix["name"] for ix in inspect(conn).get_indexes(table)}
        for tables in ADDED_TABLES.values():
            for table in tables:
                assert inspect(conn).has_table(table)
        audit = next(
            ix
            for ix in inspect(conn).get_indexes("audit")
            if ix["name"] == "ix_audit_action_document"
        )
        assert audit["column_names"] == ["action", "document_id"]
        # The upgraded file has exactly the shape the table definitions describe.
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []
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
