"""The home page."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Blueprint, current_app, render_template
from flask_login import current_user

from ..extensions import db
from ..models import Attempt, AttemptState
from ..services import catalogue, interviews
from ..timing import remaining_seconds

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    """Signed out: what Rehearse is. Signed in: where to go next."""
    if not current_user.is_authenticated:
        return render_template("main/welcome.html")
    counts = catalogue.bank_counts()
    now = datetime.now(UTC)
    current = interviews.open_attempt(current_user.id, now, current_app.config["GRACE_SECONDS"])
    return render_template(
        "main/home.html",
        category_count=counts[0],
        question_count=counts[1],
        current=current,
        remaining=remaining_seconds(current.deadline, now) if current else 0,
        has_history=db.session.scalar(
            sa.select(sa.exists().where(Attempt.user_id == current_user.id, Attempt.state != AttemptState.IN_PROGRESS))
        ),
    )


@bp.route("/healthz")
def health():
    """For load balancers and the container's health check: the database answers."""
    db.session.execute(sa.text("SELECT 1"))
    return {"status": "ok"}
