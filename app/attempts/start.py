"""Starting an interview: chosen categories, or the questions most due for practice."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import SelectChoice

from .. import clock
from ..services import catalogue, interviews, progress
from ..timing import default_minutes
from .blueprint import bp, first_unanswered, grace
from .forms import PracticeForm, StartForm


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Choose categories, number of questions and time limit, then start."""
    current = interviews.open_attempt(current_user.id, clock.now(), grace())
    if current is not None:
        flash("You have an interview in progress. Resume it, or submit it to start another.", "info")
        return redirect(url_for(".question", attempt_id=current.id, number=first_unanswered(current)))
    form = StartForm()
    rows = catalogue.interview_choices(current_user.id)
    form.categories.choices = [
        SelectChoice(c.id, f"{c.name} ({c.questions})" + (" · my set" if c.is_set else "")) for c in rows
    ]
    if request.method == "GET":  # a link from a bank category preselects it
        form.categories.data = request.args.getlist("category", type=int)
    if form.validate_on_submit():
        count = form.question_count.data
        try:
            attempt = interviews.start_attempt(
                current_user.id,
                form.categories.data or None,
                count,
                form.minutes.data or default_minutes(count),
                clock.now(),
                grace(),
            )
        except interviews.NotEnoughQuestions as exc:
            form.question_count.errors.append(str(exc))
        except interviews.AttemptInProgress as exc:
            flash(str(exc), "info")
            return redirect(url_for(".resume", attempt_id=exc.attempt_id))
        else:
            return redirect(url_for(".question", attempt_id=attempt.id, number=1))
    return render_template("attempts/new.html", form=form, has_questions=bool(rows))


@bp.route("/practice", methods=["POST"])
@login_required
def practice():
    """Start an interview of the questions most due for practice: lapses, overdue, never seen."""
    form = PracticeForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("progress.index"))
    moment = clock.now()
    count = form.question_count.data
    try:
        attempt = interviews.start_practice(
            current_user.id,
            progress.practice_questions(current_user.id, moment, count),
            default_minutes(count),
            moment,
            grace(),
        )
    except interviews.AttemptInProgress as exc:
        flash(str(exc), "info")
        return redirect(url_for(".resume", attempt_id=exc.attempt_id))
    except interviews.NotEnoughQuestions:
        flash("The question bank is empty, so there is nothing to practise yet.", "error")
        return redirect(url_for("main.home"))
    return redirect(url_for(".question", attempt_id=attempt.id, number=1))
