"""Migrating a database that already holds a bank and attempts to question sets keeps every row
and every link (on SQLite the tables are copied, which must not cascade into answers)."""

from __future__ import annotations

import os
import re
import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db
from tests.helpers import require

ROWS = [
    "INSERT INTO \"user\" (id, email, password_hash, is_admin, created_at) VALUES (1, 'a@example.com', 'x', false, "
    "'2026-01-01 10:00:00')",
    "INSERT INTO category (id, slug, name, description, position) VALUES (1, 'c', 'C', '', 0)",
    "INSERT INTO question (id, category_id, slug, prompt, reference_answer, key_points, difficulty, tags, position, "
    "created_at, updated_at) VALUES (1, 1, 'q', 'P?', 'A.', '[\"k\"]', 'easy', '[]', 0, '2026-01-01 10:00:00', "
    "'2026-01-01 10:00:00')",
    "INSERT INTO attempt (id, user_id, state, started_at, deadline, time_limit_seconds) VALUES "
    "(1, 1, 'submitted', '2026-01-01 10:00:00', '2026-01-01 10:05:00', 300)",
    "INSERT INTO answer (id, attempt_id, position, question_id, category_id, category_name, prompt, "
    "reference_answer, key_points, text, revision, seconds_spent, flagged) VALUES "
    "(1, 1, 0, 1, 1, 'C', 'P?', 'A.', '[\"k\"]', 'mine', 1, 5, false)",
    "INSERT INTO rating (id, answer_id, user_id, question_id, grade, note, rated_at) VALUES "
    "(1, 1, 1, 1, 3, '', '2026-01-01 10:06:00')",
]


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        require("REQUIRE_POSTGRES", "TEST_DATABASE_URL is not set")
    base = re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", base)
    name = f"rehearse_migration_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrading_keeps_the_bank_attempts_and_their_links(empty_database):
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade(directory=app.config["MIGRATIONS_DIR"], revision="0001")
        with db.engine.begin() as conn:
            for statement in ROWS:
                conn.execute(sa.text(statement))
        upgrade(directory=app.config["MIGRATIONS_DIR"])
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT id, category_id, owner_id, archived_at FROM question")).all() == [
                (1, 1, None, None)
            ]
            assert conn.execute(sa.text("SELECT question_id, category_id FROM answer")).all() == [(1, 1)]
            assert conn.execute(sa.text("SELECT question_id FROM rating")).all() == [(1,)]
            assert conn.execute(sa.text("SELECT owner_id, share_token FROM category")).all() == [(None, None)]
        # Foreign keys are enforced again after the migration.
        with db.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM category"))
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM question")).scalar() == 0
            assert conn.execute(sa.text("SELECT question_id FROM answer")).all() == [(None,)]
        downgrade(directory=app.config["MIGRATIONS_DIR"], revision="0001")
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM answer")).scalar() == 1
        db.engine.dispose()
