"""History, progress and the practice schedule of one user. Every function here issues a fixed
number of SQL statements, however many attempts the user has."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Answer, Attempt, AttemptState, Category, Grade, Question, Rating
from ..spaced import Review, Schedule, grade_from_score, practice_order, schedule

CLOSED = (AttemptState.SUBMITTED, AttemptState.TIMED_OUT)


def attempts_page(user_id: int, page: int, per_page: int = 20, category_id: int | None = None):
    """The user's attempts, newest first, optionally only those with a question of a category."""
    query = sa.select(Attempt).where(Attempt.user_id == user_id)
    if category_id is not None:
        has_category = sa.select(Answer.id).where(Answer.attempt_id == Attempt.id, Answer.category_id == category_id).exists()
        query = query.where(has_category)
    query = query.order_by(Attempt.started_at.desc(), Attempt.id.desc()).options(selectinload(Attempt.answers))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def categories_answered(user_id: int) -> list[tuple[int, str]]:
    """Categories the user has met in any attempt, for the history filter."""
    rows = db.session.execute(
        sa.select(Category.id, Category.name)
        .where(Category.id.in_(sa.select(Answer.category_id).join(Attempt).where(Attempt.user_id == user_id)))
        .order_by(Category.position, Category.id)
    ).all()
    return [(r.id, r.name) for r in rows]


@dataclass(frozen=True)
class PastAnswer:
    attempt_id: int
    position: int
    submitted_at: datetime
    text: str
    score: float | None
    grade: int | None
    note: str


def question_history(user_id: int, question_id: int) -> list[PastAnswer]:
    """Every closed-attempt answer of this user to this question, newest first."""
    rows = db.session.execute(
        sa.select(Answer, Attempt.submitted_at, Rating.grade, Rating.note)
        .join(Attempt, Answer.attempt_id == Attempt.id)
        .outerjoin(Rating, Rating.answer_id == Answer.id)
        .where(Attempt.user_id == user_id, Answer.question_id == question_id, Attempt.state.in_(CLOSED))
        .order_by(Attempt.submitted_at.desc())
    ).all()
    return [
        PastAnswer(a.attempt_id, a.position, submitted_at, a.text, a.score, grade, note or "")
        for a, submitted_at, grade, note in rows
    ]


def _reviews(user_id: int) -> dict[int, list[Review]]:
    """Each answered question's reviews: the user's rating, or a grade from the score."""
    rows = db.session.execute(
        sa.select(Answer.question_id, Attempt.submitted_at, Answer.score, Rating.grade)
        .join(Attempt, Answer.attempt_id == Attempt.id)
        .outerjoin(Rating, Rating.answer_id == Answer.id)
        .where(Attempt.user_id == user_id, Attempt.state.in_(CLOSED), Answer.question_id.is_not(None))
    ).all()
    reviews: dict[int, list[Review]] = defaultdict(list)
    for question_id, at, score, grade in rows:
        reviews[question_id].append(Review(at, Grade(grade) if grade else grade_from_score(score)))
    return reviews


def schedules(user_id: int) -> dict[int, Schedule]:
    """The practice schedule of every question in the bank for this user."""
    reviews = _reviews(user_id)
    ids = db.session.scalars(sa.select(Question.id)).all()
    return {qid: schedule(reviews.get(qid, ())) for qid in ids}


def practice_questions(user_id: int, now: datetime, count: int) -> list[int]:
    """The `count` questions most due for practice: lapses, then overdue, then never seen."""
    return practice_order(schedules(user_id), now)[:count]


@dataclass(frozen=True)
class WeakSpot:
    question: Question
    schedule: Schedule
    mean_score: float | None
    answers: int


def weakest(user_id: int, now: datetime, limit: int = 10) -> list[WeakSpot]:
    """Questions the user has answered, lowest mean score first (ties: most lapses)."""
    rows = db.session.execute(
        sa.select(Answer.question_id, sa.func.avg(Answer.score), sa.func.count(Answer.id))
        .join(Attempt, Answer.attempt_id == Attempt.id)
        .where(Attempt.user_id == user_id, Attempt.state.in_(CLOSED), Answer.question_id.is_not(None))
        .group_by(Answer.question_id)
    ).all()
    if not rows:
        return []
    states = {qid: schedule(r) for qid, r in _reviews(user_id).items()}
    ranked = sorted(rows, key=lambda r: (r[1] if r[1] is not None else 0.0, -states[r[0]].lapses, r[0]))[:limit]
    questions = {q.id: q for q in db.session.scalars(
        sa.select(Question).where(Question.id.in_([r[0] for r in ranked])).options(selectinload(Question.category))
    )}
    return [WeakSpot(questions[qid], states[qid], mean, n) for qid, mean, n in ranked if qid in questions]


@dataclass(frozen=True)
class Point:
    at: datetime
    value: float
    attempt_id: int


def score_series(user_id: int) -> dict[str, list[Point]]:
    """Score over time: "All categories" per attempt, and each category's mean within an attempt."""
    rows = db.session.execute(
        sa.select(Attempt.id, Attempt.submitted_at, Attempt.score, Answer.category_name, Answer.score)
        .join(Answer, Answer.attempt_id == Attempt.id)
        .where(Attempt.user_id == user_id, Attempt.state.in_(CLOSED), Attempt.score.is_not(None))
        .order_by(Attempt.submitted_at, Attempt.id, Answer.position)
    ).all()
    overall: dict[int, Point] = {}
    per_category: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    times: dict[int, datetime] = {}
    for attempt_id, at, attempt_score, category, answer_score in rows:
        overall.setdefault(attempt_id, Point(at, attempt_score, attempt_id))
        times[attempt_id] = at
        per_category[category][attempt_id].append(answer_score or 0.0)
    series = {"All categories": list(overall.values())}
    for category in sorted(per_category):
        series[category] = [
            Point(times[aid], sum(scores) / len(scores), aid) for aid, scores in per_category[category].items()
        ]
    return series
