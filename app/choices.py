"""The fixed sets of values the database stores, each defined once with the words pages use for
it. Nothing here imports Flask or the database, so file parsers and pure rules use them too."""

from __future__ import annotations

import enum


class Difficulty(enum.StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class AttemptState(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"  # the user submitted it
    TIMED_OUT = "timed_out"  # closed by the server after the deadline (pages) or its grace window (saves)

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]


_STATE_LABELS = {
    AttemptState.IN_PROGRESS: "In progress",
    AttemptState.SUBMITTED: "Submitted",
    AttemptState.TIMED_OUT: "Time ran out",
}


class Grade(enum.IntEnum):
    """The user's own rating of an answer, as in Anki."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        return self.name.lower()


GRADE_NAMES = {grade: grade.label for grade in Grade}
