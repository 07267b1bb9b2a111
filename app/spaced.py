"""Spaced repetition of questions, after Anki's SM-2 variant. Pure functions: `now` is passed in.

Each time a user answers a question in an interview is a recall of it. Its grade is the user's own
rating (again / hard / good / easy) or, when they did not rate it, one derived from the answer's score.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from .choices import Grade

START_EASE = 2.5
MIN_EASE = 1.3


def grade_from_score(score: float | None) -> Grade:
    """What an unrated answer counts as (an estimate, labelled so wherever it is shown): missing
    most key points is a lapse."""
    if score is None or score < 0.35:
        return Grade.AGAIN
    if score < 0.6:
        return Grade.HARD
    if score < 0.85:
        return Grade.GOOD
    return Grade.EASY


WEAK_BELOW = 0.6  # a mean score below this is weak: the estimate would be "hard" or "again"


@dataclass(frozen=True)
class Recall:
    at: datetime
    grade: Grade
    own: bool = True  # the user's own rating; False when estimated from the score


@dataclass(frozen=True)
class Schedule:
    recalls: int
    lapses: int
    ease: float
    interval_days: float
    last_grade: Grade | None
    last_at: datetime | None
    due: datetime | None  # None: never seen
    last_estimated: bool = False  # the last grade came from the score, not from the user

    def overdue_ratio(self, now: datetime) -> float:
        """How late the next recall is, relative to its interval (0 when not due)."""
        if self.due is None or now < self.due:
            return 0.0
        return (now - self.due).total_seconds() / 86400 / max(self.interval_days, 1.0)


NEVER_SEEN = Schedule(recalls=0, lapses=0, ease=START_EASE, interval_days=0.0, last_grade=None, last_at=None, due=None)


def schedule(recalls: Iterable[Recall]) -> Schedule:
    """The state after replaying recalls in time order."""
    state = NEVER_SEEN
    for recall in sorted(recalls, key=lambda r: r.at):
        state = _step(state, recall)
    return state


def _step(state: Schedule, recall: Recall) -> Schedule:
    ease, interval, lapses = state.ease, state.interval_days, state.lapses
    if recall.grade == Grade.AGAIN:
        lapses += 1
        ease = max(MIN_EASE, ease - 0.2)
        interval = 0.0  # due again at once
    elif recall.grade == Grade.HARD:
        ease = max(MIN_EASE, ease - 0.15)
        interval = max(1.0, interval * 1.2)
    elif recall.grade == Grade.GOOD:
        interval = 1.0 if interval < 1 else (3.0 if interval < 3 else interval * ease)
    else:
        ease += 0.15
        interval = 4.0 if interval < 1 else interval * ease * 1.3
    return Schedule(
        recalls=state.recalls + 1,
        lapses=lapses,
        ease=round(ease, 3),
        interval_days=round(interval, 3),
        last_grade=recall.grade,
        last_at=recall.at,
        last_estimated=not recall.own,
        due=recall.at + timedelta(days=interval),
    )


def due_after_each_grade(other_recalls: Iterable[Recall], at: datetime) -> dict[Grade, datetime]:
    """When the question comes back if the recall at `at` gets each grade, the other recalls of
    the question as they are (what Anki shows on its rating buttons)."""
    others = list(other_recalls)
    dues = {grade: schedule([*others, Recall(at, grade)]).due for grade in Grade}
    return {grade: due for grade, due in dues.items() if due is not None}


def comes_back(due: datetime, now: datetime) -> str:
    """When a question is due again, in words: "due now", "within a day", "in 3 days", "in 2 weeks"."""
    days = (due - now).total_seconds() / 86400
    if days <= 0:
        return "due now"
    if days < 1:
        return "within a day"
    for limit, size, unit in ((14, 1, "day"), (60, 7, "week"), (730, 30, "month")):
        if days < limit:
            count = max(1, round(days / size))
            return f"in {count} {unit}{'s' if count != 1 else ''}"
    years = round(days / 365)
    return f"in {years} years"


# Practice order: the lapsed first, then the overdue, then the never seen, then the rest by due date.
LAPSED, OVERDUE, NEW, LATER = range(4)


def practice_group(state: Schedule, now: datetime) -> int:
    if state.due is None:
        return NEW
    if state.last_grade == Grade.AGAIN:
        return LAPSED
    if state.due <= now:
        return OVERDUE
    return LATER


def practice_order(schedules: dict[int, Schedule], now: datetime) -> list[int]:
    """Question ids, weakest first."""

    def key(item: tuple[int, Schedule]):
        qid, state = item
        group = practice_group(state, now)
        if group == LAPSED:
            return (group, -state.lapses, state.last_at, qid)
        if group == OVERDUE:
            return (group, -state.overdue_ratio(now), state.due, qid)
        if group == LATER:
            return (group, 0, state.due, qid)
        return (group, 0, now, qid)

    return [qid for qid, _ in sorted(schedules.items(), key=key)]


def due_count(schedules: Sequence[Schedule], now: datetime) -> int:
    return sum(practice_group(s, now) in (LAPSED, OVERDUE) for s in schedules)
