"""Rules that hold under concurrent writers, and change notices for live windows.

- ``uq_annotation_live_source``: one live copy of a coder's span per layer, so two reviewers
  accepting the same unit at once leave one gold decision (docs/team.md, "Concurrency").
- ``ix_document_status_coder``: a coder's statuses by time, so an open window tells cheaply
  whether that coder's statuses changed (``annotator.store.watch.documents_fingerprint``).
- PostgreSQL only: statement-level triggers that ``NOTIFY annotator_changes`` with the table's
  name, which open windows LISTEN to (``annotator.store.watch``).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from annotator.store.watch import install_triggers, remove_triggers

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

LIVE = "deleted_at IS NULL AND source_uid <> ''"


def upgrade() -> None:
    op.create_index(
        "uq_annotation_live_source",
        "annotation",
        ["document_id", "coder_id", "source_uid"],
        unique=True,
        sqlite_where=sa.text(LIVE),
        postgresql_where=sa.text(LIVE),
    )
    op.create_index("ix_document_status_coder", "document_status", ["coder_id", "updated_at"])
    install_triggers(op.get_bind())


def downgrade() -> None:
    remove_triggers(op.get_bind())
    op.drop_index("ix_document_status_coder", table_name="document_status")
    op.drop_index("uq_annotation_live_source", table_name="annotation")
