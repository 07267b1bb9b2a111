"""How fast the review, history and progress pages are for one user with 1,000 attempts of
10 answers each, and how many SQL statements each issues.

    python benchmarks/pages.py                     # SQLite in a temporary folder
    python benchmarks/pages.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench

Writes benchmarks/RESULTS-pages.md (figures for the database it ran on).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from common import bench_app, dialect, finish, signed_in_client

from app.extensions import db
from app.models import Answer, Attempt, Question, Rating
from app.scoring import SCORER_VERSION
from app.services import accounts
from app.services.bank import load_seed_if_empty

ATTEMPTS, ANSWERS = 1000, 10


def fill(app, user_id: int) -> int:
    """1,000 closed attempts of 10 scored answers, about a third rated, inserted in bulk."""
    rng = random.Random(7)
    with app.app_context():
        questions = db.session.execute(
            sa.select(
                Question.id, Question.category_id, Question.prompt, Question.reference_answer, Question.key_points
            )
        ).all()
        start = datetime.now(UTC) - timedelta(days=ATTEMPTS)
        attempts, answers, ratings = [], [], []
        for i in range(ATTEMPTS):
            began = start + timedelta(days=i)
            attempts.append(
                {
                    "id": i + 1,
                    "user_id": user_id,
                    "state": "submitted",
                    "started_at": began,
                    "deadline": began + timedelta(minutes=30),
                    "closed_at": began + timedelta(minutes=25),
                    "time_limit_seconds": 1800,
                    "score": rng.random(),
                    "scorer_version": SCORER_VERSION,
                }
            )
            for position, q in enumerate(rng.sample(questions, ANSWERS)):
                answer_id = i * ANSWERS + position + 1
                score = rng.random()
                answers.append(
                    {
                        "id": answer_id,
                        "attempt_id": i + 1,
                        "position": position,
                        "question_id": q.id,
                        "category_id": q.category_id,
                        "category_name": "Category",
                        "prompt": q.prompt,
                        "reference_answer": q.reference_answer,
                        "key_points": q.key_points,
                        "text": "An answer of about twenty words " * 5,
                        "revision": 3,
                        "saved_at": began + timedelta(minutes=position),
                        "seconds_spent": 120,
                        "flagged": False,
                        "score": score,
                        "score_detail": {
                            "value": score,
                            "version": SCORER_VERSION,
                            "key_points": [],
                            "matched_terms": [],
                            "components": {},
                            "parts": {},
                            "weights": {},
                        },
                    }
                )
                if rng.random() < 0.3:
                    ratings.append(
                        {
                            "answer_id": answer_id,
                            "user_id": user_id,
                            "question_id": q.id,
                            "grade": rng.randint(1, 4),
                            "note": "",
                            "rated_at": began + timedelta(hours=1),
                        }
                    )
        db.session.execute(sa.insert(Attempt), attempts)
        db.session.execute(sa.insert(Answer), answers)
        db.session.execute(sa.insert(Rating), ratings)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            for table in ("attempt", "answer", "rating"):
                db.session.execute(
                    sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608
                )
            db.session.commit()
        return questions[0].id


def measure(app, client, url: str, runs: int) -> tuple[float, float, int]:
    with app.app_context():
        engine = db.engine
    counter = {"n": 0}

    def count(*_):
        counter["n"] += 1

    timings = []
    for run in range(runs + 1):
        sa.event.listen(engine, "before_cursor_execute", count)
        counter["n"] = 0
        began = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - began
        sa.event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200, (url, response.status_code)
        if run:  # the first run warms caches
            timings.append(elapsed * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], counter["n"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    app = bench_app(args.database_url, "pages", RATELIMIT_ENABLED=False)
    with app.app_context():
        load_seed_if_empty(Path(app.config["SEED_DIR"]))
    client = signed_in_client(app, "bench@example.com", "benchmark pass phrase")
    with app.app_context():
        user_id = accounts.find_user("bench@example.com").id
    began = time.perf_counter()
    question_id = fill(app, user_id)
    fill_seconds = time.perf_counter() - began
    pages = {
        "My attempts (page 1)": "/attempts/",
        "My attempts (page 50)": "/attempts/?page=50",
        "Review of one attempt": f"/attempts/{ATTEMPTS}",
        "Progress (chart, weakest)": "/progress",
        "A question's history": f"/questions/{question_id}/history",
        "Export all data (JSON)": "/account/export.json",
    }
    lines = [
        f"# Page speed with {ATTEMPTS:,} attempts of {ANSWERS} answers ({dialect(app)})",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d} with `python benchmarks/pages.py"
        f"{' --database-url …' if args.database_url else ''}`: one user, {ATTEMPTS * ANSWERS:,} answers, "
        f"Flask test client (no network), {args.runs} runs after one warm-up. Filling took {fill_seconds:.1f} s.",
        "",
        "| page | median ms | p95 ms | SQL statements |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, path in pages.items():
        median, p95, statements = measure(app, client, path, args.runs)
        lines.append(f"| {name} | {median:.1f} | {p95:.1f} | {statements} |")
        print(lines[-1], flush=True)
    finish(app, "pages", lines, drop=bool(args.database_url))


if __name__ == "__main__":
    main()
