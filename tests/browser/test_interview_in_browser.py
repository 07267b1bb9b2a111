"""A timed interview in real Chromium: autosave, the countdown, the deadline, two tabs, offline."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Answer, Attempt, AttemptState
from app.services import interviews

PASSWORD = "violet tractor sings loudly"
OFFLINE = re.compile(r"^Offline — (last saved \d|not saved yet).*, will retry$")


def sign_up(page: Page, live_url: str, email: str = "lin@example.com") -> None:
    page.goto(live_url + "/auth/register")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Your account is ready")).to_be_visible()


def start_interview(page: Page, live_url: str, questions: int = 2, minutes: int = 1, script: bool = True) -> None:
    page.goto(live_url + "/attempts/new")
    page.get_by_label("Number of questions").fill(str(questions))
    page.get_by_label("Time limit in minutes").fill(str(minutes))
    page.get_by_role("button", name="Start the interview").click()
    expect(page.get_by_text(f"Question 1 of {questions}")).to_be_visible()
    if script:
        wait_for_script(page)


def wait_for_script(page: Page) -> None:
    """The page's modules have run: its clock ticks and autosave listens. (Moving a test's clock
    before that would move it past a countdown that has not started yet.)"""
    expect(page.locator("#interview")).to_have_attribute("data-ready", "true")


def attempt_in_db(app) -> Attempt:
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt))
        _ = attempt.answers
        return attempt


def seconds_on_timer(page: Page) -> int:
    parts = [int(p) for p in page.get_by_role("timer").inner_text().split(":")]
    return parts[-1] + 60 * parts[-2] + (3600 * parts[0] if len(parts) == 3 else 0)


def test_typing_is_saved_and_survives_a_reload(app, page, live_url):
    sign_up(page, live_url)
    start_interview(page, live_url, minutes=5)
    answer = page.get_by_label("Your answer")
    answer.fill("Cosine similarity compares directions of normalised vectors.")
    expect(page.locator("#save-state")).to_have_text("Saved")
    expect(page.get_by_text("7 words")).to_be_visible()
    page.reload()
    expect(page.get_by_label("Your answer")).to_have_value(
        "Cosine similarity compares directions of normalised vectors."
    )
    assert attempt_in_db(app).answers[0].text == "Cosine similarity compares directions of normalised vectors."


def test_the_countdown_shows_and_decreases(app, page, live_url):
    sign_up(page, live_url)
    start_interview(page, live_url, minutes=2)
    timer = page.get_by_role("timer", name="Time left")
    expect(timer).to_be_visible()
    first = seconds_on_timer(page)
    assert 110 <= first <= 120
    page.wait_for_timeout(2100)
    assert seconds_on_timer(page) <= first - 2


def test_when_the_clock_passes_the_deadline_the_page_submits_and_shows_the_review(app, page, live_url):
    sign_up(page, live_url)
    page.clock.install()
    start_interview(page, live_url, minutes=1)
    page.get_by_label("Your answer").fill("Typed just before the bell.")
    page.clock.fast_forward("01:05")
    expect(page).to_have_url(re.compile(r"/attempts/\d+$"), timeout=15_000)
    expect(page.get_by_role("heading", name=re.compile("Your interview of"))).to_be_visible()
    expect(page.get_by_text("Typed just before the bell.")).to_be_visible()
    attempt = attempt_in_db(app)
    assert attempt.state != AttemptState.IN_PROGRESS
    assert attempt.answers[0].text == "Typed just before the bell."


def test_a_real_deadline_closes_the_interview_with_what_was_typed(app, page, live_url):
    """As a new user would: a short interview runs out while the page is open."""
    sign_up(page, live_url)
    start_interview(page, live_url, questions=2, minutes=1)
    page.get_by_label("Your answer").fill("An answer to the first question.")
    expect(page.locator("#save-state")).to_have_text("Saved")
    page.reload()
    expect(page.get_by_label("Your answer")).to_have_value("An answer to the first question.")
    # Bring the server's deadline close instead of waiting a whole minute.
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt))
        attempt.deadline = datetime.now(UTC) + timedelta(seconds=3)
        db.session.commit()
    page.get_by_role("button", name="Next →").click()
    page.get_by_label("Your answer").fill("Second answer, typed as the time ran out.")
    expect(page).to_have_url(re.compile(r"/attempts/\d+$"), timeout=15_000)
    expect(page.get_by_text("An answer to the first question.")).to_be_visible()
    expect(page.get_by_text("Second answer, typed as the time ran out.")).to_be_visible()
    closed = attempt_in_db(app)
    assert closed.state != AttemptState.IN_PROGRESS
    assert [a.text for a in closed.answers] == [
        "An answer to the first question.",
        "Second answer, typed as the time ran out.",
    ]


def test_a_stale_tab_does_not_overwrite_and_lets_the_user_choose(app, context, page, live_url):
    sign_up(page, live_url)
    start_interview(page, live_url, minutes=10)
    other = context.new_page()
    other.goto(page.url)
    page.get_by_label("Your answer").fill("Written in the first tab.")
    expect(page.locator("#save-state")).to_have_text("Saved")

    other.get_by_label("Your answer").fill("Written in the second tab.")
    conflict = other.get_by_role("alert").filter(has_text="changed in another tab")
    expect(conflict).to_be_visible()
    expect(conflict.get_by_text("Written in the first tab.")).to_be_visible()
    assert attempt_in_db(app).answers[0].text == "Written in the first tab."

    # Reloading without choosing asks again; the first tab's text is still the saved one.
    other.reload()
    expect(other.get_by_role("alert").filter(has_text="changed in another tab")).to_be_visible()
    expect(other.get_by_label("Your answer")).to_have_value("Written in the second tab.")
    other.wait_for_timeout(1000)
    assert attempt_in_db(app).answers[0].text == "Written in the first tab."

    other.get_by_role("button", name="Keep the text in this tab").click()
    expect(other.locator("#save-state")).to_have_text("Saved")
    assert attempt_in_db(app).answers[0].text == "Written in the second tab."
    other.close()


def test_offline_typing_is_saved_when_the_network_returns(app, context, page, live_url):
    sign_up(page, live_url)
    start_interview(page, live_url, minutes=10)
    context.set_offline(True)
    page.get_by_label("Your answer").fill("Typed on a train in a tunnel.")
    expect(page.locator("#save-state")).to_have_text(OFFLINE, timeout=15_000)
    assert attempt_in_db(app).answers[0].text == ""
    context.set_offline(False)
    expect(page.locator("#save-state")).to_have_text("Saved", timeout=15_000)
    assert attempt_in_db(app).answers[0].text == "Typed on a train in a tunnel."


def test_flags_and_the_question_list_show_progress(app, page, live_url):
    sign_up(page, live_url)
    start_interview(page, live_url, questions=3, minutes=10)
    page.get_by_label("Your answer").fill("First.")
    page.get_by_label("Flag to come back to this").check()
    expect(page.get_by_role("button", name="Question 1, answered, flagged")).to_be_visible()
    page.get_by_role("button", name="Question 3, unanswered").click()
    expect(page.get_by_text("Question 3 of 3")).to_be_visible()
    expect(page.get_by_role("button", name="Question 1, answered, flagged")).to_be_visible()
    with app.app_context():
        first = db.session.scalar(sa.select(Answer).where(Answer.position == 0))
        assert (first.text, first.flagged) == ("First.", True)


def test_screen_readers_hear_five_minutes_and_one_minute_left(app, page, live_url):
    sign_up(page, live_url)
    page.clock.install()
    start_interview(page, live_url, questions=1, minutes=7)
    announcer = page.locator("#time-announcer")
    expect(announcer).to_have_attribute("aria-live", "polite")
    expect(announcer).to_have_text("")
    page.clock.run_for("02:01")
    expect(announcer).to_have_text("5 minutes left.")
    page.clock.run_for("04:00")
    expect(announcer).to_have_text("1 minute left.")


def test_text_typed_before_the_script_has_loaded_is_saved(app, page, live_url):
    """On a slow connection the answer box can be used before autosave starts."""
    sign_up(page, live_url)
    held = []
    page.route("**/js/interview/main.js", lambda route: held.append(route))
    start_interview(page, live_url, minutes=5, script=False)
    page.get_by_label("Your answer").fill("Typed while the script was still on its way.")
    assert len(held) == 1
    held[0].continue_()
    expect(page.locator("#save-state")).to_have_text("Saved")
    assert attempt_in_db(app).answers[0].text == "Typed while the script was still on its way."


def test_time_up_while_offline_keeps_trying_until_the_text_is_in(app, context, page, live_url):
    sign_up(page, live_url)
    page.clock.install()
    start_interview(page, live_url, minutes=1)
    context.set_offline(True)
    page.get_by_label("Your answer").fill("Typed offline as time ran out.")
    page.clock.fast_forward("01:02")
    expect(page.locator("#save-state")).to_contain_text("Your text is kept in this browser", timeout=10_000)
    assert attempt_in_db(app).state == AttemptState.IN_PROGRESS
    context.set_offline(False)
    page.clock.fast_forward("00:05")
    expect(page).to_have_url(re.compile(r"/attempts/\d+$"), timeout=15_000)
    expect(page.get_by_text("Typed offline as time ran out.")).to_be_visible()
    closed = attempt_in_db(app)
    assert closed.state != AttemptState.IN_PROGRESS
    assert closed.answers[0].text == "Typed offline as time ran out."


def test_text_arriving_after_the_grace_window_is_shown_as_late(app, context, page, live_url):
    sign_up(page, live_url)
    start_interview(page, live_url, minutes=5)
    context.set_offline(True)
    page.get_by_label("Your answer").fill("Written on a plane, sent on landing.")
    expect(page.locator("#save-state")).to_have_text(OFFLINE, timeout=15_000)
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt))
        attempt.deadline = datetime.now(UTC) - timedelta(minutes=5)
        db.session.commit()
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page).to_have_url(re.compile(r"/attempts/\d+$"), timeout=15_000)
    late = page.get_by_role("region", name="Late text")
    expect(late).to_contain_text("Written on a plane, sent on landing.")
    expect(late).to_contain_text("not scored")
    answer = attempt_in_db(app).answers[0]
    assert (answer.text, answer.late_text) == ("", "Written on a plane, sent on landing.")


def test_unsent_text_left_in_the_browser_reaches_the_review_as_late(app, page, live_url):
    sign_up(page, live_url)
    start_interview(page, live_url, questions=2, minutes=5)
    attempt = attempt_in_db(app)
    page.evaluate(
        "([key, draft]) => localStorage.setItem(key, JSON.stringify(draft))",
        [
            f"rehearse:draft:/attempts/{attempt.id}/answers/2",
            {"text": "Typed on question 2, never sent.", "revision": 0},
        ],
    )
    with app.app_context():
        interviews.submit_attempt(db.session.get(Attempt, attempt.id), datetime.now(UTC), 60)
    page.goto(f"{live_url}/attempts/{attempt.id}")
    expect(page.locator("#q2").get_by_role("region", name="Late text")).to_contain_text(
        "Typed on question 2, never sent."
    )
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('rehearse:')).length") == 0
    assert attempt_in_db(app).answers[1].late_text == "Typed on question 2, never sent."
