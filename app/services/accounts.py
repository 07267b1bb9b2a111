"""Accounts and sign-ins: the account's whole life, from registration to deletion."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..models import LoginSession, PasswordReset, User
from ..passwords import hash_password, needs_rehash, verify_password

log = logging.getLogger(__name__)

# A sign-in's last-seen time is written at most this often, so that pages and autosaves do not
# each write to the database; the idle lifetime is therefore exact to within this much.
TOUCH_SECONDS = 300


@dataclass(frozen=True)
class Lifetimes:
    """How long a sign-in lasts: `absolute` seconds after it started, `idle` after its last use."""

    absolute: int
    idle: int

    def alive_since(self, now: datetime) -> tuple[datetime, datetime]:
        """The earliest start and the earliest last use of a sign-in still alive at `now`."""
        return now - timedelta(seconds=self.absolute), now - timedelta(seconds=self.idle)


class WrongPassword(Exception):
    """The current password given to confirm a change was not the account's."""


def _changed(statement) -> int:
    """Run an UPDATE or DELETE; how many rows it changed."""
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    return cast(CursorResult, result).rowcount


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


def _burn_a_check(password: str) -> None:
    """As long as checking a real password, so that timing does not tell whether an account exists."""
    global _DUMMY_HASH
    _DUMMY_HASH = _DUMMY_HASH or hash_password(secrets.token_hex(8))
    verify_password(_DUMMY_HASH, password)


def authenticate(email: str, password: str) -> User | None:
    """The user with this email and password, or None. Takes as long for an unknown email."""
    user = find_user(email)
    if user is None:
        _burn_a_check(password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_login_session(user: User, now: datetime, lifetimes: Lifetimes) -> str:
    """Record a new sign-in and return the token the session cookie will carry. The user's
    ended and expired sign-ins are removed on the way."""
    _delete_dead_sessions(now, lifetimes, user_id=user.id)
    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user_id=user.id, token_hash=token_digest(token), created_at=now, last_seen_at=now))
    db.session.commit()
    user.login_token = token
    return token


def user_for_token(token: str, now: datetime, lifetimes: Lifetimes) -> User | None:
    """The user of a live sign-in, or None if the token is unknown, signed out, or past its
    absolute or idle lifetime. One query; a write only every TOUCH_SECONDS."""
    started_after, seen_after = lifetimes.alive_since(now)
    login = db.session.scalar(
        sa.select(LoginSession)
        .where(
            LoginSession.token_hash == token_digest(token),
            LoginSession.ended_at.is_(None),
            LoginSession.created_at > started_after,
            LoginSession.last_seen_at > seen_after,
        )
        .options(sa.orm.joinedload(LoginSession.user))
    )
    if login is None:
        return None
    if now - login.last_seen_at > timedelta(seconds=TOUCH_SECONDS):
        _touch(login.id, now)
    login.user.login_token = token
    return login.user


def _touch(login_id: int, now: datetime) -> None:
    try:
        db.session.execute(
            sa.update(LoginSession)
            .where(LoginSession.id == login_id)
            .values(last_seen_at=now)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    except SQLAlchemyError as exc:
        # A database that cannot write (read-only, failing over) must not sign anyone out or
        # stop pages that only read: the sign-in is seen again on a later request.
        db.session.rollback()
        log.warning("Could not note a sign-in's last use: %s", exc.__class__.__name__)


def end_login_session(token: str | None, now: datetime) -> None:
    if not token:
        return
    db.session.execute(
        sa.update(LoginSession)
        .where(LoginSession.token_hash == token_digest(token), LoginSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    db.session.commit()


def end_sessions(user_id: int, now: datetime, *, except_token: str | None = None) -> int:
    """End the user's sign-ins (all, or all but the one carrying `except_token`). Returns how many."""
    query = sa.update(LoginSession).where(LoginSession.user_id == user_id, LoginSession.ended_at.is_(None))
    if except_token:
        query = query.where(LoginSession.token_hash != token_digest(except_token))
    ended = _changed(query.values(ended_at=now))
    db.session.commit()
    return ended


def _set_password(user: User, new_password: str) -> None:
    user.password_hash = hash_password(new_password)


def change_password(user: User, current_password: str, new_password: str, now: datetime) -> int:
    """Change the password after checking the current one; the user's other sign-ins end.
    Returns how many other sign-ins were ended. Raises WrongPassword."""
    if not verify_password(user.password_hash, current_password):
        raise WrongPassword("The current password is incorrect.")
    _set_password(user, new_password)
    _use_resets(user.id, now)
    db.session.flush()
    return end_sessions(user.id, now, except_token=user.login_token)


def set_password(user: User, new_password: str, now: datetime) -> None:
    """An administrator's reset: a new password, every sign-in ended, every reset link spent."""
    _set_password(user, new_password)
    _use_resets(user.id, now)
    db.session.flush()
    end_sessions(user.id, now)


def delete_account(user: User, password: str) -> None:
    """Delete the user and everything that is theirs (attempts, answers, ratings, notes,
    sign-ins, reset links: the database cascades). Raises WrongPassword. Cannot be undone."""
    if not verify_password(user.password_hash, password):
        raise WrongPassword("The password is incorrect.")
    db.session.execute(sa.delete(User).where(User.id == user.id))
    db.session.commit()
    db.session.expunge_all()


# Password reset by email.

RESET_LIFETIME = timedelta(minutes=30)


def request_password_reset(email: str, now: datetime) -> tuple[User, str] | None:
    """A new reset token for the account with this email (None when there is none). The link
    works once, for RESET_LIFETIME."""
    user = find_user(email)
    if user is None:
        return None
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordReset(user_id=user.id, token_hash=token_digest(token), created_at=now, expires_at=now + RESET_LIFETIME)
    )
    db.session.commit()
    return user, token


def _live_reset(token: str, now: datetime) -> PasswordReset | None:
    return db.session.scalar(
        sa.select(PasswordReset).where(
            PasswordReset.token_hash == token_digest(token),
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > now,
        )
    )


def reset_link_user(token: str, now: datetime) -> User | None:
    """The account of a reset link that can still be used, or None."""
    reset = _live_reset(token, now)
    return db.session.get(User, reset.user_id) if reset else None


def reset_password(token: str, new_password: str, now: datetime) -> User | None:
    """Set a new password through a reset link: the link and every other one of the user are
    spent, and all their sign-ins end. None when the link is unknown, used or expired."""
    reset = _live_reset(token, now)
    if reset is None:
        return None
    spent = _changed(
        sa.update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    if spent != 1:  # the same link used twice at once: only one wins
        db.session.rollback()
        return None
    user = db.session.get(User, reset.user_id)
    if user is None:  # deleted a moment ago (its reset rows go with it)
        db.session.rollback()
        return None
    set_password(user, new_password, now)
    return user


def _use_resets(user_id: int, now: datetime) -> None:
    db.session.execute(
        sa.update(PasswordReset)
        .where(PasswordReset.user_id == user_id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )


# Housekeeping.


def _delete_dead_sessions(now: datetime, lifetimes: Lifetimes, user_id: int | None = None) -> int:
    started_after, seen_after = lifetimes.alive_since(now)
    query = sa.delete(LoginSession).where(
        sa.or_(
            LoginSession.ended_at.is_not(None),
            LoginSession.created_at <= started_after,
            LoginSession.last_seen_at <= seen_after,
        )
    )
    if user_id is not None:
        query = query.where(LoginSession.user_id == user_id)
    return _changed(query)


def clean_up(now: datetime, lifetimes: Lifetimes) -> tuple[int, int]:
    """Remove ended and expired sign-ins, and used or expired reset links. Returns how many of each."""
    sessions = _delete_dead_sessions(now, lifetimes)
    resets = _changed(
        sa.delete(PasswordReset).where(sa.or_(PasswordReset.used_at.is_not(None), PasswordReset.expires_at <= now))
    )
    db.session.commit()
    return sessions, resets


# Administrators.


def users_page(page: int, per_page: int = 50):
    return db.paginate(sa.select(User).order_by(User.email), page=page, per_page=per_page, error_out=False)


def user_by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)


class AdminChangeRefused(Exception):
    pass


def set_admin(user: User, is_admin: bool, acting_user_id: int) -> None:
    """Give or take administrator rights. Nobody removes their own (the bank always keeps one)."""
    if user.id == acting_user_id and not is_admin:
        raise AdminChangeRefused("You cannot remove your own administrator rights; ask another administrator.")
    user.is_admin = is_admin
    db.session.commit()
