"""Every kind of page, checked with axe-core in real Chromium, in light and dark mode."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Attempt, Question
from app.services import accounts, interviews

# What the page does, on SQLite; the requests behind it are tested on both databases.
pytestmark = pytest.mark.sqlite_only

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
PASSWORD = "violet tractor sings loudly"


@pytest.fixture
def finished(app, live_url) -> tuple[int, int]:
    """A user (id) with a finished interview (id)."""
    with app.app_context():
        user = accounts.create_user("axe@example.com", PASSWORD)
        began = datetime.now(UTC) - timedelta(days=1)
        done = interviews.start_attempt(user.id, None, 2, 9, began, 60)
        interviews.save_answer(
            done.answers[0], "Cosine similarity of normalised vectors.", 0, began + timedelta(minutes=1), 60
        )
        interviews.save_answer(done.answers[1], "", 0, began + timedelta(minutes=2), 60, flagged=True)
        interviews.submit_attempt(done, began + timedelta(minutes=3), 60)
        ids = user.id, done.id
        db.session.remove()
    return ids


def violations(page) -> list[str]:
    page.add_script_tag(content=AXE)
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_have_no_accessibility_violations(app, browser, live_url, finished, scheme):
    user_id, done = finished
    # With a feedback model configured, so that the review's feedback section is checked too
    # (nothing is asked of it here).
    app.config.update(LLM_URL="http://127.0.0.1:9/v1", LLM_MODEL="tiny-reviewer")
    # axe is injected as a script, which the app's CSP would rightly refuse.
    context = browser.new_context(bypass_csp=True, color_scheme=scheme)
    page = context.new_page()
    problems = {}
    for path in ("/", "/auth/register", "/auth/forgot", "/auth/login"):
        page.goto(live_url + path)
        problems[path] = violations(page)
    page.get_by_label("Email").fill("axe@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.goto(live_url + "/account/delete")
    page.get_by_role("button", name="Delete my account and all my data").click()  # its problems shown
    problems["/account/delete (refused)"] = violations(page)
    with app.app_context():
        answered = db.session.get(Attempt, done).answers[0].question_id
        unanswered = db.session.scalar(sa.select(Question.id).where(Question.id.not_in([answered])))
    pages = (
        "/",
        "/bank/",
        "/bank/vector-search",
        f"/bank/questions/{answered}",
        f"/bank/questions/{unanswered}",
        "/attempts/new",
        "/attempts/practice",
        f"/attempts/{done}",
        "/attempts/",
        "/progress",
        "/account/",
        "/account/delete",
    )
    for path in pages:
        page.goto(live_url + path)
        problems[path] = violations(page)
    # On a phone: reflowed tables, folded reference answers, the folded menu.
    phone = browser.new_context(bypass_csp=True, color_scheme=scheme, viewport={"width": 390, "height": 844})
    phone.add_cookies(context.cookies())
    small = phone.new_page()
    for path in (f"/attempts/{done}", "/attempts/", "/progress", f"/bank/questions/{answered}"):
        small.goto(live_url + path)
        assert small.url == live_url + path  # signed in there too
        problems[path + " (390 px)"] = violations(small)
    with app.app_context():
        current = interviews.start_attempt(user_id, None, 2, 9, datetime.now(UTC), 60).id
    for path in ("/", f"/attempts/{current}/questions/1", f"/attempts/{current}/submit"):
        page.goto(live_url + path)
        problems[path + " (in progress)"] = violations(page)
        small.goto(live_url + path)
        problems[path + " (in progress, 390 px)"] = violations(small)
    phone.close()
    context.close()
    assert {path: found for path, found in problems.items() if found} == {}
