"""Initial schema: codebook versions, documents, coders, annotations, links, status, audit.

A new project is built from the table definitions and stamped here, so this baseline has no
operations of its own; later revisions alter existing projects step by step.

Revision ID: 0001
Revises:
"""

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
