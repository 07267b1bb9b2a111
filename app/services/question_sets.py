"""A user's own question sets. Every function takes the owner's id, and a set that is not theirs
is simply not found (the views answer 404), so nobody reaches another user's questions."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..import_plan import ImportPlan, plan_for_set
from ..models import Category, Question
from ..question_files import Problem, dump, free_slug, read, slugify
from ..question_files.data import CATEGORY_SLUG_MAX
from . import authoring

MAX_SETS = 100


def sets_of(user_id: int) -> list[tuple[Category, int]]:
    """The user's sets, each with its number of questions (archived ones left out). One statement."""
    rows = db.session.execute(
        sa.select(Category, sa.func.count(Question.id))
        .outerjoin(Question, sa.and_(Question.category_id == Category.id, Question.archived_at.is_(None)))
        .where(Category.owner_id == user_id)
        .group_by(Category.id)
        .order_by(Category.position, Category.id)
    ).all()
    return [(category, count) for category, count in rows]


def set_of(user_id: int, set_id: int, *, with_questions: bool = False) -> Category | None:
    query = sa.select(Category).where(Category.id == set_id, Category.owner_id == user_id)
    if with_questions:
        query = query.options(selectinload(Category.questions))
    return db.session.scalar(query)


def question_of(user_id: int, set_id: int, question_id: int) -> Question | None:
    return db.session.scalar(
        sa.select(Question)
        .where(Question.id == question_id, Question.category_id == set_id, Question.owner_id == user_id)
        .options(sa.orm.joinedload(Question.category))
    )


def _free_slug(user_id: int, name: str) -> str:
    taken = set(db.session.scalars(sa.select(Category.slug).where(Category.owner_id == user_id)))
    return free_slug(slugify(name, CATEGORY_SLUG_MAX), taken, CATEGORY_SLUG_MAX)


def create_set(user_id: int, name: str, description: str) -> Category:
    count = db.session.scalar(sa.select(sa.func.count(Category.id)).where(Category.owner_id == user_id)) or 0
    if count >= MAX_SETS:
        raise authoring.AuthoringError(f"You have {count} sets, the most one account may keep. Delete one first.")
    return authoring.add_category(user_id, _free_slug(user_id, name), name, description)


def delete_set(category: Category) -> None:
    """Delete the set and its questions. Past attempts keep their copy of each question."""
    db.session.delete(category)
    db.session.commit()


def share(category: Category) -> str:
    if not category.share_token:
        category.share_token = secrets.token_urlsafe(24)
        db.session.commit()
    return category.share_token


def stop_sharing(category: Category) -> None:
    category.share_token = None
    db.session.commit()


def shared_set(token: str) -> Category | None:
    """The set behind a share link, with its questions; None for an unknown or revoked link."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(
        sa.select(Category)
        .where(Category.share_token == token, Category.owner_id.is_not(None))
        .options(selectinload(Category.questions))
    )


def copy_set(source: Category, user_id: int, now: datetime) -> Category:
    """A copy of a shared set (its questions in use, not archived ones) among the user's own sets."""
    copy = create_set(user_id, source.name, source.description)
    for position, question in enumerate(q for q in source.questions if q.archived_at is None):
        authoring.new_question(copy.id, user_id, question.slug, position, authoring.fields_of(question), now)
    db.session.commit()
    return copy


def export(category: Category, fmt: str) -> str:
    """The set in a format that imports back to the same set (archived questions left out)."""
    questions = [q for q in category.questions if q.archived_at is None]
    return dump([authoring.as_data(category, questions)], fmt)


def plan_import(category: Category, text: str, fmt: str) -> ImportPlan:
    parsed = read(text, fmt, category_name=category.name)
    plan = plan_for_set(parsed, [authoring.stored(q, category) for q in category.questions])
    total = len(category.questions) + len(plan.added)
    if total > authoring.MAX_QUESTIONS:
        plan.problems.append(
            Problem(None, f"the set would hold {total} questions; a set holds at most {authoring.MAX_QUESTIONS}")
        )
    return plan


def run_import(category: Category, text: str, fmt: str, fingerprint: str, now: datetime) -> ImportPlan:
    """Write what the dry run showed, in one transaction; PlanChanged if it would now differ."""
    plan = plan_import(category, text, fmt)
    if plan.problems or plan.fingerprint() != fingerprint:
        raise authoring.PlanChanged()
    authoring.write_plan(plan, {"": category}, now, owner_id=category.owner_id)
    return plan
