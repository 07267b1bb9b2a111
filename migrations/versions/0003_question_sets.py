"""question sets: categories and questions a user owns, share links, archived questions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 14:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SHARED = "owner_id IS NULL"
OWNED = "owner_id IS NOT NULL"


def upgrade():
    with op.batch_alter_table("category", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("share_token", sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_category_owner_id_user"), "user", ["owner_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_unique_constraint(batch_op.f("uq_category_share_token"), ["share_token"])
        batch_op.create_index(batch_op.f("ix_category_owner_id"), ["owner_id"], unique=False)
        batch_op.drop_constraint("uq_category_slug", type_="unique")
        batch_op.create_index(
            "uq_category_shared_slug",
            ["slug"],
            unique=True,
            sqlite_where=sa.text(SHARED),
            postgresql_where=sa.text(SHARED),
        )
        batch_op.create_index(
            "uq_category_owner_slug",
            ["owner_id", "slug"],
            unique=True,
            sqlite_where=sa.text(OWNED),
            postgresql_where=sa.text(OWNED),
        )

    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_question_owner_id_user"), "user", ["owner_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_index(batch_op.f("ix_question_owner_id"), ["owner_id"], unique=False)
        batch_op.drop_constraint("uq_question_slug", type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_question_category_id"), ["category_id", "slug"])
        batch_op.create_index(
            "uq_question_shared_slug",
            ["slug"],
            unique=True,
            sqlite_where=sa.text(SHARED),
            postgresql_where=sa.text(SHARED),
        )


def downgrade():
    # Only possible while no user owns a question set (their slugs may repeat across users).
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_index("uq_question_shared_slug")
        batch_op.drop_constraint(batch_op.f("uq_question_category_id"), type_="unique")
        batch_op.create_unique_constraint("uq_question_slug", ["slug"])
        batch_op.drop_index(batch_op.f("ix_question_owner_id"))
        batch_op.drop_constraint(batch_op.f("fk_question_owner_id_user"), type_="foreignkey")
        batch_op.drop_column("archived_at")
        batch_op.drop_column("owner_id")

    with op.batch_alter_table("category", schema=None) as batch_op:
        batch_op.drop_index("uq_category_owner_slug")
        batch_op.drop_index("uq_category_shared_slug")
        batch_op.create_unique_constraint("uq_category_slug", ["slug"])
        batch_op.drop_index(batch_op.f("ix_category_owner_id"))
        batch_op.drop_constraint(batch_op.f("uq_category_share_token"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_category_owner_id_user"), type_="foreignkey")
        batch_op.drop_column("share_token")
        batch_op.drop_column("owner_id")
