"""Writing questions, for a user's own sets and for the shared bank alike: add, edit, reorder,
delete (or archive, when attempts used the question), and importing with a plan confirmed first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..import_plan import ImportPlan, Stored
from ..models import Answer, Category, Question
from ..question_files import CategoryData, QuestionData, slugify
from ..question_files.data import MAX_QUESTIONS, QUESTION_SLUG_MAX


class AuthoringError(Exception):
    """A change the rules refuse, with a message for the user."""


class PlanChanged(AuthoringError):
    def __init__(self) -> None:
        super().__init__(
            "The questions changed since the dry run (another tab, or another person). "
            "Nothing was written; here is the dry run again."
        )


@dataclass
class QuestionFields:
    prompt: str
    answer: str
    key_points: list[str]
    difficulty: str
    tags: list[str]


def _apply(question: Question, fields: QuestionFields) -> None:
    question.prompt = fields.prompt
    question.reference_answer = fields.answer
    question.key_points = list(fields.key_points)
    question.difficulty = fields.difficulty
    question.tags = list(fields.tags)


def _free_slug(category: Category, base: str) -> str:
    """A slug not yet used in `category` (or, for the shared bank, anywhere in the bank)."""
    base = base[: QUESTION_SLUG_MAX - 4] or "question"
    scope = Question.owner_id.is_(None) if category.owner_id is None else Question.category_id == category.id
    taken = set(db.session.scalars(sa.select(Question.slug).where(scope, Question.slug.like(f"{base}%"))))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _next_position(category_id: int) -> int:
    last = db.session.scalar(sa.select(sa.func.max(Question.position)).where(Question.category_id == category_id))
    return -1 if last is None else last


def question_count(category_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(Question.id)).where(Question.category_id == category_id)) or 0


def create_question(category: Category, fields: QuestionFields, now: datetime) -> Question:
    if question_count(category.id) >= MAX_QUESTIONS:
        raise AuthoringError(f"A category or set holds at most {MAX_QUESTIONS} questions.")
    question = Question(
        category_id=category.id,
        owner_id=category.owner_id,
        slug=_free_slug(category, slugify(fields.prompt, QUESTION_SLUG_MAX)),
        position=_next_position(category.id) + 1,
        created_at=now,
        updated_at=now,
    )
    _apply(question, fields)
    db.session.add(question)
    db.session.commit()
    return question


def update_question(
    question: Question, fields: QuestionFields, now: datetime, category: Category | None = None
) -> None:
    """Change a question. Past attempts keep the copy they were taken with."""
    _apply(question, fields)
    if category is not None and category.id != question.category_id:
        if category.owner_id != question.owner_id:
            raise AuthoringError("A question can move only between categories of the same bank.")
        question.category_id = category.id
        question.position = _next_position(category.id) + 1
    if db.session.is_modified(question):
        question.updated_at = now
    db.session.commit()


def is_used(question_id: int) -> bool:
    return bool(db.session.scalar(sa.select(sa.exists().where(Answer.question_id == question_id))))


def remove_question(question: Question, now: datetime) -> str:
    """Delete a question nobody has answered; archive one that attempts used, so that their
    history keeps its link. Returns "deleted" or "archived"."""
    if is_used(question.id):
        question.archived_at = now
        question.updated_at = now
        db.session.commit()
        return "archived"
    db.session.delete(question)
    db.session.commit()
    return "deleted"


def restore_question(question: Question, now: datetime) -> None:
    question.archived_at = None
    question.updated_at = now
    db.session.commit()


def move_question(question: Question, step: int) -> bool:
    """Swap the question with its neighbour above (step -1) or below (+1). False at an end."""
    siblings = list(
        db.session.scalars(
            sa.select(Question)
            .where(Question.category_id == question.category_id)
            .order_by(Question.position, Question.id)
        )
    )
    index = siblings.index(question)
    target = index + step
    if not 0 <= target < len(siblings):
        return False
    siblings[index], siblings[target] = siblings[target], siblings[index]
    for position, sibling in enumerate(siblings):
        sibling.position = position
    db.session.commit()
    return True


def stored(question: Question, category: Category | None = None) -> Stored:
    category = category or question.category
    return Stored(
        id=question.id,
        slug=question.slug,
        prompt=question.prompt,
        answer=question.reference_answer,
        key_points=list(question.key_points),
        difficulty=question.difficulty,
        tags=list(question.tags),
        category_slug=category.slug,
        category_name=category.name,
        archived=question.archived_at is not None,
    )


def as_data(category: Category, questions: list[Question]) -> CategoryData:
    return CategoryData(
        slug=category.slug,
        name=category.name,
        description=category.description,
        questions=[
            QuestionData(
                slug=q.slug,
                prompt=q.prompt,
                answer=q.reference_answer,
                key_points=list(q.key_points),
                difficulty=q.difficulty,
                tags=list(q.tags),
            )
            for q in questions
        ],
    )


def write_plan(plan: ImportPlan, categories: dict[str, Category], now: datetime, *, owner_id: int | None) -> None:
    """Carry out a confirmed plan in one transaction. `categories` maps the plan's category
    slugs to stored categories (new ones are created here); nothing is left half-written."""
    if plan.problems:
        raise AuthoringError("A file with problems cannot be imported.")
    try:
        next_position = (
            db.session.scalar(sa.select(sa.func.max(Category.position)).where(Category.owner_id.is_(None))) or 0
        ) + 1
        for category_change in plan.categories:
            category = categories.get(category_change.data.slug)
            if category is None:
                category = Category(slug=category_change.data.slug, owner_id=owner_id, position=next_position)
                next_position += 1
                db.session.add(category)
                categories[category_change.data.slug] = category
            category.name = category_change.data.name
            if category_change.data.description:
                category.description = category_change.data.description
        db.session.flush()
        by_id = {
            q.id: q
            for q in db.session.scalars(
                sa.select(Question).where(Question.id.in_([c.stored_id for c in plan.questions if c.stored_id]))
            )
        }
        positions: dict[int, int] = {}
        for change in plan.questions:
            category = categories[change.category_slug]
            if category.id not in positions:
                positions[category.id] = _next_position(category.id) + 1
            item = change.question
            fields = QuestionFields(item.prompt, item.answer, item.key_points, item.difficulty, item.tags)
            if change.kind == "added":
                question = Question(
                    category_id=category.id,
                    owner_id=owner_id,
                    slug=item.slug,
                    position=positions[category.id],
                    created_at=now,
                    updated_at=now,
                )
                positions[category.id] += 1
                _apply(question, fields)
                db.session.add(question)
            elif change.kind == "changed":
                question = by_id[change.stored_id]  # type: ignore[index]
                _apply(question, fields)
                question.archived_at = None
                if question.category_id != category.id:
                    question.category_id = category.id
                    question.position = positions[category.id]
                    positions[category.id] += 1
                question.updated_at = now
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise PlanChanged() from None
    except Exception:
        db.session.rollback()
        raise
