"""History, progress and the practice schedule of one user. Every function here issues a fixed
number of SQL statements, however many attempts the user has."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from .. import spaced
from ..extensions import db
from ..models import Answer, Attempt, AttemptState, Category, Grade, Question, Rating
from ..spaced import NEVER_SEEN, WEAK_BELOW, Recall, Schedule, grade_from_score, practice_order, schedule
from . import catalogue

CLOSED = (AttemptState.SUBMITTED, AttemptState.TIMED_OUT)

# The score practice goes by: the user's key-point checks ahead of the scorer's.
PRACTICE_SCORE = sa.func.coalesce(Answer.checked_score, Answer.score)


def attempts_page(user_id: int, page: int, per_page: int = 20, category_id: int | None = None):
    """The user's attempts, newest first, optionally only those with a question of a category."""
    query = sa.select(Attempt).where(Attempt.user_id == user_id)
    if category_id is not None:
        has_category = (
            sa.select(Answer.id).where(Answer.attempt_id == Attempt.id, Answer.category_id == category_id).exists()
        )
        query = query.where(has_category)
    query = query.order_by(Attempt.started_at.desc(), Attempt.id.desc()).options(selectinload(Attempt.answers))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def has_closed_attempts(user_id: int) -> bool:
    """Whether the user has finished at least one interview."""
    return bool(db.session.scalar(sa.select(sa.exists().where(Attempt.user_id == user_id, Attempt.state.in_(CLOSED)))))


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
    closed_at: datetime
    text: str
    score: float | None
    grade: int | None
    note: str
    flagged: bool = False
    checked_score: float | None = None


def _bank_answers(user_id: int, *columns) -> sa.Select:
    """`columns` of the user's answers to bank questions in closed attempts."""
    return (
        sa.select(*columns)
        .join(Attempt, Answer.attempt_id == Attempt.id)
        .where(Attempt.user_id == user_id, Attempt.state.in_(CLOSED), Answer.question_id.is_not(None))
    )


def question_history(user_id: int, question_id: int) -> list[PastAnswer]:
    """Every closed-attempt answer of this user to this question, newest first."""
    rows = db.session.execute(
        _bank_answers(user_id, Answer, Attempt.closed_at, Rating.grade, Rating.note)
        .outerjoin(Rating, Rating.answer_id == Answer.id)
        .where(Answer.question_id == question_id)
        .order_by(Attempt.closed_at.desc())
    ).all()
    return [
        PastAnswer(a.attempt_id, a.position, closed_at, a.text, a.score, grade, note or "", a.flagged, a.checked_score)
        for a, closed_at, grade, note in rows
    ]


def recall_of(at: datetime, score: float | None, grade: int | None) -> Recall:
    """The user's rating; without one, a grade estimated from the practice score."""
    return Recall(at, Grade(grade)) if grade else Recall(at, grade_from_score(score), own=False)


def recalls(user_id: int) -> dict[int, list[Recall]]:
    """Each answered question's recalls: the user's rating, or a grade estimated from the score
    (with the user's key-point checks in it)."""
    rows = db.session.execute(
        _bank_answers(user_id, Answer.question_id, Attempt.closed_at, PRACTICE_SCORE, Rating.grade).outerjoin(
            Rating, Rating.answer_id == Answer.id
        )
    ).all()
    found: dict[int, list[Recall]] = defaultdict(list)
    for question_id, at, score, grade in rows:
        found[question_id].append(recall_of(at, score, grade))
    return found


def schedules(user_id: int, past: dict[int, list[Recall]]) -> dict[int, Schedule]:
    """The practice schedule of every question in the bank, from the user's recalls."""
    ids = db.session.scalars(sa.select(Question.id).where(catalogue.drawable_questions(user_id))).all()
    return {qid: schedule(past.get(qid, ())) for qid in ids}


def practice_questions(user_id: int, now: datetime, count: int) -> list[int]:
    """The `count` questions most due for practice: lapses, then overdue, then never seen."""
    return practice_order(schedules(user_id, recalls(user_id)), now)[:count]


@dataclass(frozen=True)
class WeakSpot:
    question: Question
    schedule: Schedule
    mean_score: float | None
    answers: int


def _is_weak(mean: float | None, state: Schedule) -> bool:
    """Weak: a low mean practice score, or the last grade (the user's or estimated) a lapse or hard."""
    return (mean or 0.0) < WEAK_BELOW or state.last_grade in (Grade.AGAIN, Grade.HARD)


def weakest(user_id: int, states: dict[int, Schedule], limit: int = 10) -> list[WeakSpot]:
    """Questions the user has answered that are weak, lowest mean practice score first (ties:
    most lapses)."""
    rows = db.session.execute(
        _bank_answers(user_id, Answer.question_id, sa.func.avg(PRACTICE_SCORE), sa.func.count(Answer.id)).group_by(
            Answer.question_id
        )
    ).all()
    rows = [r for r in rows if _is_weak(r[1], states.get(r[0], NEVER_SEEN))]
    if not rows:
        return []
    ranked = sorted(
        rows, key=lambda r: (r[1] if r[1] is not None else 0.0, -states.get(r[0], NEVER_SEEN).lapses, r[0])
    )[:limit]
    questions = {
        q.id: q
        for q in db.session.scalars(
            sa.select(Question)
            .where(Question.id.in_([r[0] for r in ranked]), catalogue.visible_questions(user_id))
            .options(selectinload(Question.category))
        )
    }
    return [
        WeakSpot(questions[qid], states.get(qid, NEVER_SEEN), mean, n) for qid, mean, n in ranked if qid in questions
    ]


@dataclass(frozen=True)
class Point:
    at: datetime
    value: float
    attempt_id: int | None  # None for the mean of several attempts
    attempts: int = 1


MAX_POINTS = 60  # more than this and a series is shown as means of consecutive attempts


def thin(points: list[Point], limit: int = MAX_POINTS) -> list[Point]:
    """At most `limit` points: consecutive attempts averaged in equal-sized groups."""
    if len(points) <= limit:
        return points
    size = -(-len(points) // limit)
    groups = [points[i : i + size] for i in range(0, len(points), size)]
    return [
        Point(
            at=g[0].at + (g[-1].at - g[0].at) / 2,
            value=sum(p.value for p in g) / len(g),
            attempt_id=None,
            attempts=len(g),
        )
        for g in groups
    ]


def score_series(user_id: int) -> dict[str, list[Point]]:
    """Score over time: "All categories" per attempt, and each category's mean within an attempt."""
    closed = (Attempt.user_id == user_id, Attempt.state.in_(CLOSED), Attempt.score.is_not(None))
    # The user's checks of key points go ahead of the scorer's, as on the review.
    mean = sa.func.avg(sa.func.coalesce(PRACTICE_SCORE, 0.0))
    overall = db.session.execute(
        sa.select(Attempt.id, Attempt.closed_at, mean)
        .join(Answer, Answer.attempt_id == Attempt.id)
        .where(*closed)
        .group_by(Attempt.id, Attempt.closed_at)
        .order_by(Attempt.closed_at, Attempt.id)
    ).all()
    by_category = db.session.execute(
        sa.select(Answer.category_name, Attempt.id, mean)
        .join(Attempt, Answer.attempt_id == Attempt.id)
        .where(*closed)
        .group_by(Answer.category_name, Attempt.id)
    ).all()
    # Closed attempts: closed_at is set (the query's conditions); the mean is never null.
    points = [Point(at, float(score), attempt_id) for attempt_id, at, score in overall if at is not None]
    times = {p.attempt_id: p.at for p in points}
    series = {"All categories": thin(points)}
    per_category: dict[str, list[Point]] = defaultdict(list)
    for category, attempt_id, mean in by_category:
        per_category[category].append(Point(times[attempt_id], float(mean), attempt_id))
    for category in sorted(per_category):
        series[category] = thin(sorted(per_category[category], key=lambda p: (p.at, p.attempt_id)))
    return series


def due_after_each_grade(user_id: int, attempt: Attempt) -> dict[int, dict[Grade, datetime]]:
    """For each answer of a closed attempt to a bank question: when the question comes back if
    the user grades that answer again, hard, good or easy (their other recalls as they are)."""
    question_ids = {a.question_id for a in attempt.answers if a.question_id is not None}
    if not question_ids or attempt.closed_at is None:
        return {}
    rows = db.session.execute(
        _bank_answers(user_id, Answer.id, Answer.question_id, Attempt.closed_at, PRACTICE_SCORE, Rating.grade)
        .outerjoin(Rating, Rating.answer_id == Answer.id)
        .where(Answer.question_id.in_(question_ids))
    ).all()
    outlooks = {}
    for answer in attempt.answers:
        if answer.question_id is None:
            continue
        others = [
            recall_of(at, score, grade)
            for answer_id, question_id, at, score, grade in rows
            if question_id == answer.question_id and answer_id != answer.id
        ]
        outlooks[answer.id] = spaced.due_after_each_grade(others, attempt.closed_at)
    return outlooks


@dataclass(frozen=True)
class PracticeItem:
    question: Question
    why: str  # "lapsed", "overdue", "new" or "later": the group the schedule puts it in
    due: datetime | None


_GROUP_NAMES = {spaced.LAPSED: "lapsed", spaced.OVERDUE: "overdue", spaced.NEW: "new", spaced.LATER: "later"}


def practice_plan(user_id: int, now: datetime, count: int) -> list[PracticeItem]:
    """The `count` questions most due for practice, with why each was chosen, for the user to
    see before the clock starts."""
    states = schedules(user_id, recalls(user_id))
    ids = practice_order(states, now)[:count]
    questions = {
        q.id: q
        for q in db.session.scalars(
            sa.select(Question).where(Question.id.in_(ids)).options(selectinload(Question.category))
        )
    }
    return [
        PracticeItem(questions[i], _GROUP_NAMES[spaced.practice_group(states[i], now)], states[i].due)
        for i in ids
        if i in questions
    ]
