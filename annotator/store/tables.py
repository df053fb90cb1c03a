"""SQLModel tables of a project database.

Kept portable (SQLite and PostgreSQL): JSON columns, no engine-specific types. Annotations and
links are soft-deleted (``deleted_at``) so that undo restores the very same row.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def now() -> datetime:
    return datetime.now(UTC)


class ProjectSetting(SQLModel, table=True):
    __tablename__ = "project_setting"
    key: str = Field(primary_key=True, max_length=100)
    value: str = Field(default="", sa_column=Column(Text, nullable=False))


class CodebookVersion(SQLModel, table=True):
    __tablename__ = "codebook_version"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    version: int
    source: str = Field(sa_column=Column(Text, nullable=False))  # the YAML as loaded
    created_at: datetime = Field(default_factory=now)
    __table_args__ = (UniqueConstraint("name", "version", name="uq_codebook_version"),)


class DocumentRow(SQLModel, table=True):
    __tablename__ = "document"
    id: int | None = Field(default=None, primary_key=True)
    ext_id: str = Field(max_length=500, unique=True)
    sha256: str = Field(max_length=64, unique=True)
    title: str = Field(default="", sa_column=Column(Text, nullable=False))
    source: str = Field(default="", max_length=500)
    url: str = Field(default="", sa_column=Column(Text, nullable=False))
    published: str = Field(default="", max_length=40)
    language: str = Field(default="", max_length=20)
    meta: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    length: int = 0
    created_at: datetime = Field(default_factory=now)


class CoderRow(SQLModel, table=True):
    __tablename__ = "coder"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    created_at: datetime = Field(default_factory=now)


class AnnotationRow(SQLModel, table=True):
    __tablename__ = "annotation"
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(max_length=200)
    document_id: int = Field(foreign_key="document.id", index=True)
    coder_id: int = Field(foreign_key="coder.id")
    label: str = Field(max_length=100)
    start: int
    end: int
    attributes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    codebook_version: int = 0
    source_uid: str = Field(default="", max_length=300)  # gold provenance "coder:uid"
    created_at: datetime = Field(default_factory=now)
    updated_at: datetime = Field(default_factory=now)
    deleted_at: datetime | None = None
    __table_args__ = (
        UniqueConstraint("document_id", "uid", name="uq_annotation_uid"),
        Index("ix_annotation_doc_coder", "document_id", "coder_id"),
        Index("ix_annotation_label", "label"),  # revision 0002
        # One live copy of a coder's span per layer (gold: one decision per unit): revision 0005
        Index(
            "uq_annotation_live_source",
            "document_id",
            "coder_id",
            "source_uid",
            unique=True,
            sqlite_where=text("deleted_at IS NULL AND source_uid <> ''"),
            postgresql_where=text("deleted_at IS NULL AND source_uid <> ''"),
        ),
        # live spans counted by coder (progress) and by document for a coder (the document
        # list) from the index alone: revision 0008
        Index(
            "ix_annotation_live_coder_document",
            "coder_id",
            "document_id",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )


class LinkRow(SQLModel, table=True):
    __tablename__ = "link"
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(max_length=200)
    document_id: int = Field(foreign_key="document.id", index=True)
    coder_id: int = Field(foreign_key="coder.id")
    from_id: int = Field(foreign_key="annotation.id", index=True)
    role: str = Field(max_length=100)
    to_id: int = Field(foreign_key="annotation.id", index=True)
    created_at: datetime = Field(default_factory=now)
    deleted_at: datetime | None = None
    __table_args__ = (UniqueConstraint("document_id", "uid", name="uq_link_uid"),)


class DocumentStatus(SQLModel, table=True):
    __tablename__ = "document_status"
    document_id: int = Field(foreign_key="document.id", primary_key=True)
    coder_id: int = Field(foreign_key="coder.id", primary_key=True)
    status: str = Field(default="in_progress", max_length=20)  # in_progress | done
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(default_factory=now)
    # a coder's statuses, newest last: their queue, and a window's check for changes (0005)
    __table_args__ = (
        Index("ix_document_status_coder", "coder_id", "updated_at"),
        # what a coder has done, by document: "N of M done" read from the index (0008)
        Index(
            "ix_document_status_done",
            "coder_id",
            "document_id",
            sqlite_where=text("status = 'done'"),
            postgresql_where=text("status = 'done'"),
        ),
    )


class AuditEntry(SQLModel, table=True):
    """Who did what, when: one row per committed action."""

    __tablename__ = "audit"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=now)
    coder: str = Field(default="", max_length=100)
    action: str = Field(max_length=50)
    document_id: int | None = None
    entity: str = Field(default="", max_length=20)
    entity_id: int | None = None
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    __table_args__ = (
        # review mode reads a document's rejections (and accept notes) by action: revision 0003
        Index("ix_audit_action_document", "action", "document_id"),
        # each coder's last activity, for progress: revision 0009
        Index("ix_audit_coder_at", "coder", "at"),
    )


class Assignment(SQLModel, table=True):
    """Which coder codes which document (a coder's queue; on a team project, what they see)."""

    __tablename__ = "assignment"
    document_id: int = Field(foreign_key="document.id", primary_key=True)
    coder_id: int = Field(foreign_key="coder.id", primary_key=True)
    assigned_at: datetime = Field(default_factory=now)
    __table_args__ = (
        Index("ix_assignment_coder", "coder_id"),  # revision 0004
        # a coder's queue in document order: the coding window's first page (revision 0008)
        Index("ix_assignment_coder_document", "coder_id", "document_id"),
    )


class ActorRow(SQLModel, table=True):
    """A canonical actor of the project's registry (revision 0007). ACTOR spans name it in their
    ``actor`` attribute. A merged entry stays (``merged_into``) so the audit trail can be read."""

    __tablename__ = "actor"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=300, unique=True)
    type: str = Field(default="", max_length=40)
    country: str = Field(default="", max_length=3)
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    ids: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    start: str = Field(default="", max_length=10)
    end: str = Field(default="", max_length=10)
    approved: bool = True
    created_by: str = Field(default="", max_length=100)
    merged_into: int | None = Field(default=None, foreign_key="actor.id")
    created_at: datetime = Field(default_factory=now)


class PlaceRow(SQLModel, table=True):
    """A place of the project's own gazetteer (revision 0007): a GeoNames dump or a CSV of the
    project's places, searched before the built-in one."""

    __tablename__ = "place"
    id: int | None = Field(default=None, primary_key=True)
    geonames_id: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=300)
    country: str = Field(default="", max_length=2)
    admin1: str = Field(default="", max_length=200)
    admin2: str = Field(default="", max_length=200)
    latitude: float | None = None
    longitude: float | None = None
    feature_code: str = Field(default="", max_length=10)
    population: int = 0
    alternate_names: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
