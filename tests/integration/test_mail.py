"""Forgotten passwords and registration by email, against a small SMTP server the test starts.
Nothing a page answers, nor how long it takes, tells whether an address has an account."""

from __future__ import annotations

import email
import re
import socket
import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app import create_app
from app.config import ConfigurationError
from app.extensions import db, mail
from app.models import LoginSession, PasswordReset, User
from tests.helpers import AuthActions, csrf_token

PUBLIC_URL = "https://rehearse.example.org"
NEW_PASSWORD = "plum orchard whistles twice"


class Inbox:
    def __init__(self):
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 10) -> list[email.message.Message]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


def body(message) -> str:
    return message.get_payload(decode=True).decode()


def link_in(message) -> str:
    match = re.search(re.escape(PUBLIC_URL) + r"(/\S+)", body(message))
    assert match, body(message)
    return match.group(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def inbox():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


@pytest.fixture
def mail_app(app, inbox):
    """The test app with email on, through the test's SMTP server."""
    _, port = inbox
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_DEFAULT_SENDER="Rehearse <no-reply@rehearse.example.org>",
        MAIL_SUPPRESS_SEND=False,  # Flask-Mail sends nothing in a testing app unless told to
        PUBLIC_URL=PUBLIC_URL,
    )
    mail.init_app(app)
    return app


def make_account(app, address="ada@example.com"):
    from app.services.accounts import create_user

    with app.app_context():
        create_user(address, AuthActions.PASSWORD)


def ask_for_reset(client, address):
    token = csrf_token(client, "/auth/forgot")
    return client.post("/auth/forgot", data={"email": address, "csrf_token": token})


def visible_text(response) -> str:
    """The page without its CSRF tokens, which carry the second they were made in."""
    html = response.get_data(as_text=True)
    html = re.sub(r'<meta name="csrf-token" content="[^"]+">', "", html)
    return re.sub(r'name="csrf_token"[^>]*value="[^"]+"', "", html)


def test_a_reset_link_is_sent_and_the_reply_never_tells_whether_the_account_exists(mail_app, inbox, client, auth):
    handler, _ = inbox
    make_account(mail_app)
    known = ask_for_reset(client, "ada@example.com")
    unknown = ask_for_reset(client, "nobody@example.com")
    assert known.status_code == unknown.status_code == 200
    assert visible_text(known).replace("ada@example.com", "X") == visible_text(unknown).replace(
        "nobody@example.com", "X"
    )
    assert "If <strong>ada@example.com</strong> belongs to an account, we sent it a link" in visible_text(known)
    [message] = handler.wait_for(1)
    time.sleep(0.5)  # had the unknown address been sent anything, it would be here by now
    assert len(handler.messages) == 1
    assert message["X-Envelope-To"] == "ada@example.com"
    assert message["Subject"] == "Choose a new Rehearse password"
    assert "within 30 minutes" in body(message)


def test_the_reset_link_works_once_and_ends_every_sign_in(mail_app, inbox, app, client, auth):
    handler, _ = inbox
    make_account(app)
    assert auth.login().status_code == 302
    elsewhere = AuthActions(app.test_client())
    assert elsewhere.login().status_code == 302
    auth.logout()
    ask_for_reset(client, "ada@example.com")
    [message] = handler.wait_for(1)
    path = link_in(message)
    assert path.startswith("/auth/reset/")

    page = client.get(path)
    assert "Choose a new password" in page.get_data(as_text=True)
    token = csrf_token(client, path)
    weak = client.post(path, data={"password": "password1", "confirm": "password1", "csrf_token": token})
    assert weak.status_code == 200 and "common" in weak.get_data(as_text=True).lower()
    done = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": token})
    assert done.status_code == 302
    assert "Your password was changed" in client.get("/").get_data(as_text=True)  # and signed in here
    assert elsewhere.client.get("/account/").status_code == 302  # the other sign-in ended

    again = client.get(path)
    assert again.status_code == 400
    assert "This link no longer works" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(PasswordReset.used_at)) is not None
        assert db.session.scalar(sa.select(sa.func.count()).where(LoginSession.ended_at.is_(None))) == 1


def test_a_reset_link_expires_after_30_minutes(mail_app, inbox, app, client, auth):
    handler, _ = inbox
    make_account(mail_app)
    ask_for_reset(client, "ada@example.com")
    path = link_in(handler.wait_for(1)[0])
    with app.app_context():
        reset = db.session.scalar(sa.select(PasswordReset))
        assert reset.expires_at - reset.created_at == timedelta(minutes=30)
        reset.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        db.session.commit()
    assert client.get(path).status_code == 400
    assert client.get("/auth/reset/made-up-token").status_code == 400


def test_links_in_emails_point_to_the_public_address_whatever_host_the_request_names(mail_app, inbox, client, auth):
    handler, _ = inbox
    make_account(mail_app)
    host = {"Host": "attacker.example"}
    form = client.get("/auth/forgot", headers=host).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    sent = client.post("/auth/forgot", data={"email": "ada@example.com", "csrf_token": token}, headers=host)
    assert sent.status_code == 200
    [message] = handler.wait_for(1)
    assert "attacker.example" not in body(message)
    assert f"{PUBLIC_URL}/auth/reset/" in body(message)


def test_registration_by_email_answers_the_same_for_a_new_and_a_known_address(mail_app, inbox, app, client, auth):
    handler, _ = inbox
    with app.app_context():
        db.session.add(User(email="ada@example.com", password_hash="x"))
        db.session.commit()

    def register(address):
        token = csrf_token(client, "/auth/register")
        return client.post("/auth/register", data={"email": address, "csrf_token": token})

    known = register("ada@example.com")
    new = register("grace@example.com")
    assert known.status_code == new.status_code == 200
    assert visible_text(known).replace("ada@example.com", "X") == visible_text(new).replace("grace@example.com", "X")
    assert "Check your email" in visible_text(new)
    messages = {m["X-Envelope-To"]: m for m in handler.wait_for(2)}
    assert "already has one" in body(messages["ada@example.com"])
    path = link_in(messages["grace@example.com"])
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1  # nothing created yet

    token = csrf_token(client, path)
    done = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": token})
    assert done.status_code == 302
    assert "Signed in as grace@example.com" in client.get("/").get_data(as_text=True)
    # The link cannot make the account twice.
    auth.logout()
    assert client.get(path).headers["Location"] == "/auth/login"
    assert client.get(path[:-3] + "xyz").status_code == 400


def test_an_email_address_gets_at_most_a_few_messages_an_hour(mail_app, inbox, client):
    handler, _ = inbox
    make_account(mail_app)
    for _ in range(5):
        assert ask_for_reset(client, "ada@example.com").status_code == 200
    handler.wait_for(3)
    time.sleep(0.5)
    assert len(handler.messages) == 3


def test_mail_without_a_public_address_is_refused_at_start_up(monkeypatch, tmp_path):
    monkeypatch.setenv("REHEARSE_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigurationError, match="REHEARSE_PUBLIC_URL"):
        create_app("test", {"MAIL_SERVER": "127.0.0.1"})
