"""Browsing the question bank. Reference answers stay hidden here, so the bank can be practised."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import login_required

from ..services import bank

bp = Blueprint("bank", __name__)


@bp.route("/")
@login_required
def index():
    """Categories with their question counts."""
    rows = bank.categories_with_counts()
    total = sum(count for _, count in rows)
    return render_template("bank/index.html", rows=rows, total=total)


@bp.route("/<slug>")
@login_required
def category(slug: str):
    """One category of the bank: its questions in use (prompts only). 404 for an unknown category,
    and for a user's own set."""
    found = bank.category(slug)
    if found is None:
        abort(404)
    return render_template("bank/category.html", category=found, questions=bank.questions_in_use(found))
