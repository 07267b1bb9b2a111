"""Template filters: times, durations and countdowns as the pages show them."""

from datetime import datetime, timedelta, timezone

from app.templating import clock, duration, highlighted, plural, when


def test_times_are_shown_in_utc_with_a_machine_readable_value():
    paris = timezone(timedelta(hours=1))
    html = str(when(datetime(2026, 3, 1, 13, 5, tzinfo=paris)))
    assert html == '<time datetime="2026-03-01T12:05:00+00:00" data-local>01 Mar 2026, 12:05 UTC</time>'
    assert str(when(None)) == ""


def test_durations_and_countdowns_read_naturally():
    assert [duration(s) for s in (None, 5, 65, 3725)] == ["0 s", "5 s", "1 min 05 s", "1 h 02 min"]
    assert [clock(s) for s in (-3, 245, 3729)] == ["0:00", "4:05", "1:02:09"]


def test_plural_and_highlighted_pieces():
    assert (plural(1, "question"), plural(3, "category", "categories")) == ("1 question", "3 categories")
    assert highlighted("cosine similarity wins", ["cosine similarity"]) == [
        ("cosine similarity", True),
        (" wins", False),
    ]
    assert highlighted("no match here", []) == [("no match here", False)]
    assert highlighted("we use cosine similarity", ["cosine similarity"]) == [
        ("we use ", False),
        ("cosine similarity", True),
    ]
