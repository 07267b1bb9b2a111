"""The interview page as a candidate meets it: question numbers, the summary before submitting,
the code-friendly answer box, the timer's marks, a phone's screen, offline, and another tab."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Answer, Attempt, AttemptState
from tests.browser.test_interview_in_browser import OFFLINE, attempt_in_db, sign_up, start_interview

# What the page does, on SQLite; the requests behind it are tested on both databases.
pytestmark = pytest.mark.sqlite_only

# The contrast of an element's text against its own background, as WCAG computes it.
CONTRAST = """(el) => {
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (c) => {
    const [r, g, b] = rgb(c).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const style = getComputedStyle(el);
  const [a, b] = [lum(style.color), lum(style.backgroundColor)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


def nav_button(page: Page, number: int):
    return page.locator(f'.nav-question[data-position="{number}"]')


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_question_numbers_are_readable_and_told_apart_by_more_than_colour(app, new_page, live_url, scheme):
    page = new_page(scheme=scheme)
    sign_up(page, live_url)
    start_interview(page, live_url, questions=3, minutes=10)
    page.get_by_label("Your answer").fill("An answer to the first question.")
    page.get_by_label("Flag to come back to this").check()
    expect(page.locator("#save-state")).to_have_text("Saved")
    page.get_by_role("button", name="Question 2, unanswered").click()
    expect(page.get_by_text("Question 2 of 3")).to_be_visible()

    for number in (1, 2, 3):
        number_text = nav_button(page, number).locator(".nav-number")
        expect(number_text).to_have_text(str(number))
        assert nav_button(page, number).evaluate(CONTRAST) >= 4.5, f"question {number} is hard to read ({scheme})"
    # Answered carries a tick, flagged a flag, and the current question is square: shapes, not hues.
    expect(nav_button(page, 1).locator(".nav-answered")).to_be_visible()
    expect(nav_button(page, 1).locator(".nav-flag")).to_be_visible()
    expect(nav_button(page, 3).locator(".nav-answered")).to_be_hidden()
    expect(nav_button(page, 3).locator(".nav-flag")).to_be_hidden()
    radius = {n: nav_button(page, n).evaluate("el => getComputedStyle(el).borderRadius") for n in (1, 2, 3)}
    assert radius[2] != radius[1] == radius[3]
    expect(nav_button(page, 2)).to_have_attribute("aria-current", "step")
    expect(page.get_by_role("button", name="Question 1, answered, flagged")).to_be_visible()


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_submitting_always_shows_a_summary_first(app, new_page, live_url, javascript):
    page = new_page(javascript=javascript)
    sign_up(page, live_url)
    start_interview(page, live_url, questions=3, minutes=20, script=javascript)
    for number in (1, 2, 3):
        page.get_by_label("Your answer").fill(f"Answer number {number}.")
        if number == 2:
            page.get_by_label("Flag to come back to this").check()
        if number < 3:
            page.get_by_role("button", name="Next →").click()
            expect(page.get_by_text(f"Question {number + 1} of 3")).to_be_visible()

    # Every question has text, and still the interview does not end in one click.
    page.get_by_role("button", name="Submit interview").click()
    expect(page.get_by_role("heading", name="Finish the interview?")).to_be_visible()
    counts = page.locator(".summary-counts")
    expect(counts).to_contain_text("3 of 3 answered")
    expect(counts).to_contain_text("0 empty")
    expect(counts).to_contain_text("1 flagged")
    expect(page.get_by_role("row", name=re.compile("Question 2")).get_by_text("Flagged")).to_be_visible()
    expect(page.get_by_role("timer", name="Time left")).to_have_text(re.compile(r"^\d{1,2}:\d\d$"))
    assert attempt_in_db(app).state == AttemptState.IN_PROGRESS

    page.get_by_role("button", name="Return to the interview").click()
    expect(page).to_have_url(re.compile(r"/questions/3$"))
    expect(page.get_by_label("Your answer")).to_have_value("Answer number 3.")

    page.get_by_role("button", name="Submit interview").click()
    page.get_by_role("button", name="Submit all and finish").click()
    expect(page.get_by_role("heading", name=re.compile("Your interview of"))).to_be_visible()
    closed = attempt_in_db(app)
    assert closed.state == AttemptState.SUBMITTED
    assert [a.text for a in closed.answers] == ["Answer number 1.", "Answer number 2.", "Answer number 3."]


def test_the_code_friendly_answer_box_indents_with_tab_and_lets_the_user_out(app, page, live_url):
    sign_up(page, live_url)
    start_interview(page, live_url, questions=2, minutes=10)
    box = page.get_by_label("Your answer")
    toggle = page.get_by_role("switch", name="Code mode (Tab indents)")

    # The default box keeps the browser's Tab: it moves on, and the text is untouched.
    box.fill("plain")
    box.press("Tab")
    expect(toggle).to_be_focused()
    expect(box).to_have_value("plain")
    expect(box).not_to_have_class(re.compile("code-box"))

    toggle.check()
    expect(page.locator("#code-box-announcer")).to_have_text(re.compile("^Code mode on: Tab indents"))
    expect(box).to_have_attribute("aria-describedby", re.compile(r"\bcode-box-hint\b"))
    expect(page.locator("#code-box-hint")).to_be_visible()
    assert "monospace" in box.evaluate("el => getComputedStyle(el).fontFamily")

    box.fill("")
    box.press_sequentially("def f():")
    box.press("Enter")
    box.press("Tab")
    box.press_sequentially("return 1")
    expect(box).to_have_value("def f():\n    return 1")
    expect(box).to_be_focused()
    box.press("Escape")
    box.press("Tab")
    expect(box).not_to_be_focused()
    expect(toggle).to_be_focused()

    expect(page.locator("#save-state")).to_have_text("Saved")
    assert attempt_in_db(app).answers[0].text == "def f():\n    return 1"
    page.reload()
    expect(page.get_by_role("switch", name="Code mode (Tab indents)")).to_be_checked()


def test_the_timer_changes_at_meaningful_marks_in_words_as_well_as_colour(app, page, live_url):
    sign_up(page, live_url)
    page.clock.install()
    start_interview(page, live_url, questions=1, minutes=1)
    timer = page.get_by_role("timer", name="Time left")
    label = page.locator("#timer-label")
    # A 1-minute interview is not urgent from its first second.
    expect(timer).to_have_attribute("data-level", "calm")
    expect(label).to_have_text("Time left")
    calm_colour = timer.evaluate("el => getComputedStyle(el).color")

    page.clock.run_for("00:31")
    expect(timer).to_have_attribute("data-level", "warning")
    expect(label).to_have_text("Less than 30 s left")
    expect(page.locator("#time-announcer")).to_have_text("30 seconds left.")
    warning_colour = timer.evaluate("el => getComputedStyle(el).color")
    assert warning_colour != calm_colour

    page.clock.run_for("00:20")
    expect(timer).to_have_attribute("data-level", "urgent")
    expect(label).to_have_text("Less than 10 s left")
    expect(page.locator("#time-announcer")).to_have_text("10 seconds left.")
    assert timer.evaluate("el => getComputedStyle(el).color") not in (calm_colour, warning_colour)


def in_view(page: Page, locator) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 60) <= height


def test_on_a_phone_the_clock_and_the_answer_stay_in_view(app, new_page, live_url):
    page = new_page(width=390)
    sign_up(page, live_url)
    start_interview(page, live_url, questions=5, minutes=15)
    timer = page.get_by_role("timer", name="Time left")
    box = page.get_by_label("Your answer")

    # The site's links fold into a menu while the interview runs: one row of header.
    header = page.locator("header.site-header")
    assert header.bounding_box()["height"] < 90
    expect(page.get_by_role("link", name="My attempts")).to_be_hidden()
    assert in_view(page, timer) and in_view(page, box)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # Scrolled down to the buttons, the clock is still there.
    box.fill("A long answer. " * 80)
    page.get_by_role("button", name="Next →").scroll_into_view_if_needed()
    expect(page.get_by_role("button", name="Next →")).to_be_in_viewport()
    assert in_view(page, timer)

    page.get_by_text("Menu", exact=True).click()
    expect(page.get_by_role("link", name="My attempts")).to_be_visible()


def test_offline_the_status_holds_still_and_tells_when_the_answer_was_last_saved(app, context, page, live_url):
    sign_up(page, live_url)
    start_interview(page, live_url, minutes=10)
    box = page.get_by_label("Your answer")
    box.fill("Saved before the tunnel.")
    expect(page.locator("#save-state")).to_have_text("Saved")
    page.evaluate(
        """() => { window.seen = [];
          new MutationObserver(() => window.seen.push(document.getElementById('save-state').textContent))
            .observe(document.getElementById('save-state'), {childList: true, characterData: true, subtree: true}); }"""
    )
    context.set_offline(True)
    box.press_sequentially(" Typed in the tunnel.")
    state = page.locator("#save-state")
    expect(state).to_have_text(OFFLINE, timeout=15_000)
    expect(state).to_have_text(re.compile(r"last saved \d"))
    steady = state.inner_text()
    box.press_sequentially(" More.")
    page.wait_for_timeout(4_500)  # retries after 1, 2 and 4 seconds
    seen = page.evaluate("window.seen")
    assert seen[seen.index(steady) :] == [steady], seen  # no flicker once offline
    context.set_offline(False)
    expect(state).to_have_text("Saved", timeout=15_000)
    assert attempt_in_db(app).answers[0].text == "Saved before the tunnel. Typed in the tunnel. More."


def test_a_tab_learns_at_its_next_status_check_that_another_tab_changed_the_answer(app, context, page, live_url):
    sign_up(page, live_url)
    start_interview(page, live_url, minutes=10)
    page.get_by_label("Your answer").fill("Written in the first tab.")
    expect(page.locator("#save-state")).to_have_text("Saved")

    other = context.new_page()
    other.goto(page.url)
    other.get_by_label("Your answer").fill("Rewritten in the second tab.")
    expect(other.locator("#save-state")).to_have_text("Saved")
    with app.app_context():
        stored = db.session.scalar(sa.select(Answer).join(Attempt).where(Answer.position == 0))
        assert stored.text == "Rewritten in the second tab."

    # Back in the first tab (its page becomes visible again), the status check tells it.
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(page.locator("#save-state")).to_have_text("Changed in another tab: choose which text to keep")
    conflict = page.get_by_role("alert").filter(has_text="changed in another tab")
    expect(conflict.get_by_text("Rewritten in the second tab.")).to_be_visible()
    page.get_by_role("button", name="Use the other version").click()
    expect(page.get_by_label("Your answer")).to_have_value("Rewritten in the second tab.")
    expect(page.locator("#save-state")).to_have_text("Saved")
    assert attempt_in_db(app).answers[0].text == "Rewritten in the second tab."
    other.close()


def test_the_summary_keeps_counting_down_and_submits_when_the_time_is_up(app, page, live_url):
    sign_up(page, live_url)
    page.clock.install()
    start_interview(page, live_url, questions=2, minutes=1)
    page.get_by_label("Your answer").fill("Reviewed on the summary as time ran out.")
    page.get_by_role("button", name="Submit interview").click()
    expect(page.get_by_role("heading", name="Finish the interview?")).to_be_visible()
    timer = page.get_by_role("timer", name="Time left")
    expect(timer).to_have_attribute("data-level", re.compile("calm|warning"))
    page.clock.fast_forward("00:40")
    expect(page.locator("#timer-label")).to_have_text(re.compile("^Less than"))
    page.clock.fast_forward("00:25")
    expect(page.get_by_role("heading", name=re.compile("Your interview of"))).to_be_visible(timeout=15_000)
    closed = attempt_in_db(app)
    assert closed.state != AttemptState.IN_PROGRESS
    assert closed.answers[0].text == "Reviewed on the summary as time ran out."
