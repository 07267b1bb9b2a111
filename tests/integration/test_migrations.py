"""Migrations that change existing tables keep the rows in them and their links, on SQLite and
PostgreSQL (SQLite copies a table to change it, which must not cascade into the rows that refer
to it)."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app import create_app
from tests.helpers import require


@pytest.fixture
def empty_database(backend, tmp_path) -> Iterator[str]:
    """A database of its own, with no tables yet (the shared test database is already at head)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        require("REQUIRE_POSTGRES", "TEST_DATABASE_URL is not set")
    base = re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", base)
    name = f"rehearse_migrations_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        require("REQUIRE_POSTGRES", f"PostgreSQL is not reachable: {exc.orig}")
    yield sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_submitted_at_becomes_closed_at_with_its_values_and_back(empty_database):
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": empty_database})
    directory = app.config["MIGRATIONS_DIR"]
    with app.app_context():
        from app.extensions import db

        upgrade(directory=directory, revision="0001")
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    'INSERT INTO "user" (id, email, password_hash, is_admin, created_at) '
                    "VALUES (1, 'a@example.com', 'x', false, '2026-03-01 12:00:00')"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO attempt (id, user_id, state, started_at, deadline, submitted_at, time_limit_seconds)"
                    " VALUES (1, 1, 'timed_out', '2026-03-01 12:00:00', '2026-03-01 12:05:00',"
                    " '2026-03-01 12:06:00', 300), (2, 1, 'in_progress', '2026-03-02 12:00:00',"
                    " '2026-03-02 12:05:00', NULL, 300)"
                )
            )
        upgrade(directory=directory)
        with db.engine.begin() as conn:
            rows = conn.execute(sa.text("SELECT id, closed_at FROM attempt ORDER BY id")).all()
        assert [(i, str(at)[:19] if at else None) for i, at in rows] == [(1, "2026-03-01 12:06:00"), (2, None)]
        # Still at most one open attempt per user.
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO attempt (id, user_id, state, started_at, deadline, time_limit_seconds)"
                    " VALUES (3, 1, 'in_progress', '2026-03-03 12:00:00', '2026-03-03 12:05:00', 300)"
                )
            )
        downgrade(directory=directory, revision="0001")
        with db.engine.begin() as conn:
            back = conn.execute(sa.text("SELECT submitted_at FROM attempt WHERE id = 1")).scalar_one()
        assert str(back)[:19] == "2026-03-01 12:06:00"
        db.engine.dispose()


ROWS_AT_0001 = [
    "INSERT INTO \"user\" (id, email, password_hash, is_admin, created_at) VALUES (1, 'a@example.com', 'x', false, "
    "'2026-01-01 10:00:00')",
    "INSERT INTO login_session (id, token_hash, user_id, created_at) VALUES (1, 'h', 1, '2026-01-01 10:00:00')",
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
# A user's own set, as question sets (0003) allow, before the account's life (0004) is added.
ROWS_AT_0003 = [
    "INSERT INTO category (id, slug, name, description, position, owner_id) VALUES (2, 'c', 'Mine', '', 0, 1)",
    "INSERT INTO question (id, category_id, owner_id, slug, prompt, reference_answer, key_points, difficulty, tags, "
    "position, created_at, updated_at) VALUES (2, 2, 1, 'q', 'P?', 'A.', '[]', 'easy', '[]', 0, "
    "'2026-01-01 10:00:00', '2026-01-01 10:00:00')",
]


def test_upgrading_keeps_the_bank_sets_attempts_sign_ins_and_their_links(empty_database):
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": empty_database})
    directory = app.config["MIGRATIONS_DIR"]
    with app.app_context():
        from app.extensions import db

        def rows(sql: str) -> list[tuple]:
            with db.engine.connect() as conn:
                return [tuple(row) for row in conn.execute(sa.text(sql)).all()]

        def run(*statements: str) -> None:
            with db.engine.begin() as conn:
                for statement in statements:
                    conn.execute(sa.text(statement))

        upgrade(directory=directory, revision="0001")
        run(*ROWS_AT_0001)
        upgrade(directory=directory, revision="0003")
        run(*ROWS_AT_0003)
        upgrade(directory=directory)
        assert rows("SELECT id, category_id, owner_id, archived_at FROM question ORDER BY id") == [
            (1, 1, None, None),
            (2, 2, 1, None),
        ]
        assert rows("SELECT id, owner_id, share_token FROM category ORDER BY id") == [(1, None, None), (2, 1, None)]
        assert rows("SELECT question_id, category_id FROM answer") == [(1, 1)]
        assert rows("SELECT question_id FROM rating") == [(1,)]
        # A sign-in was last seen when it started.
        [(created, seen)] = rows("SELECT created_at, last_seen_at FROM login_session")
        assert str(seen)[:19] == str(created)[:19] == "2026-01-01 10:00:00"

        # Foreign keys are enforced again after the migration.
        run("DELETE FROM category WHERE id = 1")
        assert rows("SELECT id FROM question") == [(2,)]
        assert rows("SELECT question_id FROM answer") == [(None,)]

        # Downgrading needs the users' own sets gone (their slugs may repeat), and keeps the rest.
        run("DELETE FROM category WHERE owner_id IS NOT NULL")
        downgrade(directory=directory, revision="0001")
        assert rows("SELECT count(*) FROM answer") == [(1,)]
        assert rows("SELECT count(*) FROM login_session") == [(1,)]
        db.engine.dispose()


def test_a_note_may_be_kept_without_a_grade_and_grades_stay_within_range(empty_database):
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": empty_database})
    directory = app.config["MIGRATIONS_DIR"]
    with app.app_context():
        from app.extensions import db

        upgrade(directory=directory, revision="0004")
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    'INSERT INTO "user" (id, email, password_hash, is_admin, created_at) '
                    "VALUES (1, 'a@example.com', 'x', false, '2026-03-01 12:00:00')"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO attempt (id, user_id, state, started_at, deadline, closed_at, time_limit_seconds)"
                    " VALUES (1, 1, 'submitted', '2026-03-01 12:00:00', '2026-03-01 12:05:00',"
                    " '2026-03-01 12:04:00', 300)"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO answer (id, attempt_id, position, category_name, prompt, reference_answer,"
                    " key_points, text, revision, seconds_spent, flagged) VALUES"
                    " (1, 1, 0, 'c', 'p', 'r', '[]', 't', 1, 0, false), (2, 1, 1, 'c', 'p', 'r', '[]', '', 0, 0, false)"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO rating (id, answer_id, user_id, grade, note, rated_at)"
                    " VALUES (1, 1, 1, 3, 'kept', '2026-03-01 12:10:00')"
                )
            )
        upgrade(directory=directory, revision="0005")
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO rating (id, answer_id, user_id, grade, note, rated_at)"
                    " VALUES (2, 2, 1, NULL, 'a note first', '2026-03-01 12:11:00')"
                )
            )
            rows = conn.execute(sa.text("SELECT id, grade, note FROM rating ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(1, 3, "kept"), (2, None, "a note first")]
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE rating SET grade = 7 WHERE id = 1"))
        # Going back would lose the note without a grade: refused, nothing changed.
        with pytest.raises(SystemExit):  # Flask-Migrate logs the error and exits
            downgrade(directory=directory, revision="0004")
        with db.engine.begin() as conn:
            assert conn.execute(sa.text("SELECT grade FROM rating WHERE id = 2")).scalar() is None
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE rating SET grade = 2 WHERE id = 2"))
        downgrade(directory=directory, revision="0004")
        with db.engine.begin() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM rating")).scalar() == 2
        db.engine.dispose()
