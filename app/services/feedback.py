"""Detailed feedback on a reviewed answer from the operator's language model, on the user's request.

The model is asked outside any database transaction (it may take many seconds), then its reply
is stored with the model's name; asking again replaces the earlier reply."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ..extensions import db
from ..llm import Endpoint, chat
from ..models import Answer, AnswerFeedback, Attempt
from ..text import clean_text

INSTRUCTIONS = (
    "You are an experienced interviewer for technical roles, giving feedback on one written answer "
    "from a mock interview. Compare the candidate's answer with the reference answer and its key points. "
    "Say briefly what is right; then what is wrong, stated the wrong way round, or missing, quoting the "
    "candidate's words where it helps; then the one change that would most improve the answer. "
    "Judge the meaning, not the wording. Be direct and concrete, address the candidate as 'you', "
    "use Markdown lists, and stay under 200 words."
)


class FeedbackRefused(Exception):
    """Feedback cannot be asked for this answer; the message says why."""


def messages_for(answer: Answer) -> list[dict[str, str]]:
    """What the model is sent: the question, the reference answer, its key points and the answer."""
    key_points = "\n".join(f"- {point}" for point in answer.key_points) or "(none given)"
    question = (
        f"Question:\n{answer.prompt}\n\nReference answer:\n{answer.reference_answer}\n\n"
        f"Key points an interviewer listens for:\n{key_points}\n\nCandidate's answer:\n{answer.text}"
    )
    return [{"role": "system", "content": INSTRUCTIONS}, {"role": "user", "content": question}]


def ask(where: Endpoint, attempt: Attempt, answer: Answer, now: datetime) -> AnswerFeedback:
    """Ask the model about one answer of a closed attempt and keep its reply; ModelUnavailable
    (from app.llm) when it gives none, with nothing stored."""
    if attempt.is_open:
        raise FeedbackRefused("Ask for feedback after submitting the interview.")
    if not answer.text.strip():
        raise FeedbackRefused("This question was not answered, so there is nothing to give feedback on.")
    answer_id, sent = answer.id, messages_for(answer)
    db.session.rollback()  # no transaction (nor a pooled connection) is held while the model thinks
    reply = clean_text(chat(where, sent))
    feedback = db.session.scalar(sa.select(AnswerFeedback).where(AnswerFeedback.answer_id == answer_id))
    if feedback is None:
        feedback = AnswerFeedback(answer_id=answer_id)
        db.session.add(feedback)
    feedback.model, feedback.text, feedback.asked_at = where.model[:200], reply, now
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # a second tab asked at the same time and stored first: replace its reply
        db.session.rollback()
        feedback = db.session.scalars(sa.select(AnswerFeedback).where(AnswerFeedback.answer_id == answer_id)).one()
        feedback.model, feedback.text, feedback.asked_at = where.model[:200], reply, now
        db.session.commit()
    return feedback
