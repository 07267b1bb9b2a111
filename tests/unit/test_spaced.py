"""The practice schedule: grades move the due date; the weakest questions come first."""

from datetime import UTC, datetime, timedelta

from app.models import Grade
from app.spaced import (
    LAPSED,
    LATER,
    NEVER_SEEN,
    NEW,
    OVERDUE,
    Recall,
    comes_back,
    due_after_each_grade,
    grade_from_score,
    practice_group,
    practice_order,
    schedule,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def days(n: float) -> datetime:
    return T0 + timedelta(days=n)


def test_unrated_answers_are_graded_from_their_score():
    assert [grade_from_score(s) for s in (None, 0.0, 0.34, 0.35, 0.59, 0.6, 0.84, 0.85, 1.0)] == [
        Grade.AGAIN,
        Grade.AGAIN,
        Grade.AGAIN,
        Grade.HARD,
        Grade.HARD,
        Grade.GOOD,
        Grade.GOOD,
        Grade.EASY,
        Grade.EASY,
    ]


def test_good_recalls_space_out_and_easy_ones_faster():
    good = schedule([Recall(days(0), Grade.GOOD), Recall(days(1), Grade.GOOD), Recall(days(4), Grade.GOOD)])
    assert [good.interval_days, good.due] == [7.5, days(11.5)]
    easy = schedule([Recall(days(0), Grade.EASY), Recall(days(4), Grade.EASY)])
    assert easy.interval_days > good.interval_days
    assert easy.ease > good.ease == 2.5


def test_again_is_a_lapse_due_at_once_and_lowers_ease():
    state = schedule([Recall(days(0), Grade.GOOD), Recall(days(1), Grade.GOOD), Recall(days(4), Grade.AGAIN)])
    assert (state.lapses, state.interval_days, state.due, state.ease) == (1, 0.0, days(4), 2.3)
    assert practice_group(state, days(4)) == LAPSED


def test_recalls_are_replayed_in_time_order():
    shuffled = [Recall(days(4), Grade.AGAIN), Recall(days(0), Grade.GOOD)]
    assert schedule(shuffled).last_grade == Grade.AGAIN


def test_practice_order_is_lapsed_then_overdue_then_new_then_later():
    now = days(30)
    schedules = {
        1: schedule([Recall(days(0), Grade.EASY)]),  # due day 4: overdue by 26 days on a 4-day interval
        2: NEVER_SEEN,
        3: schedule([Recall(days(29), Grade.GOOD), Recall(days(29.5), Grade.GOOD)]),  # due day 32.5
        4: schedule([Recall(days(28), Grade.AGAIN)]),
        5: schedule([Recall(days(20), Grade.GOOD), Recall(days(21), Grade.GOOD)]),  # due day 24, mildly overdue
        6: schedule([Recall(days(1), Grade.AGAIN), Recall(days(2), Grade.AGAIN)]),  # two lapses
    }
    assert [practice_group(schedules[i], now) for i in range(1, 7)] == [OVERDUE, NEW, LATER, LAPSED, OVERDUE, LAPSED]
    assert practice_order(schedules, now) == [6, 4, 1, 5, 2, 3]


def test_hard_lowers_ease_and_grows_the_interval_a_little():
    state = schedule([Recall(days(0), Grade.GOOD), Recall(days(1), Grade.GOOD), Recall(days(4), Grade.HARD)])
    assert (state.ease, state.interval_days, state.lapses) == (2.35, 3.6, 0)


def test_nothing_is_overdue_before_its_due_date():
    state = schedule([Recall(days(0), Grade.EASY)])  # due on day 4
    assert state.overdue_ratio(days(3)) == 0.0
    assert NEVER_SEEN.overdue_ratio(days(3)) == 0.0
    assert state.overdue_ratio(days(12)) == 2.0


def test_each_grade_shows_when_the_question_comes_back():
    first_time = due_after_each_grade([], days(0))
    assert first_time == {
        Grade.AGAIN: days(0),
        Grade.HARD: days(1),
        Grade.GOOD: days(1),
        Grade.EASY: days(4),
    }
    # After an earlier good recall the intervals grow, and easy is always the longest.
    later = due_after_each_grade([Recall(days(0), Grade.GOOD)], days(1))
    assert later[Grade.AGAIN] == days(1) < later[Grade.HARD] < later[Grade.GOOD] < later[Grade.EASY]
    assert later[Grade.GOOD] == days(4)


def test_when_a_question_comes_back_reads_as_words():
    assert comes_back(days(0), days(0)) == "due now"
    assert comes_back(days(-3), days(0)) == "due now"
    assert comes_back(days(0.4), days(0)) == "within a day"
    assert comes_back(days(1), days(0)) == "in 1 day"
    assert comes_back(days(3.2), days(0)) == "in 3 days"
    assert comes_back(days(20), days(0)) == "in 3 weeks"
    assert comes_back(days(100), days(0)) == "in 3 months"
    assert comes_back(days(800), days(0)) == "in 2 years"
