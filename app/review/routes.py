"""After interviews: the review of an attempt, ratings, history, progress and exports.

Every view answers 404 for an attempt that is not the signed-in user's.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from ..charts import line_chart
from ..extensions import db
from ..models import Answer, Attempt, Grade, Question
from ..services import exports, interviews, progress, ratings
from ..spaced import GRADE_NAMES, due_count
from .forms import RatingForm
from .summary import summarise

bp = Blueprint("review", __name__)


def _reviewable_attempt(attempt_id: int) -> Attempt:
    """The user's attempt (404 otherwise) with answers and ratings, closed if its time is up."""
    attempt = interviews.attempt_of(
        current_user.id, attempt_id, selectinload(Attempt.answers).selectinload(Answer.rating)
    )
    if attempt is None:
        abort(404)
    interviews.close_if_expired(attempt, datetime.now(UTC))
    return attempt


@bp.route("/attempts/<int:attempt_id>")
@login_required
def attempt(attempt_id: int):
    """The review of a closed attempt; an open one sends back to its questions."""
    attempt = _reviewable_attempt(attempt_id)
    if attempt.is_open:
        return redirect(url_for("interview.resume", attempt_id=attempt.id))
    return render_template(
        "review/attempt.html",
        attempt=attempt,
        summary=summarise(attempt),
        used=attempt.time_used,
        forms={a.id: RatingForm(prefix=f"a{a.position + 1}", data=_rating_data(a)) for a in attempt.answers},
        grade_names=GRADE_NAMES,
    )


def _rating_data(answer) -> dict:
    return {"grade": answer.rating.grade, "note": answer.rating.note} if answer.rating else {}


@bp.route("/attempts/<int:attempt_id>/answers/<int:number>/rating", methods=["POST"])
@login_required
def rate(attempt_id: int, number: int):
    """Save the user's grade (and note) of one answer. JSON replies for the page's script."""
    attempt = _reviewable_attempt(attempt_id)
    if not 1 <= number <= len(attempt.answers):
        abort(404)
    answer = attempt.answers[number - 1]
    form = RatingForm(prefix=f"a{number}")
    wants_json = request.accept_mimetypes.best == "application/json"
    if not form.validate_on_submit():
        message = " ".join(e for errors in form.errors.values() for e in errors)
        if wants_json:
            return {"error": message}, 422
        flash(message, "error")
        return redirect(url_for(".attempt", attempt_id=attempt.id, _anchor=f"q{number}"))
    try:
        rating = ratings.rate_answer(attempt, answer, Grade(form.grade.data), form.note.data or "")
    except ratings.RatingRefused as exc:
        if wants_json:
            return {"error": str(exc)}, 409
        flash(str(exc), "error")
        return redirect(url_for("interview.resume", attempt_id=attempt.id))
    if wants_json:
        return {"grade": rating.grade, "name": GRADE_NAMES[rating.grade], "note": rating.note}
    flash(f"Rated question {number}: {GRADE_NAMES[rating.grade]}.", "success")
    return redirect(url_for(".attempt", attempt_id=attempt.id, _anchor=f"q{number}"))


@bp.route("/attempts/<int:attempt_id>/export.md")
@login_required
def export_markdown(attempt_id: int):
    attempt = _reviewable_attempt(attempt_id)
    if attempt.is_open:
        abort(404)
    return Response(
        exports.attempt_markdown(attempt),
        mimetype="text/markdown",
        headers={"Content-Disposition": f'attachment; filename="rehearse-attempt-{attempt.id}.md"'},
    )


@bp.route("/account/export.json")
@login_required
def export_json():
    """All of the user's data, as a download."""
    response = current_app.json.response(exports.user_data(current_user))
    response.headers["Content-Disposition"] = 'attachment; filename="rehearse-my-data.json"'
    return response


@bp.route("/attempts/")
@login_required
def history():
    """My attempts: newest first, 20 a page, optionally one category only."""
    category_id = request.args.get("category", type=int)
    page = progress.attempts_page(current_user.id, request.args.get("page", 1, type=int), category_id=category_id)
    return render_template(
        "review/history.html",
        page=page,
        categories=progress.categories_answered(current_user.id),
        category_id=category_id,
    )


@bp.route("/questions/<int:question_id>/history")
@login_required
def question_history(question_id: int):
    """Every time the user answered one question, with scores and ratings. 404 for an unknown question."""
    question = db.get_or_404(Question, question_id)
    return render_template(
        "review/question_history.html",
        question=question,
        past=progress.question_history(current_user.id, question_id),
        grade_names=GRADE_NAMES,
    )


CHART_CATEGORIES = 5  # beyond this many lines a chart stops being readable; the table has all


def _chartable(series: dict) -> dict:
    """The overall line and the categories answered most often."""
    overall, *categories = series.items()
    busiest = sorted(categories, key=lambda item: -len(item[1]))[:CHART_CATEGORIES]
    return dict([overall, *sorted(busiest)])


@bp.route("/progress")
@login_required
def progress_page():
    """Score over time, overall and per category, and the weakest questions."""
    now = datetime.now(UTC)
    series = progress.score_series(current_user.id)
    chart = line_chart({name: [(p.at, p.value) for p in points] for name, points in _chartable(series).items()})
    past = progress.reviews(current_user.id)
    schedules = progress.schedules(past)
    return render_template(
        "review/progress.html",
        chart=chart,
        series=series,
        weakest=progress.weakest(current_user.id, schedules),
        due=due_count(list(schedules.values()), now),
        grade_names=GRADE_NAMES,
    )
