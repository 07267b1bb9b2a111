"""rating.grade may be empty: a private note is saved by itself, before or without a grade

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    # SQLite rebuilds the table; the CHECK (grade BETWEEN 1 AND 4) is given again so that it
    # survives the copy (NULL passes it, as a CHECK does).
    with op.batch_alter_table(
        "rating", table_args=(sa.CheckConstraint("grade BETWEEN 1 AND 4", name="ck_rating_grade_range"),)
    ) as batch_op:
        batch_op.alter_column("grade", existing_type=sa.Integer(), nullable=True)


def downgrade():
    notes_only = op.get_bind().execute(sa.text("SELECT count(*) FROM rating WHERE grade IS NULL")).scalar()
    if notes_only:
        raise RuntimeError(
            f"{notes_only} private notes have no grade and the older schema cannot hold them. "
            "Export the users' data first (Download all my data), or grade them."
        )
    with op.batch_alter_table(
        "rating", table_args=(sa.CheckConstraint("grade BETWEEN 1 AND 4", name="ck_rating_grade_range"),)
    ) as batch_op:
        batch_op.alter_column("grade", existing_type=sa.Integer(), nullable=False)
