"""The data model: users, the question bank, and timed attempts with their answers and ratings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from . import clock
from .choices import AttemptState, Difficulty
from .choices import Grade as Grade  # re-exported: the models' modules name it with them
from .extensions import Model
from .timing import TimeUsed, time_used


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC in Python on every database (SQLite drops the zone, so add it back)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class User(UserMixin, Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    attempts: Mapped[list[Attempt]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    # The sign-in this user object was loaded through; Flask-Login stores it in the cookie, so
    # ending that sign-in on the server makes a replayed cookie worthless. (Not a column: the
    # type checker is told its type apart, as the ORM maps every annotated attribute.)
    if TYPE_CHECKING:
        login_token: str | None
    else:
        login_token = None

    def get_id(self) -> str | None:
        return self.login_token

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class LoginSession(Model):
    """One sign-in. The cookie carries a random token; the database keeps only its hash."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # Written at most every few minutes (not on every request): enough for the idle lifetime.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class PasswordReset(Model):
    """A password-reset link sent by email. The link carries a random token; the database keeps
    only its hash. Single use and short-lived."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Category(Model):
    """A group of questions. Without an owner it belongs to the shared bank, which admins keep;
    with one it is that user's own question set, which nobody else sees (unless they open its
    share link, read-only)."""

    __table_args__ = (
        # A slug is unique within the shared bank, and within each user's own sets.
        sa.Index(
            "uq_category_shared_slug",
            "slug",
            unique=True,
            sqlite_where=sa.text("owner_id IS NULL"),
            postgresql_where=sa.text("owner_id IS NULL"),
        ),
        sa.Index(
            "uq_category_owner_slug",
            "owner_id",
            "slug",
            unique=True,
            sqlite_where=sa.text("owner_id IS NOT NULL"),
            postgresql_where=sa.text("owner_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80))
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # The secret of the read-only share link; None when the set is not shared.
    share_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    questions: Mapped[list[Question]] = relationship(
        back_populates="category", order_by="Question.position", cascade="all, delete-orphan"
    )

    @property
    def is_set(self) -> bool:
        return self.owner_id is not None

    def __repr__(self) -> str:
        return f"<Category {self.slug}>"


class Question(Model):
    __table_args__ = (
        sa.UniqueConstraint("category_id", "slug"),
        # Bank questions keep one slug across the whole bank, so an import can tell a question
        # that moved to another category from a new one.
        sa.Index(
            "uq_question_shared_slug",
            "slug",
            unique=True,
            sqlite_where=sa.text("owner_id IS NULL"),
            postgresql_where=sa.text("owner_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("category.id", ondelete="CASCADE"), index=True)
    # The category's owner, kept on the question so that "what may this user see" is one condition.
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(120))
    prompt: Mapped[str] = mapped_column(sa.Text)
    reference_answer: Mapped[str] = mapped_column(sa.Text)
    key_points: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    difficulty: Mapped[str] = mapped_column(sa.String(10), default=Difficulty.MEDIUM.value)
    tags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)
    # Set instead of deleting a question that attempts used: it stays for their history, and
    # is no longer drawn for new interviews.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    category: Mapped[Category] = relationship(back_populates="questions")

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def __repr__(self) -> str:
        return f"<Question {self.slug}>"


class Attempt(Model):
    """One timed mock interview of one user. The server's deadline is the only clock that counts."""

    __table_args__ = (
        sa.Index("ix_attempt_user_started", "user_id", "started_at"),
        # At most one interview in progress per user, even when two requests race to start one.
        sa.Index(
            "uq_attempt_one_open_per_user",
            "user_id",
            unique=True,
            sqlite_where=sa.text("state = 'in_progress'"),
            postgresql_where=sa.text("state = 'in_progress'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(sa.String(16), default=AttemptState.IN_PROGRESS.value)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    time_limit_seconds: Mapped[int]
    score: Mapped[float | None]
    scorer_version: Mapped[str | None] = mapped_column(sa.String(20))

    user: Mapped[User] = relationship(back_populates="attempts")
    answers: Mapped[list[Answer]] = relationship(
        back_populates="attempt",
        order_by="Answer.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def is_open(self) -> bool:
        return self.state == AttemptState.IN_PROGRESS

    @property
    def state_label(self) -> str:
        return AttemptState(self.state).label

    @property
    def time_used(self) -> TimeUsed:
        return time_used(self.started_at, self.closed_at or self.deadline, self.deadline)

    @property
    def unanswered(self) -> list[Answer]:
        return [a for a in self.answers if not a.is_answered]

    @property
    def practice_score(self) -> float | None:
        """The score with the user's checks of key points where they made some: the mean of the
        answers' practice scores, unanswered questions counting as zero, as the scorer's does."""
        if self.score is None or not self.answers:
            return self.score
        return sum(a.practice_score or 0.0 for a in self.answers) / len(self.answers)

    @property
    def has_checks(self) -> bool:
        return any(a.checked_score is not None for a in self.answers)


class Answer(Model):
    """What the user typed for one question of an attempt, beside the question as it was asked.

    The prompt, reference answer and key points are copied when the attempt starts, so editing
    or deleting a bank question never rewrites a past attempt.
    """

    __table_args__ = (sa.UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("attempt.id", ondelete="CASCADE"))
    position: Mapped[int]
    question_id: Mapped[int | None] = mapped_column(sa.ForeignKey("question.id", ondelete="SET NULL"), index=True)
    category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("category.id", ondelete="SET NULL"))
    category_name: Mapped[str] = mapped_column(sa.String(120))
    prompt: Mapped[str] = mapped_column(sa.Text)
    reference_answer: Mapped[str] = mapped_column(sa.Text)
    key_points: Mapped[list[str]] = mapped_column(sa.JSON, default=list)

    text: Mapped[str] = mapped_column(sa.Text, default="")
    revision: Mapped[int] = mapped_column(default=0)
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seconds_spent: Mapped[int] = mapped_column(default=0)
    flagged: Mapped[bool] = mapped_column(default=False)
    # Text that reached the server after the grace window: kept and shown, never scored.
    late_text: Mapped[str | None] = mapped_column(sa.Text)
    late_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    score: Mapped[float | None]
    score_detail: Mapped[dict | None] = mapped_column(sa.JSON)
    # The score with the user's own key-point checks in place of the scorer's (None until the
    # user checks one): what practice and progress go by.
    checked_score: Mapped[float | None]

    attempt: Mapped[Attempt] = relationship(back_populates="answers")
    question: Mapped[Question | None] = relationship()

    @property
    def is_answered(self) -> bool:
        return bool(self.text.strip())

    rating: Mapped[Rating | None] = relationship(
        back_populates="answer", cascade="all, delete-orphan", passive_deletes=True
    )
    checks: Mapped[list[KeyPointCheck]] = relationship(
        back_populates="answer", order_by="KeyPointCheck.key_point", cascade="all, delete-orphan", passive_deletes=True
    )
    feedback: Mapped[AnswerFeedback | None] = relationship(
        back_populates="answer", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def own_checks(self) -> dict[int, bool]:
        """The user's word on each key point they checked: index -> made it."""
        return {c.key_point: c.made for c in self.checks}

    @property
    def practice_score(self) -> float | None:
        return self.checked_score if self.checked_score is not None else self.score


class KeyPointCheck(Model):
    """The user's own word on one key point of an answer: "I made this point" or "I did not".
    It stands beside the scorer's and goes ahead of it wherever the two differ."""

    __tablename__ = "key_point_check"
    __table_args__ = (sa.UniqueConstraint("answer_id", "key_point"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(sa.ForeignKey("answer.id", ondelete="CASCADE"))
    key_point: Mapped[int]  # the key point's index in the answer's stored score
    made: Mapped[bool]
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)

    answer: Mapped[Answer] = relationship(back_populates="checks")


class AnswerFeedback(Model):
    """Detailed feedback on one answer from the operator's language model, asked for by the user
    on the review; asking again replaces it. Kept with the name of the model that wrote it."""

    __tablename__ = "answer_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(sa.ForeignKey("answer.id", ondelete="CASCADE"), unique=True)
    model: Mapped[str] = mapped_column(sa.String(200))
    text: Mapped[str] = mapped_column(sa.Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)

    answer: Mapped[Answer] = relationship(back_populates="feedback")


class Rating(Model):
    """The user's own grade of one answer, with an optional private note. The note is saved by
    itself as it is typed, so a rating may have a note and no grade yet."""

    __table_args__ = (sa.CheckConstraint("grade BETWEEN 1 AND 4", name="grade_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(sa.ForeignKey("answer.id", ondelete="CASCADE"), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int | None] = mapped_column(sa.ForeignKey("question.id", ondelete="SET NULL"), index=True)
    grade: Mapped[int | None]
    note: Mapped[str] = mapped_column(sa.Text, default="")
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)

    answer: Mapped[Answer] = relationship(back_populates="rating")


class PlannedQuestion(Model):
    """A bank question the user chose for their next interview ("Add to my next interview")."""

    __tablename__ = "planned_question"
    __table_args__ = (sa.UniqueConstraint("user_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id", ondelete="CASCADE"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    question: Mapped[Question] = relationship()
