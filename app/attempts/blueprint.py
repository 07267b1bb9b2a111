"""The `attempts` blueprint and what its views share: the user's own attempt, the grace window,
the way to the review."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from .. import clock
from ..models import Attempt
from ..services import interviews

bp = Blueprint("attempts", __name__)


def grace() -> int:
    return current_app.config["GRACE_SECONDS"]


def own_attempt(attempt_id: int) -> Attempt:
    """The signed-in user's attempt; 404 for anyone else's."""
    attempt = interviews.attempt_of(current_user.id, attempt_id)
    if attempt is None:
        abort(404)
    return attempt


def first_unanswered(attempt: Attempt) -> int:
    """The number of the first question without an answer (1 when all have one)."""
    return attempt.unanswered[0].position + 1 if attempt.unanswered else 1


def to_review(attempt: Attempt) -> Response:
    return redirect(url_for("attempts.review", attempt_id=attempt.id))


def closed_by_the_clock(attempt: Attempt) -> bool:
    """Close the attempt if its deadline has passed (telling the user so). True when it is
    not open any more, for whatever reason."""
    if interviews.close_at_deadline(attempt, clock.now()):
        flash("Time is up. Your interview was submitted with the answers you saved.", "info")
    return not attempt.is_open
