"""Migrations that change existing tables keep the rows in them, on SQLite and PostgreSQL."""

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
