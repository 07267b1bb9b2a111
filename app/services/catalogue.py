"""Which questions and categories a user may see: the shared bank, and their own sets. Every
listing of questions goes through these conditions, so nobody meets another user's questions."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..models import Category, Question


def visible_questions(user_id: int) -> sa.ColumnElement[bool]:
    return sa.or_(Question.owner_id.is_(None), Question.owner_id == user_id)


def drawable_questions(user_id: int) -> sa.ColumnElement[bool]:
    """Questions an interview may ask this user: visible and not archived."""
    return sa.and_(visible_questions(user_id), Question.archived_at.is_(None))


def visible_categories(user_id: int) -> sa.ColumnElement[bool]:
    return sa.or_(Category.owner_id.is_(None), Category.owner_id == user_id)


def visible_question(user_id: int, question_id: int) -> Question | None:
    """A question of the shared bank or of the user's own sets (archived ones too); None otherwise."""
    return db.session.scalar(
        sa.select(Question)
        .where(Question.id == question_id, visible_questions(user_id))
        .options(sa.orm.joinedload(Question.category))
    )


@dataclass(frozen=True)
class Choice:
    id: int
    name: str
    questions: int
    is_set: bool


def interview_choices(user_id: int) -> list[Choice]:
    """The bank's categories, then the user's sets, each with its number of questions to draw
    (those without any are left out). One statement."""
    rows = db.session.execute(
        sa.select(Category.id, Category.name, Category.owner_id, sa.func.count(Question.id))
        .join(Question, sa.and_(Question.category_id == Category.id, Question.archived_at.is_(None)))
        .where(visible_categories(user_id))
        .group_by(Category.id, Category.name, Category.owner_id)
        .order_by(Category.owner_id.is_not(None), Category.position, Category.id)
    ).all()
    return [Choice(cid, name, count, owner is not None) for cid, name, owner, count in rows]
