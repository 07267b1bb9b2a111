"""The question bank as a signed-in user sees it."""

import sqlalchemy as sa

from app.extensions import db
from app.models import Question
from tests.helpers import add_bank


def test_bank_lists_categories_with_counts(app, client, user):
    add_bank(app, categories=2, per_category=3)
    html = client.get("/bank/").get_data(as_text=True)
    assert "6 questions in 2 categories" in html
    assert html.count("3 questions") == 2
    assert "Category 0" in html and "Category 1" in html


def test_category_page_shows_prompts_but_never_reference_answers(app, client, user):
    add_bank(app)
    html = client.get("/bank/cat-0").get_data(as_text=True)
    assert "Prompt 0.2" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html  # escaped, never rendered as markup
    assert "SECRET-REFERENCE" not in html
    assert "hard" in html and "tag-a" in html


def test_unknown_category_is_404_with_a_readable_page(client, user):
    response = client.get("/bank/no-such-thing")
    assert response.status_code == 404
    assert "There is nothing at this address." in response.get_data(as_text=True)


def test_empty_bank_says_so(client, user):
    html = client.get("/bank/").get_data(as_text=True)
    assert "No questions yet" in html
    assert "The question bank is empty" in client.get("/").get_data(as_text=True)


def test_home_page_counts_the_bank(app, client, user):
    add_bank(app, categories=3, per_category=2)
    html = client.get("/").get_data(as_text=True)
    assert "6 questions in 3 categories" in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Question.id))) == 6


def test_the_health_check_says_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["database"] == "ok"
