"""attempt.submitted_at becomes closed_at: it is also set when the time runs out

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 09:00:00

"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    # A rename in place on both databases (SQLite has had RENAME COLUMN since 3.25): the rows,
    # and the partial index that allows one open attempt per user, stay as they are.
    with op.batch_alter_table("attempt", recreate="never") as batch_op:
        batch_op.alter_column("submitted_at", new_column_name="closed_at")


def downgrade():
    with op.batch_alter_table("attempt", recreate="never") as batch_op:
        batch_op.alter_column("closed_at", new_column_name="submitted_at")
