"""The home page."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user

from ..extensions import db
from ..models import Category, Question

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    """Signed out: what Rehearse is. Signed in: where to go next."""
    if not current_user.is_authenticated:
        return render_template("main/welcome.html")
    counts = db.session.execute(
        sa.select(sa.func.count(sa.distinct(Category.id)), sa.func.count(Question.id)).select_from(Category).outerjoin(Question)
    ).one()
    return render_template("main/home.html", category_count=counts[0], question_count=counts[1])


@bp.route("/healthz")
def health():
    """For load balancers and the container's health check: the database answers."""
    db.session.execute(sa.text("SELECT 1"))
    return {"status": "ok"}
