"""Indexes for a large team project (docs/team.md, "Scale").

- ``ix_annotation_live_coder_document``: ``progress`` counts each coder's live spans, and the
  document list a coder's spans in each listed document, from the index alone (an index-only
  scan), not from 5,000,000 rows.
- ``ix_assignment_coder_document``: a coder's queue in document order, so the coding window
  reads its first page without reading (and sorting) the whole queue.
- ``ix_document_status_done``: the documents a coder has done, so "N of M done" under the
  document list is counted from two indexes.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

LIVE = "deleted_at IS NULL"
DONE = "status = 'done'"


def upgrade() -> None:
    op.create_index(
        "ix_annotation_live_coder_document",
        "annotation",
        ["coder_id", "document_id"],
        sqlite_where=sa.text(LIVE),
        postgresql_where=sa.text(LIVE),
    )
    op.create_index("ix_assignment_coder_document", "assignment", ["coder_id", "document_id"])
    op.create_index(
        "ix_document_status_done",
        "document_status",
        ["coder_id", "document_id"],
        sqlite_where=sa.text(DONE),
        postgresql_where=sa.text(DONE),
    )


def downgrade() -> None:
    op.drop_index("ix_document_status_done", table_name="document_status")
    op.drop_index("ix_assignment_coder_document", table_name="assignment")
    op.drop_index("ix_annotation_live_coder_document", table_name="annotation")
