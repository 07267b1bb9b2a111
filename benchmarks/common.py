"""What the benchmarks share: an app on a migrated database, a signed-in client, and writing
their results. They import the installed app (`pip install -e .`) and nothing from the tests."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from app.services import accounts

ROOT = Path(__file__).resolve().parents[1]
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def bench_app(database_url: str | None, name: str, **overrides) -> Flask:
    """An app on `database_url` (default: SQLite in a temporary folder), schema migrated."""
    url = database_url or f"sqlite:///{tempfile.mkdtemp()}/{name}.db"
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": url, **overrides})
    with app.app_context():
        upgrade(directory=app.config["MIGRATIONS_DIR"])
    return app


def csrf_token(client: FlaskClient, url: str) -> str:
    """The CSRF token of the form at `url`, read as a browser would."""
    match = CSRF_RE.search(client.get(url).get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def signed_in_client(app: Flask, email: str, password: str) -> FlaskClient:
    """A test client signed in as a new user with this email and password."""
    with app.app_context():
        accounts.create_user(email, password)
    client = app.test_client()
    token = csrf_token(client, "/auth/login")
    response = client.post("/auth/login", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 302, "sign-in failed"
    return client


def dialect(app: Flask) -> str:
    return sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()


def finish(app: Flask, name: str, lines: list[str], *, drop: bool) -> None:
    """Write benchmarks/RESULTS-<name>-<database>.md; empty a database the caller lent."""
    out = ROOT / "benchmarks" / f"RESULTS-{name}-{dialect(app)}.md"
    out.write_text("\n".join(lines) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")
    if drop:
        with app.app_context():
            db.drop_all()
            db.session.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
