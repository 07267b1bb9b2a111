"""The one place the app reads the time. Rules take `now` as an argument; views, services and
commands ask here, so that tests can move the clock (time-machine) instead of waiting."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)
