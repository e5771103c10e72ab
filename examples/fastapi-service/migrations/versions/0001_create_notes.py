"""Create the notes table: each note belongs to one user (the Clerk user id).

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# BIGINT identity on PostgreSQL; SQLite only auto-increments an INTEGER PRIMARY KEY.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# CURRENT_TIMESTAMP is valid in a DEFAULT on both PostgreSQL and SQLite.
NOW = sa.text("CURRENT_TIMESTAMP")


def upgrade() -> None:
    op.create_table(
        "notes",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("owner_id", sa.String(128), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    )
    # A user's notes, newest first: the one query the table exists for.
    op.create_index("ix_notes_owner_id_created_at", "notes", ["owner_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_notes_owner_id_created_at", table_name="notes")
    op.drop_table("notes")
