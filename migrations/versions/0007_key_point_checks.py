"""key_point_check: the user's own word on each key point; answer.checked_score

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 16:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "key_point_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("key_point", sa.Integer(), nullable=False),
        sa.Column("made", sa.Boolean(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"], ["answer.id"], name=op.f("fk_key_point_check_answer_id_answer"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_point_check")),
        sa.UniqueConstraint("answer_id", "key_point", name=op.f("uq_key_point_check_answer_id")),
    )
    with op.batch_alter_table("answer") as batch:
        batch.add_column(sa.Column("checked_score", sa.Double(), nullable=True))


def downgrade():
    with op.batch_alter_table("answer") as batch:
        batch.drop_column("checked_score")
    op.drop_table("key_point_check")
