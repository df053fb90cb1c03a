"""Assignment of documents to coders (queues, team projects; see docs/team.md).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assignment",
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("document.id"), nullable=False),
        sa.Column("coder_id", sa.Integer(), sa.ForeignKey("coder.id"), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("document_id", "coder_id"),
    )
    op.create_index("ix_assignment_coder", "assignment", ["coder_id"])


def downgrade() -> None:
    op.drop_index("ix_assignment_coder", table_name="assignment")
    op.drop_table("assignment")
