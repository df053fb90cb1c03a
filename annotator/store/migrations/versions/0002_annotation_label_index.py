"""Index annotations by label (info counts, exports and agreement filter by label).

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_annotation_label", "annotation", ["label"])


def downgrade() -> None:
    op.drop_index("ix_annotation_label", table_name="annotation")
