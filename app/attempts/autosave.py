"""Autosave: the interview page's script sends each answer as JSON."""

from __future__ import annotations

from flask import abort, current_app, make_response, request, session, url_for
from flask_login import current_user

from .. import clock
from ..extensions import login_manager
from ..models import Answer
from ..services import interviews
from ..services.accounts import Lifetimes
from ..services.quick_save import quick_save
from ..timing import remaining_seconds
from .blueprint import bp, grace
from .schemas import RequestRefused, read_autosave


@bp.route("/<int:attempt_id>/answers/<int:number>", methods=["POST"])
def autosave(attempt_id: int, number: int):
    """JSON autosave: {text, revision, seconds?, flagged?}. 401 when signed out, 404 for anyone
    else's attempt; 409 with the stored text when the revision is stale; "late" when time is up
    (the text is kept, not scored). Bad input is refused (400, or 413 for a too long answer) and
    changes nothing.

    The plain case (new text at the current revision, in time, through a live sign-in) is one
    statement that loads neither the user nor the attempt; every other case takes the full path."""
    token = session.get("_user_id")  # the sign-in's token, which Flask-Login keeps in the session
    if not token:
        return login_manager.unauthorized()
    cfg = current_app.config
    try:
        data = read_autosave(request.is_json, request.get_data(), cfg["ANSWER_MAX_CHARS"])
    except RequestRefused as exc:
        _own_answer(attempt_id, number)  # a signed-out or stranger's request learns only that
        return {"error": str(exc)}, exc.status
    moment = clock.now()
    lifetimes = Lifetimes(cfg["SESSION_ABSOLUTE_SECONDS"], cfg["SESSION_IDLE_SECONDS"])
    quick = quick_save(
        token, attempt_id, number - 1, data.text, data.revision, moment, grace(), lifetimes,
        seconds=data.seconds, flagged=data.flagged,
    )  # fmt: skip
    if quick is not None:
        return {
            "status": "saved",
            "revision": quick.revision,
            "saved_at": moment.isoformat(),
            "answered": bool(data.text.strip()),
            "flagged": quick.flagged,
            "remaining_seconds": remaining_seconds(quick.deadline, moment),
        }
    answer = _own_answer(attempt_id, number)
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


def _own_answer(attempt_id: int, number: int) -> Answer:
    """The signed-in user's answer, loaded through the sign-in's full check: 401 when the sign-in
    has ended or expired, 404 for anyone else's attempt or a question it does not have."""
    if not current_user.is_authenticated:
        abort(make_response(login_manager.unauthorized()))
    answer = interviews.answer_of(current_user.id, attempt_id, number - 1)
    if answer is None:
        abort(404)
    return answer
