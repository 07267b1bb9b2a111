"""Time rules of an interview. Pure functions: `now` is always passed in, never read here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

MINUTES_PER_QUESTION = 3
MIN_MINUTES, MAX_MINUTES = 1, 120
MIN_QUESTIONS, MAX_QUESTIONS = 1, 20
# The timer warns at 5 minutes and at 1 minute left, when the interview is long enough for
# those marks to mean something.
WARNING_SECONDS, URGENT_SECONDS = 300, 60


class SaveWindow(StrEnum):
    OPEN = "open"  # before the deadline: the save counts
    GRACE = "grace"  # after the deadline, within the grace window: still counts
    LATE = "late"  # after the grace window: kept as late text, not scored


def default_minutes(question_count: int) -> int:
    """A sensible time limit for a number of questions, within the allowed range."""
    return max(MIN_MINUTES, min(MAX_MINUTES, question_count * MINUTES_PER_QUESTION))


def warning_marks(limit_seconds: int) -> tuple[int, int]:
    """Seconds left at which the timer changes (in colour and in words) and screen readers are told:
    (warning, urgent). 5 minutes and 1 minute; a short interview uses half its time for the warning
    and a third of that for the last call, so a 1-minute interview is not urgent from the start."""
    warning = WARNING_SECONDS if limit_seconds > WARNING_SECONDS else max(2, limit_seconds // 2)
    urgent = URGENT_SECONDS if warning > URGENT_SECONDS else max(1, warning // 3)
    return warning, urgent


def deadline_for(started_at: datetime, minutes: int) -> datetime:
    return started_at + timedelta(minutes=minutes)


def remaining_seconds(deadline: datetime, now: datetime) -> float:
    """Seconds left before the deadline; never negative."""
    return max(0.0, (deadline - now).total_seconds())


def is_expired(deadline: datetime, now: datetime) -> bool:
    return now >= deadline


def closes_at(deadline: datetime, grace_seconds: int) -> datetime:
    """When the server stops counting saves: the deadline plus the grace window."""
    return deadline + timedelta(seconds=grace_seconds)


def save_window(deadline: datetime, now: datetime, grace_seconds: int) -> SaveWindow:
    if now < deadline:
        return SaveWindow.OPEN
    if now <= closes_at(deadline, grace_seconds):
        return SaveWindow.GRACE
    return SaveWindow.LATE


def is_overdue(deadline: datetime, now: datetime, grace_seconds: int) -> bool:
    """An open attempt past its grace window, to be closed with what was saved."""
    return now > closes_at(deadline, grace_seconds)


@dataclass(frozen=True)
class TimeUsed:
    seconds: int
    allowed: int

    @property
    def fraction(self) -> float:
        return min(1.0, self.seconds / self.allowed) if self.allowed else 0.0


def time_used(started_at: datetime, closed_at: datetime, deadline: datetime) -> TimeUsed:
    """Time taken, counted up to the deadline at most (grace is not extra time)."""
    end = min(closed_at, deadline)
    return TimeUsed(
        seconds=max(0, int((end - started_at).total_seconds())),
        allowed=int((deadline - started_at).total_seconds()),
    )


def clamp_seconds_spent(reported: float, elapsed_since_start: float, cap: float = 300) -> int:
    """Time a client says it spent on a question since its last report, kept plausible:
    never negative, never more than has passed since the attempt started, at most `cap`."""
    return int(max(0.0, min(float(reported), elapsed_since_start, cap)))
