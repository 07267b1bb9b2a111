"""My sets and the bank's admin pages in real Chromium: the issue's three journeys, a phone-sized
screen, the keyboard, and axe-core on every new kind of page."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Answer, Category, Question
from app.services import accounts
from tests.browser.test_accessibility import violations
from tests.browser.test_interview_in_browser import PASSWORD, sign_up

# What the page does, on SQLite; the requests behind it are tested on both databases.
pytestmark = pytest.mark.sqlite_only

TEN = "\n".join(
    f"Question {n}\nWhat does technique number {n} do for retrieval?\nAnswer:\n"
    f"Technique {n} narrows the candidates. It keeps recall high for case {n}."
    for n in range(1, 11)
)


def sign_in(page: Page, live_url: str, email: str) -> None:
    page.goto(live_url + "/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("^Welcome"))).to_be_visible()


def new_set(page: Page, live_url: str, name: str) -> None:
    page.goto(live_url + "/sets/")
    page.get_by_role("button", name="New set").click()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Description").fill("For the **onsite**.")
    page.get_by_role("button", name="Create the set").click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()


def test_a_new_user_imports_ten_questions_interviews_and_edits_without_changing_the_review(app, page, live_url):
    sign_up(page, live_url)
    new_set(page, live_url, "Acme onsite")
    expect(page.get_by_text("No questions yet")).to_be_visible()

    page.get_by_role("button", name="Import questions").click()
    page.get_by_label("Paste questions").fill(TEN)
    page.get_by_role("button", name="Check (dry run)").click()
    expect(page.get_by_role("heading", name="Dry run: nothing is written yet")).to_be_visible()
    expect(page.get_by_test_id("added")).to_have_text("10")
    expect(page.get_by_text("Read as Plain text")).to_be_visible()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Question.id)).where(Question.owner_id.is_not(None))) == 0
    page.get_by_role("button", name=re.compile(r"^Import: 10 added")).click()
    expect(page.get_by_text("Imported into “Acme onsite”: 10 added")).to_be_visible()
    expect(page.locator(".authoring-list > li")).to_have_count(10)

    # A timed interview from that set only.
    page.get_by_role("button", name="Start an interview from this set").click()
    expect(page.get_by_label("Acme onsite (10)")).to_be_checked()
    page.get_by_label("Number of questions").fill("2")
    page.get_by_label("Time limit in minutes").fill("5")
    page.get_by_role("button", name="Start the interview").click()
    expect(page.get_by_text("Question 1 of 2")).to_be_visible()
    page.get_by_label("Your answer").fill("It narrows the candidates and keeps recall high.")
    expect(page.locator("#save-state")).to_have_text("Saved")
    page.get_by_role("button", name="Submit interview").click()
    page.get_by_role("button", name="Submit all and finish").click()
    expect(page.get_by_text("Interview submitted.")).to_be_visible()
    review_url = page.url
    with app.app_context():
        first = db.session.scalars(sa.select(Answer).order_by(Answer.position)).first()
        question_id, old_reference = first.question_id, first.reference_answer
        set_id = db.session.scalar(sa.select(Category.id).where(Category.name == "Acme onsite"))
    expect(page.locator("#q1")).to_contain_text(old_reference)
    expect(page.locator("#q1")).to_contain_text("Acme onsite")

    # Edit the reference answer of that question; the past review stays as it was.
    page.goto(f"{live_url}/sets/{set_id}/questions/{question_id}")
    expect(page.get_by_text("Last changed")).to_be_visible()
    page.get_by_label("Reference answer").fill("A completely rewritten reference answer.")
    page.get_by_role("button", name="Save the question").click()
    expect(page.get_by_text("Saved the question.")).to_be_visible()
    page.goto(review_url)
    expect(page.locator("#q1")).to_contain_text(old_reference)
    expect(page.locator("#q1")).not_to_contain_text("completely rewritten")
    with app.app_context():
        assert db.session.get(Question, question_id).reference_answer == "A completely rewritten reference answer."


def test_an_admin_adds_a_category_and_a_question_and_imports_a_csv(app, page, live_url, tmp_path):
    with app.app_context():
        accounts.create_user("root@example.com", PASSWORD, is_admin=True)
        seeded = db.session.scalar(sa.select(sa.func.count(Question.id)))
    sign_in(page, live_url, "root@example.com")
    page.get_by_role("link", name="Bank admin").click()
    page.get_by_role("button", name="New category").click()
    page.get_by_label("Name").fill("Company values")
    page.get_by_label("Description").fill("How we work.")
    page.get_by_role("button", name="Add the category").click()
    expect(page.get_by_text("Added the category “Company values”.")).to_be_visible()

    page.get_by_role("button", name="Add a question to Company values").click()
    expect(page.get_by_label("Category")).to_have_value(re.compile(r"\d+"))
    page.get_by_label("Category").select_option(label="Company values")
    page.get_by_label("Question", exact=True).fill("Tell me about a time you disagreed <b>openly</b>.")
    page.get_by_label("Reference answer").fill("Situation, task, action, result.")
    page.get_by_label("Key points").fill("situation\naction\nresult")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="As a candidate sees it")).to_be_visible()
    expect(page.locator(".preview")).to_contain_text("disagreed <b>openly</b>.")  # shown as text
    page.get_by_role("button", name="Add the question").click()
    expect(page.get_by_text("Added the question to the bank.")).to_be_visible()

    csv_file = tmp_path / "values.csv"
    csv_file.write_text(
        "prompt,answer,difficulty,category\nWhy us?,Because.,easy,Company values\n"
        "What is =1+1?,Two.,hard,Company values\n"
    )
    page.get_by_role("link", name="Import", exact=True).click()
    page.get_by_label("Or upload a file").set_input_files(str(csv_file))
    page.get_by_role("button", name="Check (dry run)").click()
    expect(page.get_by_test_id("added")).to_have_text("2")
    expect(page.get_by_text("Read as CSV")).to_be_visible()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Question.id))) == seeded + 1
    page.get_by_role("button", name=re.compile(r"^Import: 2 added")).click()
    expect(page.get_by_text("Imported into the shared bank: 2 added")).to_be_visible()
    page.get_by_role("link", name="Questions", exact=True).click()
    page.get_by_label("Search").fill("=1+1")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".authoring-list > li")).to_have_count(1)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Question.id))) == seeded + 3


def test_a_plain_user_sees_no_admin_page_and_nobody_elses_sets(app, page, live_url, browser):
    sign_up(page, live_url, "owner@example.com")
    new_set(page, live_url, "Private prep")
    set_url = page.url
    other = browser.new_context(viewport={"width": 390, "height": 844})
    visitor = other.new_page()
    sign_up(visitor, live_url, "visitor@example.com")
    expect(visitor.get_by_role("link", name="Bank admin")).to_have_count(0)
    for path in ("/admin/", "/admin/questions/", "/admin/import"):
        response = visitor.goto(live_url + path)
        assert response.status == 404
        expect(visitor.get_by_text("There is nothing at this address.")).to_be_visible()
    response = visitor.goto(set_url)
    assert response.status == 404
    visitor.goto(live_url + "/sets/")
    expect(visitor.get_by_text("No sets yet")).to_be_visible()
    expect(visitor.get_by_text("Private prep")).to_have_count(0)
    other.close()


def test_a_set_works_on_a_phone_and_by_keyboard_with_confirmation_before_deleting(app, browser, live_url):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_up(page, live_url, "phone@example.com")
    new_set(page, live_url, "On the bus")
    page.get_by_role("button", name="Add a question").click()
    page.get_by_label("Question", exact=True).fill("What is a tokenizer?")
    page.get_by_label("Reference answer").focus()
    page.keyboard.type("It splits text into tokens.")
    page.get_by_label("Reference answer").press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # key points, difficulty, tags: then the save button
    expect(page.get_by_role("button", name="Add the question")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Added the question.")).to_be_visible()
    page.wait_for_load_state("load")  # measured with the style sheets applied
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Delete this set…").click()
    expect(page.get_by_role("heading", name="Delete “On the bus”?")).to_be_visible()
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Keep it").click()
    expect(page.get_by_role("heading", level=1, name="On the bus")).to_be_visible()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Category.id)).where(Category.owner_id.is_not(None))) == 1
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_set_and_admin_pages_have_no_accessibility_violations(app, browser, live_url, scheme):
    with app.app_context():
        accounts.create_user("axe-admin@example.com", PASSWORD, is_admin=True)
    context = browser.new_context(bypass_csp=True, color_scheme=scheme)
    page = context.new_page()
    sign_in(page, live_url, "axe-admin@example.com")
    new_set(page, live_url, "Checked")
    set_path = page.url.removeprefix(live_url)
    page.get_by_role("button", name="Add a question").click()
    page.get_by_label("Question", exact=True).fill("Q?")
    page.get_by_label("Reference answer").fill("A.")
    page.get_by_role("button", name="Preview").click()
    problems = {"question form with preview": violations(page)}
    page.get_by_role("button", name="Add the question").click()
    page.get_by_role("button", name="Make a share link").click()
    with app.app_context():
        question_id = db.session.scalar(sa.select(sa.func.max(Question.id)))
        token = db.session.scalar(sa.select(Category.share_token).where(Category.share_token.is_not(None)))
    paths = [
        "/sets/",
        set_path,
        f"{set_path}/edit",
        f"{set_path}/delete",
        f"{set_path}/import",
        f"{set_path}/questions/{question_id}/delete",
        f"/shared/{token}",
        "/admin/",
        "/admin/categories/new",
        "/admin/questions/",
        "/admin/import",
        "/admin/users/",
        "/admin/questions/new",
    ]
    for path in paths:
        page.goto(live_url + path)
        problems[path] = violations(page)
    page.goto(live_url + f"{set_path}/import")
    page.get_by_label("Paste questions").fill("Question 1\nBroken?\n")
    page.get_by_role("button", name="Check (dry run)").click()
    problems["dry run with problems"] = violations(page)
    page.get_by_label("Paste questions").fill(TEN)
    page.get_by_role("button", name="Check again").click()
    problems["dry run"] = violations(page)
    context.close()
    assert {path: found for path, found in problems.items() if found} == {}


def test_set_and_admin_pages_fit_a_phone(app, browser, live_url):
    with app.app_context():
        accounts.create_user("small@example.com", PASSWORD, is_admin=True)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, live_url, "small@example.com")
    new_set(page, live_url, "A set with a rather long name that has to wrap on a small screen")
    set_path = page.url.removeprefix(live_url)
    page.goto(f"{live_url}{set_path}/import")
    page.get_by_label("Paste questions").fill(TEN)
    page.get_by_role("button", name="Check (dry run)").click()
    expect(page.get_by_test_id("added")).to_have_text("10")
    page.wait_for_load_state("load")
    widths = {"dry run": page.evaluate("document.documentElement.scrollWidth")}
    page.get_by_role("button", name=re.compile(r"^Import: 10 added")).click()
    for path in (
        set_path,
        "/sets/",
        f"{set_path}/questions/new",
        "/admin/",
        "/admin/questions/",
        "/admin/questions/new",
        "/admin/import",
        "/admin/users/",
        "/attempts/new",
    ):
        page.goto(live_url + path)
        widths[path] = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert {path: width for path, width in widths.items() if width > 390} == {}
