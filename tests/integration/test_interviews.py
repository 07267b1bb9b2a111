"""Timed interviews through the pages and the autosave endpoint, with the database checked."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Answer, Attempt, AttemptState, Question
from app.services import interviews
from tests.helpers import AuthActions, add_bank, csrf_token


@pytest.fixture
def bank(app):
    add_bank(app, categories=2, per_category=3)


def start(client, count=2, minutes=5, categories=()):
    token = csrf_token(client, "/attempts/new")
    data = {"question_count": count, "minutes": minutes, "csrf_token": token}
    if categories:
        data["categories"] = list(categories)
    return client.post("/attempts/new", data=data)


def only_attempt(app) -> Attempt:
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt))
        _ = attempt.answers  # load while the session is open
        return attempt


def autosave(client, attempt_id, number, text, revision, **extra):
    """What the page's script sends. The token comes from a page that touches no attempt, so
    the save itself is the request that meets the clock."""
    token = csrf_token(client, "/bank/")
    return client.post(
        f"/attempts/{attempt_id}/answers/{number}",
        json={"text": text, "revision": revision, **extra},
        headers={"X-CSRFToken": token},
    )


def state_of(app, attempt_id) -> str:
    with app.app_context():
        return db.session.get(Attempt, attempt_id).state


def answers_of(app, attempt_id) -> list[Answer]:
    with app.app_context():
        return db.session.scalars(
            sa.select(Answer).where(Answer.attempt_id == attempt_id).order_by(Answer.position)
        ).all()


# --- starting ---------------------------------------------------------------------------------


def test_start_copies_the_questions_and_sets_the_deadline(app, client, user, bank):
    response = start(client, count=2, minutes=7)
    attempt = only_attempt(app)
    assert response.headers["Location"] == f"/attempts/{attempt.id}/questions/1"
    assert attempt.state == AttemptState.IN_PROGRESS
    assert attempt.deadline - attempt.started_at == timedelta(minutes=7)
    assert attempt.time_limit_seconds == 420
    assert [a.position for a in attempt.answers] == [0, 1]
    assert len({a.question_id for a in attempt.answers}) == 2
    assert all(a.prompt.startswith("Prompt") and a.reference_answer.startswith("SECRET") for a in attempt.answers)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Question 1 of 2" in page
    assert 'role="timer"' in page and 'aria-label="Time left"' in page
    assert "SECRET-REFERENCE" not in page


def test_a_bank_category_links_to_a_start_form_with_it_ticked(app, client, user, bank):
    with app.app_context():
        from app.models import Category

        cat1 = db.session.scalar(sa.select(Category.id).where(Category.slug == "cat-1"))
    page = client.get("/bank/cat-1").get_data(as_text=True)
    assert f'href="/attempts/new?category={cat1}"' in page
    form = client.get(f"/attempts/new?category={cat1}").get_data(as_text=True)
    assert re.search(rf'<input checked[^>]*value="{cat1}"|value="{cat1}"[^>]*checked', form)
    assert form.count("checked") == 1


def test_an_empty_time_limit_gives_three_minutes_a_question(app, client, user, bank):
    start(client, count=4, minutes="")
    attempt = only_attempt(app)
    assert attempt.time_limit_seconds == 12 * 60


@pytest.mark.parametrize(
    ("count", "minutes", "message"),
    [
        (0, 5, "Choose 1 to 20 questions."),
        (21, 5, "Choose 1 to 20 questions."),
        (2, 0, "Choose 1 to 120 minutes."),
        (2, 121, "Choose 1 to 120 minutes."),
        ("", 5, "Enter how many questions you want."),
    ],
)
def test_out_of_range_choices_are_refused_with_a_message(app, client, user, bank, count, minutes, message):
    response = start(client, count=count, minutes=minutes)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Attempt.id))) == 0


def test_not_enough_questions_in_the_chosen_categories(app, client, user, bank):
    with app.app_context():
        from app.models import Category

        cat0 = db.session.scalar(sa.select(Category.id).where(Category.slug == "cat-0"))
    html = start(client, count=4, categories=[cat0]).get_data(as_text=True)
    assert "The chosen categories have 3 questions; choose 3 or fewer" in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Attempt.id))) == 0


def test_questions_seen_least_come_first(app, user, bank):
    now = datetime.now(UTC)
    with app.app_context():
        first = interviews.start_attempt(user.id, None, 4, 5, now, 60)
        seen = {a.question_id for a in first.answers}
        interviews.submit_attempt(first, now, 60)
        second = interviews.start_attempt(user.id, None, 2, 5, now, 60)
        assert not seen & {a.question_id for a in second.answers}


def test_an_interview_in_progress_is_offered_instead_of_a_new_one(app, client, user, bank):
    start(client)
    attempt = only_attempt(app)
    home = client.get("/").get_data(as_text=True)
    assert "You have an interview in progress" in home
    assert f"/attempts/{attempt.id}/resume" in home
    again = client.get("/attempts/new")
    assert again.headers["Location"] == f"/attempts/{attempt.id}/questions/1"
    with app.app_context():
        with pytest.raises(interviews.AttemptInProgress):
            interviews.start_attempt(user.id, None, 1, 5, datetime.now(UTC), 60)
        assert db.session.scalar(sa.select(sa.func.count(Attempt.id))) == 1


# --- saving -------------------------------------------------------------------------------


def test_autosave_stores_the_text_and_counts_revisions(app, client, user, bank, clock):
    start(client)
    attempt = only_attempt(app)
    clock.shift(60)
    first = autosave(client, attempt.id, 1, "Cosine similarity", 0, seconds=12)
    assert first.status_code == 200
    assert first.json["status"] == "saved" and first.json["revision"] == 1
    assert first.json["remaining_seconds"] == 240
    second = autosave(client, attempt.id, 1, "Cosine similarity of normalised vectors", 1, flagged=True, seconds=5)
    assert second.json["revision"] == 2
    saved = answers_of(app, attempt.id)[0]
    assert (saved.text, saved.revision, saved.flagged, saved.seconds_spent) == (
        "Cosine similarity of normalised vectors",
        2,
        True,
        17,
    )
    assert saved.saved_at.tzinfo is UTC
    # The page shows the saved text after a reload.
    assert "Cosine similarity of normalised vectors" in client.get(f"/attempts/{attempt.id}/questions/1").get_data(
        as_text=True
    )


def test_a_stale_revision_is_refused_with_the_newer_text_and_overwrites_nothing(app, client, user, bank):
    start(client)
    attempt = only_attempt(app)
    autosave(client, attempt.id, 1, "from tab A", 0)
    stale = autosave(client, attempt.id, 1, "from tab B", 0)
    assert stale.status_code == 409
    assert stale.json["text"] == "from tab A" and stale.json["revision"] == 1
    assert answers_of(app, attempt.id)[0].text == "from tab A"
    # Choosing to keep tab B's text: save again on top of the revision the reply gave.
    kept = autosave(client, attempt.id, 1, "from tab B", stale.json["revision"])
    assert kept.status_code == 200
    assert answers_of(app, attempt.id)[0].text == "from tab B"


@pytest.mark.parametrize("after_deadline", [0, 30, 60])
def test_a_save_in_the_grace_window_counts(app, client, user, bank, clock, after_deadline):
    start(client)  # five minutes, with the 60 s grace window
    attempt = only_attempt(app)
    clock.shift(5 * 60 + after_deadline)
    reply = autosave(client, attempt.id, 1, "just in time", 0)
    assert reply.json["status"] == "saved"
    assert reply.json["remaining_seconds"] == 0
    assert answers_of(app, attempt.id)[0].text == "just in time"
    assert state_of(app, attempt.id) == AttemptState.IN_PROGRESS


def test_after_the_deadline_no_question_page_opens_and_a_posted_form_is_the_last_save(app, client, user, bank, clock):
    """The grace window is for saves already on their way, not extra time to keep answering."""
    start(client)
    attempt = only_attempt(app)
    token = csrf_token(client, f"/attempts/{attempt.id}/questions/1")
    clock.shift(5 * 60 + 10)
    posted = client.post(
        f"/attempts/{attempt.id}/questions/1",
        data={"text": "sent as the bell rang", "revision": 0, "action": "next", "csrf_token": token},
    )
    assert posted.headers["Location"] == f"/attempts/{attempt.id}"
    closed = only_attempt(app)
    assert closed.state == AttemptState.TIMED_OUT
    assert closed.answers[0].text == "sent as the bell rang"
    assert client.get(f"/attempts/{attempt.id}/questions/2").headers["Location"] == f"/attempts/{attempt.id}"


def test_opening_a_question_after_the_deadline_closes_the_interview(app, client, user, bank, clock):
    start(client)
    attempt = only_attempt(app)
    clock.shift(5 * 60 - 1)
    assert client.get(f"/attempts/{attempt.id}/questions/1").status_code == 200  # a second left
    clock.shift(1)
    response = client.get(f"/attempts/{attempt.id}/questions/1")
    assert response.headers["Location"] == f"/attempts/{attempt.id}"
    assert only_attempt(app).state == AttemptState.TIMED_OUT


def test_a_save_after_the_grace_window_closes_the_attempt_and_keeps_its_text_as_late(app, client, user, bank, clock):
    start(client)
    attempt = only_attempt(app)
    autosave(client, attempt.id, 1, "on time", 0)
    clock.shift(5 * 60 + 61)
    assert state_of(app, attempt.id) == AttemptState.IN_PROGRESS  # nothing has closed it yet
    reply = autosave(client, attempt.id, 1, "on time, and more after the bell", 1)
    assert reply.status_code == 200
    assert reply.json["status"] == "late" and reply.json["kept_late"] is True
    assert reply.json["review_url"] == f"/attempts/{attempt.id}"
    with app.app_context():
        closed = db.session.get(Attempt, attempt.id)
        assert closed.state == AttemptState.TIMED_OUT
        assert closed.closed_at == datetime.now(UTC)  # closed by this save
        answer = closed.answers[0]
        assert (answer.text, answer.late_text) == ("on time", "on time, and more after the bell")
        assert answer.late_saved_at is not None
        assert answer.score_detail is not None and closed.scorer_version
    review = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert "Arrived late" in review and "on time, and more after the bell" in review
    assert "Time ran out ·" in review


def test_the_plain_form_saves_and_moves_between_questions(app, client, user, bank, clock):
    start(client)
    attempt = only_attempt(app)
    clock.shift(60)
    token = csrf_token(client, f"/attempts/{attempt.id}/questions/1")
    response = client.post(
        f"/attempts/{attempt.id}/questions/1",
        data={
            "text": "line one\r\nline two",
            "revision": 0,
            "flagged": "y",
            "action": "next",
            "csrf_token": token,
            "opened_at": f"{datetime.now(UTC).timestamp() - 40:.0f}",
        },
    )
    assert response.headers["Location"] == f"/attempts/{attempt.id}/questions/2"
    saved = answers_of(app, attempt.id)[0]
    assert (saved.text, saved.revision, saved.flagged) == ("line one\nline two", 1, True)
    assert saved.seconds_spent == 40  # since the page was served
    page = client.get(f"/attempts/{attempt.id}/questions/2").get_data(as_text=True)
    assert re.search(r'aria-label="Question 1, answered, flagged"', page)


def test_the_plain_form_shows_both_texts_on_a_conflict(app, client, user, bank):
    start(client)
    attempt = only_attempt(app)
    autosave(client, attempt.id, 1, "saved elsewhere", 0)
    token = csrf_token(client, f"/attempts/{attempt.id}/questions/1")
    response = client.post(
        f"/attempts/{attempt.id}/questions/1",
        data={"text": "typed here", "revision": 0, "action": "next", "csrf_token": token},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "changed in another tab or window" in html
    assert "typed here" in html and "saved elsewhere" in html
    assert re.search(r'id="revision"[^>]*value="1"', html)
    assert re.search(r'id="save-state"[^>]*>Not saved<', html)
    assert answers_of(app, attempt.id)[0].text == "saved elsewhere"


def test_the_same_text_saved_twice_from_one_page_is_not_a_conflict(app, client, user, bank):
    """Leaving a question fires the autosave and posts the form at once; both carry the same text."""
    start(client)
    attempt = only_attempt(app)
    autosave(client, attempt.id, 1, "same words", 0)
    token = csrf_token(client, f"/attempts/{attempt.id}/questions/1")
    response = client.post(
        f"/attempts/{attempt.id}/questions/1",
        data={"text": "same words", "revision": 0, "action": "next", "csrf_token": token},
    )
    assert response.status_code == 302
    assert answers_of(app, attempt.id)[0].revision == 1


def test_a_save_that_loses_the_race_to_the_same_text_is_not_a_conflict(app, user, bank):
    with app.app_context():
        attempt = interviews.start_attempt(user.id, None, 1, 5, datetime.now(UTC), 60)
        assert attempt.answers[0].text == ""  # this request read the answer before the other wrote
        with app.app_context():  # another request, with its own session, saves first
            other = db.session.get(Attempt, attempt.id)
            assert interviews.save_answer(other.answers[0], "same words", 0, datetime.now(UTC), 60).status == "saved"
        result = interviews.save_answer(attempt.answers[0], "same words", 0, datetime.now(UTC), 60, flagged=True)
        assert (result.status, result.flagged, result.revision) == ("unchanged", True, 1)
        with app.app_context():
            other = db.session.get(Attempt, attempt.id)
            assert interviews.save_answer(other.answers[0], "newer words", 1, datetime.now(UTC), 60).status == "saved"
        assert (
            interviews.save_answer(attempt.answers[0], "different words", 1, datetime.now(UTC), 60).status == "conflict"
        )


def test_resending_an_old_text_after_another_tab_changed_it_is_a_conflict(app, user, bank):
    """A stale tab re-sending its unchanged text (for time spent) must not be told it is current."""
    with app.app_context():
        attempt = interviews.start_attempt(user.id, None, 1, 5, datetime.now(UTC), 60)
        interviews.save_answer(attempt.answers[0], "X", 0, datetime.now(UTC), 60)
        stale = attempt.answers[0]
        assert stale.text == "X"  # this request read "X"...
        with app.app_context():  # ...then another tab saved "Y"
            other = db.session.get(Attempt, attempt.id)
            assert interviews.save_answer(other.answers[0], "Y", 1, datetime.now(UTC), 60).status == "saved"
        result = interviews.save_answer(stale, "X", 1, datetime.now(UTC), 60, seconds=15)
        assert (result.status, result.text, result.revision) == ("conflict", "Y", 2)


def test_too_long_answers_are_refused_with_a_message_and_change_nothing(app, client, user, bank):
    start(client)
    attempt = only_attempt(app)
    limit = app.config["ANSWER_MAX_CHARS"]
    reply = autosave(client, attempt.id, 1, "x" * (limit + 1), 0)
    assert reply.status_code == 413
    assert "Shorten it to save" in reply.json["error"]
    token = csrf_token(client, f"/attempts/{attempt.id}/questions/1")
    page = client.post(
        f"/attempts/{attempt.id}/questions/1",
        data={"text": "y" * (limit + 1), "revision": 0, "action": "save", "csrf_token": token},
    )
    assert page.status_code == 422
    assert f"the limit is {limit:,}" in page.get_data(as_text=True)
    assert answers_of(app, attempt.id)[0].revision == 0


@pytest.mark.parametrize(
    "body",
    [
        '{"text": "x", "revision": true}',
        '{"text": "x", "revision": -1}',
        '{"text": "x", "revision": 1.0}',
        '{"text": "x", "revision": "0"}',
        '{"text": "x", "revision": 99999999999999999999999}',
        '{"text": "x", "revision": 0, "seconds": 1e400}',
        '{"text": "x", "revision": 0, "seconds": NaN}',
        '{"text": "x", "revision": 0, "seconds": "5"}',
        '{"text": "x", "revision": 0, "flagged": "yes"}',
        '{"text": 5, "revision": 0}',
        '{"revision": 0}',
        '["x", 0]',
        '{"text": "x", "revision": 0, "extra": ' + "[" * 10_000 + "]" * 10_000 + "}",
        '{"text": "x", "revision": 0',
    ],
)
def test_autosave_refuses_malformed_json_with_a_message_and_writes_nothing(app, client, user, bank, body):
    start(client)
    attempt = only_attempt(app)
    token = csrf_token(client, f"/attempts/{attempt.id}/questions/1")
    reply = client.post(
        f"/attempts/{attempt.id}/answers/1",
        data=body,
        headers={"X-CSRFToken": token, "Content-Type": "application/json"},
    )
    assert reply.status_code == 400
    assert "Send JSON with 'text' (a string) and 'revision'" in reply.json["error"]
    saved = answers_of(app, attempt.id)[0]
    assert (saved.text, saved.revision, saved.flagged, saved.seconds_spent) == ("", 0, False, 0)


def test_autosave_needs_a_json_body(app, client, user, bank):
    start(client)
    attempt = only_attempt(app)
    token = csrf_token(client, f"/attempts/{attempt.id}/questions/1")
    reply = client.post(
        f"/attempts/{attempt.id}/answers/1", data={"text": "x", "revision": 0}, headers={"X-CSRFToken": token}
    )
    assert reply.status_code == 400 and reply.json["error"].startswith("Send JSON")
    assert answers_of(app, attempt.id)[0].text == ""


def test_autosave_without_a_csrf_token_is_refused(app, client, user, bank):
    start(client)
    attempt = only_attempt(app)
    reply = client.post(f"/attempts/{attempt.id}/answers/1", json={"text": "x", "revision": 0})
    assert reply.status_code == 400
    assert answers_of(app, attempt.id)[0].text == ""


def test_autosave_when_signed_out_answers_401_in_json(app, client, user, bank, auth):
    start(client)
    attempt = only_attempt(app)
    auth.logout()
    # The token of the signed-out session, so that the request passes CSRF and meets sign-in.
    token = csrf_token(client, "/auth/login")
    reply = client.post(
        f"/attempts/{attempt.id}/answers/1",
        json={"text": "x", "revision": 0},
        headers={"X-CSRFToken": token, "Accept": "application/json"},
    )
    assert reply.status_code == 401
    assert reply.json == {"error": "You are signed out. Sign in again to keep saving."}
    assert answers_of(app, attempt.id)[0].text == ""


# --- the deadline and submitting -------------------------------------------------------------


def test_submitting_with_unanswered_questions_asks_first(app, client, user, bank):
    start(client)
    attempt = only_attempt(app)
    autosave(client, attempt.id, 1, "only the first", 0)
    token = csrf_token(client, f"/attempts/{attempt.id}/questions/2")
    response = client.post(
        f"/attempts/{attempt.id}/questions/2", data={"text": "", "revision": 0, "action": "submit", "csrf_token": token}
    )
    assert response.headers["Location"] == f"/attempts/{attempt.id}/submit?back=2"
    confirm = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<strong>1</strong> of 2 answered" in confirm and "<strong>1</strong> empty" in confirm
    assert f'href="/attempts/{attempt.id}/questions/2" role="button"' in confirm  # back where the user was
    assert only_attempt(app).state == AttemptState.IN_PROGRESS
    token = csrf_token(client, f"/attempts/{attempt.id}/submit")
    done = client.post(f"/attempts/{attempt.id}/submit", data={"csrf_token": token})
    assert done.headers["Location"] == f"/attempts/{attempt.id}"
    review = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert "only the first" in review and "SECRET-REFERENCE" in review and "Not answered." in review
    closed = only_attempt(app)
    assert closed.state == AttemptState.SUBMITTED and closed.closed_at is not None


def test_submitting_with_every_question_answered_still_shows_the_summary_first(app, client, user, bank):
    start(client, count=2)
    attempt = only_attempt(app)
    autosave(client, attempt.id, 1, "First.", 0)
    token = csrf_token(client, f"/attempts/{attempt.id}/questions/2")
    response = client.post(
        f"/attempts/{attempt.id}/questions/2",
        data={"text": "All done.", "revision": 0, "flagged": "y", "action": "submit", "csrf_token": token},
    )
    assert response.headers["Location"] == f"/attempts/{attempt.id}/submit?back=2"
    assert only_attempt(app).state == AttemptState.IN_PROGRESS
    assert answers_of(app, attempt.id)[1].text == "All done."  # saved on the way
    summary = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<strong>2</strong> of 2 answered" in summary and "<strong>1</strong> flagged" in summary
    assert "Submit all and finish" in summary and "Return to the interview" in summary


def test_the_summary_sends_a_bad_way_back_to_the_first_empty_question(app, client, user, bank):
    start(client, count=2)
    attempt = only_attempt(app)
    autosave(client, attempt.id, 1, "First.", 0)
    summary = client.get(f"/attempts/{attempt.id}/submit?back=99").get_data(as_text=True)
    assert f'href="/attempts/{attempt.id}/questions/2" role="button"' in summary


def test_a_status_check_tells_the_stored_text_of_the_question_asked_for(app, client, user, bank):
    start(client, count=2)
    attempt = only_attempt(app)
    autosave(client, attempt.id, 2, "From another tab.", 0)
    reply = client.get(f"/attempts/{attempt.id}/status?question=2", headers={"Accept": "application/json"}).get_json()
    assert reply["answer"] == {"revision": 1, "text": "From another tab.", "flagged": False}
    assert reply["state"] == "in_progress"
    plain = client.get(f"/attempts/{attempt.id}/status?question=7", headers={"Accept": "application/json"}).get_json()
    assert "answer" not in plain


def test_concurrent_submits_close_the_attempt_exactly_once(app, user, bank):
    with app.app_context():
        attempt_id = interviews.start_attempt(user.id, None, 2, 5, datetime.now(UTC), 60).id
    barrier = threading.Barrier(4)
    results: list[bool] = []

    def submit():
        with app.app_context():
            attempt = db.session.get(Attempt, attempt_id)
            barrier.wait()
            results.append(interviews.submit_attempt(attempt, datetime.now(UTC), 60))
            db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, False, False, True]
    assert only_attempt(app).state == AttemptState.SUBMITTED


def test_if_scoring_fails_the_attempt_stays_open_and_closing_again_scores_it(app, client, user, bank, monkeypatch):
    """Closing and scoring are one transaction: an attempt is never closed without its scores."""
    from app.services import scores

    start(client, count=1)
    attempt = only_attempt(app)
    autosave(client, attempt.id, 1, "Cosine similarity of normalised vectors", 0)
    token = csrf_token(client, f"/attempts/{attempt.id}/submit")

    def broken_scorer(*_args, **_kwargs):
        raise RuntimeError("the scorer failed")

    monkeypatch.setattr(scores, "score_answer", broken_scorer)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as in production: the error page
    failed = client.post(f"/attempts/{attempt.id}/submit", data={"csrf_token": token})
    assert failed.status_code == 500
    assert "Nothing was changed." in failed.get_data(as_text=True)
    still_open = only_attempt(app)
    assert (still_open.state, still_open.closed_at, still_open.score) == (AttemptState.IN_PROGRESS, None, None)
    assert still_open.answers[0].score is None

    monkeypatch.undo()
    done = client.post(f"/attempts/{attempt.id}/submit", data={"csrf_token": token})
    assert done.headers["Location"] == f"/attempts/{attempt.id}"
    closed = only_attempt(app)
    assert closed.state == AttemptState.SUBMITTED and closed.scorer_version
    assert closed.score == closed.answers[0].score > 0


def test_an_overdue_attempt_is_closed_when_next_touched(app, client, user, bank, clock):
    start(client)
    attempt = only_attempt(app)
    autosave(client, attempt.id, 1, "saved before the bell", 0)
    clock.shift(7 * 60)
    response = client.get(f"/attempts/{attempt.id}/questions/1")
    assert response.headers["Location"] == f"/attempts/{attempt.id}"
    review = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Time is up. Your interview was submitted with the answers you saved." in review
    assert "saved before the bell" in review
    assert only_attempt(app).state == AttemptState.TIMED_OUT


def test_close_overdue_command_closes_only_attempts_past_grace(app, runner, user, bank, clock):
    with app.app_context():
        interviews.start_attempt(user.id, None, 1, 5, datetime.now(UTC), 60)
    clock.shift(5 * 60 + 60)  # the last moment of the grace window
    in_grace = runner.invoke(args=["attempts", "close-overdue"])
    assert in_grace.exit_code == 0, in_grace.output
    assert "Closed 0 overdue attempts." in in_grace.output
    assert only_attempt(app).state == AttemptState.IN_PROGRESS
    clock.shift(1)
    result = runner.invoke(args=["attempts", "close-overdue"])
    assert "Closed 1 overdue attempt." in result.output
    closed = only_attempt(app)
    assert (closed.state, closed.closed_at) == (AttemptState.TIMED_OUT, datetime.now(UTC))
    assert closed.scorer_version
    again = runner.invoke(args=["attempts", "close-overdue"])
    assert "Closed 0 overdue attempts." in again.output


def test_the_status_reply_follows_the_servers_clock_and_closes_after_grace(app, client, user, bank, clock):
    start(client)
    attempt = only_attempt(app)
    clock.shift(100)
    assert client.get(f"/attempts/{attempt.id}/status").json == {
        "state": "in_progress",
        "remaining_seconds": 200,
        "review_url": f"/attempts/{attempt.id}",
    }
    clock.shift(200 + 60)  # the deadline and the whole grace window: saves may still be on their way
    assert client.get(f"/attempts/{attempt.id}/status").json["state"] == "in_progress"
    clock.shift(1)
    reply = client.get(f"/attempts/{attempt.id}/status").json
    assert (reply["state"], reply["remaining_seconds"]) == ("timed_out", 0)
    assert state_of(app, attempt.id) == AttemptState.TIMED_OUT


def test_another_users_attempt_is_404_everywhere(app, client, user, bank):
    start(client)
    attempt = only_attempt(app)
    other = app.test_client()
    AuthActions(other).register(email="eve@example.com")
    token = csrf_token(other, "/")
    for method, url, kwargs in [
        ("get", f"/attempts/{attempt.id}/questions/1", {}),
        ("get", f"/attempts/{attempt.id}/resume", {}),
        ("get", f"/attempts/{attempt.id}/status", {}),
        ("get", f"/attempts/{attempt.id}/submit", {}),
        ("get", f"/attempts/{attempt.id}", {}),
        (
            "post",
            f"/attempts/{attempt.id}/answers/1",
            {"json": {"text": "eve", "revision": 0}, "headers": {"X-CSRFToken": token}},
        ),
        ("post", f"/attempts/{attempt.id}/submit", {"data": {"csrf_token": token}}),
        ("post", f"/attempts/{attempt.id}/questions/1", {"data": {"csrf_token": token, "text": "eve", "revision": 0}}),
    ]:
        assert getattr(other, method)(url, **kwargs).status_code == 404, url
    assert only_attempt(app).state == AttemptState.IN_PROGRESS
    assert answers_of(app, attempt.id)[0].text == ""


def test_a_question_number_out_of_range_is_404(app, client, user, bank):
    start(client, count=2)
    attempt = only_attempt(app)
    assert client.get(f"/attempts/{attempt.id}/questions/3").status_code == 404
    assert client.get(f"/attempts/{attempt.id}/questions/0").status_code == 404


def test_the_csrf_token_outlives_a_two_hour_interview(app, client, user, bank, clock):
    start(client, count=1, minutes=120)
    attempt = only_attempt(app)
    token = csrf_token(client, f"/attempts/{attempt.id}/questions/1")
    clock.shift(119 * 60)
    reply = client.post(
        f"/attempts/{attempt.id}/answers/1",
        json={"text": "still saving", "revision": 0},
        headers={"X-CSRFToken": token},
    )
    assert reply.status_code == 200
    assert answers_of(app, attempt.id)[0].text == "still saving"


# --- the remaining paths of taking an interview ---------------------------------------------------


def test_resume_opens_the_first_question_without_an_answer(app, client, user, bank):
    start(client, count=2)
    attempt = only_attempt(app)
    assert client.get(f"/attempts/{attempt.id}/resume").headers["Location"] == f"/attempts/{attempt.id}/questions/1"
    autosave(client, attempt.id, 1, "first", 0)
    assert client.get(f"/attempts/{attempt.id}/resume").headers["Location"] == f"/attempts/{attempt.id}/questions/2"
    autosave(client, attempt.id, 2, "second", 0)
    assert client.get(f"/attempts/{attempt.id}/resume").headers["Location"] == f"/attempts/{attempt.id}/questions/1"


def test_the_plain_form_goes_to_the_question_a_button_names(app, client, user, bank):
    start(client, count=2)
    attempt = only_attempt(app)
    token = csrf_token(client, f"/attempts/{attempt.id}/questions/1")

    def post(action: str, revision: int):
        return client.post(
            f"/attempts/{attempt.id}/questions/1",
            data={"text": f"via {action}", "revision": revision, "action": action, "csrf_token": token},
        )

    assert post("goto-2", 0).headers["Location"] == f"/attempts/{attempt.id}/questions/2"
    stay = post("goto-9", 1)  # no such question: stay, saved
    assert stay.headers["Location"] == f"/attempts/{attempt.id}/questions/1"
    assert "Saved." in client.get(stay.headers["Location"]).get_data(as_text=True)
    assert answers_of(app, attempt.id)[0].text == "via goto-9"


def test_a_damaged_form_is_refused_and_changes_nothing(app, client, user, bank):
    start(client)
    attempt = only_attempt(app)
    token = csrf_token(client, f"/attempts/{attempt.id}/questions/1")
    response = client.post(
        f"/attempts/{attempt.id}/questions/1",
        data={"text": "typed", "revision": "not a number", "action": "next", "csrf_token": token},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This page&#39;s form was damaged" in page
    assert "typed</textarea>" in page  # the text comes back to be saved again
    assert answers_of(app, attempt.id)[0].revision == 0


def test_a_form_posted_after_the_grace_window_keeps_its_text_as_late(app, client, user, bank, clock):
    start(client)
    attempt = only_attempt(app)
    token = csrf_token(client, f"/attempts/{attempt.id}/questions/1")
    clock.shift(5 * 60 + 61)
    response = client.post(
        f"/attempts/{attempt.id}/questions/1",
        data={"text": "sent long after the bell", "revision": 0, "action": "next", "csrf_token": token},
    )
    assert response.headers["Location"] == f"/attempts/{attempt.id}"
    review = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Time was up, so this text was kept as late" in review
    assert "sent long after the bell" in review
    answer = answers_of(app, attempt.id)[0]
    assert (answer.text, answer.late_text) == ("", "sent long after the bell")


def test_resending_the_saved_text_after_the_end_adds_no_late_text(app, client, user, bank, clock):
    start(client)
    attempt = only_attempt(app)
    autosave(client, attempt.id, 1, "final words", 0)
    clock.shift(5 * 60 + 61)
    reply = autosave(client, attempt.id, 1, "final words", 1)
    assert (reply.json["status"], reply.json["kept_late"]) == ("late", False)
    assert answers_of(app, attempt.id)[0].late_text is None


def test_the_submit_page_after_the_deadline_sends_to_the_review(app, client, user, bank, clock):
    start(client)
    attempt = only_attempt(app)
    clock.shift(5 * 60)
    assert client.get(f"/attempts/{attempt.id}/submit").headers["Location"] == f"/attempts/{attempt.id}"
    assert only_attempt(app).state == AttemptState.TIMED_OUT


def test_resuming_a_closed_attempt_shows_its_review(app, client, user, bank):
    start(client, count=1)
    attempt = only_attempt(app)
    token = csrf_token(client, f"/attempts/{attempt.id}/submit")
    client.post(f"/attempts/{attempt.id}/submit", data={"csrf_token": token})
    assert client.get(f"/attempts/{attempt.id}/resume").headers["Location"] == f"/attempts/{attempt.id}"


def test_submitting_twice_closes_once_and_says_so_once(app, client, user, bank):
    start(client, count=1)
    attempt = only_attempt(app)
    token = csrf_token(client, f"/attempts/{attempt.id}/submit")
    first = client.post(f"/attempts/{attempt.id}/submit", data={"csrf_token": token}, follow_redirects=True)
    assert "Interview submitted." in first.get_data(as_text=True)
    closed_at = only_attempt(app).closed_at
    second = client.post(f"/attempts/{attempt.id}/submit", data={"csrf_token": token}, follow_redirects=True)
    assert "Interview submitted." not in second.get_data(as_text=True)
    assert only_attempt(app).closed_at == closed_at


def test_an_attempt_left_past_its_grace_window_is_closed_by_the_home_page(app, client, user, bank, clock):
    start(client)
    clock.shift(5 * 60 + 61)
    home = client.get("/").get_data(as_text=True)
    assert "You have an interview in progress" not in home
    assert only_attempt(app).state == AttemptState.TIMED_OUT
    assert client.get("/attempts/new").status_code == 200  # free to start another


def test_a_save_racing_a_submit_from_another_tab_is_kept_as_late_text(app, user, bank):
    now = datetime.now(UTC)
    with app.app_context():
        attempt = interviews.start_attempt(user.id, None, 1, 5, now, 60)
        stale = attempt.answers[0]
        assert attempt.is_open  # this request read the attempt open...
        with app.app_context():  # ...then another tab submitted it
            other = db.session.get(Attempt, attempt.id)
            assert interviews.submit_attempt(other, now, 60)
        result = interviews.save_answer(stale, "typed as the other tab submitted", 0, now, 60)
        assert (result.status, result.kept_late) == ("late", True)
        attempt_id = attempt.id
    answer = answers_of(app, attempt_id)[0]
    assert (answer.text, answer.late_text) == ("", "typed as the other tab submitted")


def test_resending_unchanged_text_while_another_tab_submits_is_late_and_adds_nothing(app, user, bank):
    now = datetime.now(UTC)
    with app.app_context():
        attempt = interviews.start_attempt(user.id, None, 1, 5, now, 60)
        interviews.save_answer(attempt.answers[0], "kept words", 0, now, 60)
        stale = attempt.answers[0]
        assert attempt.is_open and stale.text == "kept words"
        with app.app_context():
            assert interviews.submit_attempt(db.session.get(Attempt, attempt.id), now, 60)
        result = interviews.save_answer(stale, "kept words", 1, now, 60, seconds=5)
        assert (result.status, result.text, result.kept_late) == ("late", "kept words", False)
        attempt_id = attempt.id
    answer = answers_of(app, attempt_id)[0]
    assert (answer.text, answer.late_text) == ("kept words", None)


def test_two_starts_racing_leave_one_open_attempt(app, user, bank, monkeypatch):
    """The database's rule holds when both requests passed the check before either inserted."""
    now = datetime.now(UTC)
    with app.app_context():
        first = interviews.start_attempt(user.id, None, 1, 5, now, 60)
        monkeypatch.setattr(interviews, "_refuse_if_in_progress", lambda *_args: None)
        with pytest.raises(interviews.AttemptInProgress) as refused:
            interviews.start_attempt(user.id, None, 1, 5, now, 60)
        assert refused.value.attempt_id == first.id
        assert db.session.scalar(sa.select(sa.func.count(Attempt.id))) == 1


def test_practice_refuses_a_bad_list_unknown_questions_and_an_interview_in_progress(app, client, user):
    token = csrf_token(client, "/progress")
    bad = client.post("/attempts/practice", data={"questions": "", "csrf_token": token})
    assert bad.headers["Location"] == "/attempts/practice"
    assert "Choose the questions to practise." in client.get("/attempts/practice").get_data(as_text=True)
    assert "nothing to practise yet" in client.get("/attempts/practice").get_data(as_text=True)  # empty bank
    gone = client.post("/attempts/practice", data={"questions": "12345", "csrf_token": token})
    assert gone.headers["Location"] == "/attempts/practice"
    assert "no longer in the bank" in client.get("/attempts/practice").get_data(as_text=True)
    add_bank(app)
    start(client, count=1)
    attempt = only_attempt(app)
    with app.app_context():
        question_id = db.session.scalar(sa.select(Question.id))
    busy = client.post("/attempts/practice", data={"questions": str(question_id), "csrf_token": token})
    assert busy.headers["Location"] == f"/attempts/{attempt.id}/resume"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Attempt.id))) == 1
