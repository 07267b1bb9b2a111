"""Autosave: the interview page's script sends each answer as JSON."""

from __future__ import annotations

from flask import abort, current_app, request, url_for
from flask_login import current_user, login_required

from .. import clock
from ..services import interviews
from ..timing import remaining_seconds
from .blueprint import bp, grace
from .schemas import RequestRefused, read_autosave


@bp.route("/<int:attempt_id>/answers/<int:number>", methods=["POST"])
@login_required
def autosave(attempt_id: int, number: int):
    """JSON autosave: {text, revision, seconds?, flagged?}. 409 with the stored text when the
    revision is stale; "late" when time is up (the text is kept, not scored). Bad input is
    refused (400, or 413 for a too long answer) and changes nothing."""
    answer = interviews.answer_of(current_user.id, attempt_id, number - 1)
    if answer is None:
        abort(404)
    try:
        data = read_autosave(request.is_json, request.get_data(), current_app.config["ANSWER_MAX_CHARS"])
    except RequestRefused as exc:
        return {"error": str(exc)}, exc.status
    moment = clock.now()
    deadline = answer.attempt.deadline
    result = interviews.save_answer(
        answer, data.text, data.revision, moment, grace(), seconds=data.seconds, flagged=data.flagged
    )
    reply = {
        "status": result.status,
        "revision": result.revision,
        "saved_at": result.saved_at.isoformat() if result.saved_at else None,
        "answered": result.answered,
        "flagged": result.flagged,
        "remaining_seconds": remaining_seconds(deadline, moment),
    }
    if result.status == "conflict":
        return {**reply, "text": result.text}, 409
    if result.status == "late":
        reply["review_url"] = url_for(".review", attempt_id=attempt_id)
        reply["kept_late"] = result.kept_late
        reply["held"] = result.held  # false: the server does not hold this text, so the page keeps its copy
    return reply
