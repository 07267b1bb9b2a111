"""Sending email (Flask-Mail), when MAIL_SERVER is configured.

The work behind "email me a link" (looking the account up, making a token, talking to the mail
server) runs in a background thread: the reply then takes as long whether or not the address
has an account, so neither its content nor its timing tells, and a slow mail server never holds
a page.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from flask import Flask, current_app
from flask_mail import Message

from .extensions import db, mail

log = logging.getLogger(__name__)


def enabled() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def send(to: str, subject: str, body: str) -> None:
    """Send a plain-text email now (call it from background work)."""
    mail.send(Message(subject=subject, recipients=[to], body=body))


def in_background(work: Callable[..., None], *args: object) -> threading.Thread:
    """Run `work(*args)` in a thread with the app, and with links (url_for) built on PUBLIC_URL
    rather than on what the request's Host header claims."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    thread = threading.Thread(target=_run, args=(app, work, args), daemon=True)
    thread.start()
    return thread


def _run(app: Flask, work: Callable[..., None], args: tuple[object, ...]) -> None:
    with app.test_request_context(base_url=app.config["PUBLIC_URL"]):
        try:
            work(*args)
        except Exception:  # a failing mail server or database: logged, never shown to anyone
            log.exception("Background work %s failed", work.__name__)
        finally:
            db.session.remove()
