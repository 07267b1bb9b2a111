"""The common autosave in one SQL statement, without loading the user, the sign-in or the attempt.

Most saves are the plain case: a live sign-in, the user's own open attempt inside its save window,
the revision the page last saw, and new text. One UPDATE checks all of that in its WHERE clause and
writes. Anything else (a stale revision, unchanged text, time up, a sign-in that has ended, expired
or is due for a last-seen note, someone else's attempt, an unknown question) writes nothing, and
the caller then takes the full path (`interviews.save_answer`), which knows every rule and answers
each case. So this module adds speed, never a rule of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..config import AUTOSAVE_BIND
from ..extensions import db
from ..models import Answer, Attempt, AttemptState, LoginSession
from ..timing import clamp_seconds_spent
from .accounts import TOUCH_SECONDS, Lifetimes, token_digest


@dataclass(frozen=True)
class QuickSave:
    revision: int
    flagged: bool
    deadline: datetime


# The attempt, if it is open, within its save window and the user's through a live sign-in. On
# PostgreSQL the attempt row is held (shared) until the save commits, so that closing it waits and
# scores what was saved; SQLite has one writer at a time anyway and leaves FOR SHARE out.
_LIVE_ATTEMPT = (
    sa.select(Attempt.id)
    .join(LoginSession, LoginSession.user_id == Attempt.user_id)
    .where(
        Attempt.id == sa.bindparam("the_attempt"),
        Attempt.state == AttemptState.IN_PROGRESS.value,
        Attempt.deadline >= sa.bindparam("late_before"),  # past deadline + grace the text is late
        Attempt.started_at <= sa.bindparam("started_by"),  # the time reported fits since the start
        LoginSession.token_hash == sa.bindparam("token_hash"),
        LoginSession.ended_at.is_(None),
        LoginSession.created_at > sa.bindparam("created_after"),
        LoginSession.last_seen_at > sa.bindparam("seen_after"),  # else the full path notes the use
    )
    .with_for_update(read=True, of=Attempt)
)

_SAVE = (
    sa.update(Answer)
    .where(
        Answer.attempt_id.in_(_LIVE_ATTEMPT),
        Answer.position == sa.bindparam("the_position"),
        Answer.revision == sa.bindparam("base_revision"),  # the revision check and the write: one statement
        Answer.text != sa.bindparam("new_text"),
    )
    .values(
        text=sa.bindparam("new_text"),
        revision=Answer.revision + 1,
        saved_at=sa.bindparam("the_time"),
        seconds_spent=Answer.seconds_spent + sa.bindparam("spent"),
        flagged=sa.func.coalesce(sa.bindparam("new_flagged", type_=sa.Boolean), Answer.flagged),
    )
    .returning(
        Answer.revision,
        Answer.flagged,
        sa.select(Attempt.deadline).where(Attempt.id == Answer.attempt_id).scalar_subquery(),
    )
    .execution_options(synchronize_session=False)
)


def quick_save(
    token: str,
    attempt_id: int,
    position: int,
    text: str,
    base_revision: int,
    now: datetime,
    grace_seconds: int,
    lifetimes: Lifetimes,
    *,
    seconds: float = 0,
    flagged: bool | None = None,
) -> QuickSave | None:
    """Save new text in one statement if this is the plain case; None (nothing written) if not."""
    spent = clamp_seconds_spent(seconds, float("inf"))
    created_after, seen_after = lifetimes.alive_since(now)
    params = {
        "the_attempt": attempt_id,
        "the_position": position,
        "base_revision": base_revision,
        "new_text": text,
        "new_flagged": flagged,
        "the_time": now,
        "spent": spent,
        "late_before": now - timedelta(seconds=grace_seconds),
        "started_by": now - timedelta(seconds=spent),
        "token_hash": token_digest(token),
        "created_after": created_after,
        "seen_after": max(seen_after, now - timedelta(seconds=TOUCH_SECONDS)),
    }
    engine = db.engines.get(AUTOSAVE_BIND, db.engine)
    try:
        with engine.begin() as connection:  # on the autosave pool the statement commits by itself
            row = connection.execute(_SAVE, params).one_or_none()
    except sa.exc.DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        return None  # a connection that died unnoticed (no ping here): the full path's pool pings
    return QuickSave(*row) if row else None
