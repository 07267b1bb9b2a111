"""After an interview, in real Chromium: review, rate with the keyboard, history, progress, practice."""

from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import Attempt, AttemptState, Rating
from tests.browser.test_interview_in_browser import sign_up, start_interview
from tests.fake_model import fake_model


def test_review_rating_history_progress_and_practice(app, page, live_url):
    sign_up(page, live_url)
    start_interview(page, live_url, questions=2, minutes=5)
    # The first question's key points, fixed here: the bank's questions come in a random order.
    key_point = "normalise the vectors once when indexing"
    with app.app_context():
        first = db.session.scalar(sa.select(Attempt)).answers[0]
        first.key_points = [key_point, "cosine equals the dot product of unit vectors", "recall is measured"]
        db.session.commit()
    page.get_by_label("Your answer").fill("To make search fast, I would normalise the vectors once when indexing.")
    page.get_by_role("button", name="Submit interview").click()
    expect(page.get_by_role("heading", name="Finish the interview?")).to_be_visible()
    expect(page.locator(".summary-counts")).to_contain_text("1 of 2 answered")
    page.get_by_role("button", name="Submit all and finish").click()

    # The review: side by side, key points marked, a score that explains itself.
    expect(page.get_by_text("Interview submitted.")).to_be_visible()
    item = page.locator("#q1")
    expect(item.get_by_role("heading", name="Reference answer")).to_be_visible()
    expect(item.locator("mark").first).to_be_visible()
    expect(item.locator(".key-points .covered").first).to_contain_text(key_point)
    expect(item.locator(".key-points .missed").first).to_be_visible()
    item.get_by_text(re.compile(r"^How \d+% was worked out$")).click()
    expect(item.locator(".score-explained li").first).to_be_visible()
    expect(page.locator("#q2").get_by_text("Not answered.")).to_be_visible()

    # Keys 1–4 rate the answer that has the focus; the rating persists.
    page.locator("#q2").focus()
    page.keyboard.press("1")
    expect(page.locator("#q2 .rating-state")).to_have_text("Rated again")
    page.locator("#q1").focus()
    page.keyboard.press("3")
    expect(page.locator("#q1 .rating-state")).to_have_text("Rated good")
    page.reload()
    expect(page.locator("#q2 .rating-state")).to_have_text("Rated again")
    expect(page.locator("#q2").get_by_label("1 · Again")).to_be_checked()
    with app.app_context():
        assert sorted(db.session.scalars(sa.select(Rating.grade)).all()) == [1, 3]

    # History lists it with its score; progress charts it.
    page.get_by_role("link", name="My attempts").click()
    expect(page.get_by_text("1 interview, newest first.")).to_be_visible()
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("Submitted")
    expect(row).to_contain_text(re.compile(r"\d+%"))
    started = row.locator("time")  # shown in the reader's time zone; UTC in its tooltip
    expect(started).to_have_attribute("title", re.compile(r"UTC$"))
    assert "UTC" not in started.inner_text()
    page.get_by_role("link", name="Progress", exact=True).click()
    expect(page.get_by_role("img", name=re.compile("Score over time"))).to_be_visible()

    # Practise my weak spots: the question rated "again" comes first.
    with app.app_context():
        lapsed_prompt = db.session.scalar(sa.select(Attempt)).answers[1].prompt
    page.get_by_role("button", name="Practise my weak spots").click()
    expect(page.get_by_role("heading", name="Practise your weak spots")).to_be_visible()
    page.get_by_role("button", name="Start the clock").click()
    expect(page.get_by_text("Question 1 of 5")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(lapsed_prompt)
    with app.app_context():
        assert (
            db.session.scalar(sa.select(sa.func.count(Attempt.id)).where(Attempt.state == AttemptState.IN_PROGRESS))
            == 1
        )


def test_the_user_overrules_the_scorer_on_a_key_point_and_it_is_kept(app, page, live_url):
    sign_up(page, live_url)
    start_interview(page, live_url, questions=1, minutes=5)
    with app.app_context():
        answer = db.session.scalar(sa.select(Attempt)).answers[0]
        answer.reference_answer = (
            "Look at both curves.\n\n"
            "- When train and validation error are both high, the model is underfitting.\n"
            "- Low train error with high validation error is overfitting."
        )
        answer.key_points = [
            "underfitting: train and validation error both high",
            "overfitting: low train error, high validation error",
        ]
        db.session.commit()
    page.get_by_label("Your answer").fill(
        "When train and validation error are both high, the model is overfitting. It needs more data."
    )
    page.get_by_role("button", name="Submit interview").click()
    page.get_by_role("button", name="Submit all and finish").click()

    item = page.locator("#q1")
    contradicted = item.locator("li.key-point.contradicted")
    expect(contradicted).to_contain_text("You said the opposite:")
    expect(contradicted.locator(".kp-evidence")).to_contain_text(
        "When train and validation error are both high, the model is overfitting."
    )
    # The passage the key point comes from is marked in the reference answer, and the link leads there.
    contradicted.get_by_role("link", name=re.compile("Where key point 1 comes from")).click()
    passage = item.locator("mark.ref-passage").first
    expect(passage).to_be_visible()
    expect(passage).to_contain_text("underfitting")

    expect(item.locator(".checked-chip")).to_be_hidden()
    contradicted.get_by_role("button", name="I made this point").click()
    expect(contradicted.locator(".kp-own")).to_have_text("You: made it")
    expect(contradicted.get_by_role("button", name="I made this point")).to_have_attribute("aria-pressed", "true")
    expect(item.locator(".checked-chip")).to_contain_text(re.compile(r"\d+% with your checks"))
    expect(item.locator(".kp-yours")).to_contain_text("2 of 2 by your check")
    # The scorer ticked the other point from the same sentence; the user knows better.
    other = item.locator("li.key-point[data-index='2']")
    other.get_by_role("button", name="I did not").click()
    expect(other.locator(".kp-own")).to_have_text("You: not made")
    expect(item.locator(".kp-yours")).to_contain_text("1 of 2 by your check")
    # The interview's score at the top follows at once: one question, so the answer's checked score.
    overall = page.locator("#overall")
    expect(overall.locator(".overall-value")).to_have_text("50%")
    expect(overall.locator(".overall-scorer")).to_contain_text("with your checks · the scorer's:")

    page.reload()
    expect(contradicted.locator(".kp-own")).to_have_text("You: made it")
    expect(other.locator(".kp-own")).to_have_text("You: not made")
    with app.app_context():
        stored = db.session.scalar(sa.select(Attempt)).answers[0]
        assert stored.own_checks == {0: True, 1: False}
        assert stored.checked_score == 0.5  # every point checked: the share the user made
    expect(item.locator(".checked-chip")).to_contain_text("50% with your checks")
    expect(overall.locator(".overall-value")).to_have_text("50%")

    contradicted.get_by_role("button", name="Leave it to the scorer").click()
    expect(contradicted.locator(".kp-own")).to_have_text("")
    with app.app_context():
        assert db.session.scalar(sa.select(Attempt)).answers[0].own_checks == {1: False}


def test_detailed_feedback_is_asked_for_shown_and_kept(app, page, live_url, expected_console_errors):
    expected_console_errors.append("status of 503")  # the model's failure, provoked at the end
    with fake_model() as model:
        model.delay = 1.0  # long enough to see the page say it is waiting
        model.reply = "- Right: you **normalise** once.\n- Missing: how recall was measured."
        app.config.update(LLM_URL=model.url, LLM_MODEL="tiny-reviewer", LLM_TIMEOUT_SECONDS=5)
        sign_up(page, live_url)
        start_interview(page, live_url, questions=1, minutes=5)
        page.get_by_label("Your answer").fill("I would normalise the vectors once when indexing.")
        page.get_by_role("button", name="Submit interview").click()
        page.get_by_role("button", name="Submit all and finish").click()

        section = page.locator("#q1 .detailed-feedback")
        expect(section).to_contain_text("Sends the question, its reference answer and your answer to tiny-reviewer")
        section.get_by_role("button", name="Ask for detailed feedback").click()
        expect(section.locator(".feedback-state")).to_have_text("Asking… this can take up to 5 seconds.")
        expect(section.get_by_role("button", name="Ask for detailed feedback")).to_be_disabled()
        expect(section.locator(".feedback-reply strong")).to_have_text("normalise")
        expect(section.locator(".feedback-source")).to_have_text("From tiny-reviewer, just now.")
        expect(section.get_by_role("button", name="Ask again")).to_be_enabled()

        page.reload()
        expect(section.locator(".feedback-reply")).to_contain_text("Missing: how recall was measured.")
        expect(section.locator(".feedback-source")).to_contain_text("From tiny-reviewer, ")

        model.status = 500
        section.get_by_role("button", name="Ask again").click()
        expect(section.locator(".feedback-state")).to_contain_text("refused the request (HTTP 500)")
        expect(section.locator(".feedback-reply")).to_contain_text("Missing: how recall was measured.")
