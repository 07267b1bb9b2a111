"""After an interview: the review, ratings, exports, history, progress and weak-spot practice."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from markupsafe import escape

from app.extensions import db
from app.models import Answer, Attempt, AttemptState, Question, Rating
from app.scoring import SCORER_VERSION
from app.services import interviews
from tests.helpers import AuthActions, add_bank, csrf_token, watching

GOOD = "Use cosine similarity: it is the dot product of normalised vectors."


@pytest.fixture
def bank(app):
    add_bank(app, categories=2, per_category=3)


def finished_attempt(
    app, user_id, texts: list[str], *, when: datetime | None = None, categories=None, late=None
) -> int:
    """An attempt answered with `texts` (one per question) and submitted."""
    when = when or datetime.now(UTC) - timedelta(minutes=10)
    with app.app_context():
        attempt = interviews.start_attempt(user_id, categories, len(texts), 10, when, 60)
        for position, text in enumerate(texts):
            interviews.save_answer(attempt.answers[position], text, 0, when + timedelta(seconds=30), 60, seconds=20)
        interviews.submit_attempt(attempt, when + timedelta(minutes=2), 60)
        if late:
            interviews.save_answer(attempt.answers[0], late, 1, when + timedelta(minutes=3), 60)
        return attempt.id


def rate(client, attempt_id, number, grade, note="", json_reply=False):
    token = csrf_token(client, "/")
    headers = {"Accept": "application/json"} if json_reply else {}
    return client.post(
        f"/attempts/{attempt_id}/answers/{number}/rating",
        data={f"a{number}-grade": grade, f"a{number}-note": note, "csrf_token": token},
        headers=headers,
    )


# --- the review page --------------------------------------------------------------------------


def test_review_shows_each_answer_beside_its_reference_with_key_points_and_score(app, client, user, bank):
    attempt_id = finished_attempt(app, user.id, [GOOD, ""], late="Late <script>alert(1)</script> words")
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        first, second = attempt.answers
        assert attempt.scorer_version == SCORER_VERSION
        assert first.score > 0.5 and second.score == 0
        assert attempt.score == pytest.approx((first.score + second.score) / 2)
        assert {kp["text"] for kp in first.score_detail["key_points"] if kp["covered"]} >= {"cosine similarity"}
    assert html.count('class="review-grid"') == 2
    assert "Reference answer" in html and "SECRET-REFERENCE" in html
    # The key-point check comes first, beside the answer; the reference answer after them.
    assert html.index('class="key-point-check"') < html.index('id="yours-1"') < html.index('id="reference-1"')
    assert re.search(r"<mark>cosine similarity</mark>", html, re.IGNORECASE)
    assert "Covered:" in html and "Missed:" in html
    assert f"{round(first.score * 100)}%" in html
    assert "How " in html and "was worked out" in html
    assert "1 skipped" in html and "Not answered." in html
    # Late text is shown apart, marked late, and escaped like everything the user typed.
    assert "Arrived late" in html and "not scored" in html
    assert "Late &lt;script&gt;alert(1)&lt;/script&gt; words" in html
    assert "<script>alert(1)" not in html


def test_reference_answers_are_rendered_as_safe_markdown_and_flags_are_shown(app, client, user, bank):
    with app.app_context():
        for question in db.session.scalars(sa.select(Question)):
            question.reference_answer = (
                "Two steps:\n\n- normalise\n- `dot` product\n\n```\nx / norm(x)\n```\n<script>x()</script>"
            )
        db.session.commit()
        began = datetime.now(UTC) - timedelta(minutes=5)
        attempt = interviews.start_attempt(user.id, None, 2, 10, began, 60)
        interviews.save_answer(attempt.answers[1], "text", 0, began + timedelta(minutes=1), 60, flagged=True)
        interviews.submit_attempt(attempt, began + timedelta(minutes=2), 60)
        attempt_id = attempt.id
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    # The passages key points come from may be marked; the Markdown around them is kept.
    unmarked = re.sub(r'<mark class="ref-passage" id="[^"]*">|</mark>', "", html)
    assert "<li>normalise</li>" in unmarked and "<code>dot</code>" in unmarked
    assert re.search(r"<pre><code>(<mark[^>]*>)?x / norm\(x\)(</mark>)?\n</code></pre>", html)
    assert "<script>x()" not in html and "&lt;script&gt;x()&lt;/script&gt;" in html
    assert html.count("⚑ Flagged") == 1 and "⚑ 1 flagged" in html
    markdown = client.get(f"/attempts/{attempt_id}/export.md").get_data(as_text=True)
    assert "- Flagged: 2" in markdown and "**flagged**" in markdown
    assert "- normalise\n- `dot` product" in markdown  # the export keeps the Markdown as written


def test_each_key_points_status_is_told_in_words_and_only_covered_ones_count(app, client, user, bank):
    attempt_id = finished_attempt(app, user.id, [GOOD])
    statuses = ["covered", "partly", "contradicted", "missed"]
    with app.app_context():
        answer = db.session.scalar(sa.select(Answer).where(Answer.attempt_id == attempt_id))
        answer.score_detail = {
            **answer.score_detail,
            "key_points": [
                {"text": f"point {s}", "covered": s == "covered", "coverage": 0.5, "status": s} for s in statuses
            ],
        }
        db.session.commit()
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "1 of 4 covered" in html
    for label, status in (("Covered:", "covered"), ("Partly covered:", "partly"), ("Contradicted:", "contradicted")):
        assert re.search(rf'class="key-point {status}"[^>]*>.*?{label}.*?point {status}', html, re.S)


def test_scores_are_stored_once_and_not_recomputed(app, client, user, bank):
    attempt_id = finished_attempt(app, user.id, [GOOD])
    with app.app_context():
        answer = db.session.scalar(sa.select(Answer).where(Answer.attempt_id == attempt_id))
        answer.score = 0.123
        answer.score_detail = {**answer.score_detail, "value": 0.123}
        db.session.commit()
    assert "12%" in client.get(f"/attempts/{attempt_id}").get_data(as_text=True)


def test_an_open_attempt_has_no_review_yet(app, client, user, bank):
    with app.app_context():
        attempt_id = interviews.start_attempt(user.id, None, 1, 5, datetime.now(UTC), 60).id
    assert client.get(f"/attempts/{attempt_id}").headers["Location"] == f"/attempts/{attempt_id}/resume"
    assert rate(client, attempt_id, 1, 3).headers["Location"] == f"/attempts/{attempt_id}/resume"
    refused = rate(client, attempt_id, 1, 3, json_reply=True)
    assert refused.status_code == 409
    assert refused.json == {"error": "Rate your answers after submitting the interview."}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Rating.id))) == 0


# --- ratings -------------------------------------------------------------------------------


def test_a_rating_and_note_persist_and_can_be_changed(app, client, user, bank):
    attempt_id = finished_attempt(app, user.id, [GOOD, "no idea"])
    response = rate(client, attempt_id, 2, 1, note="Revise the maths.")
    assert response.headers["Location"] == f"/attempts/{attempt_id}#q2"
    changed = rate(client, attempt_id, 2, 2, note="Better now.", json_reply=True)
    assert changed.json == {"grade": 2, "name": "hard", "note": "Better now."}
    with app.app_context():
        [rating] = db.session.scalars(sa.select(Rating)).all()
        assert (rating.grade, rating.note, rating.user_id) == (2, "Better now.", user.id)
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "Rated hard" in html and "Better now." in html
    assert re.search(r'value="2"[^>]*checked|checked[^>]*value="2"', html)


@pytest.mark.parametrize("grade", ["0", "5", "good", ""])
def test_a_bad_rating_is_refused_and_changes_nothing(app, client, user, bank, grade):
    attempt_id = finished_attempt(app, user.id, [GOOD])
    reply = rate(client, attempt_id, 1, grade, json_reply=True)
    assert reply.status_code == 422
    assert reply.json["error"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Rating.id))) == 0


def test_nobody_rates_or_reads_another_users_attempt(app, client, user, bank):
    attempt_id = finished_attempt(app, user.id, [GOOD])
    other = app.test_client()
    AuthActions(other).register(email="eve@example.com")
    token = csrf_token(other, "/")
    assert other.get(f"/attempts/{attempt_id}").status_code == 404
    assert other.get(f"/attempts/{attempt_id}/export.md").status_code == 404
    assert (
        other.post(f"/attempts/{attempt_id}/answers/1/rating", data={"a1-grade": 4, "csrf_token": token}).status_code
        == 404
    )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Rating.id))) == 0
    data = other.get("/account/export.json").json
    assert data["attempts"] == [] and data["account"]["email"] == "eve@example.com"


# --- exports -------------------------------------------------------------------------------


def test_an_attempt_exports_as_markdown(app, client, user, bank):
    attempt_id = finished_attempt(app, user.id, [GOOD, ""])
    rate(client, attempt_id, 1, 4, note="Nailed it.")
    response = client.get(f"/attempts/{attempt_id}/export.md")
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/markdown"
    assert "attachment" in response.headers["Content-Disposition"]
    assert text.startswith("# Mock interview of ")
    assert f"> {GOOD}" in text
    assert "### Reference answer" in text and "SECRET-REFERENCE" in text
    assert "- [x] cosine similarity" in text
    assert "rated **easy**" in text and "Nailed it." in text
    assert "> (no answer)" in text


def test_all_of_a_users_data_exports_as_json(app, client, user, bank):
    attempt_id = finished_attempt(app, user.id, [GOOD])
    rate(client, attempt_id, 1, 3, note="ok")
    response = client.get("/account/export.json")
    data = json.loads(response.get_data(as_text=True))
    assert "attachment" in response.headers["Content-Disposition"]
    assert data["account"]["email"] == "ada@example.com"
    assert "password" not in json.dumps(data["account"])
    [attempt] = data["attempts"]
    [answer] = attempt["answers"]
    assert answer["text"] == GOOD and answer["rating"]["grade"] == "good" and answer["score"] > 0


# --- history and progress ---------------------------------------------------------------------


def test_history_lists_attempts_newest_first_paginated_and_filtered(app, client, user, bank):
    with app.app_context():
        from app.models import Category

        cat0, cat1 = db.session.scalars(sa.select(Category.id).order_by(Category.position)).all()
    base = datetime.now(UTC) - timedelta(days=30)
    for day in range(22):
        finished_attempt(app, user.id, [GOOD], when=base + timedelta(days=day), categories=[cat0 if day % 2 else cat1])
    first = client.get("/attempts/").get_data(as_text=True)
    assert "22 interviews" in first and "Page 1 of 2" in first
    dates = re.findall(r"(\d\d \w\w\w \d{4}), \d\d:\d\d UTC</time></a>", first)
    assert len(dates) == 20
    assert dates[0] == (base + timedelta(days=21)).strftime("%d %b %Y")
    assert first.split("<tbody>")[1].count('<td data-label="State">Submitted</td>') == 20
    second = client.get("/attempts/?page=2").get_data(as_text=True)
    assert len(re.findall(r"UTC</time></a>", second)) == 2
    filtered = client.get(f"/attempts/?category={cat0}").get_data(as_text=True)
    assert "11 interviews with a question from this category" in filtered
    assert "Category 1" not in filtered.split("<tbody>")[1]


def test_history_and_progress_are_empty_states_for_a_new_user(client, user, bank):
    assert "No interviews yet" in client.get("/attempts/").get_data(as_text=True)
    progress = client.get("/progress").get_data(as_text=True)
    assert "No scores yet" in progress and "Practise my weak spots" in progress


def test_a_questions_own_history_lists_each_answer_with_score_and_rating(app, client, user, bank):
    first = finished_attempt(app, user.id, [GOOD], categories=None)
    with app.app_context():
        question_id = db.session.scalar(sa.select(Answer.question_id).where(Answer.attempt_id == first))
    rate(client, first, 1, 1, note="forgot the point")
    assert client.get(f"/questions/{question_id}/history").headers["Location"] == f"/bank/questions/{question_id}"
    html = client.get(f"/bank/questions/{question_id}").get_data(as_text=True)
    assert GOOD in html and "rated <strong>again</strong>" in html and "forgot the point" in html
    assert "SECRET-REFERENCE" in html  # answered once: its reference answer is shown
    assert client.get("/bank/questions/99999").status_code == 404


def test_progress_charts_scores_over_time_and_lists_the_weakest(app, client, user, bank):
    with app.app_context():
        from app.models import Category

        cat0, cat1 = db.session.scalars(sa.select(Category.id).order_by(Category.position)).all()
    base = datetime.now(UTC) - timedelta(days=5)
    # Both categories on both days, whichever questions the bank deals, so each has a line.
    finished_attempt(app, user.id, ["nothing useful here"], when=base, categories=[cat0])
    finished_attempt(app, user.id, [GOOD], when=base, categories=[cat1])
    finished_attempt(app, user.id, [GOOD], when=base + timedelta(days=2), categories=[cat0])
    finished_attempt(app, user.id, [GOOD], when=base + timedelta(days=2), categories=[cat1])
    html = client.get("/progress").get_data(as_text=True)
    assert '<svg viewBox="0 0 640 260" role="img"' in html
    assert html.count("<polyline") >= 2  # all categories, and each category met
    assert "All categories" in html
    assert re.search(r"<title>All categories: \d+% on", html)
    assert "The figures as a table" in html
    assert "Your weakest questions" in html and "nothing useful" not in html


# --- practise my weak spots --------------------------------------------------------------------


def test_practice_starts_with_the_lapsed_questions_then_the_never_seen(app, client, user, bank):
    attempt_id = finished_attempt(app, user.id, [GOOD, GOOD, GOOD])
    with app.app_context():
        answered = db.session.scalars(
            sa.select(Answer.question_id).where(Answer.attempt_id == attempt_id).order_by(Answer.position)
        ).all()
    rate(client, attempt_id, 2, 1)  # "again": a lapse
    rate(client, attempt_id, 1, 4)
    rate(client, attempt_id, 3, 4)
    # The user sees the questions it chose, how many and how long, before the clock starts.
    preview = client.get("/attempts/practice?question_count=4&minutes=7").get_data(as_text=True)
    with app.app_context():
        all_ids = set(db.session.scalars(sa.select(Question.id)).all())
        prompts = dict(db.session.execute(sa.select(Question.id, Question.prompt)).all())
    shown = re.search(r'name="questions" type="hidden" value="([\d,]+)"', preview).group(1)
    shown_ids = [int(i) for i in shown.split(",")]
    assert shown_ids[0] == answered[1] and set(shown_ids[1:]) == all_ids - set(answered)
    assert "4 questions · 7 minutes" in preview and "you found it hard last time" in preview
    assert all(escape(prompts[i]) in preview for i in shown_ids)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Attempt.id)).where(Attempt.state == "in_progress")) == 0
    token = csrf_token(client, "/attempts/practice")
    response = client.post("/attempts/practice", data={"questions": shown, "minutes": 7, "csrf_token": token})
    with app.app_context():
        practice = db.session.scalar(sa.select(Attempt).where(Attempt.state == AttemptState.IN_PROGRESS))
        chosen = [a.question_id for a in practice.answers]
        limit = practice.time_limit_seconds
    assert response.headers["Location"] == f"/attempts/{practice.id}/questions/1"
    assert chosen == shown_ids and limit == 7 * 60


def test_practice_refuses_a_damaged_list_or_figures_out_of_range(app, client, user, bank):
    token = csrf_token(client, "/attempts/practice")
    for data in ({"questions": "1,x"}, {"questions": ""}, {"questions": ",".join(["1"] * 3), "minutes": 500}):
        response = client.post("/attempts/practice", data={**data, "csrf_token": token})
        assert response.headers["Location"] == "/attempts/practice"
    page = client.get("/attempts/practice?question_count=99").get_data(as_text=True)
    assert "Choose 1 to 20 questions." in page and "5 questions" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Attempt.id))) == 0


# --- speed: statements do not grow with history ------------------------------------------------


@contextmanager
def count_statements(app):
    counter = {"n": 0}

    def before(*_args):
        counter["n"] += 1

    with watching(app, "before_cursor_execute", before):
        yield counter


@pytest.mark.parametrize(
    "url", ["/attempts/", "/progress", "/attempts/{last}", "/bank/questions/{question}", "/account/export.json"]
)
def test_pages_issue_a_fixed_number_of_statements(app, client, user, bank, url):
    def statements(attempts: int) -> int:
        last = None
        for _ in range(attempts):
            last = finished_attempt(app, user.id, [GOOD, "short", ""])
        with app.app_context():
            question = db.session.scalar(sa.select(Answer.question_id).where(Answer.attempt_id == last))
        target = url.format(last=last, question=question)
        client.get(target)  # warm caches
        with count_statements(app) as counter:
            assert client.get(target).status_code == 200
        return counter["n"]

    few = statements(2)
    many = statements(8)
    assert many == few


def test_the_review_issues_a_fixed_number_of_statements_however_many_answers(app, client, user, bank):
    def statements(texts: list[str]) -> int:
        attempt_id = finished_attempt(app, user.id, texts)
        for number in range(1, len(texts) + 1):
            rate(client, attempt_id, number, 3)
        with count_statements(app) as counter:
            assert client.get(f"/attempts/{attempt_id}").status_code == 200
        return counter["n"]

    assert statements([GOOD]) == statements([GOOD, "a", "b", "", "c", GOOD])


def test_the_answers_address_of_an_attempt_leads_to_its_pages(app, client, user, bank):
    """The review page names it for the script that sends drafts left in the browser."""
    attempt_id = finished_attempt(app, user.id, [GOOD])
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert f'data-answers-url="/attempts/{attempt_id}/answers/"' in html
    assert client.get(f"/attempts/{attempt_id}/answers/").headers["Location"] == f"/attempts/{attempt_id}"
    with app.app_context():
        open_id = interviews.start_attempt(user.id, None, 1, 5, datetime.now(UTC), 60).id
    assert client.get(f"/attempts/{open_id}/answers/").headers["Location"] == f"/attempts/{open_id}/resume"
    other = app.test_client()
    AuthActions(other).register(email="eve@example.com")
    assert other.get(f"/attempts/{attempt_id}/answers/").status_code == 404


def test_rating_a_question_the_attempt_does_not_have_is_404(app, client, user, bank):
    attempt_id = finished_attempt(app, user.id, [GOOD])
    assert rate(client, attempt_id, 2, 3).status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Rating.id))) == 0


def test_a_bad_rating_from_the_plain_form_comes_back_with_its_message(app, client, user, bank):
    attempt_id = finished_attempt(app, user.id, [GOOD])
    response = rate(client, attempt_id, 1, "9")
    assert response.headers["Location"] == f"/attempts/{attempt_id}#q1"
    assert "Not a valid choice" in client.get(f"/attempts/{attempt_id}").get_data(as_text=True)


def test_an_open_attempt_has_no_markdown_export(app, client, user, bank):
    with app.app_context():
        attempt_id = interviews.start_attempt(user.id, None, 1, 5, datetime.now(UTC), 60).id
    assert client.get(f"/attempts/{attempt_id}/export.md").status_code == 404


def test_the_markdown_export_keeps_late_text_apart(app, client, user, bank):
    attempt_id = finished_attempt(app, user.id, [GOOD], late="Arrived after the bell.")
    text = client.get(f"/attempts/{attempt_id}/export.md").get_data(as_text=True)
    assert "### Arrived late (not scored)\n\n> Arrived after the bell." in text
