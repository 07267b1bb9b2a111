"""Accounts and sign-ins."""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa

from .. import clock
from ..extensions import db
from ..models import LoginSession, User
from ..passwords import hash_password, needs_rehash, verify_password


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def create_user(email: str, password: str, *, is_admin: bool = False) -> User:
    user = User(email=normalise_email(email), password_hash=hash_password(password), is_admin=is_admin)
    db.session.add(user)
    db.session.commit()
    return user


_DUMMY_HASH: str | None = None


def authenticate(email: str, password: str) -> User | None:
    """The user with this email and password, or None. Takes as long for an unknown email."""
    global _DUMMY_HASH
    user = find_user(email)
    if user is None:
        _DUMMY_HASH = _DUMMY_HASH or hash_password(secrets.token_hex(8))
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_login_session(user: User) -> str:
    """Record a new sign-in and return the token the session cookie will carry."""
    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user_id=user.id, token_hash=_digest(token)))
    db.session.commit()
    user.login_token = token
    return token


def user_for_token(token: str) -> User | None:
    """The user of a live sign-in, or None if the token is unknown or was signed out."""
    login = db.session.scalar(
        sa.select(LoginSession)
        .where(LoginSession.token_hash == _digest(token), LoginSession.ended_at.is_(None))
        .options(sa.orm.joinedload(LoginSession.user))
    )
    if login is None:
        return None
    login.user.login_token = token
    return login.user


def end_login_session(token: str | None) -> None:
    if not token:
        return
    db.session.execute(
        sa.update(LoginSession)
        .where(LoginSession.token_hash == _digest(token), LoginSession.ended_at.is_(None))
        .values(ended_at=clock.now())
    )
    db.session.commit()
