"""Timed interviews: start, save answers, submit, close. The server's clock decides; `now` is
passed in by the caller so that the rules can be tested at any instant."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from ..extensions import db
from ..models import Answer, Attempt, AttemptState, Category, Question
from ..timing import SaveWindow, clamp_seconds_spent, deadline_for, is_expired, is_overdue, save_window
from . import catalogue, scores


class InterviewError(Exception):
    """A request the rules refuse, with a message for the user."""


class NotEnoughQuestions(InterviewError):
    def __init__(self, available: int):
        self.available = available
        super().__init__(
            f"The chosen categories have {available} question{'s' if available != 1 else ''}; "
            f"choose {available} or fewer, or add categories."
            if available
            else "The chosen categories have no questions yet. Choose other categories."
        )


class AttemptInProgress(InterviewError):
    def __init__(self, attempt_id: int):
        self.attempt_id = attempt_id
        super().__init__("You already have an interview in progress. Resume it or submit it first.")


def attempt_of(user_id: int, attempt_id: int, *options) -> Attempt | None:
    """The user's attempt with this id; None for anyone else's, so views answer 404."""
    return db.session.scalar(
        sa.select(Attempt).where(Attempt.id == attempt_id, Attempt.user_id == user_id).options(*options)
    )


def attempt_for_review(user_id: int, attempt_id: int, now: datetime) -> Attempt | None:
    """The user's attempt with its answers, their ratings, checks and feedback loaded, closed first if its deadline
    has passed; None for anyone else's."""
    answers = selectinload(Attempt.answers)
    attempt = attempt_of(
        user_id,
        attempt_id,
        answers.selectinload(Answer.rating),
        answers.selectinload(Answer.checks),
        answers.selectinload(Answer.feedback),
    )
    if attempt is not None:
        close_at_deadline(attempt, now)
    return attempt


def open_attempt(user_id: int, now: datetime, grace_seconds: int) -> Attempt | None:
    """The user's attempt in progress, after closing it if its time ran out while nobody looked."""
    attempt = db.session.scalar(
        sa.select(Attempt).where(Attempt.user_id == user_id, Attempt.state == AttemptState.IN_PROGRESS)
    )
    if attempt is not None and close_after_grace(attempt, now, grace_seconds):
        return None
    return attempt


def pick_questions(user_id: int, category_ids: Sequence[int] | None, count: int, rng: random.Random) -> list[Question]:
    """`count` different questions, those this user has met least often first, at random among equals."""
    seen = (
        sa.select(Answer.question_id, sa.func.count(Answer.id).label("times"))
        .join(Attempt)
        .where(Attempt.user_id == user_id)
        .group_by(Answer.question_id)
        .subquery()
    )
    query = (
        sa.select(Question, sa.func.coalesce(seen.c.times, 0))
        .outerjoin(seen, seen.c.question_id == Question.id)
        .where(catalogue.drawable_questions(user_id))
    )
    if category_ids:
        query = query.where(Question.category_id.in_(category_ids))
    rows = db.session.execute(query).all()
    if len(rows) < count:
        raise NotEnoughQuestions(len(rows))
    keyed = [(times, rng.random(), question) for question, times in rows]
    keyed.sort(key=lambda row: row[:2])
    return [question for _, _, question in keyed[:count]]


def start_attempt(
    user_id: int,
    category_ids: Sequence[int] | None,
    count: int,
    minutes: int,
    now: datetime,
    grace_seconds: int,
    rng: random.Random | None = None,
) -> Attempt:
    """Start a timed interview of `count` questions drawn from the categories (all when None)."""
    _refuse_if_in_progress(user_id, now, grace_seconds)
    questions = pick_questions(user_id, category_ids, count, rng or random.Random())  # noqa: S311 (question order, not a secret)
    return _create_attempt(user_id, questions, minutes, now, grace_seconds)


def start_practice(
    user_id: int, question_ids: Sequence[int], minutes: int, now: datetime, grace_seconds: int
) -> Attempt:
    """Start a timed interview of the given questions, in that order (for weak-spot practice)."""
    _refuse_if_in_progress(user_id, now, grace_seconds)
    by_id = {
        q.id: q
        for q in db.session.scalars(
            sa.select(Question).where(Question.id.in_(question_ids), catalogue.drawable_questions(user_id))
        )
    }
    questions = [by_id[i] for i in question_ids if i in by_id]
    if not questions:
        raise NotEnoughQuestions(0)
    return _create_attempt(user_id, questions, minutes, now, grace_seconds)


def _refuse_if_in_progress(user_id: int, now: datetime, grace_seconds: int) -> None:
    current = open_attempt(user_id, now, grace_seconds)
    if current is not None:
        raise AttemptInProgress(current.id)


def _create_attempt(
    user_id: int, questions: Sequence[Question], minutes: int, now: datetime, grace_seconds: int
) -> Attempt:
    """Each question is copied into the attempt, so later edits of the bank never change it."""
    category_ids = {question.category_id for question in questions}
    names = dict(db.session.execute(sa.select(Category.id, Category.name).where(Category.id.in_(category_ids))).all())
    attempt = Attempt(
        user_id=user_id,
        started_at=now,
        deadline=deadline_for(now, minutes),
        time_limit_seconds=minutes * 60,
    )
    for position, question in enumerate(questions):
        attempt.answers.append(
            Answer(
                position=position,
                question_id=question.id,
                category_id=question.category_id,
                category_name=names.get(question.category_id, ""),
                prompt=question.prompt,
                reference_answer=question.reference_answer,
                key_points=list(question.key_points),
            )
        )
    db.session.add(attempt)
    try:
        db.session.commit()
    except IntegrityError:
        # Another request started one at the same moment: one open attempt per user.
        db.session.rollback()
        current = open_attempt(user_id, now, grace_seconds)
        raise AttemptInProgress(current.id if current else 0) from None
    return attempt


@dataclass(frozen=True)
class SaveResult:
    status: str  # "saved", "unchanged", "conflict" or "late"
    text: str  # what the server holds now (the newer text, on a conflict)
    revision: int
    saved_at: datetime | None
    flagged: bool
    kept_late: bool = False  # this call stored new late text
    held: bool = True  # the server holds the text that was sent (as the answer or in its late text)

    @property
    def answered(self) -> bool:
        return bool(self.text.strip())


def _as_stored(status: str, answer: Answer, *, kept_late: bool = False, held: bool = True) -> SaveResult:
    return SaveResult(status, answer.text, answer.revision, answer.saved_at, answer.flagged, kept_late, held)


def answer_of(user_id: int, attempt_id: int, position: int) -> Answer | None:
    """One answer with its attempt, in one query; None unless the attempt is the user's."""
    return db.session.scalar(
        sa.select(Answer)
        .join(Answer.attempt)
        .where(Attempt.id == attempt_id, Attempt.user_id == user_id, Answer.position == position)
        .options(contains_eager(Answer.attempt))
    )


def save_answer(
    answer: Answer,
    text: str,
    base_revision: int,
    now: datetime,
    grace_seconds: int,
    *,
    seconds: float = 0,
    flagged: bool | None = None,
) -> SaveResult:
    """Store what the user typed, unless a newer revision exists (conflict, nothing written).

    Text that arrives after the grace window, or after the attempt was closed, is kept as late
    text: shown in the review, never scored, never lost.
    """
    attempt = answer.attempt
    text = text.replace("\r\n", "\n")  # browsers post CRLF; scripts send LF: the same text
    if attempt.is_open and save_window(attempt.deadline, now, grace_seconds) is SaveWindow.LATE:
        close_after_grace(attempt, now, grace_seconds)
    if not attempt.is_open:
        return _keep_late(answer, text, now)

    spent = clamp_seconds_spent(seconds, (now - attempt.started_at).total_seconds())
    extra: dict[str, object] = {"seconds_spent": Answer.seconds_spent + spent}
    if flagged is not None:
        extra["flagged"] = flagged
    if text != answer.text:
        # The revision check and the write are one statement: two tabs or workers cannot both win.
        written = _write_if_open(
            answer, {**extra, "text": text, "revision": Answer.revision + 1, "saved_at": now}, base_revision
        )
        if written:
            return SaveResult("saved", *written)
        db.session.refresh(attempt)
        db.session.refresh(answer)
        if not attempt.is_open:  # submitted by another tab in the meantime
            return _keep_late(answer, text, now)
        if answer.text != text:
            return _as_stored("conflict", answer)
        # The same text was saved a moment earlier by this page's own autosave: nothing to choose.
    # Unchanged text: write the time and flag only if the text is still this one, so that a
    # reply never tells a stale tab that its text is the current one.
    written = _write_if_open(answer, extra, expected_text=text)
    if written:
        return SaveResult("unchanged", *written)
    db.session.refresh(attempt)
    db.session.refresh(answer)
    if not attempt.is_open:
        return _keep_late(answer, text, now)
    return _as_stored("conflict", answer)


def _write_if_open(
    answer: Answer, values: dict, expected_revision: int | None = None, expected_text: str | None = None
) -> tuple | None:
    """Write `values` to the answer if its attempt is still open (and its revision or text is
    the one expected). Returns the stored (text, revision, saved_at, flagged), or None if
    nothing was written."""
    # Hold the attempt row (shared) so that closing it waits for this save to commit: what is
    # scored is then what was saved. SQLite serialises writers anyway and ignores this.
    state = db.session.scalar(
        sa.select(Attempt.state).where(Attempt.id == answer.attempt_id).with_for_update(read=True)
    )
    if state != AttemptState.IN_PROGRESS:
        db.session.rollback()
        return None
    # Checked again inside the write, where SQLite's write lock makes it exact.
    still_open = (
        sa.select(Attempt.id).where(Attempt.id == answer.attempt_id, Attempt.state == AttemptState.IN_PROGRESS).exists()
    )
    condition = [Answer.id == answer.id, still_open]
    if expected_revision is not None:
        condition.append(Answer.revision == expected_revision)
    if expected_text is not None:
        condition.append(Answer.text == expected_text)
    row = db.session.execute(
        sa.update(Answer)
        .where(*condition)
        .values(**values)
        .returning(Answer.text, Answer.revision, Answer.saved_at, Answer.flagged)
        .execution_options(synchronize_session=False)
    ).one_or_none()
    db.session.commit()
    return tuple(row) if row else None


# Late text beyond this is refused (the reply says so, and the page keeps its copy).
LATE_TEXT_MAX_CHARS = 100_000


def merge_late_text(stored: str | None, text: str) -> str | None:
    """The late text once `text` has arrived, or None when nothing needs writing. Every late text
    is kept: one that extends what is kept replaces it (the same box, typed on); one already in
    it changes nothing; any other is added after it, so two tabs' late texts both survive."""
    if not text.strip() or (stored and text in stored):
        return None
    if not stored or text.startswith(stored):
        return text
    return f"{stored}\n\n{text}"


def _keep_late(answer: Answer, text: str, now: datetime) -> SaveResult:
    """Keep text that arrived after the attempt closed, without losing late text another request
    stored a moment before (the write only succeeds on the late text it was merged with)."""
    for _ in range(5):
        merged = None if text == answer.text else merge_late_text(answer.late_text, text)
        if merged is None:
            db.session.commit()
            held = not text.strip() or text == answer.text or text in (answer.late_text or "")
            return _as_stored("late", answer, held=held)
        if len(merged) > LATE_TEXT_MAX_CHARS:
            db.session.commit()
            return _as_stored("late", answer, held=False)
        written = db.session.execute(
            sa.update(Answer)
            .where(Answer.id == answer.id, Answer.late_text.is_not_distinct_from(answer.late_text))
            .values(late_text=merged, late_saved_at=now)
            .returning(Answer.id)
            .execution_options(synchronize_session=False)
        ).scalar()
        db.session.commit()
        db.session.refresh(answer)
        if written is not None:
            return _as_stored("late", answer, kept_late=True)
    return _as_stored("late", answer, held=False)  # kept changing under us: the page keeps its copy


def submit_attempt(attempt: Attempt, now: datetime, grace_seconds: int) -> bool:
    """Close the attempt and score it. True for the one call that closed it; False if it was
    already closed (a second click, another tab, the timer)."""
    state = AttemptState.TIMED_OUT if is_expired(attempt.deadline, now) else AttemptState.SUBMITTED
    return _close(attempt, state, now)


def close_at_deadline(attempt: Attempt, now: datetime) -> bool:
    """The rule for pages: close an open attempt once its deadline has passed, so that no
    question is shown and no form accepted after it (the grace window is only for saves that
    were already on their way)."""
    return attempt.is_open and is_expired(attempt.deadline, now) and _close(attempt, AttemptState.TIMED_OUT, now)


def close_after_grace(attempt: Attempt, now: datetime, grace_seconds: int) -> bool:
    """The rule for saves and the scheduler: close an open attempt once the grace window after
    its deadline has passed (saves in flight count until then), with the answers saved so far."""
    return (
        attempt.is_open
        and is_overdue(attempt.deadline, now, grace_seconds)
        and _close(attempt, AttemptState.TIMED_OUT, now)
    )


def _close(attempt: Attempt, state: AttemptState, now: datetime) -> bool:
    """Close and score the attempt in one transaction. True for the call that closed it.

    If scoring raises, nothing is written: the attempt stays open, never closed without its
    scores, and the next request or the scheduler closes and scores it.
    """
    try:
        closed = db.session.scalar(
            sa.update(Attempt)
            .where(Attempt.id == attempt.id, Attempt.state == AttemptState.IN_PROGRESS)
            .values(state=state, closed_at=now)
            .returning(Attempt.id)
            .execution_options(synchronize_session=False)
        )
        if closed is not None:
            # Score what the database holds now, saves that committed before this update included.
            db.session.expire_all()
            scores.score_attempt(attempt)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return closed is not None


def close_overdue(now: datetime, grace_seconds: int) -> int:
    """Close every open attempt past its grace window (for a scheduler). Returns how many."""
    candidates = db.session.scalars(
        sa.select(Attempt).where(Attempt.state == AttemptState.IN_PROGRESS, Attempt.deadline < now)
    ).all()
    return sum(close_after_grace(attempt, now, grace_seconds) for attempt in candidates)
