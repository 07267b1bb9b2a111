"""How sign-ins are throttled.

Every attempt is counted before its password is checked and given back when it succeeds, so
parallel guesses cannot slip past the limit and the owner's own sign-ins never count. Three rules:

- per client address (LOGIN_LIMITS): one address cannot try many accounts;
- per account and address together (LOGIN_LIMITS): one address cannot hammer one account;
- per account from everywhere: after ACCOUNT_FREE_FAILURES failures in an hour, attempts on that
  account must be spaced by a delay that doubles up to MAX_DELAY_SECONDS. This slows guessing
  from many addresses without locking the account: the owner's browser, which holds a device
  cookie from an earlier sign-in to this account, is exempt, and a password reset signs in too.

Unknown emails are counted like known ones, so the answers never tell whether an account exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import RateLimitItem
from werkzeug.wrappers import Response

from .. import throttle

ACCOUNT_WINDOW_SECONDS = 3600
ACCOUNT_FREE_FAILURES = 10
MAX_DELAY_SECONDS = 60

DEVICE_COOKIE = "rehearse_device"
DEVICE_COOKIE_DAYS = 365


@dataclass
class Ticket:
    """The counts one sign-in attempt added, to give back if it succeeds (or was refused)."""

    email: str
    counted: list[tuple[RateLimitItem, tuple[str, ...]]] = field(default_factory=list)
    account_counted: bool = False
    refused_for: int = 0  # seconds to wait, when refused

    def give_back(self) -> None:
        t = throttle.current()
        for item, identifiers in self.counted:
            t.refund(item, *identifiers)
        if self.account_counted:
            t.count(_account_key(self.email), ACCOUNT_WINDOW_SECONDS, amount=-1)
        self.counted.clear()
        self.account_counted = False


def _account_key(email: str) -> str:
    return f"sign-in-account/{email}"


def delay_after(failures: int) -> int:
    """Seconds between attempts on an account after `failures` failures in the window."""
    if failures <= ACCOUNT_FREE_FAILURES:
        return 0
    return min(MAX_DELAY_SECONDS, 2 ** (failures - ACCOUNT_FREE_FAILURES))


def start(email: str, device_user_email: str | None) -> Ticket:
    """Count a sign-in attempt for `email` from this request's address. The ticket's
    `refused_for` is non-zero when the attempt must not be checked at all."""
    t = throttle.current()
    address = request.remote_addr or "unknown"
    ticket = Ticket(email)
    # Stop at the first counter over its limit: an attempt that went on to count the others
    # would hold them up until it gave them back, and parallel attempts within the limit would
    # be refused because of it.
    rules = [
        (item, identifiers)
        for identifiers in (("sign-in-address", address), ("sign-in-account-address", email, address))
        for item in throttle.limits("LOGIN_LIMITS")
    ]
    for item, identifiers in rules:
        ticket.counted.append((item, identifiers))
        if not t.hit(item, *identifiers):
            ticket.refused_for = t.seconds_until_reset(item, *identifiers)
            ticket.give_back()
            return ticket
    failures = t.count(_account_key(email), ACCOUNT_WINDOW_SECONDS)
    ticket.account_counted = True
    delay = delay_after(failures)
    if delay and device_user_email != email and not t.space(f"sign-in-spacing/{email}", delay):
        ticket.refused_for = delay
        ticket.give_back()
    return ticket


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="device")


def device_email() -> str | None:
    """The account this browser signed in to before, from its signed device cookie."""
    value = request.cookies.get(DEVICE_COOKIE)
    if not value:
        return None
    try:
        data = _serializer().loads(value, max_age=DEVICE_COOKIE_DAYS * 24 * 3600)
    except BadSignature:
        return None
    return data.get("e") if isinstance(data, dict) else None


def remember_device(response: Response, email: str) -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        _serializer().dumps({"e": email}),
        max_age=DEVICE_COOKIE_DAYS * 24 * 3600,
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        samesite="Lax",
    )


def forget_device(response: Response) -> None:
    response.delete_cookie(DEVICE_COOKIE, httponly=True, samesite="Lax")
