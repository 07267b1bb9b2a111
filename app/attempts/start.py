"""Starting an interview: chosen categories (with the questions the user added first), the
questions most due for practice, or one question from its page."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import SelectChoice

from .. import clock
from ..services import catalogue, interviews, planning, progress
from ..timing import default_minutes
from .blueprint import bp, first_unanswered, grace
from .forms import PracticeChoiceForm, PracticeForm, StartForm


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Choose categories, number of questions and time limit, then start. Questions the user
    added from their pages come first."""
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
            attempt = planning.start_next_interview(
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
    return render_template(
        "attempts/new.html", form=form, has_questions=bool(rows), planned=planning.planned(current_user.id)
    )


@bp.route("/practice")
@login_required
def practice_choice():
    """Practise my weak spots: the questions it would ask, how many and how long, before the
    clock starts. Lapses first, then overdue, then never seen."""
    choice = PracticeChoiceForm(formdata=request.args or None)
    chosen = bool(request.args) and choice.validate()  # a wrong figure shows its message and the usual list
    count = choice.question_count.data if chosen else choice.question_count.default
    minutes = choice.minutes.data if chosen else None
    items = progress.practice_plan(current_user.id, clock.now(), count)
    form = PracticeForm(data={"questions": ",".join(str(i.question.id) for i in items), "minutes": minutes})
    return render_template(
        "attempts/practice.html",
        choice=choice,
        form=form,
        items=items,
        minutes=minutes or default_minutes(len(items)),
    )


@bp.route("/practice", methods=["POST"])
@login_required
def practice():
    """Start an interview of the questions given, in that order: the weak spots the user was
    shown, or one question from its page."""
    form = PracticeForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for(".practice_choice"))
    question_ids = form.questions.data
    moment = clock.now()
    try:
        attempt = interviews.start_practice(
            current_user.id,
            question_ids,
            form.minutes.data or default_minutes(len(question_ids)),
            moment,
            grace(),
        )
    except interviews.AttemptInProgress as exc:
        flash(str(exc), "info")
        return redirect(url_for(".resume", attempt_id=exc.attempt_id))
    except interviews.NotEnoughQuestions:
        flash("Those questions are no longer in the bank. Choose others.", "error")
        return redirect(url_for(".practice_choice"))
    return redirect(url_for(".question", attempt_id=attempt.id, number=1))
