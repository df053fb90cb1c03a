"""Index the audit trail by action and document (review mode looks rejections up there).

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_action_document", "audit", ["action", "document_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_action_document", table_name="audit")
