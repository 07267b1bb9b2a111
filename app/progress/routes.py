"""Progress pages: /progress (each question's history is on its page in the bank)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from .. import clock
from ..charts import line_chart
from ..choices import GRADE_NAMES
from ..services import catalogue, progress
from ..spaced import due_count

bp = Blueprint("progress", __name__)

CHART_CATEGORIES = 5  # beyond this many lines a chart stops being readable; the table has all


OVERALL = "All categories"


def _chartable(series: dict) -> dict:
    """The overall line and the categories answered most often. With a single category the
    overall line would be the same line drawn twice, hiding the category's: it is left out."""
    overall, *categories = series.items()
    busiest = sorted(categories, key=lambda item: -len(item[1]))[:CHART_CATEGORIES]
    if len(categories) == 1:
        return dict(busiest)
    return dict([overall, *sorted(busiest)])


@bp.route("/progress")
@login_required
def index():
    """Score over time, overall and per category, and the weakest questions."""
    now = clock.now()
    series = progress.score_series(current_user.id)
    chart = line_chart(
        {name: [(p.at, p.value) for p in points] for name, points in _chartable(series).items()}, underlay=OVERALL
    )
    past = progress.recalls(current_user.id)
    schedules = progress.schedules(current_user.id, past)
    return render_template(
        "progress/index.html",
        chart=chart,
        series=series,
        weakest=progress.weakest(current_user.id, schedules),
        due=due_count(list(schedules.values()), now),
        grade_names=GRADE_NAMES,
    )


@bp.route("/questions/<int:question_id>/history")
@login_required
def question_history(question_id: int):
    """A question's history is on its own page in the bank now. 404 for an unknown question, and
    for another user's own question."""
    if catalogue.visible_question(current_user.id, question_id) is None:
        abort(404)
    return redirect(url_for("bank.question", question_id=question_id), 301)
