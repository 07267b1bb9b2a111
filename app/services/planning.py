"""The user's next interview: bank questions they added from a question's page ("Add to my next
interview"), asked first the next time they start one."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Attempt, PlannedQuestion, Question
from . import catalogue, interviews


def planned(user_id: int) -> list[Question]:
    """The questions the user added, in the order they added them."""
    return list(
        db.session.scalars(
            sa.select(Question)
            .join(PlannedQuestion, PlannedQuestion.question_id == Question.id)
            .where(PlannedQuestion.user_id == user_id, catalogue.drawable_questions(user_id))
            .order_by(PlannedQuestion.added_at, PlannedQuestion.id)
            .options(selectinload(Question.category))
        )
    )


def is_planned(user_id: int, question_id: int) -> bool:
    return bool(
        db.session.scalar(
            sa.select(sa.exists().where(PlannedQuestion.user_id == user_id, PlannedQuestion.question_id == question_id))
        )
    )


def add(user_id: int, question_id: int, now: datetime) -> None:
    """Add a question to the next interview; adding it twice changes nothing."""
    if is_planned(user_id, question_id):
        return
    db.session.add(PlannedQuestion(user_id=user_id, question_id=question_id, added_at=now))
    try:
        db.session.commit()
    except IntegrityError:  # added at the same moment by another request
        db.session.rollback()


def remove(user_id: int, question_id: int) -> None:
    db.session.execute(
        sa.delete(PlannedQuestion).where(PlannedQuestion.user_id == user_id, PlannedQuestion.question_id == question_id)
    )
    db.session.commit()


def start_next_interview(
    user_id: int,
    category_ids: Sequence[int] | None,
    count: int,
    minutes: int,
    now: datetime,
    grace_seconds: int,
    rng: random.Random | None = None,
) -> Attempt:
    """Start an interview of `count` questions: the added ones first (all of them, even beyond
    `count`), the rest drawn from the categories as usual. The added ones are then forgotten."""
    chosen = [q.id for q in planned(user_id)]
    if not chosen:
        return interviews.start_attempt(user_id, category_ids, count, minutes, now, grace_seconds, rng)
    rest = count - len(chosen)
    if rest > 0:
        rng = rng or random.Random()  # noqa: S311 (question order, not a secret)
        try:
            pool = interviews.pick_questions(user_id, category_ids, rest + len(chosen), rng)
        except interviews.NotEnoughQuestions as exc:
            pool = interviews.pick_questions(user_id, category_ids, exc.available, rng)
        drawn = [q.id for q in pool if q.id not in chosen][:rest]
        if len(drawn) < rest:
            raise interviews.NotEnoughQuestions(len(drawn) + len(chosen))
        chosen += drawn
    attempt = interviews.start_practice(user_id, chosen, minutes, now, grace_seconds)
    db.session.execute(sa.delete(PlannedQuestion).where(PlannedQuestion.user_id == user_id))
    db.session.commit()
    return attempt
