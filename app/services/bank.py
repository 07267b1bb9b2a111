"""The question bank in the database: import, export, and the seed load."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from ..extensions import db
from ..models import Category, Question
from ..question_files import CategoryData, QuestionData, read_file


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} added, {self.updated} updated, {self.unchanged} unchanged"


def question_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Question.id))) or 0


def size() -> tuple[int, int]:
    """How many categories and questions the bank has."""
    categories, questions = db.session.execute(
        sa.select(sa.func.count(sa.distinct(Category.id)), sa.func.count(Question.id))
        .select_from(Category)
        .outerjoin(Question)
    ).one()
    return categories, questions


def categories_with_counts() -> list[tuple[Category, int]]:
    """Every category in bank order, with its number of questions (empty ones included)."""
    rows = db.session.execute(
        sa.select(Category, sa.func.count(Question.id))
        .outerjoin(Question)
        .group_by(Category.id)
        .order_by(Category.position, Category.id)
    ).all()
    return [(category, count) for category, count in rows]


def category(slug: str) -> Category | None:
    """The category with this slug and its questions."""
    return db.session.scalar(
        sa.select(Category).where(Category.slug == slug).options(sa.orm.selectinload(Category.questions))
    )


def question(question_id: int) -> Question | None:
    return db.session.get(Question, question_id)


def import_categories(categories: list[CategoryData]) -> ImportReport:
    """Add or update categories and questions by slug, in one transaction.

    Importing the same data again changes nothing; questions missing from the data stay.
    """
    report = ImportReport()
    next_position = (db.session.scalar(sa.select(sa.func.max(Category.position))) or 0) + 1
    try:
        for data in categories:
            category = db.session.scalar(sa.select(Category).where(Category.slug == data.slug))
            if category is None:
                category = Category(slug=data.slug, position=next_position)
                next_position += 1
                db.session.add(category)
            category.name = data.name
            if data.description:
                category.description = data.description
            db.session.flush()
            for position, item in enumerate(data.questions):
                _upsert_question(category, position, item, report)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


def _upsert_question(category: Category, position: int, item: QuestionData, report: ImportReport) -> None:
    values = {
        "category_id": category.id,
        "prompt": item.prompt,
        "reference_answer": item.answer,
        "key_points": item.key_points,
        "difficulty": item.difficulty,
        "tags": item.tags,
        "position": position,
    }
    question = db.session.scalar(sa.select(Question).where(Question.slug == item.slug))
    if question is None:
        db.session.add(Question(slug=item.slug, **values))
        report.created += 1
    elif any(getattr(question, key) != value for key, value in values.items()):
        for key, value in values.items():
            setattr(question, key, value)
        report.updated += 1
    else:
        report.unchanged += 1


def import_file(path: Path, *, category_name: str | None = None) -> ImportReport:
    """Parse first (a bad file raises BankFileError before anything is written), then import."""
    return import_categories(read_file(path, category_name=category_name))


def load_seed_if_empty(seed_dir: Path) -> ImportReport | None:
    """Load every bank file in `seed_dir` when the database has no questions yet."""
    files = sorted(seed_dir.glob("*.toml"))
    if question_count() or not files:
        return None
    categories: list[CategoryData] = []
    for path in files:
        categories.extend(read_file(path))
    return import_categories(categories)


def export_categories() -> list[CategoryData]:
    categories = db.session.scalars(
        sa.select(Category).order_by(Category.position, Category.id).options(sa.orm.selectinload(Category.questions))
    )
    return [
        CategoryData(
            slug=c.slug,
            name=c.name,
            description=c.description,
            questions=[
                QuestionData(
                    slug=q.slug,
                    prompt=q.prompt,
                    answer=q.reference_answer,
                    key_points=list(q.key_points),
                    difficulty=q.difficulty,
                    tags=list(q.tags),
                )
                for q in c.questions
            ],
        )
        for c in categories
    ]
