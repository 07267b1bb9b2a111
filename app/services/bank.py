"""The shared question bank: browsing, the seed load, and what admins do (categories, questions,
search, import with a dry run, export)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from .. import clock
from ..extensions import db
from ..import_plan import ImportPlan, StoredCategory, plan_for_bank
from ..models import Category, Question
from ..question_files import CategoryData, Parsed, dump, read, read_file, slugify
from . import authoring

SHARED = Category.owner_id.is_(None)


# --- browsing ----------------------------------------------------------------------------------


def categories_with_counts() -> list[tuple[Category, int]]:
    """The bank's categories in order, with their questions in use (archived left out)."""
    rows = db.session.execute(
        sa.select(Category, sa.func.count(Question.id))
        .outerjoin(Question, sa.and_(Question.category_id == Category.id, Question.archived_at.is_(None)))
        .where(SHARED)
        .group_by(Category.id)
        .order_by(Category.position, Category.id)
    ).all()
    return [(category, count) for category, count in rows]


def size() -> tuple[int, int]:
    """How many categories and questions in use the bank has."""
    categories, questions = db.session.execute(
        sa.select(sa.func.count(sa.distinct(Category.id)), sa.func.count(Question.id))
        .select_from(Category)
        .outerjoin(Question, sa.and_(Question.category_id == Category.id, Question.archived_at.is_(None)))
        .where(SHARED)
    ).one()
    return categories, questions


def category(slug: str) -> Category | None:
    """The bank's category with this slug and its questions."""
    return db.session.scalar(
        sa.select(Category).where(Category.slug == slug, SHARED).options(selectinload(Category.questions))
    )


def category_by_id(category_id: int) -> Category | None:
    return db.session.scalar(sa.select(Category).where(Category.id == category_id, SHARED))


def questions_in_use(category: Category) -> list[Question]:
    return [q for q in category.questions if q.archived_at is None]


def question_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Question.id)).where(Question.owner_id.is_(None))) or 0


# --- categories (admins) -----------------------------------------------------------------------


class BankError(authoring.AuthoringError):
    pass


def slug_taken(slug: str, except_id: int | None = None) -> bool:
    query = sa.select(Category.id).where(Category.slug == slug, SHARED)
    if except_id is not None:
        query = query.where(Category.id != except_id)
    return db.session.scalar(query) is not None


def create_category(name: str, slug: str | None, description: str) -> Category:
    slug = slug or slugify(name)
    if slug_taken(slug):
        raise BankError(f"The slug {slug!r} is taken by another category.")
    return authoring.add_category(None, slug, name, description)


def move_category(category: Category, step: int) -> bool:
    siblings = db.session.scalars(sa.select(Category).where(SHARED).order_by(Category.position, Category.id)).all()
    return authoring.move_among(siblings, category, step)


def delete_category(category: Category, move_to: Category | None) -> int:
    """Delete a category. One with questions (archived ones too) needs another category to take
    them first. Returns how many questions moved."""
    questions = list(db.session.scalars(sa.select(Question).where(Question.category_id == category.id)))
    if questions and move_to is None:
        raise BankError(f"{category.name!r} still has {len(questions)} questions: choose where they go.")
    if move_to is not None and move_to.id == category.id:
        raise BankError("Choose another category to move the questions to.")
    if questions and move_to is not None:
        start = authoring.last_position(move_to.id) + 1
        for offset, question in enumerate(questions):
            question.category_id = move_to.id
            question.position = start + offset
    db.session.flush()
    db.session.delete(category)
    db.session.commit()
    return len(questions)


# --- questions (admins) ------------------------------------------------------------------------


def bank_question(question_id: int) -> Question | None:
    return db.session.scalar(
        sa.select(Question)
        .where(Question.id == question_id, Question.owner_id.is_(None))
        .options(sa.orm.joinedload(Question.category))
    )


@dataclass(frozen=True)
class Search:
    text: str = ""
    category_id: int | None = None
    tag: str = ""
    difficulty: str = ""
    archived: bool = False  # show archived questions only


def search_questions(search: Search, page: int, per_page: int = 25):
    query = sa.select(Question).where(Question.owner_id.is_(None)).options(sa.orm.joinedload(Question.category))
    if search.text:
        words = search.text.lower()
        query = query.where(
            sa.or_(
                *(
                    sa.func.lower(column).contains(words, autoescape=True)
                    for column in (Question.prompt, Question.reference_answer, Question.slug)
                )
            )
        )
    if search.category_id:
        query = query.where(Question.category_id == search.category_id)
    if search.difficulty:
        query = query.where(Question.difficulty == search.difficulty)
    if search.tag:
        # Tags are a JSON list; the quoted tag inside its text is exact on both databases.
        query = query.where(sa.cast(Question.tags, sa.String).like(f'%"{search.tag}"%'))
    query = query.where(Question.archived_at.is_not(None) if search.archived else Question.archived_at.is_(None))
    query = query.join(Category, Question.category_id == Category.id).order_by(
        Category.position, Category.id, Question.position, Question.id
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


def all_tags() -> list[str]:
    tags: set[str] = set()
    for row in db.session.scalars(sa.select(Question.tags).where(Question.owner_id.is_(None))):
        tags.update(row or [])
    return sorted(tags)


# --- import and export -------------------------------------------------------------------------


def _stored_state() -> tuple[list[StoredCategory], list, dict[str, Category]]:
    categories = list(db.session.scalars(sa.select(Category).where(SHARED).options(selectinload(Category.questions))))
    stored_categories = [StoredCategory(c.id, c.slug, c.name, c.description) for c in categories]
    stored_questions = [authoring.stored(q, c) for c in categories for q in c.questions]
    return stored_categories, stored_questions, {c.slug: c for c in categories}


def plan_parsed(parsed: Parsed) -> ImportPlan:
    stored_categories, stored_questions, _ = _stored_state()
    return plan_for_bank(parsed, stored_categories, stored_questions)


def plan_import(text: str, fmt: str, category_name: str | None = None) -> ImportPlan:
    return plan_parsed(read(text, fmt, category_name=category_name))


def run_import(text: str, fmt: str, fingerprint: str, now: datetime, category_name: str | None = None) -> ImportPlan:
    plan = plan_import(text, fmt, category_name)
    if plan.problems or plan.fingerprint() != fingerprint:
        raise authoring.PlanChanged()
    _, _, by_slug = _stored_state()
    authoring.write_plan(plan, by_slug, now, owner_id=None)
    return plan


def run_import_plan(plan: ImportPlan, now: datetime | None = None) -> None:
    """Write a plan made moments ago by `plan_parsed` (the CLI, one process, no dry run to confirm)."""
    _, _, by_slug = _stored_state()
    authoring.write_plan(plan, by_slug, now or clock.now(), owner_id=None)


def import_categories(categories: list[CategoryData], now: datetime | None = None) -> ImportPlan:
    """Add or change categories and questions by slug, in one transaction (the seed and the CLI).
    Importing the same data again changes nothing; questions missing from the data stay."""
    plan = plan_parsed(Parsed(categories=categories))
    _, _, by_slug = _stored_state()
    authoring.write_plan(plan, by_slug, now or clock.now(), owner_id=None)
    return plan


def import_file(path: Path, *, category_name: str | None = None) -> ImportPlan:
    """Parse first (a bad file raises BankFileError before anything is written), then import."""
    return import_categories(read_file(path, category_name=category_name))


def load_seed_if_empty(seed_dir: Path) -> ImportPlan | None:
    """Load every bank file in `seed_dir` when the bank has no questions yet."""
    files = sorted(seed_dir.glob("*.toml"))
    if question_count() or not files:
        return None
    categories: list[CategoryData] = []
    for path in files:
        categories.extend(read_file(path))
    return import_categories(categories)


def export_categories() -> list[CategoryData]:
    """The bank's categories and their questions in use (archived ones are left out)."""
    categories = db.session.scalars(
        sa.select(Category)
        .where(SHARED)
        .order_by(Category.position, Category.id)
        .options(selectinload(Category.questions))
    )
    return [authoring.as_data(c, questions_in_use(c)) for c in categories]


def export(fmt: str) -> str:
    return dump(export_categories(), fmt)
