"""Browsing the question bank. Reference answers stay hidden here, so the bank can be practised."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import login_required

from ..extensions import db
from ..models import Category, Question

bp = Blueprint("bank", __name__)


@bp.route("/")
@login_required
def index():
    """Categories with their question counts."""
    rows = db.session.execute(
        sa.select(Category, sa.func.count(Question.id))
        .outerjoin(Question)
        .group_by(Category.id)
        .order_by(Category.position, Category.id)
    ).all()
    total = sum(count for _, count in rows)
    return render_template("bank/index.html", rows=rows, total=total)


@bp.route("/<slug>")
@login_required
def category(slug: str):
    """One category's questions (prompts only). 404 for an unknown category."""
    category = db.first_or_404(sa.select(Category).where(Category.slug == slug))
    return render_template("bank/category.html", category=category, questions=category.questions)
