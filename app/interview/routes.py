"""Interview pages. Each view reads a form, calls one service and renders or redirects.

Every view answers 404 for an attempt that is not the signed-in user's.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import SelectChoice

from ..extensions import db
from ..models import Attempt, Category, Question
from ..services import interviews, progress
from ..timing import ANNOUNCE_AT_SECONDS, default_minutes, remaining_seconds
from .forms import AnswerForm, ConfirmForm, PracticeForm, StartForm

bp = Blueprint("interview", __name__)


def _now() -> datetime:
    return datetime.now(UTC)


def _grace() -> int:
    return current_app.config["GRACE_SECONDS"]


def _own_attempt(attempt_id: int) -> Attempt:
    attempt = interviews.attempt_of(current_user.id, attempt_id)
    if attempt is None:
        abort(404)
    return attempt


def _first_unanswered(attempt: Attempt) -> int:
    return attempt.unanswered[0].position + 1 if attempt.unanswered else 1


def _to_review(attempt: Attempt):
    return redirect(url_for("review.attempt", attempt_id=attempt.id))


def _closed_by_the_clock(attempt: Attempt) -> bool:
    """Close the attempt if its deadline has passed (telling the user so). True when it is
    not open any more, for whatever reason."""
    if interviews.close_if_expired(attempt, _now()):
        flash("Time is up. Your interview was submitted with the answers you saved.", "info")
    return not attempt.is_open


def _submit_and_review(attempt: Attempt, now: datetime):
    if interviews.submit_attempt(attempt, now, _grace()):
        flash("Interview submitted. Here is how your answers compare.", "success")
    return _to_review(attempt)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Choose categories, number of questions and time limit, then start."""
    current = interviews.open_attempt(current_user.id, _now(), _grace())
    if current is not None:
        flash("You have an interview in progress. Resume it, or submit it to start another.", "info")
        return redirect(url_for(".question", attempt_id=current.id, number=_first_unanswered(current)))
    form = StartForm()
    rows = db.session.execute(
        sa.select(Category.id, Category.name, sa.func.count(Question.id))
        .join(Question)
        .group_by(Category.id)
        .order_by(Category.position, Category.id)
    ).all()
    form.categories.choices = [SelectChoice(cid, f"{name} ({count})") for cid, name, count in rows]
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
                _now(),
                _grace(),
            )
        except interviews.NotEnoughQuestions as exc:
            form.question_count.errors.append(str(exc))
        except interviews.AttemptInProgress as exc:
            flash(str(exc), "info")
            return redirect(url_for(".resume", attempt_id=exc.attempt_id))
        else:
            return redirect(url_for(".question", attempt_id=attempt.id, number=1))
    return render_template("interview/new.html", form=form, has_questions=bool(rows))


@bp.route("/practice", methods=["POST"])
@login_required
def practice():
    """Start an interview of the questions most due for practice: lapses, overdue, never seen."""
    form = PracticeForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("review.progress_page"))
    now = _now()
    count = form.question_count.data
    try:
        attempt = interviews.start_practice(
            current_user.id,
            progress.practice_questions(current_user.id, now, count),
            default_minutes(count),
            now,
            _grace(),
        )
    except interviews.AttemptInProgress as exc:
        flash(str(exc), "info")
        return redirect(url_for(".resume", attempt_id=exc.attempt_id))
    except interviews.NotEnoughQuestions:
        flash("The question bank is empty, so there is nothing to practise yet.", "error")
        return redirect(url_for("main.home"))
    return redirect(url_for(".question", attempt_id=attempt.id, number=1))


@bp.route("/<int:attempt_id>/resume")
@login_required
def resume(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    if _closed_by_the_clock(attempt):
        return _to_review(attempt)
    return redirect(url_for(".question", attempt_id=attempt.id, number=_first_unanswered(attempt)))


def _render_question(
    attempt: Attempt,
    number: int,
    form: AnswerForm,
    *,
    conflict_text: str | None = None,
    stale_revision: int | None = None,
    status: int = 200,
):
    answer = attempt.answers[number - 1]
    now = _now()
    return (
        render_template(
            "interview/question.html",
            attempt=attempt,
            answer=answer,
            number=number,
            form=form,
            confirm_form=ConfirmForm(),
            remaining=remaining_seconds(attempt.deadline, now),
            announce_at=ANNOUNCE_AT_SECONDS,
            conflict_text=conflict_text,
            stale_revision=stale_revision,
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
    attempt = _own_attempt(attempt_id)
    number = _answer_number(attempt, number)
    if _closed_by_the_clock(attempt):
        return _to_review(attempt)
    answer = attempt.answers[number - 1]
    form = AnswerForm(
        data={
            "text": answer.text,
            "revision": answer.revision,
            "flagged": answer.flagged,
            "opened_at": f"{_now().timestamp():.0f}",
        }
    )
    return _render_question(attempt, number, form)


@bp.route("/<int:attempt_id>/questions/<int:number>", methods=["POST"])
@login_required
def save_and_go(attempt_id: int, number: int):
    """Save the answer posted with the form (works without JavaScript), then go where the button
    says: another question, the submit confirmation, or stay. A stale revision changes nothing
    and shows both texts."""
    attempt = _own_attempt(attempt_id)
    number = _answer_number(attempt, number)
    form = AnswerForm()
    if not form.validate():
        return _render_question(attempt, number, form, status=422)
    now = _now()
    result = interviews.save_answer(
        attempt.answers[number - 1],
        form.text.data,
        form.revision.data,
        now,
        _grace(),
        seconds=_seconds_spent(form, now),
        flagged=form.flagged.data,
    )
    if result.status == "late":
        flash("Time was up, so this text was kept as late: it is shown in the review but not scored.", "info")
        return _to_review(attempt)
    if result.status == "conflict":
        stale_revision = form.revision.data
        form.revision.data = result.revision  # without a script, saving again keeps this text
        form.opened_at.data = f"{now.timestamp():.0f}"
        return _render_question(
            attempt, number, form, conflict_text=result.text, stale_revision=stale_revision, status=409
        )
    if _closed_by_the_clock(attempt):  # saved in the grace window: that was the last save
        return _to_review(attempt)

    action = request.form.get("action", "save")
    if action == "submit":
        if attempt.unanswered:
            return redirect(url_for(".submit", attempt_id=attempt.id))  # confirm first
        return _submit_and_review(attempt, now)
    target = {"next": number + 1, "previous": number - 1}.get(action)
    if action.startswith("goto-") and action[5:].isdigit():
        target = int(action[5:])
    if target is None or not 1 <= target <= len(attempt.answers):
        target = number
        flash("Saved.", "success")
    return redirect(url_for(".question", attempt_id=attempt.id, number=target))


def _seconds_spent(form: AnswerForm, now: datetime) -> float:
    """The script's measure when it ran, else the time since the page was served."""
    for value, since in ((form.seconds.data, None), (form.opened_at.data, now.timestamp())):
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        return number if since is None else since - number
    return 0.0


@bp.route("/<int:attempt_id>/answers/<int:number>", methods=["POST"])
@login_required
def autosave(attempt_id: int, number: int):
    """JSON autosave: {text, revision, seconds?, flagged?}. 409 with the stored text when the
    revision is stale; "late" when time is up (the text is kept, not scored)."""
    answer = interviews.answer_of(current_user.id, attempt_id, number - 1)
    if answer is None:
        abort(404)
    payload = request.get_json(silent=True)
    if (
        not isinstance(payload, dict)
        or not isinstance(payload.get("text"), str)
        or not isinstance(payload.get("revision"), int)
    ):
        return {"error": "Send JSON with 'text' (a string) and 'revision' (a number)."}, 400
    limit = current_app.config["ANSWER_MAX_CHARS"]
    if len(payload["text"]) > limit:
        return {"error": f"Your answer is longer than {limit:,} characters. Shorten it to save."}, 413
    seconds = payload.get("seconds", 0)
    flagged = payload.get("flagged")
    now = _now()
    deadline = answer.attempt.deadline
    result = interviews.save_answer(
        answer,
        payload["text"],
        payload["revision"],
        now,
        _grace(),
        seconds=seconds if isinstance(seconds, (int, float)) else 0,
        flagged=flagged if isinstance(flagged, bool) else None,
    )
    reply = {
        "status": result.status,
        "revision": result.revision,
        "saved_at": result.saved_at.isoformat() if result.saved_at else None,
        "answered": result.answered,
        "flagged": result.flagged,
        "remaining_seconds": remaining_seconds(deadline, now),
    }
    if result.status == "conflict":
        return {**reply, "text": result.text}, 409
    if result.status == "late":
        reply["review_url"] = url_for("review.attempt", attempt_id=attempt_id)
        reply["kept_late"] = result.kept_late
    return reply


@bp.route("/<int:attempt_id>/status")
@login_required
def status(attempt_id: int):
    """The server's view of the clock, for a page that was asleep or hidden."""
    attempt = _own_attempt(attempt_id)
    now = _now()
    interviews.close_if_overdue(attempt, now, _grace())
    return {
        "state": attempt.state,
        "remaining_seconds": remaining_seconds(attempt.deadline, now),
        "review_url": url_for("review.attempt", attempt_id=attempt.id),
    }


@bp.route("/<int:attempt_id>/submit", methods=["GET", "POST"])
@login_required
def submit(attempt_id: int):
    """GET: confirm when questions are unanswered. POST: close the attempt (once, however many
    tabs ask) and show its review."""
    attempt = _own_attempt(attempt_id)
    now = _now()
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        return _submit_and_review(attempt, now)
    if _closed_by_the_clock(attempt):
        return _to_review(attempt)
    return render_template(
        "interview/submit.html",
        attempt=attempt,
        form=form,
        unanswered=attempt.unanswered,
        remaining=remaining_seconds(attempt.deadline, now),
    )
