"""The emails of an account's life: a link to finish registering, a link to reset the password.
Each runs in the background (app/mailer.py), so the page that asked never tells whether the
address has an account."""

from __future__ import annotations

from flask import url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from .. import clock, mailer
from . import accounts

REGISTRATION_LINK_DAYS = 1


def _registration_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="registration")


def registration_token(secret_key: str, email: str) -> str:
    return _registration_serializer(secret_key).dumps(accounts.normalise_email(email))


def email_of_registration(secret_key: str, token: str) -> str | None:
    """The address a registration link was sent to, or None when the link is not valid or too old."""
    try:
        email = _registration_serializer(secret_key).loads(token, max_age=REGISTRATION_LINK_DAYS * 24 * 3600)
    except BadSignature:
        return None
    return email if isinstance(email, str) else None


def send_registration_link(email: str, secret_key: str) -> None:
    """A link to finish creating the account, or, when the address already has one, a note
    saying so with the ways in."""
    if accounts.find_user(email) is not None:
        mailer.send(
            email,
            "Your Rehearse account",
            "Someone (perhaps you) tried to create a Rehearse account with this address, "
            "but it already has one.\n\n"
            f"Sign in: {url_for('auth.login', _external=True)}\n"
            f"Forgotten your password? Choose a new one: {url_for('auth.forgot', _external=True)}\n\n"
            "If it was not you, you can ignore this email.\n",
        )
        return
    link = url_for("auth.finish_registration", token=registration_token(secret_key, email), _external=True)
    mailer.send(
        email,
        "Finish creating your Rehearse account",
        f"Open this link within {REGISTRATION_LINK_DAYS * 24} hours to choose a password and start "
        f"practising:\n\n{link}\n\nIf you did not ask for an account, ignore this email: nothing "
        "is created without it.\n",
    )


def send_reset_link(email: str) -> None:
    """A single-use, short-lived link to choose a new password, if the address has an account
    (nothing is sent otherwise)."""
    made = accounts.request_password_reset(email, clock.now())
    if made is None:
        return
    user, token = made
    minutes = int(accounts.RESET_LIFETIME.total_seconds() // 60)
    mailer.send(
        user.email,
        "Choose a new Rehearse password",
        "Someone (perhaps you) asked to reset the password of your Rehearse account.\n\n"
        f"Open this link within {minutes} minutes to choose a new one (it works once):\n\n"
        f"{url_for('auth.reset', token=token, _external=True)}\n\n"
        "If it was not you, ignore this email: your password stays as it is.\n",
    )
