"""The user's own grade of an answer, with a private note."""

from __future__ import annotations

from datetime import datetime

from ..extensions import db
from ..models import Answer, Attempt, Grade, Rating


class RatingRefused(Exception):
    """The answer cannot be rated (its attempt is still open)."""


def _rating_of(attempt: Attempt, answer: Answer) -> Rating:
    if attempt.is_open:
        raise RatingRefused("Rate your answers after submitting the interview.")
    rating = answer.rating
    if rating is None:
        rating = Rating(answer_id=answer.id, user_id=attempt.user_id, question_id=answer.question_id, note="")
        db.session.add(rating)
        answer.rating = rating
    return rating


def rate_answer(attempt: Attempt, answer: Answer, grade: Grade, note: str | None, now: datetime) -> Rating:
    """Create or change the grade of one answer of a closed attempt (and its note, when given)."""
    rating = _rating_of(attempt, answer)
    rating.grade = int(grade)
    if note is not None:
        rating.note = note.strip()
    rating.rated_at = now
    db.session.commit()
    return rating


def save_note(attempt: Attempt, answer: Answer, note: str, now: datetime) -> Rating:
    """Keep the private note of one answer, graded or not yet."""
    rating = _rating_of(attempt, answer)
    rating.note = note.strip()
    rating.rated_at = now
    db.session.commit()
    return rating
