"""When a part fails: a database that is read-only or down answers 503 "not saved, try again" and
loses nothing (the form comes back with the text); /healthz and the error page work without it;
late saves each keep their text; configuration errors are one line saying what to do."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.models import Answer, Attempt
from tests.helpers import add_bank, csrf_token


@pytest.fixture
def attempt_id(app, client, user) -> int:
    add_bank(app, categories=1, per_category=3)
    token = csrf_token(client, "/attempts/new")
    client.post("/attempts/new", data={"question_count": 2, "minutes": 5, "csrf_token": token})
    with app.app_context():
        return db.session.scalar(sa.select(Attempt.id))


def texts(app, attempt_id):
    with app.app_context():
        return db.session.execute(
            sa.select(Answer.text, Answer.revision, Answer.late_text)
            .where(Answer.attempt_id == attempt_id)
            .order_by(Answer.position)
        ).all()


@contextmanager
def read_only(app):
    """Every new connection of the app's engines refuses to write, as a standby or a full disk would."""
    with app.app_context():
        engines = list(db.engines.values())
    sqlite = engines[0].dialect.name == "sqlite"

    def refuse_writes(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        if sqlite:
            cursor.execute("PRAGMA query_only = ON")
        else:
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        cursor.close()
        if not sqlite and not dbapi_connection.autocommit:
            dbapi_connection.commit()

    for engine in engines:
        sa.event.listen(engine, "connect", refuse_writes)
        engine.dispose()
    try:
        yield
    finally:
        for engine in engines:
            sa.event.remove(engine, "connect", refuse_writes)
            engine.dispose()


def autosave(client, attempt_id, text, revision, number=1):
    token = csrf_token(client, "/")
    return client.post(
        f"/attempts/{attempt_id}/answers/{number}",
        json={"text": text, "revision": revision},
        headers={"X-CSRFToken": token},
    )


def test_a_read_only_database_answers_503_not_saved_and_loses_nothing(app, client, attempt_id):
    token = csrf_token(client, f"/attempts/{attempt_id}/questions/1")
    with read_only(app):
        reply = autosave(client, attempt_id, "typed while the database was read-only", 0)
        assert reply.status_code == 503
        assert reply.get_json()["error"] == "Not saved, try again: the database is not answering just now."
        assert reply.headers["Retry-After"] == "5"

        form = {"text": "my answer\r\nin two lines", "revision": "0", "action": "next", "csrf_token": token}
        page = client.post(f"/attempts/{attempt_id}/questions/1", data=form)
        html = page.get_data(as_text=True)
        assert page.status_code == 503
        assert "Not saved, try again" in html
        assert "Your text is below, so nothing is lost" in html
        assert ">my answer\nin two lines</textarea>" in html
        # Reading still works: the question page, and the health check.
        assert client.get(f"/attempts/{attempt_id}/questions/1").status_code == 200
        assert client.get("/healthz").status_code == 200
    assert texts(app, attempt_id)[0] == ("", 0, None)

    # The page's "Try again" sends the same fields back, and now they are saved.
    resend = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
    resend["text"] = "my answer\nin two lines"
    again = client.post(f"/attempts/{attempt_id}/questions/1", data=resend)
    assert again.status_code == 302
    assert texts(app, attempt_id)[0][:2] == ("my answer\nin two lines", 1)


@pytest.fixture
def down(app, client, user):
    """The same app (same key, so the user's cookie is valid) with its database unreachable."""
    url = "sqlite:////nonexistent-directory/rehearse.db"
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        url = "postgresql+psycopg://postgres@127.0.0.1:1/nothing?connect_timeout=2"
    broken = create_app("test", {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": app.config["SECRET_KEY"]})
    other = broken.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return broken, other


def test_a_database_that_is_down_answers_503_and_the_error_page_and_health_check_work(down):
    _broken, client = down
    page = client.get("/attempts/")
    assert page.status_code == 503
    assert "The database is not answering just now" in page.get_data(as_text=True)

    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json() == {"status": "unavailable", "database": "unreachable", "throttle": "in-process"}

    reply = client.post(
        "/attempts/1/answers/1",
        json={"text": "typed while the database was down", "revision": 0},
        headers={"Accept": "application/json"},
    )
    assert reply.status_code in (400, 503)  # no CSRF token could be had without a page
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.get_data(as_text=True)).group(1)
    reply = client.post(
        "/attempts/1/answers/1",
        json={"text": "typed while the database was down", "revision": 0},
        headers={"X-CSRFToken": token},
    )
    assert reply.status_code == 503
    assert reply.get_json()["error"].startswith("Not saved, try again")

    posted = client.post(
        "/attempts/1/questions/1",
        data={"text": "an answer the server could not store", "revision": "0", "action": "next", "csrf_token": token},
    )
    assert posted.status_code == 503
    assert ">an answer the server could not store</textarea>" in posted.get_data(as_text=True)


def test_the_sign_in_page_works_while_the_database_is_down(down):
    broken, _ = down
    assert broken.test_client().get("/auth/login").status_code == 200


# --- late saves ------------------------------------------------------------------------------


def close_by_the_clock(app, attempt_id):
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        attempt.started_at -= timedelta(hours=1)
        attempt.deadline = datetime.now(UTC) - timedelta(minutes=10)
        db.session.commit()


def test_several_late_saves_each_keep_their_text(app, client, attempt_id):
    assert autosave(client, attempt_id, "in time", 0).status_code == 200
    close_by_the_clock(app, attempt_id)
    first = autosave(client, attempt_id, "late from one tab", 1).get_json()
    second = autosave(client, attempt_id, "late from another tab", 1).get_json()
    assert (first["status"], first["kept_late"], first["held"]) == ("late", True, True)
    assert (second["status"], second["kept_late"], second["held"]) == ("late", True, True)
    late = texts(app, attempt_id)[0].late_text
    assert "late from one tab" in late and "late from another tab" in late
    # Typing on in the same box replaces the late text it extends; a repeat changes nothing.
    third = autosave(client, attempt_id, late + " and more", 1).get_json()
    assert third["kept_late"] is True
    assert texts(app, attempt_id)[0].late_text == late + " and more"
    repeat = autosave(client, attempt_id, "late from one tab", 1).get_json()
    assert (repeat["kept_late"], repeat["held"]) == (False, True)
    assert texts(app, attempt_id)[0][:2] == ("in time", 1)  # the scored answer is untouched


def test_late_text_too_long_to_keep_is_answered_honestly(app, client, attempt_id, monkeypatch):
    from app.services import interviews

    monkeypatch.setattr(interviews, "LATE_TEXT_MAX_CHARS", 30)
    close_by_the_clock(app, attempt_id)
    assert autosave(client, attempt_id, "a first late text", 0).get_json()["held"] is True
    reply = autosave(client, attempt_id, "a different second late text", 0).get_json()
    assert (reply["status"], reply["kept_late"], reply["held"]) == ("late", False, False)


# --- configuration errors --------------------------------------------------------------------


def rehearse(env: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("REHEARSE_", "SECRET_KEY", "DATABASE_URL"))}
    clean.update({"REHEARSE_INSTANCE_PATH": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "-c", "from app.cli import main; main()", "attempts", "close-overdue"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"REHEARSE_ENV": "production"}, "SECRET_KEY is not set. Production needs its own key"),
        ({"REHEARSE_ENV": "production", "SECRET_KEY": "a" * 32}, "SECRET_KEY is too weak"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY is too weak"),
        ({"REHEARSE_ENV": "staging"}, "REHEARSE_ENV must be one of development, production, test, not 'staging'"),
        ({"REHEARSE_GRACE_SECONDS": "ninety"}, "REHEARSE_GRACE_SECONDS must be a whole number of at least 0"),
        ({"WEB_CONCURRENCY": "-3"}, "WEB_CONCURRENCY must be a whole number of at least 1"),
        ({"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/nothing"}, "Cannot use the database at postgresql"),
        ({"DATABASE_URL": "sqlite:////nonexistent-directory/x.db"}, "Cannot use the database at sqlite"),
    ],
    ids=["no key", "32 identical", "short key", "environment", "grace", "workers", "postgres down", "sqlite path"],
)
def test_configuration_errors_are_one_line_saying_what_to_do(tmp_path, env, says):
    result = rehearse(env, tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ") and says in lines[0]


def test_a_random_key_starts(tmp_path):
    result = rehearse({"REHEARSE_ENV": "production", "SECRET_KEY": secrets.token_hex(32)}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Closed 0 overdue attempts." in result.stdout
