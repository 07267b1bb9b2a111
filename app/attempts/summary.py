"""The numbers at the top of a review, computed from the attempt as stored: where the user checked
key points, their checks go ahead of the scorer's, as in practice and progress."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..models import Attempt


@dataclass(frozen=True)
class CategoryScore:
    name: str
    score: float
    questions: int


@dataclass(frozen=True)
class Summary:
    score: float | None  # with the user's checks of key points, where they made some (attempt.score: the scorer's)
    categories: tuple[CategoryScore, ...]
    answered: int
    skipped: int
    late: int
    flagged: tuple[int, ...] = ()  # question numbers the user flagged


def summarise(attempt: Attempt) -> Summary:
    by_category: dict[str, list[float]] = defaultdict(list)
    for answer in attempt.answers:
        by_category[answer.category_name].append(answer.practice_score or 0.0)
    answered = sum(1 for a in attempt.answers if a.is_answered)
    return Summary(
        score=attempt.practice_score,
        categories=tuple(
            CategoryScore(name, sum(scores) / len(scores), len(scores)) for name, scores in by_category.items()
        ),
        answered=answered,
        skipped=len(attempt.answers) - answered,
        late=sum(1 for a in attempt.answers if a.late_text),
        flagged=tuple(a.position + 1 for a in attempt.answers if a.flagged),
    )
