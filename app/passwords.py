"""Password hashing (argon2id) and the strength rule for new passwords."""

from __future__ import annotations

from collections.abc import Sequence

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from zxcvbn import zxcvbn

MIN_LENGTH = 8
MAX_LENGTH = 128


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        memory_cost=cfg["PASSWORD_HASH_MEMORY_KIB"],
        time_cost=cfg["PASSWORD_HASH_TIME_COST"],
        parallelism=cfg["PASSWORD_HASH_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def weakness(password: str, user_inputs: Sequence[str] = ()) -> str | None:
    """Why a new password is too easy to guess, or None when it is acceptable.

    zxcvbn knows the common-password lists, keyboard patterns, dates and repeats; a score of
    2 or more ("somewhat guessable" and better) is required.
    """
    result = zxcvbn(password[:64], user_inputs=list(user_inputs))
    if result["score"] >= 2:
        return None
    warning = result["feedback"].get("warning")
    return warning or "This password is too easy to guess. Add a few uncommon words."
