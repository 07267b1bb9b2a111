"""Time rules, with `now` passed in: no clock is faked."""

from datetime import UTC, datetime, timedelta

import pytest

from app.timing import (
    SaveWindow,
    clamp_seconds_spent,
    closes_at,
    deadline_for,
    default_minutes,
    is_expired,
    is_overdue,
    remaining_seconds,
    save_window,
    time_used,
    warning_marks,
)

START = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
DEADLINE = deadline_for(START, 10)


def at(seconds: float) -> datetime:
    return DEADLINE + timedelta(seconds=seconds)


@pytest.mark.parametrize(("count", "minutes"), [(1, 3), (2, 6), (5, 15), (20, 60), (0, 1), (100, 120)])
def test_default_minutes_is_three_per_question_within_limits(count, minutes):
    assert default_minutes(count) == minutes


def test_deadline_is_start_plus_the_limit():
    assert datetime(2026, 5, 4, 9, 10, tzinfo=UTC) == DEADLINE


def test_remaining_counts_down_and_stops_at_zero():
    assert remaining_seconds(DEADLINE, START) == 600
    assert remaining_seconds(DEADLINE, at(-0.5)) == 0.5
    assert remaining_seconds(DEADLINE, at(0)) == 0
    assert remaining_seconds(DEADLINE, at(3600)) == 0


def test_expired_from_the_deadline_on():
    assert not is_expired(DEADLINE, at(-0.001))
    assert is_expired(DEADLINE, at(0))


@pytest.mark.parametrize(
    ("offset", "window"),
    [
        (-60, SaveWindow.OPEN),
        (-0.001, SaveWindow.OPEN),
        (0, SaveWindow.GRACE),
        (59.9, SaveWindow.GRACE),
        (60, SaveWindow.GRACE),
        (60.001, SaveWindow.LATE),
        (86400, SaveWindow.LATE),
    ],
)
def test_save_window_before_during_and_after_grace(offset, window):
    assert save_window(DEADLINE, at(offset), grace_seconds=60) == window


def test_zero_grace_makes_every_save_after_the_deadline_late():
    assert save_window(DEADLINE, at(0.001), grace_seconds=0) == SaveWindow.LATE


def test_overdue_only_after_the_grace_window():
    assert closes_at(DEADLINE, 60) == at(60)
    assert not is_overdue(DEADLINE, at(60), 60)
    assert is_overdue(DEADLINE, at(61), 60)


def test_time_used_stops_at_the_deadline():
    early = time_used(START, START + timedelta(minutes=4), DEADLINE)
    assert (early.seconds, early.allowed, early.fraction) == (240, 600, 0.4)
    late = time_used(START, at(45), DEADLINE)
    assert (late.seconds, late.fraction) == (600, 1.0)


@pytest.mark.parametrize(
    ("reported", "elapsed", "kept"), [(12.7, 100, 12), (-5, 100, 0), (90, 30, 30), (10_000, 10_000, 300)]
)
def test_seconds_spent_are_kept_plausible(reported, elapsed, kept):
    assert clamp_seconds_spent(reported, elapsed) == kept


@pytest.mark.parametrize(
    ("limit", "marks"),
    [
        (60, (30, 10)),  # a 1-minute interview starts calm
        (120, (60, 20)),
        (180, (90, 60)),
        (300, (150, 60)),
        (420, (300, 60)),
        (3600, (300, 60)),
    ],
)
def test_warning_marks_fall_inside_the_time_limit(limit, marks):
    assert warning_marks(limit) == marks
    warning, urgent = marks
    assert limit > warning > urgent > 0
