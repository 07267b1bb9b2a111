"""Browsing the question bank: categories, and each question's own page with the user's history
with it. Reference answers appear only once the user has answered the question in an interview,
so the bank can be practised."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import clock
from ..auth.routes import safe_next
from ..choices import GRADE_NAMES
from ..models import Question
from ..services import bank, catalogue, planning, progress
from ..timing import default_minutes
from .forms import PlanForm

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


def _question(question_id: int) -> Question:
    """A question of the shared bank or of the user's own sets; 404 for anyone else's."""
    found = catalogue.visible_question(current_user.id, question_id)
    if found is None:
        abort(404)
    return found


@bp.route("/questions/<int:question_id>")
@login_required
def question(question_id: int):
    """One question: its prompt, category and difficulty, the user's history with it, and ways to
    practise it. 404 for an unknown question."""
    found = _question(question_id)
    return render_template(
        "bank/question.html",
        question=found,
        past=progress.question_history(current_user.id, question_id),
        planned=planning.is_planned(current_user.id, question_id),
        form=PlanForm(),
        practice_minutes=default_minutes(1),
        grade_names=GRADE_NAMES,
    )


@bp.route("/questions/<int:question_id>/plan", methods=["POST"])
@login_required
def plan(question_id: int):
    """Add the question to the user's next interview."""
    found = _question(question_id)
    if PlanForm().validate_on_submit():
        planning.add(current_user.id, found.id, clock.now())
        flash("Added to your next interview: it will be asked first.", "success")
    return redirect(safe_next(request.form.get("next")) or url_for(".question", question_id=found.id))


@bp.route("/questions/<int:question_id>/unplan", methods=["POST"])
@login_required
def unplan(question_id: int):
    """Take the question out of the user's next interview."""
    found = _question(question_id)
    if PlanForm().validate_on_submit():
        planning.remove(current_user.id, found.id)
        flash("Removed from your next interview.", "info")
    return redirect(safe_next(request.form.get("next")) or url_for(".question", question_id=found.id))
