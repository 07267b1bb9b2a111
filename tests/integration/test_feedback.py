"""Detailed feedback from the operator's language model: off by default, asked for per answer,
stored with the model's name, and every failure of the model answered clearly with nothing stored.
The model is a fake server started here."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from app import create_app
from app.config import ConfigurationError
from app.extensions import db
from app.models import AnswerFeedback
from app.services import interviews
from tests.fake_model import fake_model
from tests.helpers import AuthActions, csrf_token
from tests.integration.test_review import GOOD, finished_attempt

JSON = {"Accept": "application/json"}


@pytest.fixture
def bank(app):
    from tests.helpers import add_bank

    add_bank(app, categories=1, per_category=3)


@pytest.fixture
def model(app):
    with fake_model() as fake:
        app.config.update(LLM_URL=fake.url, LLM_MODEL="tiny-reviewer", LLM_KEY="sk-test", LLM_TIMEOUT_SECONDS=2)
        yield fake


def ask(client, attempt_id, number=1, json_reply=True):
    token = csrf_token(client, "/")
    return client.post(
        f"/attempts/{attempt_id}/answers/{number}/feedback",
        data={"csrf_token": token},
        headers=JSON if json_reply else {},
    )


def stored_feedback(app):
    with app.app_context():
        return [(f.model, f.text) for f in db.session.scalars(sa.select(AnswerFeedback))]


def test_without_a_model_there_is_no_button_and_no_address(app, client, user, bank):
    attempt_id = finished_attempt(app, user.id, [GOOD])
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "Ask for detailed feedback" not in html and "Detailed feedback" not in html
    assert ask(client, attempt_id).status_code == 404


def test_feedback_is_asked_shown_kept_and_exported(app, client, user, bank, model):
    attempt_id = finished_attempt(app, user.id, [GOOD, ""])
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert html.count("Ask for detailed feedback") == 1  # the unanswered question has none
    assert "Sends the question, its reference answer and your answer to tiny-reviewer at 127.0.0.1." in html

    reply = ask(client, attempt_id)
    assert reply.status_code == 200
    assert "<strong>Missing:</strong>" in reply.json["html"] and reply.json["model"] == "tiny-reviewer"
    assert stored_feedback(app) == [("tiny-reviewer", model.reply)]
    # What the model was sent: the question, the reference, the key points and the answer.
    [sent] = model.received
    assert sent["path"] == "/v1/chat/completions" and sent["model"] == "tiny-reviewer"
    assert model.headers[0]["Authorization"] == "Bearer sk-test"
    question = sent["messages"][1]["content"]
    assert GOOD in question and "SECRET-REFERENCE" in question and "- normalised vectors" in question

    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "<strong>Missing:</strong>" in html and "From tiny-reviewer," in html and "Ask again" in html
    text = client.get(f"/attempts/{attempt_id}/export.md").get_data(as_text=True)
    assert "### Detailed feedback (from tiny-reviewer, " in text and "**Missing:**" in text
    [attempt] = json.loads(client.get("/account/export.json").get_data(as_text=True))["attempts"]
    assert attempt["answers"][0]["feedback"]["text"] == model.reply
    assert attempt["answers"][1]["feedback"] is None

    # Asking again replaces the reply.
    model.reply = "Second opinion."
    assert ask(client, attempt_id).status_code == 200
    assert stored_feedback(app) == [("tiny-reviewer", "Second opinion.")]


def test_the_models_reply_is_shown_as_safe_markdown(app, client, user, bank, model):
    attempt_id = finished_attempt(app, user.id, [GOOD])
    model.reply = "<script>alert(1)</script> [x](javascript:alert(2)) \x00done"
    reply = ask(client, attempt_id)
    assert "<script>" not in reply.json["html"] and "&lt;script&gt;" in reply.json["html"]
    assert 'href="javascript' not in reply.json["html"]
    assert stored_feedback(app)[0][1] == "<script>alert(1)</script> [x](javascript:alert(2)) done"
    assert "<script>alert(1)" not in client.get(f"/attempts/{attempt_id}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ({"delay": 3.0}, "did not answer within 2 seconds"),
        ({"status": 500}, "refused the request (HTTP 500)"),
        ({"raw_body": b"<html>not json</html>"}, "could not read"),
        ({"raw_body": b'{"choices": []}'}, "could not read"),
        ({"reply": "   "}, "could not read"),
    ],
)
def test_a_failing_model_gets_a_clear_503_and_nothing_is_stored(app, client, user, bank, model, setup, message):
    attempt_id = finished_attempt(app, user.id, [GOOD])
    for key, value in setup.items():
        setattr(model, key, value)
    reply = ask(client, attempt_id)
    assert reply.status_code == 503 and message in reply.json["error"]
    assert stored_feedback(app) == []
    plain = ask(client, attempt_id, json_reply=False)
    assert plain.headers["Location"] == f"/attempts/{attempt_id}#feedback-1"
    assert message in client.get(plain.headers["Location"]).get_data(as_text=True)


def test_an_unreachable_model_is_said_so(app, client, user, bank):
    app.config.update(LLM_URL="http://127.0.0.1:9/v1", LLM_MODEL="gone")
    attempt_id = finished_attempt(app, user.id, [GOOD])
    reply = ask(client, attempt_id)
    assert reply.status_code == 503 and "could not be reached" in reply.json["error"]


def test_feedback_is_refused_for_an_open_attempt_an_empty_answer_or_another_user(app, client, user, bank, model):
    attempt_id = finished_attempt(app, user.id, ["", GOOD])
    reply = ask(client, attempt_id, 1)
    assert reply.status_code == 409 and "not answered" in reply.json["error"]
    assert ask(client, attempt_id, 3).status_code == 404
    other = app.test_client()
    AuthActions(other).register(email="eve@example.com")
    assert ask(other, attempt_id, 2).status_code == 404
    with app.app_context():
        running = interviews.start_attempt(user.id, None, 1, 10, datetime.now(UTC), 60).id
    assert ask(client, running).status_code == 409
    assert model.received == [] and stored_feedback(app) == []


def test_asking_too_often_is_limited_per_user(app, client, user, bank, model):
    app.config["FEEDBACK_LIMITS"] = "2 per hour"
    attempt_id = finished_attempt(app, user.id, [GOOD])
    assert [ask(client, attempt_id).status_code for _ in range(3)] == [200, 200, 429]
    assert "try again in 60 min" in ask(client, attempt_id).json["error"]
    assert len(model.received) == 2


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"LLM_URL": "ftp://models.example.com"}, r"REHEARSE_LLM_URL must be an http\(s\) address"),
        ({"LLM_URL": "http://127.0.0.1:8080/v1"}, "REHEARSE_LLM_MODEL is not"),
        ({"LLM_URL": "http://127.0.0.1:8080/v1", "LLM_MODEL": "m", "LLM_TIMEOUT_SECONDS": 0}, "at least 1"),
    ],
)
def test_a_bad_model_setting_is_one_clear_line(settings, message):
    with pytest.raises(ConfigurationError, match=message):
        create_app("test", settings)
