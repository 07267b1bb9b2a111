"""The shared bank kept by admins in the browser. Each test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Answer, Attempt, Category, Question, User
from app.services import accounts
from tests.helpers import AuthActions, add_bank, csrf_token


def post(client, url: str, data: dict | None = None, *, form_page: str = "/", **kwargs):
    return client.post(url, data={"csrf_token": csrf_token(client, form_page), **(data or {})}, **kwargs)


@pytest.fixture
def admin(app):
    with app.app_context():
        accounts.create_user("root@example.com", AuthActions.PASSWORD, is_admin=True)
    client = app.test_client()
    assert AuthActions(client).login("root@example.com").status_code == 302
    return client


def bank_rows(app) -> list[tuple]:
    with app.app_context():
        return [
            tuple(r)
            for r in db.session.execute(
                sa.select(Category.slug, Category.name, Question.slug, Question.prompt, Question.archived_at)
                .outerjoin(Question)
                .order_by(Category.position, Category.id, Question.position, Question.id)
            ).all()
        ]


def import_csv(client, text: str, action="check", fingerprint="", category=""):
    data = {
        "file": (io.BytesIO(text.encode()), "bank.csv"),
        "text": "",
        "format": "auto",
        "action": action,
        "fingerprint": fingerprint,
        "category": category,
    }
    return post(client, "/admin/import", data, form_page="/admin/import", content_type="multipart/form-data")


ADMIN_GETS = [
    "/admin/",
    "/admin/categories/new",
    "/admin/categories/1",
    "/admin/categories/1/delete",
    "/admin/questions/",
    "/admin/questions/new",
    "/admin/questions/1",
    "/admin/questions/1/delete",
    "/admin/import",
    "/admin/export.csv",
    "/admin/users/",
]
ADMIN_POSTS = [
    "/admin/categories/new",
    "/admin/categories/1",
    "/admin/categories/1/move",
    "/admin/categories/1/delete",
    "/admin/questions/new",
    "/admin/questions/1",
    "/admin/questions/1/delete",
    "/admin/questions/1/restore",
    "/admin/import",
    "/admin/users/1/admin",
]


def test_nobody_but_an_admin_reaches_any_admin_page_or_action(app, client, user):
    add_bank(app, categories=1, per_category=1)
    before = bank_rows(app)
    anonymous = app.test_client()
    for url in ADMIN_GETS:
        assert client.get(url).status_code == 404, url
        assert anonymous.get(url).status_code == 404, url
    for url in ADMIN_POSTS:
        response = post(client, url, {"name": "Taken", "prompt": "P?", "answer": "A.", "grant": "1", "direction": "up"})
        assert response.status_code == 404, url
        assert anonymous.post(url, data={"name": "x"}).status_code == 404, url
    assert bank_rows(app) == before
    with app.app_context():
        assert db.session.scalar(sa.select(User.is_admin).where(User.email == "ada@example.com")) is False
    assert "Bank admin" not in client.get("/").get_data(as_text=True)


def test_an_admin_post_without_a_csrf_token_is_refused(app, admin):
    assert admin.post("/admin/categories/new", data={"name": "No token"}).status_code == 400
    assert bank_rows(app) == []


def test_an_admin_keeps_categories(app, admin):
    page = admin.get("/admin/").get_data(as_text=True)
    assert "No categories yet" in page
    for name in ("Search", "Serving"):
        response = post(
            admin,
            "/admin/categories/new",
            {"name": name, "description": f"About {name}."},
            form_page="/admin/categories/new",
        )
        assert response.status_code == 302
    refused = post(admin, "/admin/categories/new", {"name": "Search again", "slug": "search"}, form_page="/admin/")
    assert "taken by another category" in unescape(refused.get_data(as_text=True))
    assert 'value="Search again"' in refused.get_data(as_text=True)
    with app.app_context():
        search, serving = db.session.scalars(sa.select(Category).order_by(Category.position)).all()
        search_id, serving_id = search.id, serving.id
    post(admin, f"/admin/categories/{serving_id}/move", {"direction": "up"})
    post(admin, f"/admin/categories/{search_id}", {"name": "Vector search", "description": "Renamed."})
    assert [r[:2] for r in bank_rows(app)] == [("serving", "Serving"), ("search", "Vector search")]
    # A question in it: deleting the category asks where its questions go.
    post(
        admin,
        "/admin/questions/new",
        {
            "category": search_id,
            "prompt": "What is ANN?",
            "answer": "Approximate.",
            "key_points": "approximate",
            "difficulty": "easy",
            "tags": "ann",
        },
    )
    refused = post(admin, f"/admin/categories/{search_id}/delete", {"move_to": 0})
    assert "still has 1 questions" in unescape(refused.get_data(as_text=True))
    post(admin, f"/admin/categories/{search_id}/delete", {"move_to": serving_id})
    assert [(r[0], r[2]) for r in bank_rows(app)] == [("serving", "what-is-ann")]


def test_an_admin_edits_a_question_and_past_reviews_keep_the_old_text(app, admin, client, user):
    add_bank(app, categories=1, per_category=1)
    post(client, "/attempts/new", {"question_count": 1}, form_page="/attempts/new")
    with app.app_context():
        question = db.session.scalar(sa.select(Question))
        attempt_id, question_id, old_answer = (
            db.session.scalar(sa.select(Attempt.id)),
            question.id,
            question.reference_answer,
        )
        updated = question.updated_at
    post(client, f"/attempts/{attempt_id}/submit", form_page=f"/attempts/{attempt_id}/submit")
    page = admin.get(f"/admin/questions/{question_id}").get_data(as_text=True)
    assert "Last changed" in page and "As a candidate sees it" in page and "As the review shows it" in page
    response = post(
        admin,
        f"/admin/questions/{question_id}",
        {
            "category": 1,
            "prompt": "Edited?",
            "answer": "NEW ANSWER",
            "key_points": "new",
            "difficulty": "medium",
            "tags": "x",
            "action": "save",
        },
    )
    assert response.status_code == 302
    review = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert old_answer in review and "NEW ANSWER" not in review
    with app.app_context():
        assert db.session.get(Question, question_id).updated_at > updated
    # Deleting it archives it (an attempt used it): it is no longer drawn.
    post(admin, f"/admin/questions/{question_id}/delete")
    with app.app_context():
        assert db.session.get(Question, question_id).archived_at is not None
    response = post(client, "/attempts/new", {"question_count": 1}, form_page="/attempts/new")
    assert response.status_code == 200
    assert "The question bank is empty, so there is nothing to ask yet." in response.get_data(as_text=True)


def test_preview_shows_the_typed_question_without_saving(app, admin):
    add_bank(app, categories=1, per_category=0)
    response = post(
        admin,
        "/admin/questions/new",
        {
            "category": 1,
            "prompt": "**Bold** <b>raw</b>?",
            "answer": "`x`",
            "key_points": "",
            "difficulty": "hard",
            "action": "preview",
        },
        form_page="/admin/questions/new",
    )
    html = response.get_data(as_text=True)
    assert "<strong>Bold</strong> &lt;b&gt;raw&lt;/b&gt;?" in html and "<code>x</code>" in html
    assert "none written: the scorer takes these from the reference answer" in html
    assert bank_rows(app) == [("cat-0", "Category 0", None, None, None)]


def test_search_filters_by_text_category_tag_difficulty_and_archive(app, admin):
    add_bank(app, categories=2, per_category=3)
    with app.app_context():
        q = db.session.scalar(sa.select(Question).where(Question.slug == "q-1-2"))
        q.tags, q.difficulty, q.prompt = ["special"], "easy", "A needle in the bank?"
        db.session.commit()

    def found(**args) -> list[str]:
        html = admin.get("/admin/questions/", query_string=args).get_data(as_text=True)
        return re.findall(r'/admin/questions/\d+">([^<]+)<', html)

    assert len(found()) == 6
    assert found(q="NEEDLE") == ["A needle in the bank?"]
    assert found(tag="special") == ["A needle in the bank?"]
    assert found(difficulty="easy") == ["A needle in the bank?"]
    assert len(found(category="1")) == 3
    assert found(archived="1") == []
    assert "No questions match" in admin.get("/admin/questions/?q=nothing-like-this").get_data(as_text=True)


def test_an_admin_imports_a_csv_with_a_dry_run_and_moves_are_named(app, admin):
    add_bank(app, categories=1, per_category=2)
    csv_text = "prompt,answer,slug,category\nMoved?,Yes.,q-0-0,Other\nNew one?,Indeed.,,Other\n"
    dry = import_csv(admin, csv_text)
    html = unescape(dry.get_data(as_text=True))
    assert dry.status_code == 200
    assert "moved from 'Category 0'" in html and 'data-testid="added">1<' in html and 'data-testid="changed">1<' in html
    assert "Other" in html
    before = bank_rows(app)
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', html).group(1)
    assert bank_rows(app) == before
    done = import_csv(admin, csv_text, action="confirm", fingerprint=fingerprint)
    assert done.status_code == 302
    rows = bank_rows(app)
    assert ("other", "Other", "q-0-0", "Moved?", None) in rows and (
        "other",
        "Other",
        "new-one",
        "New one?",
        None,
    ) in rows


def test_an_admin_promotes_another_user_but_cannot_demote_themselves(app, admin, client, user):
    post(admin, f"/admin/users/{user.id}/admin", {"grant": "1"}, form_page="/admin/users/")
    assert client.get("/admin/").status_code == 200
    with app.app_context():
        root_id = db.session.scalar(sa.select(User.id).where(User.email == "root@example.com"))
    refused = post(admin, f"/admin/users/{root_id}/admin", {"grant": "0"}, form_page="/admin/users/")
    assert "cannot remove your own" in admin.get(refused.headers["Location"]).get_data(as_text=True)
    post(admin, f"/admin/users/{user.id}/admin", {"grant": "0"}, form_page="/admin/users/")
    assert client.get("/admin/").status_code == 404


def test_a_used_bank_question_in_an_answer_keeps_its_link_after_archiving(app, admin, client, user):
    add_bank(app, categories=1, per_category=1)
    post(client, "/attempts/new", {"question_count": 1}, form_page="/attempts/new")
    with app.app_context():
        question_id = db.session.scalar(sa.select(Question.id))
    post(admin, f"/admin/questions/{question_id}/delete")
    with app.app_context():
        assert db.session.scalar(sa.select(Answer.question_id)) == question_id
    assert client.get(f"/questions/{question_id}/history").headers["Location"] == f"/bank/questions/{question_id}"
    page = client.get(f"/bank/questions/{question_id}")
    assert page.status_code == 200 and "This question is archived" in page.get_data(as_text=True)


def test_search_words_are_text_not_patterns(app, admin):
    add_bank(app, categories=1, per_category=2)
    with app.app_context():
        db.session.scalar(sa.select(Question).where(Question.slug == "q-0-1")).prompt = "Is 100% recall possible?"
        db.session.commit()
    html = admin.get("/admin/questions/", query_string={"q": "100%"}).get_data(as_text=True)
    assert re.findall(r'/admin/questions/\d+">([^<]+)<', html) == ["Is 100% recall possible?"]
    assert "No questions match" in admin.get("/admin/questions/?q=_%25_").get_data(as_text=True)
    assert admin.get("/admin/questions/" + "9" * 25).status_code == 404


def test_numbers_in_admin_addresses_and_query_strings_stop_at_what_the_database_stores(app, admin):
    add_bank(app, categories=1, per_category=2)
    past = str(2**31)  # one more than an id column holds
    for url in (f"/admin/categories/{past}", f"/admin/questions/{past}", f"/admin/questions/{past}/delete"):
        assert admin.get(url).status_code == 404, url
    assert post(admin, f"/admin/users/{past}/admin", {"grant": "1"}, form_page="/admin/users/").status_code == 404
    for query in (f"category={past}", "page=" + "9" * 25):
        assert admin.get(f"/admin/questions/?{query}").status_code == 404, query
    assert admin.get("/admin/users/?page=" + "9" * 25).status_code == 404
    # What is not a number at all (a superscript two is a digit to str.isdigit, not to int) is left out.
    html = admin.get("/admin/questions/?category=²&page=x").get_data(as_text=True)
    assert len(re.findall(r'/admin/questions/\d+">', html)) == 2
    assert admin.get("/admin/questions/new?category=²").status_code == 200
    assert admin.get("/admin/users/?page=²").status_code == 200


def test_search_results_come_in_pages_that_keep_the_filters(app, admin):
    add_bank(app, categories=2, per_category=15)
    first = admin.get("/admin/questions/?category=1").get_data(as_text=True)
    assert len(re.findall(r'/admin/questions/\d+">', first)) == 15 and "Page" not in first
    everything = unescape(admin.get("/admin/questions/?difficulty=hard").get_data(as_text=True))
    assert len(re.findall(r'/admin/questions/\d+">', everything)) == 25 and "Page 1 of 2" in everything
    next_page = re.search(r'href="([^"]+)">Next<', everything).group(1)
    assert "difficulty=hard" in next_page and "page=2" in next_page
    second = admin.get(next_page).get_data(as_text=True)
    assert len(re.findall(r'/admin/questions/\d+">', second)) == 5 and "Previous" in second
