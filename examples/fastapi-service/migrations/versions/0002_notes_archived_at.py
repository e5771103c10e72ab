"""Notes can be archived (kept, but out of the default listing).

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: existing rows are not archived, and adding the column rewrites no table.
    op.add_column("notes", sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # batch_alter_table: SQLite has no DROP COLUMN before 3.35; on PostgreSQL it is a plain ALTER.
    with op.batch_alter_table("notes") as batch:
        batch.drop_column("archived_at")
