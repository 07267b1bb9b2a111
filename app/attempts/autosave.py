"""Autosave: the interview page's script sends each answer as JSON."""

from __future__ import annotations

from flask import abort, current_app, request, url_for
from flask_login import current_user, login_required

from ..services import interviews
from ..timing import remaining_seconds
from .blueprint import bp, grace, now


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
    moment = now()
    deadline = answer.attempt.deadline
    result = interviews.save_answer(
        answer,
        payload["text"],
        payload["revision"],
        moment,
        grace(),
        seconds=seconds if isinstance(seconds, (int, float)) else 0,
        flagged=flagged if isinstance(flagged, bool) else None,
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
    return reply
