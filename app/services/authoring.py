"""Writing questions, for a user's own sets and for the shared bank alike: add, edit, reorder,
delete (or archive, when attempts used the question), and importing with a plan confirmed first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..import_plan import ImportPlan, Stored
from ..models import Answer, Category, Question
from ..question_files import CategoryData, QuestionData, free_slug, slugify
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


def _categories_of(owner_id: int | None) -> sa.ColumnElement[bool]:
    """The shared bank's categories (no owner), or one user's own sets."""
    return Category.owner_id.is_(None) if owner_id is None else Category.owner_id == owner_id


def _last_category_position(owner_id: int | None) -> int:
    return db.session.scalar(sa.select(sa.func.max(Category.position)).where(_categories_of(owner_id))) or 0


def add_category(owner_id: int | None, slug: str, name: str, description: str) -> Category:
    """A category of the shared bank (no owner) or a user's own set, placed last."""
    category = Category(
        owner_id=owner_id,
        slug=slug,
        name=name,
        description=description,
        position=_last_category_position(owner_id) + 1,
    )
    db.session.add(category)
    db.session.commit()
    return category


def update_category(category: Category, name: str, description: str) -> None:
    """Rename or describe a category or a set. Its slug stays: files refer to it."""
    category.name = name
    category.description = description
    db.session.commit()


def _apply(question: Question, fields: QuestionFields) -> None:
    question.prompt = fields.prompt
    question.reference_answer = fields.answer
    question.key_points = list(fields.key_points)
    question.difficulty = fields.difficulty
    question.tags = list(fields.tags)


def fields_of(question: Question) -> QuestionFields:
    return QuestionFields(
        question.prompt, question.reference_answer, list(question.key_points), question.difficulty, list(question.tags)
    )


def new_question(
    category_id: int, owner_id: int | None, slug: str, position: int, fields: QuestionFields, now: datetime
) -> Question:
    """A question with these fields, added to the session (not yet committed)."""
    question = Question(
        category_id=category_id, owner_id=owner_id, slug=slug, position=position, created_at=now, updated_at=now
    )
    _apply(question, fields)
    db.session.add(question)
    return question


def _free_slug(category: Category, slug: str) -> str:
    """`slug`, or one made from it, not yet used in `category` (or, for the shared bank, anywhere
    in the bank)."""
    scope = Question.owner_id.is_(None) if category.owner_id is None else Question.category_id == category.id
    prefix = slug[: QUESTION_SLUG_MAX - 4]  # slugs are letters, digits and dashes: no LIKE wildcards
    taken = set(db.session.scalars(sa.select(Question.slug).where(scope, Question.slug.like(f"{prefix}%"))))
    return free_slug(slug, taken, QUESTION_SLUG_MAX)


def last_position(category_id: int) -> int:
    """The highest position of a question in the category; -1 when it has none."""
    last = db.session.scalar(sa.select(sa.func.max(Question.position)).where(Question.category_id == category_id))
    return -1 if last is None else last


def question_count(category_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(Question.id)).where(Question.category_id == category_id)) or 0


def create_question(category: Category, fields: QuestionFields, now: datetime) -> Question:
    if question_count(category.id) >= MAX_QUESTIONS:
        raise AuthoringError(f"A category or set holds at most {MAX_QUESTIONS} questions.")
    question = new_question(
        category.id,
        category.owner_id,
        _free_slug(category, slugify(fields.prompt, QUESTION_SLUG_MAX)),
        last_position(category.id) + 1,
        fields,
        now,
    )
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
        question.position = last_position(category.id) + 1
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


def move_among(siblings: Sequence[Category] | Sequence[Question], item: Category | Question, step: int) -> bool:
    """Swap `item` with its neighbour among `siblings` (in their order) above (step -1) or below
    (+1), and number them all again. False, and nothing changed, at an end."""
    ordered: list[Category | Question] = list(siblings)
    index = ordered.index(item)
    target = index + step
    if not 0 <= target < len(ordered):
        return False
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, sibling in enumerate(ordered):
        sibling.position = position
    db.session.commit()
    return True


def move_question(question: Question, step: int) -> bool:
    """Swap the question with its neighbour above (step -1) or below (+1). False at an end."""
    siblings = db.session.scalars(
        sa.select(Question).where(Question.category_id == question.category_id).order_by(Question.position, Question.id)
    ).all()
    return move_among(siblings, question, step)


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
        next_position = _last_category_position(owner_id) + 1
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
                positions[category.id] = last_position(category.id) + 1
            item = change.question
            fields = QuestionFields(item.prompt, item.answer, item.key_points, item.difficulty, item.tags)
            if change.kind == "added":
                new_question(category.id, owner_id, item.slug, positions[category.id], fields, now)
                positions[category.id] += 1
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
