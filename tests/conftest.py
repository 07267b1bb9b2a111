"""Shared fixtures: an app per test on SQLite (and on PostgreSQL when TEST_DATABASE_URL is set),
a signed-in `auth` helper, and a CLI runner.

REQUIRE_POSTGRES=1 turns a missing PostgreSQL into a failure instead of a skip.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from tests.helpers import AuthActions, require

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, migrated, dropped at the end."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        require("REQUIRE_POSTGRES", "TEST_DATABASE_URL is not set")
    base = re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", base)
    name = f"rehearse_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        require("REQUIRE_POSTGRES", f"PostgreSQL is not reachable: {exc.orig}")
    url = sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(directory=app.config["MIGRATIONS_DIR"])
        db.engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    """A SQLite database migrated once for the run; each test gets a copy of the file, which is
    the same schema the migrations make, at a fraction of the time of running them again."""
    path = tmp_path_factory.mktemp("template") / "migrated.db"
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade(directory=app.config["MIGRATIONS_DIR"])
        db.engine.dispose()
    return str(path)


def pytest_generate_tests(metafunc) -> None:
    """Every test that uses the database runs on both backends, except where a module marks
    itself `sqlite_only`: tests of what the page does, whose server side is tested on both."""
    if "backend" in metafunc.fixturenames:
        only = metafunc.definition.get_closest_marker("sqlite_only")
        metafunc.parametrize("backend", ["sqlite"] if only else BACKENDS, indirect=True)


@pytest.fixture
def backend(request) -> str:
    return request.param


@pytest.fixture
def app(backend, request, tmp_path):
    """A fresh app and an empty database for each test."""
    if backend == "postgresql":
        url = request.getfixturevalue("postgres_url")
    else:
        url = f"sqlite:///{shutil.copyfile(request.getfixturevalue('sqlite_template'), tmp_path / 'test.db')}"
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": url, "SEED_DIR": str(tmp_path / "no-seed")})
    yield app
    with app.app_context():
        db.session.remove()
        if backend == "postgresql":
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        for engine in db.engines.values():
            engine.dispose()


@pytest.fixture(autouse=True)
def _push_request_context():
    """Replaces pytest-flask's fixture of this name: tests push a context only when they need one."""
    return


@pytest.fixture
def client(app):
    """Replaces pytest-flask's `client`, which keeps the last request's app context pushed: a
    second client in the same test would then share `g`, and with it the signed-in user."""
    return app.test_client()


@pytest.fixture
def clock(time_machine):
    """The time the app reads, stopped at this moment; `clock.shift(seconds)` moves it on, so
    tests of deadlines and time spent need no waiting, no tolerance and no database edits."""
    time_machine.move_to(datetime.now(UTC).replace(microsecond=0), tick=False)
    return time_machine


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def user(app, auth) -> SimpleNamespace:
    """A registered, signed-in user (its id and email)."""
    response = auth.register()
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        from app.services.accounts import find_user

        found = find_user("ada@example.com")
        return SimpleNamespace(id=found.id, email=found.email)
