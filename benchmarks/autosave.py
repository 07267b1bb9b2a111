"""The autosave request, the hottest path of an interview: SQL statements and time per save.

    python benchmarks/autosave.py                                   # SQLite
    python benchmarks/autosave.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench

In-process (Flask test client), one user saving one answer 300 times. Writes
benchmarks/RESULTS-autosave-<database>.md.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from common import bench_app, csrf_token, dialect, finish, signed_in_client

from app.extensions import db
from app.services.bank import load_seed_if_empty

SAVES = 300


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    args = parser.parse_args()
    app = bench_app(args.database_url, "autosave")
    with app.app_context():
        engines = list(db.engines.values())  # autosave's statement has a pool of its own
    with app.app_context():
        load_seed_if_empty(Path(app.config["SEED_DIR"]))
    client = signed_in_client(app, "bench@example.com", "benchmark pass phrase")
    token = csrf_token(client, "/attempts/new")
    client.post("/attempts/new", data={"question_count": 10, "minutes": 60, "csrf_token": token})
    token = csrf_token(client, "/")

    statements = {"n": 0}
    for engine in engines:
        sa.event.listen(engine, "before_cursor_execute", lambda *_: statements.__setitem__("n", statements["n"] + 1))
    revision, timings, counts = 0, [], []
    last = time.perf_counter()
    for i in range(SAVES):
        statements["n"] = 0
        began = time.perf_counter()
        seconds = int(began - last)  # as the page reports: whole seconds since its last save
        last = began if seconds else last
        reply = client.post(
            "/attempts/1/answers/1",
            json={"text": f"answer {i} " * 40, "revision": revision, "seconds": seconds},
            headers={"X-CSRFToken": token},
        )
        timings.append((time.perf_counter() - began) * 1000)
        counts.append(statements["n"])
        assert reply.status_code == 200, reply.get_data(as_text=True)
        revision = reply.json["revision"]
    timings.sort()
    lines = [
        f"# Autosave ({dialect(app)})",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d} with `python benchmarks/autosave.py"
        f"{' --database-url …' if args.database_url else ''}`: {SAVES} saves of a changed 240-word answer,",
        "in-process (no network), one user.",
        "",
        "| SQL statements per save | median ms | p95 ms | max ms |",
        "| ---: | ---: | ---: | ---: |",
        f"| {max(counts)} | {timings[SAVES // 2]:.2f} | {timings[int(SAVES * 0.95)]:.2f} | {timings[-1]:.2f} |",
    ]
    print("\n".join(lines[-3:]))
    finish(app, "autosave", lines, drop=bool(args.database_url))


if __name__ == "__main__":
    main()
