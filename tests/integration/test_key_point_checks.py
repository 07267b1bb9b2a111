"""The user's own word on each key point of a reviewed answer: kept, shown, refused when damaged,
and counted by practice, progress, exports and a rescore."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Answer, Attempt, KeyPointCheck
from app.services import interviews
from tests.helpers import AuthActions, csrf_token
from tests.integration.test_review import GOOD, finished_attempt, rate

JSON = {"Accept": "application/json"}


@pytest.fixture
def bank(app):
    from tests.helpers import add_bank

    add_bank(app, categories=1, per_category=3)


def check(client, attempt_id, number, index, made, json_reply=True):
    token = csrf_token(client, "/")
    data = {"csrf_token": token} if made is None else {"made": made, "csrf_token": token}
    return client.post(
        f"/attempts/{attempt_id}/answers/{number}/key-points/{index}", data=data, headers=JSON if json_reply else {}
    )


def stored(app, attempt_id):
    """The first answer's checks (index → made) and its score and checked score."""
    with app.app_context():
        answer = db.session.scalar(sa.select(Answer).where(Answer.attempt_id == attempt_id, Answer.position == 0))
        return answer.own_checks, answer.score, answer.checked_score


def test_a_check_is_kept_shown_after_reload_and_can_be_taken_back(app, client, user, bank):
    attempt_id = finished_attempt(app, user.id, [GOOD])
    assert stored(app, attempt_id) == ({}, pytest.approx(0.95, abs=0.01), None)

    reply = check(client, attempt_id, 1, 1, "no")
    assert reply.status_code == 200
    assert reply.json["made"] is False and reply.json["checks"] == {"1": False}
    checks, score, checked = stored(app, attempt_id)
    assert checks == {0: False} and checked == pytest.approx(reply.json["checked_score"]) and checked < score

    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "You: not made" in html
    assert re.search(r"· <span class=\"kp-yours-count\">2</span> of 3 by your check", html)
    assert f'<span class="checked-value">{round(checked * 100)}%</span> with your checks' in html
    assert re.search(r'value="no" class="[^"]*kp-no" aria-pressed="true"', html)

    reply = check(client, attempt_id, 1, 1, "")
    assert reply.json["made"] is None and reply.json["checked_score"] is None and reply.json["checks"] == {}
    assert reply.json["overall_score"] == pytest.approx(score) and reply.json["overall_checked"] is False
    assert stored(app, attempt_id)[0::2] == ({}, None)
    assert "You: not made" not in client.get(f"/attempts/{attempt_id}").get_data(as_text=True)


def test_the_interviews_score_everywhere_counts_the_users_checks(app, client, user, bank):
    """Review heading, category table, history, the progress figures and both exports: one score,
    with the user's checks where they made some, and the scorer's beside it."""
    attempt_id = finished_attempt(app, user.id, [GOOD, ""])
    scorer = stored(app, attempt_id)[1] / 2  # the empty second answer counts as zero
    for index in (1, 2, 3):
        reply = check(client, attempt_id, 1, index, "no")
    assert reply.json["checked_score"] == 0.0
    assert reply.json["overall_score"] == 0.0 and reply.json["overall_checked"] is True
    assert list(reply.json["categories"].values()) == [0.0]

    review = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    overall = review[review.index('id="overall"') :]
    overall = overall[: overall.index("</div>")]
    assert '<dd class="big-number overall-value">0%</dd>' in overall
    assert f"with your checks · the scorer's: {round(scorer * 100)}%" in overall
    history = client.get("/attempts/").get_data(as_text=True)
    assert re.search(r'data-label="Score">0% <small class="muted">with your checks</small>', history)
    figures = client.get("/progress").get_data(as_text=True).split("The figures as a table")[1]
    assert re.findall(r'data-label="Score">(\d+%)</td>', figures) == ["0%", "0%"]  # overall, and the one category
    markdown = client.get(f"/attempts/{attempt_id}/export.md").get_data(as_text=True)
    assert f"- Score: 0% with your key-point checks (the scorer's: {round(scorer * 100)}%)" in markdown
    [exported] = json.loads(client.get("/account/export.json").get_data(as_text=True))["attempts"]
    assert (exported["score"], exported["checked_score"]) == (pytest.approx(scorer), 0.0)

    for index in (1, 2, 3):  # back to the scorer: the scorer's figures again, and no note
        reply = check(client, attempt_id, 1, index, "")
    assert reply.json["overall_score"] == pytest.approx(scorer) and reply.json["overall_checked"] is False
    review = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert f'<dd class="big-number overall-value">{round(scorer * 100)}%</dd>' in review
    assert re.search(r'class="muted overall-scorer" hidden>', review)
    assert "with your checks</small>" not in client.get("/attempts/").get_data(as_text=True)


def test_the_plain_form_redirects_to_the_answer_with_a_message(app, client, user, bank):
    attempt_id = finished_attempt(app, user.id, [GOOD])
    response = check(client, attempt_id, 1, 2, "yes", json_reply=False)
    assert response.status_code == 302 and response.headers["Location"] == f"/attempts/{attempt_id}#q1"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Question 1, key point 2: your check is kept." in page and "You: made it" in page


@pytest.mark.parametrize("made", ["maybe", None, "YES", "1"])
def test_a_damaged_check_is_refused_with_a_message_and_changes_nothing(app, client, user, bank, made):
    attempt_id = finished_attempt(app, user.id, [GOOD])
    check(client, attempt_id, 1, 1, "no")
    before = stored(app, attempt_id)
    reply = check(client, attempt_id, 1, 1, made)
    assert reply.status_code == 422 and "I made this point" in reply.json["error"]
    assert stored(app, attempt_id) == before
    plain = check(client, attempt_id, 1, 1, made, json_reply=False)
    assert "Leave it to the scorer" in client.get(plain.headers["Location"]).get_data(as_text=True)
    assert stored(app, attempt_id) == before


@pytest.mark.parametrize("index", [0, 4, 99, 10**25])
def test_a_key_point_the_answer_does_not_have_is_404(app, client, user, bank, index):
    attempt_id = finished_attempt(app, user.id, [GOOD])
    assert check(client, attempt_id, 1, index, "yes").status_code == 404
    assert check(client, attempt_id, 2, 1, "yes").status_code == 404  # no second question
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(KeyPointCheck.id))) == 0


def test_nobody_checks_another_users_answer_or_an_open_attempt(app, client, user, bank):
    attempt_id = finished_attempt(app, user.id, [GOOD])
    other = app.test_client()
    AuthActions(other).register(email="eve@example.com")
    assert check(other, attempt_id, 1, 1, "no").status_code == 404
    with app.app_context():
        running = interviews.start_attempt(user.id, None, 1, 10, datetime.now(UTC), 60).id
    reply = check(client, running, 1, 1, "yes")
    assert reply.status_code == 409 and "after submitting" in reply.json["error"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(KeyPointCheck.id))) == 0


def test_every_point_checked_not_made_puts_the_question_first_in_practice(app, client, user, bank):
    attempt_id = finished_attempt(app, user.id, [GOOD, GOOD, GOOD])
    with app.app_context():
        second = db.session.scalar(sa.select(Answer).where(Answer.attempt_id == attempt_id, Answer.position == 1))
        second_question, prompt = second.question_id, second.prompt
    html = client.get("/progress").get_data(as_text=True)
    assert "None of the questions you answered is weak now" in html

    for index in (1, 2, 3):
        check(client, attempt_id, 2, index, "no")
    with app.app_context():
        assert db.session.get(Answer, second.id).checked_score == 0.0

    preview = client.get("/attempts/practice?question_count=1&minutes=5").get_data(as_text=True)
    shown = re.search(r'name="questions" type="hidden" value="([\d,]+)"', preview).group(1)
    assert shown == str(second_question)
    html = client.get("/progress").get_data(as_text=True)
    weak = html[html.index("Your weakest questions") :]
    assert prompt.split("<")[0] in weak and "(estimated from the score)" in weak

    # The user's own rating goes ahead of the estimate.
    rate(client, attempt_id, 2, 4)
    weak = client.get("/progress").get_data(as_text=True).split("Your weakest questions")[1]
    assert "(estimated from the score)" not in weak


def test_exports_carry_the_users_checks(app, client, user, bank):
    attempt_id = finished_attempt(app, user.id, [GOOD])
    check(client, attempt_id, 1, 1, "no")
    checked = stored(app, attempt_id)[2]
    text = client.get(f"/attempts/{attempt_id}/export.md").get_data(as_text=True)
    assert f"{round(checked * 100)}% with your key-point checks" in text
    assert "- [ ] cosine similarity (scorer: covered · you: not made)" in text
    assert "- [x] dot product (scorer: covered)" in text
    [attempt] = json.loads(client.get("/account/export.json").get_data(as_text=True))["attempts"]
    [answer] = attempt["answers"]
    assert answer["checked_score"] == pytest.approx(checked, abs=1e-6)
    assert [(c["key_point"], c["made"]) for c in answer["key_point_checks"]] == [(1, False)]


def test_rescoring_fills_missing_scores_and_keeps_the_users_checks(app, client, user, bank, runner):
    kept = finished_attempt(app, user.id, [GOOD])
    lost = finished_attempt(app, user.id, [GOOD])
    check(client, kept, 1, 1, "no")
    with app.app_context():
        attempt = db.session.get(Attempt, lost)
        attempt.score = None
        for answer in attempt.answers:
            answer.score = answer.score_detail = None
        db.session.get(Attempt, kept).scorer_version = "0-old"
        db.session.commit()

    result = runner.invoke(args=["attempts", "rescore"])
    assert result.exit_code == 0, result.output
    assert "Scored 1 attempt again with scorer" in result.output
    with app.app_context():
        assert db.session.get(Attempt, lost).score == pytest.approx(0.95, abs=0.01)
        assert db.session.get(Attempt, kept).scorer_version == "0-old"

    result = runner.invoke(args=["attempts", "rescore", "--all"])
    assert "Scored 1 attempt again with scorer" in result.output
    checks, score, checked = stored(app, kept)
    assert checks == {0: False} and checked is not None and checked < score
    assert "Nothing to score again" in runner.invoke(args=["attempts", "rescore", "--all"]).output
    assert runner.invoke(args=["attempts", "rescore", "--all", "--missing"]).exit_code != 0
