"""A user's data as files: one attempt as Markdown, everything as JSON."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Answer, Attempt, Category, Grade, User


def _percent(value: float | None) -> str:
    return "not scored" if value is None else f"{round(value * 100)}%"


def _quote(text: str) -> str:
    return "\n".join("> " + line if line.strip() else ">" for line in text.strip().splitlines()) or "> (no answer)"


def _key_point_lines(answer: Answer) -> list[str]:
    """A task list: ticked where the user says they made the point, else where the scorer found
    it; the scorer's finding and the user's word both written out."""
    results = (answer.score_detail or {}).get("key_points")
    if not results:
        return [f"- [ ] {kp} (not scored)" for kp in answer.key_points]
    own = answer.own_checks
    lines = []
    for index, kp in enumerate(results):
        status = kp.get("status") or ("covered" if kp.get("covered") else "missed")
        made = own.get(index, status == "covered")
        word = "" if index not in own else (" · you: made it" if own[index] else " · you: not made")
        lines.append(f"- [{'x' if made else ' '}] {kp['text']} (scorer: {status}{word})")
    return lines


def attempt_markdown(attempt: Attempt) -> str:
    used = attempt.time_used
    flagged = [a for a in attempt.answers if a.flagged]
    lines = [
        f"# Mock interview of {attempt.started_at:%Y-%m-%d %H:%M} UTC",
        "",
        f"- Score: {_percent(attempt.practice_score)}"
        + (f" with your key-point checks (the scorer's: {_percent(attempt.score)})" if attempt.has_checks else ""),
        f"- Time used: {used.seconds // 60} min {used.seconds % 60:02d} s of {used.allowed // 60} min",
        f"- Questions: {len(attempt.answers)}",
        *([f"- Flagged: {', '.join(str(a.position + 1) for a in flagged)}"] if flagged else []),
        "",
    ]
    for answer in attempt.answers:
        rating = answer.rating
        checked = answer.checked_score
        lines += [
            f"## {answer.position + 1}. {answer.prompt}",
            "",
            f"*{answer.category_name}* · score {_percent(answer.score)}"
            + (" · **flagged**" if answer.flagged else "")
            + (f" · {_percent(checked)} with your key-point checks" if checked is not None else "")
            + (f" · rated **{Grade(rating.grade).label}**" if rating and rating.grade else ""),
            "",
            "### Your answer",
            "",
            _quote(answer.text),
            "",
        ]
        if answer.late_text:
            lines += ["### Arrived late (not scored)", "", _quote(answer.late_text), ""]
        lines += ["### Reference answer", "", answer.reference_answer.strip(), "", "### Key points", ""]
        lines += _key_point_lines(answer)
        if answer.feedback:
            asked = answer.feedback.asked_at.strftime("%Y-%m-%d %H:%M UTC")
            lines += ["", f"### Detailed feedback (from {answer.feedback.model}, {asked})", "", answer.feedback.text]
        if rating and rating.note:
            lines += ["", "### Your note", "", rating.note]
        lines.append("")
    return "\n".join(lines)


def user_data(user: User) -> dict[str, Any]:
    """Everything stored about the user, except the password hash and, while an interview is
    still in progress, its reference answers and key points (the export must not be a way to
    read them before answering)."""
    attempts = db.session.scalars(
        sa.select(Attempt)
        .where(Attempt.user_id == user.id)
        .order_by(Attempt.started_at)
        .options(
            selectinload(Attempt.answers).selectinload(Answer.rating),
            selectinload(Attempt.answers).selectinload(Answer.checks),
            selectinload(Attempt.answers).selectinload(Answer.feedback),
        )
    ).all()

    sets = db.session.scalars(
        sa.select(Category)
        .where(Category.owner_id == user.id)
        .order_by(Category.position, Category.id)
        .options(selectinload(Category.questions))
    ).all()

    def iso(value):
        return value.isoformat() if value else None

    return {
        "account": {"email": user.email, "created_at": iso(user.created_at), "is_admin": user.is_admin},
        "question_sets": [
            {
                "name": c.name,
                "description": c.description,
                "shared_by_link": c.share_token is not None,
                "questions": [
                    {
                        "slug": q.slug,
                        "prompt": q.prompt,
                        "answer": q.reference_answer,
                        "key_points": q.key_points,
                        "difficulty": q.difficulty,
                        "tags": q.tags,
                        "updated_at": iso(q.updated_at),
                        "archived_at": iso(q.archived_at),
                    }
                    for q in c.questions
                ],
            }
            for c in sets
        ],
        "attempts": [
            {
                "id": a.id,
                "state": a.state,
                "started_at": iso(a.started_at),
                "deadline": iso(a.deadline),
                "closed_at": iso(a.closed_at),
                "time_limit_seconds": a.time_limit_seconds,
                "score": a.score,
                "checked_score": a.practice_score if a.has_checks else None,
                "scorer_version": a.scorer_version,
                "answers": [
                    {
                        "position": ans.position,
                        "category": ans.category_name,
                        "prompt": ans.prompt,
                        "reference_answer": None if a.is_open else ans.reference_answer,
                        "key_points": None if a.is_open else ans.key_points,
                        "text": ans.text,
                        "revision": ans.revision,
                        "saved_at": iso(ans.saved_at),
                        "seconds_spent": ans.seconds_spent,
                        "flagged": ans.flagged,
                        "late_text": ans.late_text,
                        "late_saved_at": iso(ans.late_saved_at),
                        "score": ans.score,
                        "score_detail": ans.score_detail,
                        "checked_score": ans.checked_score,
                        "key_point_checks": [
                            {"key_point": c.key_point + 1, "made": c.made, "checked_at": iso(c.checked_at)}
                            for c in ans.checks
                        ],
                        "feedback": (
                            {
                                "model": ans.feedback.model,
                                "text": ans.feedback.text,
                                "asked_at": iso(ans.feedback.asked_at),
                            }
                            if ans.feedback
                            else None
                        ),
                        "rating": (
                            {
                                "grade": Grade(ans.rating.grade).label if ans.rating.grade else None,
                                "note": ans.rating.note,
                                "rated_at": iso(ans.rating.rated_at),
                            }
                            if ans.rating
                            else None
                        ),
                    }
                    for ans in a.answers
                ],
            }
            for a in attempts
        ],
    }
