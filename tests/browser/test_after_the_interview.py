"""After an interview, as a candidate meets it at 1280 and 390 px: the review as a study sheet,
notes that save themselves, ratings that say when a question comes back, practice on the user's
terms, each question's own page, progress and My attempts on a phone, and the smaller things."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Attempt, AttemptState, Category, PlannedQuestion, Question, Rating
from app.services import accounts, interviews
from tests.browser.test_interview_in_browser import PASSWORD, sign_up

# What the page does, on SQLite; the requests behind it are tested on both databases.
pytestmark = pytest.mark.sqlite_only

EMAIL = "kim@example.com"


def finished(app, texts: list[str], *, flagged=(), when: datetime | None = None, category: str | None = None) -> int:
    """A closed attempt of the user (created when needed) answered with `texts`; its id."""
    when = when or datetime.now(UTC) - timedelta(hours=2)
    with app.app_context():
        user = accounts.find_user(EMAIL) or accounts.create_user(EMAIL, PASSWORD)
        categories = None
        if category:
            categories = [db.session.scalar(sa.select(Category.id).where(Category.slug == category))]
        attempt = interviews.start_attempt(user.id, categories, len(texts), 10, when, 60)
        for position, text in enumerate(texts):
            interviews.save_answer(
                attempt.answers[position], text, 0, when + timedelta(minutes=1), 60, flagged=position + 1 in flagged
            )
        interviews.submit_attempt(attempt, when + timedelta(minutes=5), 60)
        return attempt.id


def sign_in(page: Page, live_url: str) -> None:
    page.goto(live_url + "/auth/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def top(locator) -> float:
    return locator.bounding_box()["y"]


ANSWERS = [
    "Cosine similarity is the dot product of normalised vectors; we normalise once at index time.",
    "Skip-gram predicts each context word from the centre word, which helps rare words.",
    "",
]


def test_a_review_on_a_phone_is_short_with_the_key_points_first_and_the_reference_folded(app, new_page, live_url):
    attempt_id = finished(app, ANSWERS, flagged=(2,))
    page = new_page(width=390)
    sign_in(page, live_url)
    page.goto(f"{live_url}/attempts/{attempt_id}")
    item = page.locator("#q1")
    expect(item.locator(".key-points li").first).to_be_visible()

    # 8,400 px before: the reference answers were open and side by side became one long column.
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 5_000, height
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for number in (1, 2, 3):
        prompt = page.locator(f"#prompt-{number}")
        assert prompt.bounding_box()["width"] > 300  # the prompt has the full width, not a 200 px column
    # Key points first, beside (here: above) the answer; the reference answer folded after them.
    reference = item.locator("details.reference")
    assert top(item.locator(".key-point-check")) < top(item.locator(".your-answer")) < top(reference)
    expect(reference).not_to_have_attribute("open", "")
    expect(reference.locator(".markdown")).to_be_hidden()
    reference.locator("summary").click()
    expect(reference.locator(".markdown")).to_be_visible()
    expect(page.locator("#q2 .review-meta")).to_contain_text("⚑ Flagged")


def test_on_a_wide_screen_the_reference_answer_is_open_beside_nothing_else(app, new_page, live_url):
    attempt_id = finished(app, ANSWERS)
    page = new_page(width=1280)
    sign_in(page, live_url)
    page.goto(f"{live_url}/attempts/{attempt_id}")
    item = page.locator("#q1")
    expect(item.locator("details.reference .markdown")).to_be_visible()
    key_points, answer = item.locator(".key-point-check"), item.locator(".your-answer")
    assert abs(top(key_points) - top(answer)) < 5  # side by side
    assert key_points.bounding_box()["x"] < answer.bounding_box()["x"]


def test_the_note_saves_itself_and_the_page_warns_before_leaving_unsaved_text(app, page, live_url):
    attempt_id = finished(app, ANSWERS)
    sign_in(page, live_url)
    page.goto(f"{live_url}/attempts/{attempt_id}")
    item = page.locator("#q1")
    expect(item.get_by_role("button", name="Save rating and note")).to_be_hidden()  # nothing to press
    note = item.get_by_label("Private note")
    note.fill("Mention normalisation before the dot product.")
    expect(item.locator(".note-state")).to_have_text("Note saved")
    page.reload()
    expect(page.locator("#q1").get_by_label("Private note")).to_have_value(
        "Mention normalisation before the dot product."
    )
    with app.app_context():
        rating = db.session.scalar(sa.select(Rating))
        assert (rating.grade, rating.note) == (None, "Mention normalisation before the dot product.")

    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.locator("#q1").get_by_label("Private note").press_sequentially(" And more")
    page.close(run_before_unload=True)
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]


def test_each_rating_button_says_when_the_question_comes_back(app, page, live_url):
    attempt_id = finished(app, ANSWERS)
    sign_in(page, live_url)
    page.goto(f"{live_url}/attempts/{attempt_id}")
    item = page.locator("#q1")
    expect(item.locator("label.rating-option").filter(has_text="1 · Again")).to_contain_text("due now")
    expect(item.locator("label.rating-option").filter(has_text="3 · Good")).to_contain_text("within a day")
    expect(item.locator("label.rating-option").filter(has_text="4 · Easy")).to_contain_text("in 4 days")
    item.get_by_label("4 · Easy").check()
    expect(item.locator(".rating-state")).to_have_text("Rated easy")

    # Met again two days later: after an easy first time, the intervals are longer.
    with app.app_context():
        question_id = db.session.get(Attempt, attempt_id).answers[0].question_id
        user = accounts.find_user(EMAIL)
        again = interviews.start_practice(user.id, [question_id], 3, datetime.now(UTC) - timedelta(minutes=10), 60)
        interviews.submit_attempt(again, datetime.now(UTC) - timedelta(minutes=5), 60)
        again_id = again.id
    page.goto(f"{live_url}/attempts/{again_id}")
    expect(page.locator("#q1 label.rating-option").filter(has_text="3 · Good")).to_contain_text(
        re.compile(r"in \d+ days")
    )
    expect(page.locator("#q1 label.rating-option").filter(has_text="4 · Easy")).to_contain_text("weeks")


def test_weak_spot_practice_shows_its_questions_and_lets_the_user_choose_before_the_clock(app, page, live_url):
    finished(app, ANSWERS)
    sign_in(page, live_url)
    page.goto(live_url + "/progress")
    page.get_by_role("button", name="Practise my weak spots").click()
    expect(page.get_by_role("heading", name="Practise your weak spots")).to_be_visible()
    expect(page.locator(".practice-list li")).to_have_count(5)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Attempt.id)).where(Attempt.state == "in_progress")) == 0

    page.get_by_label("Number of questions").fill("2")
    page.get_by_label("Time limit in minutes").fill("4")
    page.get_by_role("button", name="Show these questions").click()
    expect(page.get_by_role("heading", name="2 questions · 4 minutes")).to_be_visible()
    chosen = page.locator(".practice-list .practice-prompt").all_inner_texts()
    assert len(chosen) == 2
    page.get_by_role("button", name="Start the clock").click()
    expect(page.get_by_text("Question 1 of 2")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(chosen[0])
    expect(page.get_by_role("timer")).to_have_text(re.compile(r"^[34]:\d\d$"))
    with app.app_context():
        started = db.session.scalar(sa.select(Attempt).where(Attempt.state == AttemptState.IN_PROGRESS))
        assert started.time_limit_seconds == 4 * 60 and len(started.answers) == 2


def test_each_question_has_its_own_page_to_practise_it_or_add_it_to_the_next_interview(app, page, live_url):
    sign_up(page, live_url, email=EMAIL)
    page.get_by_role("link", name="Question bank").click()
    page.locator(".card-list h2 a").first.click()
    first = page.locator(".question-list .prompt a").first
    prompt = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(prompt)
    expect(page.locator(".question-page .badge")).to_have_text(re.compile("easy|medium|hard"))
    expect(page.get_by_text("You have not answered this question in an interview yet.")).to_be_visible()
    expect(page.locator("details.reference")).to_have_count(0)  # not before it was answered

    page.get_by_role("button", name="Add to my next interview").click()
    expect(page.get_by_text("Added to your next interview")).to_be_visible()
    expect(page.get_by_role("button", name="Remove from my next interview")).to_be_visible()
    page.get_by_role("link", name="Start interview").click()
    expect(page.get_by_role("region", name="Added by you, asked first")).to_contain_text(prompt[:40])
    page.get_by_label("Number of questions").fill("2")
    page.get_by_label("Time limit in minutes").fill("5")
    page.get_by_role("button", name="Start the interview").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(prompt)
    page.get_by_label("Your answer").fill("My answer to the question I chose.")
    page.get_by_role("button", name="Submit interview").click()
    page.get_by_role("button", name="Submit all and finish").click()
    expect(page.get_by_role("heading", name=re.compile("Your interview of"))).to_be_visible()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(PlannedQuestion.id))) == 0  # asked, so forgotten

    page.locator("#q1").get_by_role("link", name="your history with it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(prompt)
    expect(page.get_by_text("My answer to the question I chose.")).to_be_visible()
    page.get_by_role("heading", name="Reference answer").click()
    expect(page.locator("details.reference .markdown")).to_be_visible()

    page.get_by_role("button", name="Practise this question").click()
    expect(page.get_by_text("Question 1 of 1")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(prompt)
    expect(page.get_by_role("timer")).to_have_text(re.compile(r"^[23]:\d\d$"))


def test_progress_on_a_phone_is_readable_with_one_tick_per_label_and_tables_that_fit(app, new_page, live_url):
    base = datetime.now(UTC) - timedelta(hours=6)
    for hours in (0, 1, 2, 3):  # four interviews on one day, all in one category
        finished(
            app,
            ["cosine similarity of normalised vectors", ""],
            when=base + timedelta(hours=hours),
            category="embedding-foundations",
        )
    page = new_page(width=390)
    sign_in(page, live_url)
    page.goto(live_url + "/progress")
    chart = page.get_by_role("img", name=re.compile("Score over time"))
    expect(chart).to_be_visible()
    labels = page.locator(".chart-svg text.axis-label")
    ticks = [t for t in labels.evaluate_all("els => els.map(e => e.textContent)") if not t.endswith("%")]
    assert len(ticks) == len(set(ticks)) >= 2, ticks  # never "26 Nov" four times
    # Text at least 10 px high on the phone (it was about 5 px).
    assert min(labels.evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")) >= 10
    # One category: its own line is drawn, not hidden under an identical overall line.
    legend = page.locator(".chart-legend").inner_text()
    assert "All categories" not in legend and "Embedding foundations" in legend
    expect(page.locator(".chart-svg polyline")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The tables become one card per row, each value with its column's name.
    first_cell = page.locator("table.reflow").last.locator("td").first
    assert "Question" in first_cell.evaluate("el => getComputedStyle(el, '::before').content")
    assert first_cell.bounding_box()["width"] <= 390


def test_my_attempts_on_a_phone_fit_and_a_new_user_sees_a_real_empty_state(app, new_page, live_url):
    page = new_page(width=390)
    sign_up(page, live_url, email=EMAIL)
    page.get_by_role("link", name="My attempts").click()
    expect(page.get_by_role("heading", name="No interviews yet")).to_be_visible()
    expect(page.get_by_text(re.compile("0 interviews"))).to_have_count(0)

    finished(app, ANSWERS, flagged=(1,))
    page.reload()
    expect(page.get_by_text("1 interview, newest first.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    search = page.get_by_role("search", name="Filter attempts")
    assert search.bounding_box()["x"] + search.bounding_box()["width"] <= 390
    for cell in page.locator("tbody td").all():
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    expect(page.locator("tbody")).to_contain_text("⚑ 1 flagged")


def test_a_new_account_is_welcomed_once_and_breadcrumbs_have_separators(app, page, live_url):
    sign_up(page, live_url, email=EMAIL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to Rehearse")
    expect(page.get_by_role("status").filter(has_text="Your account is ready")).to_be_visible()
    page.get_by_role("link", name="Question bank").click()
    page.locator(".card-list h2 a").first.click()
    crumb = page.get_by_role("navigation", name="breadcrumb").locator("li").first
    assert crumb.evaluate("el => getComputedStyle(el, '::after').content") not in ("none", "normal", "")


@pytest.mark.parametrize("width", [390])
def test_the_summary_and_question_pages_fit_a_phone(app, new_page, live_url, width):
    attempt_id = finished(app, ANSWERS)
    with app.app_context():
        question_id = db.session.scalar(sa.select(Question.id))
    page = new_page(width=width)
    sign_in(page, live_url)
    for path in (f"/bank/questions/{question_id}", "/attempts/practice", f"/attempts/{attempt_id}"):
        page.goto(live_url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
