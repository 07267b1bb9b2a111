"""Scores computed once, when an attempt closes, and stored with the scorer's version so that a
later change of the scorer never silently changes old results."""

from __future__ import annotations

from ..models import Attempt
from ..scoring import SCORER_VERSION, score_answer


def score_attempt(attempt: Attempt) -> None:
    """Score every answer from its saved text (late text is never scored) and the attempt as
    the mean, unanswered questions counting as zero. The caller commits, together with the
    closing of the attempt."""
    values = []
    for answer in attempt.answers:
        score = score_answer(answer.reference_answer, answer.text, answer.key_points, prompt=answer.prompt)
        answer.score = score.value
        answer.score_detail = score.to_dict()
        values.append(score.value)
    attempt.score = sum(values) / len(values) if values else 0.0
    attempt.scorer_version = SCORER_VERSION
