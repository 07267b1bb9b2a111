"""Taking an interview: its questions (the form works without JavaScript), the clock, submitting."""

from __future__ import annotations

import math
import re
from datetime import datetime

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from .. import clock
from ..models import Attempt
from ..services import interviews
from ..timing import remaining_seconds, warning_marks
from .blueprint import bp, closed_by_the_clock, first_unanswered, grace, own_attempt, to_review
from .forms import AnswerForm, ConfirmForm


def _submit_and_review(attempt: Attempt, moment: datetime):
    if interviews.submit_attempt(attempt, moment, grace()):
        flash("Interview submitted. Here is how your answers compare.", "success")
    return to_review(attempt)


@bp.route("/<int:attempt_id>/resume")
@login_required
def resume(attempt_id: int):
    attempt = own_attempt(attempt_id)
    if closed_by_the_clock(attempt):
        return to_review(attempt)
    return redirect(url_for(".question", attempt_id=attempt.id, number=first_unanswered(attempt)))


def _render_question(
    attempt: Attempt,
    number: int,
    form: AnswerForm,
    *,
    conflict_text: str | None = None,
    stale_revision: int | None = None,
    problem: str | None = None,
    status: int = 200,
):
    answer = attempt.answers[number - 1]
    return (
        render_template(
            "attempts/question.html",
            attempt=attempt,
            answer=answer,
            number=number,
            form=form,
            confirm_form=ConfirmForm(),
            remaining=remaining_seconds(attempt.deadline, clock.now()),
            marks=warning_marks(attempt.time_limit_seconds),
            conflict_text=conflict_text,
            stale_revision=stale_revision,
            problem=problem,
            max_chars=current_app.config["ANSWER_MAX_CHARS"],
        ),
        status,
    )


def _answer_number(attempt: Attempt, number: int) -> int:
    if not 1 <= number <= len(attempt.answers):
        abort(404)
    return number


@bp.route("/<int:attempt_id>/questions/<int:number>", methods=["GET"])
@login_required
def question(attempt_id: int, number: int):
    """One question of an open attempt. A closed attempt sends to its review."""
    attempt = own_attempt(attempt_id)
    number = _answer_number(attempt, number)
    if closed_by_the_clock(attempt):
        return to_review(attempt)
    answer = attempt.answers[number - 1]
    form = AnswerForm(
        data={
            "text": answer.text,
            "revision": answer.revision,
            "flagged": answer.flagged,
            "opened_at": f"{clock.now().timestamp():.0f}",
        }
    )
    return _render_question(attempt, number, form)


@bp.route("/<int:attempt_id>/questions/<int:number>", methods=["POST"])
@login_required
def save_and_go(attempt_id: int, number: int):
    """Save the answer posted with the form (works without JavaScript), then go where the button
    says: another question, the submit confirmation, or stay. A stale revision changes nothing
    and shows both texts."""
    attempt = own_attempt(attempt_id)
    number = _answer_number(attempt, number)
    form = AnswerForm()
    if not form.validate():
        if form.revision.errors:
            # Show the typed text again with the stored revision, so that Save works, and the
            # stored text beside it when it differs: nothing is overwritten unseen.
            stored = attempt.answers[number - 1]
            form.revision.data = stored.revision
            other = stored.text if stored.text and stored.text != (form.text.data or "") else None
            problem = " ".join(form.revision.errors)
            return _render_question(attempt, number, form, conflict_text=other, problem=problem, status=422)
        return _render_question(attempt, number, form, status=422)
    moment = clock.now()
    result = interviews.save_answer(
        attempt.answers[number - 1],
        form.text.data,
        form.revision.data,
        moment,
        grace(),
        seconds=_seconds_spent(form, moment),
        flagged=form.flagged.data,
    )
    if result.status == "late":
        if not result.held:
            form.revision.data = result.revision
            problem = "Time was up, and this text could not be kept (too long as late text). Copy it from the box."
            return _render_question(attempt, number, form, problem=problem, status=409)
        flash("Time was up, so this text was kept as late: it is shown in the review but not scored.", "info")
        return to_review(attempt)
    if result.status == "conflict":
        stale_revision = form.revision.data
        form.revision.data = result.revision  # without a script, saving again keeps this text
        form.opened_at.data = f"{moment.timestamp():.0f}"
        return _render_question(
            attempt, number, form, conflict_text=result.text, stale_revision=stale_revision, status=409
        )
    if closed_by_the_clock(attempt):  # saved in the grace window: that was the last save
        return to_review(attempt)

    action = request.form.get("action", "save")
    if action == "submit":  # ending is irreversible: always through the summary first
        return redirect(url_for(".submit", attempt_id=attempt.id, back=number))
    target = {"next": number + 1, "previous": number - 1}.get(action)
    goto = re.fullmatch(r"goto-([0-9]{1,4})", action)  # ASCII digits only: int("²") would raise
    if goto:
        target = int(goto.group(1))
    if target is None or not 1 <= target <= len(attempt.answers):
        target = number
        flash("Saved.", "success")
    return redirect(url_for(".question", attempt_id=attempt.id, number=target))


def _seconds_spent(form: AnswerForm, moment: datetime) -> float:
    """The script's measure when it ran, else the time since the page was served."""
    for value, since in ((form.seconds.data, None), (form.opened_at.data, moment.timestamp())):
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        if not math.isfinite(number):  # "1e400", "nan": no measure at all
            continue
        return number if since is None else since - number
    return 0.0


@bp.route("/<int:attempt_id>/status")
@login_required
def status(attempt_id: int):
    """The server's view of the clock, for a page that was asleep or hidden; with ?question=N,
    also that answer's stored text and revision, so a tab learns that another one changed it."""
    attempt = own_attempt(attempt_id)
    moment = clock.now()
    interviews.close_after_grace(attempt, moment, grace())
    reply: dict[str, object] = {
        "state": attempt.state,
        "remaining_seconds": remaining_seconds(attempt.deadline, moment),
        "review_url": url_for(".review", attempt_id=attempt.id),
    }
    number = request.args.get("question", type=int)
    if number is not None and 1 <= number <= len(attempt.answers):
        answer = attempt.answers[number - 1]
        reply["answer"] = {"revision": answer.revision, "text": answer.text, "flagged": answer.flagged}
    return reply


@bp.route("/<int:attempt_id>/submit", methods=["GET", "POST"])
@login_required
def submit(attempt_id: int):
    """GET: the summary before submitting (answered, empty, flagged, time left), with the way
    back to question ?back=N. POST: close the attempt (once, however many tabs ask) and show
    its review."""
    attempt = own_attempt(attempt_id)
    moment = clock.now()
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        return _submit_and_review(attempt, moment)
    if closed_by_the_clock(attempt):
        return to_review(attempt)
    back = request.args.get("back", type=int)
    if back is None or not 1 <= back <= len(attempt.answers):
        back = first_unanswered(attempt)
    return render_template(
        "attempts/submit.html",
        attempt=attempt,
        form=form,
        back=back,
        remaining=remaining_seconds(attempt.deadline, moment),
        marks=warning_marks(attempt.time_limit_seconds),
    )
