"""The schema: migrations agree with the models; datetimes come back as aware UTC on every
database; past attempts keep the question text they were taken with."""

from datetime import UTC, datetime, timedelta, timezone

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db
from app.models import Answer, Attempt, Category, Question, User


def test_migrations_build_exactly_the_schema_the_models_describe(app):
    with app.app_context(), db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []


def make_attempt(started: datetime) -> tuple[Attempt, Question]:
    user = User(email="u@example.com", password_hash="x")
    category = Category(slug="c", name="C")
    question = Question(
        slug="q",
        prompt="Original prompt?",
        reference_answer="Original answer.",
        key_points=["k1", "k2", "k3"],
        category=category,
    )
    attempt = Attempt(user=user, started_at=started, deadline=started + timedelta(minutes=5), time_limit_seconds=300)
    attempt.answers.append(
        Answer(
            position=0,
            question=question,
            category_id=None,
            category_name=category.name,
            prompt=question.prompt,
            reference_answer=question.reference_answer,
            key_points=question.key_points,
        )
    )
    db.session.add_all([user, attempt])
    db.session.commit()
    return attempt, question


def test_datetimes_are_stored_and_read_back_as_aware_utc(app):
    paris = timezone(timedelta(hours=1))
    with app.app_context():
        attempt, _ = make_attempt(datetime(2026, 3, 1, 13, 0, tzinfo=paris))
        attempt_id = attempt.id
        db.session.expire_all()
        loaded = db.session.get(Attempt, attempt_id)
        assert loaded.started_at == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
        assert loaded.started_at.tzinfo is UTC
        assert loaded.deadline - loaded.started_at == timedelta(minutes=5)
        # Comparisons in SQL agree with Python on both databases.
        found = db.session.scalar(
            sa.select(sa.func.count(Attempt.id)).where(Attempt.deadline < datetime(2026, 3, 1, 12, 6, tzinfo=UTC))
        )
        assert found == 1


def test_editing_or_deleting_a_question_leaves_past_attempts_as_they_were(app):
    with app.app_context():
        attempt, question = make_attempt(datetime.now(UTC))
        attempt_id = attempt.id
        question.prompt = "Edited prompt?"
        question.reference_answer = "Edited answer."
        db.session.commit()
        db.session.delete(question)
        db.session.commit()
        db.session.expire_all()
        [answer] = db.session.get(Attempt, attempt_id).answers
        assert (answer.prompt, answer.reference_answer) == ("Original prompt?", "Original answer.")
        assert answer.question_id is None


def test_a_naive_datetime_is_refused_rather_than_guessed(app):
    import pytest

    with app.app_context():
        attempt, _ = make_attempt(datetime.now(UTC))
        attempt.closed_at = datetime(2026, 3, 1, 12, 0)  # no time zone
        with pytest.raises(sa.exc.StatementError, match="naive datetime"):
            db.session.commit()
        db.session.rollback()
