"""The plain autosave in one statement (app/services/quick_save.py): what it writes, and every case
it must leave to the full path, on both databases."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock as app_clock
from app.config import AUTOSAVE_BIND
from app.extensions import db
from app.models import Answer, Attempt, AttemptState, LoginSession
from app.services import interviews
from tests.helpers import AuthActions, add_bank, csrf_token, watching
from tests.integration.test_interviews import answers_of, only_attempt, start


@pytest.fixture
def bank(app):
    add_bank(app, categories=1, per_category=3)


def save(client, token, attempt_id, text, revision, number=1, **extra):
    return client.post(
        f"/attempts/{attempt_id}/answers/{number}",
        json={"text": text, "revision": revision, **extra},
        headers={"X-CSRFToken": token},
    )


def statements_during(app, action):
    """The SQL statements the database received while `action` ran, and its result."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_):
        seen.append(statement)

    with watching(app, "before_cursor_execute", note):
        result = action()
    return seen, result


def test_a_plain_save_is_one_statement_and_stores_text_flag_and_time(app, client, user, bank, clock):
    start(client, minutes=10)
    attempt = only_attempt(app)
    token = csrf_token(client, "/bank/")
    clock.shift(30)
    seen, reply = statements_during(
        app, lambda: save(client, token, attempt.id, "Normalise, then dot product", 0, seconds=20, flagged=True)
    )
    assert reply.status_code == 200
    assert reply.json == {
        "status": "saved",
        "revision": 1,
        "saved_at": app_clock.now().isoformat(),
        "answered": True,
        "flagged": True,
        "remaining_seconds": 570.0,
    }
    assert len(seen) == 1 and seen[0].lstrip().upper().startswith("UPDATE ANSWER")
    stored = answers_of(app, attempt.id)[0]
    assert (stored.text, stored.revision, stored.flagged, stored.seconds_spent) == (
        "Normalise, then dot product",
        1,
        True,
        20,
    )
    assert stored.saved_at == app_clock.now()
    # Without a flag in the request the stored one stays; time adds up.
    save(client, token, attempt.id, "Normalise, then take the dot product", 1, seconds=5)
    stored = answers_of(app, attempt.id)[0]
    assert (stored.revision, stored.flagged, stored.seconds_spent) == (2, True, 25)


def test_more_seconds_than_have_passed_are_cut_to_the_time_since_the_start(app, client, user, bank, clock):
    start(client, minutes=10)
    attempt = only_attempt(app)
    token = csrf_token(client, "/bank/")
    clock.shift(7)
    assert save(client, token, attempt.id, "Quick", 0, seconds=200).json["status"] == "saved"
    assert answers_of(app, attempt.id)[0].seconds_spent == 7


def end_sign_ins(app):
    with app.app_context():
        db.session.execute(sa.update(LoginSession).values(ended_at=app_clock.now()))
        db.session.commit()


def test_a_sign_in_ended_elsewhere_cannot_save(app, client, user, bank):
    start(client)
    attempt = only_attempt(app)
    token = csrf_token(client, "/bank/")
    end_sign_ins(app)  # "sign out everywhere" or a password change in another browser
    reply = save(client, token, attempt.id, "written after signing out", 0)
    assert reply.status_code == 401
    assert reply.json == {"error": "You are signed out. Sign in again to keep saving."}
    assert answers_of(app, attempt.id)[0].text == ""


def test_a_save_that_meets_a_dead_connection_is_saved_by_the_full_path(app, client, user, bank):
    """Autosave's pool does not ping before each use: a connection that died unnoticed (a database
    restart) sends that save to the full path, and the next plain save gets a new connection."""
    start(client, minutes=60)
    attempt = only_attempt(app)
    token = csrf_token(client, "/bank/")
    with app.app_context():
        autosave_pool = db.engines[AUTOSAVE_BIND]
    killed: list[str] = []

    def kill_once(conn, _cursor, statement, *_):
        if not killed:
            killed.append(statement)
            conn.connection.driver_connection.close()

    sa.event.listen(autosave_pool, "before_cursor_execute", kill_once)
    try:
        reply = save(client, token, attempt.id, "typed while the database restarted", 0)
    finally:
        sa.event.remove(autosave_pool, "before_cursor_execute", kill_once)
    assert killed, "the save did not try the autosave pool"
    assert (reply.status_code, reply.json["status"], reply.json["revision"]) == (200, "saved", 1)
    seen, again = statements_during(app, lambda: save(client, token, attempt.id, "and after it", 1))
    assert (again.json["status"], len(seen)) == ("saved", 1)
    assert answers_of(app, attempt.id)[0].text == "and after it"


def test_a_sign_in_past_its_idle_lifetime_cannot_save(app, client, user, bank, clock):
    app.config["SESSION_IDLE_SECONDS"] = 600
    start(client, minutes=60)
    attempt = only_attempt(app)
    token = csrf_token(client, "/bank/")
    clock.shift(601)
    assert save(client, token, attempt.id, "too late for this sign-in", 0).status_code == 401
    assert answers_of(app, attempt.id)[0].text == ""


def test_a_sign_in_past_its_absolute_lifetime_cannot_save(app, client, user, bank, clock):
    app.config["SESSION_ABSOLUTE_SECONDS"] = 900
    start(client, minutes=60)
    attempt = only_attempt(app)
    token = csrf_token(client, "/bank/")
    for _ in range(3):  # kept busy, so the idle lifetime never runs out
        clock.shift(290)
        assert save(client, token, attempt.id, f"typing at {app_clock.now()}", _).status_code == 200
    clock.shift(100)  # 970 s after signing in
    assert save(client, token, attempt.id, "past the absolute lifetime", 3).status_code == 401
    assert answers_of(app, attempt.id)[0].revision == 3


def test_a_save_notes_the_use_of_a_sign_in_not_seen_for_minutes(app, client, user, bank, clock):
    start(client, minutes=60)
    attempt = only_attempt(app)
    token = csrf_token(client, "/bank/")
    clock.shift(400)
    assert save(client, token, attempt.id, "still here", 0).json["status"] == "saved"
    with app.app_context():
        assert db.session.scalar(sa.select(LoginSession.last_seen_at)) == app_clock.now()


def test_another_users_attempt_is_404_and_unknown_questions_too(app, client, user, bank):
    start(client, count=2)
    attempt = only_attempt(app)
    other = app.test_client()
    AuthActions(other).register(email="eve@example.com")
    token = csrf_token(other, "/")
    assert save(other, token, attempt.id, "eve was here", 0).status_code == 404
    own = csrf_token(client, "/bank/")
    assert save(client, own, attempt.id, "no such question", 0, number=3).status_code == 404
    assert save(client, own, attempt.id + 1, "no such attempt", 0).status_code == 404
    assert [a.text for a in answers_of(app, attempt.id)] == ["", ""]


def test_a_bad_body_from_a_stranger_is_404_not_a_message_about_the_body(app, client, user, bank):
    start(client)
    attempt = only_attempt(app)
    other = app.test_client()
    AuthActions(other).register(email="eve@example.com")
    token = csrf_token(other, "/")
    reply = other.post(f"/attempts/{attempt.id}/answers/1", json={"text": 5}, headers={"X-CSRFToken": token})
    assert reply.status_code == 404


def test_closing_waits_for_a_save_in_flight_and_scores_what_it_wrote(app, client, user, bank, clock):
    """The full path's save has written but not committed when a submit arrives: the submit waits,
    then closes and scores the saved text (PostgreSQL: the save holds the attempt's row; SQLite:
    one writer at a time). The plain save has no such moment: its one statement commits itself."""
    start(client, count=1, minutes=60)
    attempt = only_attempt(app)
    reference = attempt.answers[0].reference_answer
    token = csrf_token(client, "/bank/")
    clock.shift(400)  # a sign-in not seen for minutes: the save takes the full path, which notes it
    with app.app_context():
        engine = db.engine
    written, release = threading.Event(), threading.Event()
    saver: dict[str, object] = {}

    def hold_after_the_update(_conn, _cursor, statement, *_):
        if threading.current_thread().name == "saver" and statement.lstrip().upper().startswith("UPDATE ANSWER"):
            written.set()
            release.wait(10)

    def run_save():
        saver["reply"] = save(client, token, attempt.id, reference, 0)

    def run_submit():
        with app.app_context():
            closing = db.session.get(Attempt, attempt.id)
            saver["closed"] = interviews.submit_attempt(closing, app_clock.now(), 60)

    sa.event.listen(engine, "after_cursor_execute", hold_after_the_update)
    try:
        saving = threading.Thread(target=run_save, name="saver")
        saving.start()
        assert written.wait(10)
        submitting = threading.Thread(target=run_submit, name="submitter")
        submitting.start()
        time.sleep(0.5)
        assert submitting.is_alive(), "the submit did not wait for the save in flight"
        release.set()
        saving.join(10)
        submitting.join(10)
    finally:
        release.set()
        sa.event.remove(engine, "after_cursor_execute", hold_after_the_update)
    assert saver["reply"].json["status"] == "saved"
    assert saver["closed"] is True
    with app.app_context():
        answer = db.session.scalar(sa.select(Answer).where(Answer.attempt_id == attempt.id))
        assert answer.text == reference
        assert answer.score is not None and answer.score > 0.5  # the saved text was scored
        assert db.session.get(Attempt, attempt.id).state == AttemptState.SUBMITTED


def test_a_save_at_the_end_of_the_grace_window_counts_and_one_past_it_is_late(app, client, user, bank, clock):
    start(client, minutes=1)
    attempt = only_attempt(app)
    token = csrf_token(client, "/bank/")
    clock.shift(60 + app.config["GRACE_SECONDS"])
    assert save(client, token, attempt.id, "in the last second of grace", 0).json["status"] == "saved"
    clock.shift(timedelta(microseconds=1))
    reply = save(client, token, attempt.id, "in the last second of grace, and more", 1)
    assert reply.json["status"] == "late"
    stored = answers_of(app, attempt.id)[0]
    assert (stored.text, stored.late_text) == ("in the last second of grace", "in the last second of grace, and more")
