"""The user's own word on each key point of a reviewed answer, and the score that follows from it."""

from __future__ import annotations

from datetime import datetime

from ..extensions import db
from ..models import Answer, Attempt, KeyPointCheck
from ..scoring import Score
from .ratings import RatingRefused


class NoSuchKeyPoint(Exception):
    """The answer's stored score has no key point at that index."""


def key_point_count(answer: Answer) -> int:
    return len((answer.score_detail or {}).get("key_points", []))


def checked_score(answer: Answer) -> float | None:
    """The answer's score with the user's checks in place of the scorer's; None without checks."""
    checks = answer.own_checks
    if not checks or not answer.score_detail:
        return None
    return Score.from_dict(answer.score_detail).with_checks(checks)


def check_key_point(attempt: Attempt, answer: Answer, index: int, made: bool | None, now: datetime) -> None:
    """Record that the user made the key point (True), did not (False), or take their word
    back (None), and keep the answer's checked score in step, in one commit."""
    if attempt.is_open:
        raise RatingRefused("Check your key points after submitting the interview.")
    if not 0 <= index < key_point_count(answer):
        raise NoSuchKeyPoint(index)
    existing = next((c for c in answer.checks if c.key_point == index), None)
    if made is None:
        if existing is not None:
            answer.checks.remove(existing)
    elif existing is None:
        answer.checks.append(KeyPointCheck(key_point=index, made=made, checked_at=now))
    else:
        existing.made = made
        existing.checked_at = now
    db.session.flush()
    answer.checked_score = checked_score(answer)
    db.session.commit()


def rescored(answer: Answer) -> None:
    """After the answer was scored again: checks of key points it no longer has are dropped,
    and the checked score follows the new score."""
    count = key_point_count(answer)
    for check in [c for c in answer.checks if c.key_point >= count]:
        answer.checks.remove(check)
    answer.checked_score = checked_score(answer)
