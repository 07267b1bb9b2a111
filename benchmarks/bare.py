"""The bare endpoint that benchmarks/load.py compares Rehearse's autosave with: Flask, one
single-row UPDATE per request, served by gunicorn with the same settings as `rehearse serve`.
It is the most this framework and database can do here; nothing of Rehearse's runs in it.

    python benchmarks/bare.py --database-url URL --port PORT --workers N

The table is made by load.py: bare_answer(user_id, number, text, revision), one row per answer.
"""

from __future__ import annotations

import argparse

import sqlalchemy as sa
from flask import Flask, abort, request

from app.server import run

UPDATE = sa.text(
    "UPDATE bare_answer SET text = :text, revision = revision + 1 WHERE user_id = :user_id AND number = :number"
)
TABLE = sa.Table(
    "bare_answer",
    sa.MetaData(),
    sa.Column("user_id", sa.Integer, primary_key=True),
    sa.Column("number", sa.Integer, primary_key=True),
    sa.Column("text", sa.Text, nullable=False, default=""),
    sa.Column("revision", sa.Integer, nullable=False, default=0),
)


def engine_for(url: str) -> sa.Engine:
    """An engine with the SQLite settings Rehearse uses (WAL, a busy timeout)."""
    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

    return engine


def create_bare_app(url: str) -> Flask:
    app = Flask(__name__)
    engine = engine_for(url)  # no connection is opened before the workers fork

    @app.post("/bare/<int:user_id>/<int:number>")
    def save(user_id: int, number: int):
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict) or not isinstance(payload.get("text"), str):
            abort(400)
        with engine.begin() as conn:
            updated = conn.execute(UPDATE, {"text": payload["text"], "user_id": user_id, "number": number}).rowcount
        if updated != 1:
            abort(404)
        return {"status": "saved", "revision": int(payload.get("revision", 0)) + 1}

    @app.get("/healthz")
    def health():
        return {"status": "ok"}

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    run(create_bare_app(args.database_url), host="127.0.0.1", port=args.port, workers=args.workers)


if __name__ == "__main__":
    main()
