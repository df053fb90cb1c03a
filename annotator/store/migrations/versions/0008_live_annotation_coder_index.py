"""Index live annotations by coder and label (docs/team.md, "Scale").

``progress`` counts each coder's live spans and ``info`` each label's: with this partial index
the database counts them from the index alone (an index-only scan), not from 5,000,000 rows.

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


def upgrade() -> None:
    op.create_index(
        "ix_annotation_live_coder_label",
        "annotation",
        ["coder_id", "label"],
        sqlite_where=sa.text(LIVE),
        postgresql_where=sa.text(LIVE),
    )


def downgrade() -> None:
    op.drop_index("ix_annotation_live_coder_label", table_name="annotation")
