"""Reviewing closed attempts. Every view answers 404 for an attempt that is not the user's."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..services import interviews
from ..timing import time_used

bp = Blueprint("review", __name__)


@bp.route("/<int:attempt_id>")
@login_required
def attempt(attempt_id: int):
    """The review of a closed attempt; an open one sends back to its questions."""
    attempt = interviews.attempt_of(current_user.id, attempt_id)
    if attempt is None:
        abort(404)
    interviews.close_if_overdue(attempt, datetime.now(UTC), current_app.config["GRACE_SECONDS"])
    if attempt.is_open:
        return redirect(url_for("interview.resume", attempt_id=attempt.id))
    return render_template(
        "review/attempt.html",
        attempt=attempt,
        used=time_used(attempt.started_at, attempt.submitted_at, attempt.deadline),
    )
