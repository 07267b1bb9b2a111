"""What the benchmarks share: an app on a migrated database, and writing their results."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402


def bench_app(database_url: str | None, name: str, **overrides) -> Flask:
    """An app on `database_url` (default: SQLite in a temporary folder), schema migrated."""
    url = database_url or f"sqlite:///{tempfile.mkdtemp()}/{name}.db"
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": url, **overrides})
    with app.app_context():
        upgrade(directory=app.config["MIGRATIONS_DIR"])
    return app


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
