"""Counters for throttling (sign-ins, registrations, reset requests), kept where every worker sees them.

With REDIS_URL the counters live in Redis and all workers share them. Without it they live in
this process, which is right for one worker only (`rehearse serve` refuses several workers in
production without Redis). When Redis stops answering, counting goes on in this process with a
warning in the log, and /healthz reports it, rather than failing every sign-in.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, MovingWindowSupport, Storage, storage_from_string

log = logging.getLogger(__name__)

T = TypeVar("T")

# After Redis failed, try it again this many seconds later (meanwhile count in this process).
RETRY_SECONDS = 30
# A Redis that does not answer must not hold a sign-in for long.
REDIS_TIMEOUT_SECONDS = 1.0


class Throttle:
    """Fixed-window counters and a spacing rule over one storage, with an in-process fallback."""

    def __init__(self, uri: str, key_prefix: str = "rehearse", enabled: bool = True):
        self.enabled = enabled  # off only for benchmarks that sign in thousands of times
        self.uri = uri
        self.shared = not uri.startswith("memory://")
        self._local = MemoryStorage()
        self._primary: Storage = (
            storage_from_string(  # type: ignore[assignment]  # a synchronous scheme gives a synchronous storage
                uri,
                key_prefix=key_prefix,
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            )
            if self.shared
            else self._local
        )
        self._failed_at: float | None = None
        self._lock = threading.Lock()
        # The in-process storage returns a counter read after its own lock is released, so two
        # threads may both see the other's hit; counting one call at a time keeps the limit exact.
        self._local_lock = threading.Lock()

    def _run(self, operation: Callable[[Storage], T]) -> T:
        if self.shared and not self._resting():
            try:
                result = operation(self._primary)
            except self._primary.base_exceptions as exc:
                with self._lock:
                    self._failed_at = time.monotonic()
                log.warning(
                    "Redis (%s) is unreachable: %s. Throttling counts in this process until it answers; "
                    "with several workers each counts alone.",
                    self._primary.__class__.__name__,
                    exc,
                )
            else:
                if self._failed_at is not None:
                    with self._lock:
                        self._failed_at = None
                    log.warning("Redis answers again: throttling is shared by all workers.")
                return result
        with self._local_lock:
            return operation(self._local)

    def _resting(self) -> bool:
        failed_at = self._failed_at
        return failed_at is not None and time.monotonic() - failed_at < RETRY_SECONDS

    def count(self, key: str, window_seconds: int, amount: int = 1) -> int:
        """Add `amount` (negative to give back) to the counter of `key` in its current window."""
        if not self.enabled:
            return 0
        return self._run(lambda storage: storage.incr(key, window_seconds, amount=amount))

    def hit(self, item: RateLimitItem, *identifiers: str) -> bool:
        """Count one against `item` for these identifiers; False when that goes over the limit."""
        return self.count(item.key_for(*identifiers), item.get_expiry()) <= item.amount

    def refund(self, item: RateLimitItem, *identifiers: str) -> None:
        self.count(item.key_for(*identifiers), item.get_expiry(), amount=-1)

    def space(self, key: str, seconds: int) -> bool:
        """True (and noted) when nothing under `key` was let through in the last `seconds`."""

        def acquire(storage: Storage) -> bool:
            if not isinstance(storage, MovingWindowSupport):  # memory and Redis both support it
                raise TypeError(f"{storage.__class__.__name__} cannot space attempts")
            return storage.acquire_entry(key, 1, seconds)

        return self._run(acquire) if self.enabled else True

    def seconds_until_reset(self, item: RateLimitItem, *identifiers: str) -> int:
        expiry = self._run(lambda storage: storage.get_expiry(item.key_for(*identifiers)))
        return max(1, round(expiry - time.time()))

    def status(self) -> str:
        """'shared', 'in-process', or 'in-process (Redis unreachable)', for the health check."""
        if not self.shared:
            return "in-process"
        try:
            healthy = self._primary.check()
        except self._primary.base_exceptions:
            healthy = False
        return "shared" if healthy else "in-process (Redis unreachable)"

    def reset(self) -> None:
        self._local.reset()
        if self.shared:
            self._run(lambda storage: storage.reset())


def init_app(app: Flask) -> None:
    app.extensions["throttle"] = Throttle(
        app.config["RATELIMIT_STORAGE_URI"],
        app.config.get("RATELIMIT_KEY_PREFIX") or "rehearse",
        enabled=app.config.get("RATELIMIT_ENABLED", True),
    )


def current() -> Throttle:
    return current_app.extensions["throttle"]


def limits(setting: str) -> list[RateLimitItem]:
    """The limits of a setting such as "10 per minute;50 per hour"."""
    return parse_many(current_app.config[setting])


def allow(setting: str, *identifiers: str) -> int:
    """Count one request against a setting's limits (registrations, reset requests, feedback).
    Returns 0 when allowed, else the seconds to wait."""
    t = current()
    over = [item for item in limits(setting) if not t.hit(item, *identifiers)]
    return max((t.seconds_until_reset(item, *identifiers) for item in over), default=0)
