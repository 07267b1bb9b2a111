"""The user's own grade of an answer, with a private note."""

from __future__ import annotations

from datetime import datetime

from ..extensions import db
from ..models import Answer, Attempt, Grade, Rating


class RatingRefused(Exception):
    """The answer cannot be rated (its attempt is still open)."""


def rate_answer(attempt: Attempt, answer: Answer, grade: Grade, note: str, now: datetime) -> Rating:
    """Create or change the rating of one answer of a closed attempt."""
    if attempt.is_open:
        raise RatingRefused("Rate your answers after submitting the interview.")
    rating = answer.rating
    if rating is None:
        rating = Rating(answer_id=answer.id, user_id=attempt.user_id, question_id=answer.question_id, grade=int(grade))
        db.session.add(rating)
    rating.grade = int(grade)
    rating.note = note.strip()
    rating.rated_at = now
    db.session.commit()
    return rating
