"""Index the audit trail by coder and time: ``progress`` reads each coder's last activity as one
look into this index per coder, not by reading the whole trail (docs/team.md, "Scale").

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_coder_at", "audit", ["coder", "at"])


def downgrade() -> None:
    op.drop_index("ix_audit_coder_at", table_name="audit")
