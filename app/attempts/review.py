"""After an interview: the review of an attempt, its ratings, its Markdown export, and the list
of the user's attempts."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from .. import clock, llm, throttle
from ..choices import GRADE_NAMES
from ..markdown import render_markdown
from ..models import Answer, Attempt, Grade
from ..negotiation import wants_json
from ..numbers import id_arg, page_arg
from ..services import exports, feedback, interviews, key_point_checks, progress, ratings
from ..spaced import comes_back
from .blueprint import bp, own_attempt
from .forms import KeyPointCheckForm, NoteForm, RatingForm
from .summary import summarise


def _reviewable_attempt(attempt_id: int) -> Attempt:
    """The user's attempt (404 otherwise) with answers and ratings, closed if its time is up."""
    attempt = interviews.attempt_for_review(current_user.id, attempt_id, clock.now())
    if attempt is None:
        abort(404)
    return attempt


@bp.route("/")
@login_required
def history():
    """My attempts: newest first, 20 a page, optionally one category only."""
    category_id = id_arg("category")
    page = progress.attempts_page(current_user.id, page_arg(), category_id=category_id)
    return render_template(
        "attempts/history.html",
        page=page,
        categories=progress.categories_answered(current_user.id),
        category_id=category_id,
    )


@bp.route("/<int:attempt_id>")
@login_required
def review(attempt_id: int):
    """The review of a closed attempt; an open one sends back to its questions."""
    attempt = _reviewable_attempt(attempt_id)
    if attempt.is_open:
        return redirect(url_for(".resume", attempt_id=attempt.id))
    moment = clock.now()
    return render_template(
        "attempts/review.html",
        attempt=attempt,
        summary=summarise(attempt),
        used=attempt.time_used,
        forms={a.id: RatingForm(prefix=f"a{a.position + 1}", data=_rating_data(a)) for a in attempt.answers},
        comes_back={
            answer_id: {int(grade): comes_back(due, moment) for grade, due in dues.items()}
            for answer_id, dues in progress.due_after_each_grade(current_user.id, attempt).items()
        },
        grade_names=GRADE_NAMES,
        feedback_model=llm.endpoint(current_app),
    )


def _rating_data(answer: Answer) -> dict:
    return {"grade": answer.rating.grade, "note": answer.rating.note} if answer.rating else {}


def _answer_of(attempt: Attempt, number: int) -> Answer:
    if not 1 <= number <= len(attempt.answers):
        abort(404)
    return attempt.answers[number - 1]


@bp.route("/<int:attempt_id>/answers/")
@login_required
def answers(attempt_id: int):
    """The answers of an attempt are read on its pages: the review, or the questions while it is
    open. (Each answer's own address, below this one, takes the autosave.)"""
    attempt = own_attempt(attempt_id)
    return redirect(url_for(".resume" if attempt.is_open else ".review", attempt_id=attempt.id))


@bp.route("/<int:attempt_id>/answers/<int:number>/rating", methods=["POST"])
@login_required
def rate(attempt_id: int, number: int):
    """Save the user's grade (and note) of one answer; a note without a grade is kept too.
    JSON replies for the page's script."""
    attempt = _reviewable_attempt(attempt_id)
    answer = _answer_of(attempt, number)
    form = RatingForm(prefix=f"a{number}")
    if not form.validate_on_submit():
        message = " ".join(e for errors in form.errors.values() for e in errors)
        if wants_json():
            return {"error": message}, 422
        flash(message, "error")
        return redirect(url_for(".review", attempt_id=attempt.id, _anchor=f"q{number}"))
    try:
        if form.grade.data is None:
            rating = ratings.save_note(attempt, answer, form.note.data or "", clock.now())
        else:
            rating = ratings.rate_answer(attempt, answer, Grade(form.grade.data), form.note.data or "", clock.now())
    except ratings.RatingRefused as exc:
        if wants_json():
            return {"error": str(exc)}, 409
        flash(str(exc), "error")
        return redirect(url_for(".resume", attempt_id=attempt.id))
    name = Grade(rating.grade).label if rating.grade else None
    if wants_json():
        return {"grade": rating.grade, "name": name, "note": rating.note}
    flash(f"Rated question {number}: {name}." if name else f"Note on question {number} saved.", "success")
    return redirect(url_for(".review", attempt_id=attempt.id, _anchor=f"q{number}"))


@bp.route("/<int:attempt_id>/answers/<int:number>/note", methods=["POST"])
@login_required
def note(attempt_id: int, number: int):
    """Keep the private note of one answer as the user types it (JSON, for the page's script)."""
    attempt = _reviewable_attempt(attempt_id)
    answer = _answer_of(attempt, number)
    form = NoteForm(prefix=f"a{number}")
    if not form.validate_on_submit():
        return {"error": " ".join(e for errors in form.errors.values() for e in errors)}, 422
    try:
        rating = ratings.save_note(attempt, answer, form.note.data or "", clock.now())
    except ratings.RatingRefused as exc:
        return {"error": str(exc)}, 409
    return {"note": rating.note}


@bp.route("/<int:attempt_id>/answers/<int:number>/key-points/<int:index>", methods=["POST"])
@login_required
def check_key_point(attempt_id: int, number: int, index: int):
    """The user's word on key point `index` (from 1) of one answer: made it, did not, or back
    to the scorer's. JSON replies for the page's script; a redirect to the answer otherwise."""
    attempt = _reviewable_attempt(attempt_id)
    answer = _answer_of(attempt, number)
    form = KeyPointCheckForm()
    if not form.validate_on_submit():
        message = " ".join(e for errors in form.errors.values() for e in errors) or "Choose made or not made."
        if wants_json():
            return {"error": message}, 422
        flash(message, "error")
        return redirect(url_for(".review", attempt_id=attempt.id, _anchor=f"q{number}"))
    try:
        key_point_checks.check_key_point(attempt, answer, index - 1, form.made_value(), clock.now())
    except key_point_checks.NoSuchKeyPoint:
        abort(404)
    except ratings.RatingRefused as exc:
        if wants_json():
            return {"error": str(exc)}, 409
        flash(str(exc), "error")
        return redirect(url_for(".resume", attempt_id=attempt.id))
    if wants_json():
        summary = summarise(attempt)
        return {
            "made": form.made_value(),
            "checked_score": answer.checked_score,
            "checks": {str(i + 1): made for i, made in answer.own_checks.items()},
            "overall_score": summary.score,
            "overall_checked": attempt.has_checks,
            "categories": {c.name: c.score for c in summary.categories},
        }
    flash(f"Question {number}, key point {index}: your check is kept.", "success")
    return redirect(url_for(".review", attempt_id=attempt.id, _anchor=f"q{number}"))


@bp.route("/<int:attempt_id>/answers/<int:number>/feedback", methods=["POST"])
@login_required
def ask_feedback(attempt_id: int, number: int):
    """Detailed feedback on one answer from the operator's language model (404 when none is
    configured). JSON replies for the page's script; a redirect to the answer otherwise."""
    where = llm.endpoint(current_app)
    if where is None:
        abort(404)
    attempt = _reviewable_attempt(attempt_id)
    answer = _answer_of(attempt, number)
    back = url_for(".review", attempt_id=attempt.id, _anchor=f"feedback-{number}")
    wait = throttle.allow("FEEDBACK_LIMITS", "feedback", str(current_user.id))
    try:
        if wait:
            raise feedback.FeedbackRefused(
                f"You have asked for a lot of feedback: try again in {max(1, round(wait / 60))} min."
            )
        reply = feedback.ask(where, attempt, answer, clock.now())
    except (feedback.FeedbackRefused, llm.ModelUnavailable) as exc:
        status = 429 if wait else 503 if isinstance(exc, llm.ModelUnavailable) else 409
        if wants_json():
            return {"error": str(exc)}, status
        flash(str(exc), "error")
        return redirect(back)
    if wants_json():
        return {"html": str(render_markdown(reply.text)), "model": reply.model, "asked_at": reply.asked_at.isoformat()}
    flash(f"Feedback on question {number} is below.", "success")
    return redirect(back)


@bp.route("/<int:attempt_id>/export.md")
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
