"""Pages of sets and of the bank issue as many SQL statements with many sets and questions as with
a few: counted with an SQLAlchemy event listener, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Category, Question
from app.services import accounts
from tests.helpers import AuthActions, add_bank, watching


def add_sets(app, owner_id: int, sets: int, per_set: int) -> None:
    with app.app_context():
        start = db.session.scalar(sa.select(sa.func.count(Category.id))) or 0
        for s in range(start, start + sets):
            category = Category(slug=f"set-{s}", name=f"Set {s}", owner_id=owner_id, position=s, share_token=None)
            db.session.add(category)
            for q in range(per_set):
                category.questions.append(
                    Question(
                        slug=f"s{s}-q{q}",
                        owner_id=owner_id,
                        prompt=f"Set {s} question {q}?",
                        reference_answer="An answer.",
                        key_points=["answer"],
                        tags=[f"t{q % 5}"],
                        position=q,
                    )
                )
        db.session.commit()


def statements(app, client, url: str) -> int:
    count = 0

    def counter(*_args) -> None:
        nonlocal count
        count += 1

    with watching(app, "before_cursor_execute", counter):
        response = client.get(url)
    assert response.status_code == 200, url
    return count


@pytest.fixture
def admin_client(app, user):
    with app.app_context():
        accounts.find_user(user.email).is_admin = True
        db.session.commit()
    return None


PAGES = [
    "/",
    "/sets/",
    "/sets/{first_set}",
    "/attempts/new",
    "/progress",
    "/bank/",
    "/admin/",
    "/admin/questions/",
    "/admin/questions/?tag=t1",
    "/admin/export.csv",
    "/sets/{first_set}/export.toml",
]


def test_pages_do_not_issue_more_statements_for_more_sets_or_questions(app, client, user, admin_client):
    add_bank(app, categories=2, per_category=2)
    add_sets(app, user.id, sets=2, per_set=2)
    with app.app_context():
        first_set = db.session.scalar(sa.select(sa.func.min(Category.id)).where(Category.owner_id == user.id))
    urls = [p.format(first_set=first_set) for p in PAGES]
    few = {url: statements(app, client, url) for url in urls}
    add_bank(app, categories=0)  # nothing: keeps the helper's slugs free
    add_sets(app, user.id, sets=30, per_set=40)
    with app.app_context():
        # More questions in the first set too.
        for q in range(60):
            db.session.add(
                Question(
                    category_id=first_set,
                    owner_id=user.id,
                    slug=f"extra-{q}",
                    prompt=f"E{q}?",
                    reference_answer="A.",
                    key_points=["a"],
                    tags=["t1"],
                    position=10 + q,
                )
            )
        db.session.commit()
    many = {url: statements(app, client, url) for url in urls}
    assert many == few
    assert max(few.values()) < 15


def test_the_sets_page_counts_every_set(app, client, user):
    add_sets(app, user.id, sets=25, per_set=3)
    html = client.get("/sets/").get_data(as_text=True)
    assert len(re.findall(r'data-testid="count">3 questions', html)) == 25
    other = app.test_client()
    AuthActions(other).register("eve@example.com")
    assert "No sets yet" in other.get("/sets/").get_data(as_text=True)
