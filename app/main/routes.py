"""The home page and the health check."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import current_user

from .. import clock, throttle
from ..services import bank, health, interviews, progress
from ..timing import remaining_seconds

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    """Signed out: what Rehearse is. Signed in: where to go next."""
    if not current_user.is_authenticated:
        return render_template("main/welcome.html")
    category_count, question_count = bank.size()
    now = clock.now()
    current = interviews.open_attempt(current_user.id, now, current_app.config["GRACE_SECONDS"])
    return render_template(
        "main/home.html",
        category_count=category_count,
        question_count=question_count,
        current=current,
        remaining=remaining_seconds(current.deadline, now) if current else 0,
        has_history=progress.has_closed_attempts(current_user.id),
    )


@bp.route("/healthz", endpoint="health")
def health_check():
    """For load balancers and the container's health check. 200 when the database answers
    ("degraded" when sign-in throttling has fallen back to counting in this process because
    Redis does not answer); 503 when the database does not. Works without the database."""
    report = {"database": "ok", "throttle": throttle.current().status()}
    if not health.database_answers():
        return {"status": "unavailable", **report, "database": "unreachable"}, 503
    return {"status": "degraded" if "unreachable" in report["throttle"] else "ok", **report}
