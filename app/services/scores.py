"""Scores computed once, when an attempt closes, and stored with the scorer's version so that a
later change of the scorer never silently changes old results."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..choices import AttemptState
from ..extensions import db
from ..models import Answer, Attempt
from ..scoring import SCORER_VERSION, score_answer
from . import key_point_checks


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


BATCH = 200  # attempts scored again per transaction


def _to_rescore(everything: bool) -> sa.Select:
    """Closed attempts whose scores are missing (or not from this scorer, with `everything`)."""
    query = sa.select(Attempt.id).where(Attempt.state != AttemptState.IN_PROGRESS)
    missing = sa.or_(
        Attempt.score.is_(None),
        Attempt.scorer_version.is_(None),
        sa.select(Answer.id).where(Answer.attempt_id == Attempt.id, Answer.score.is_(None)).exists(),
    )
    return query.where(sa.or_(missing, Attempt.scorer_version != SCORER_VERSION) if everything else missing)


def rescore(everything: bool) -> Iterator[int]:
    """Score closed attempts again with this scorer, a batch per transaction; yields how many
    are done after each batch. Missing scores only, unless `everything`: then also every attempt
    scored by an earlier version (one already scored by this version would not change). The
    user's key-point checks carry over, and their checked scores follow the new scores."""
    ids = db.session.scalars(_to_rescore(everything).order_by(Attempt.id)).all()
    done = 0
    for start in range(0, len(ids), BATCH):
        batch = db.session.scalars(
            sa.select(Attempt)
            .where(Attempt.id.in_(ids[start : start + BATCH]))
            .options(selectinload(Attempt.answers).selectinload(Answer.checks))
        ).all()
        for attempt in batch:
            score_attempt(attempt)
            for answer in attempt.answers:
                key_point_checks.rescored(answer)
        db.session.commit()
        done += len(batch)
        yield done
