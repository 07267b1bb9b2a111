"""The question bank shipped in seed/: its size, shape and the rules its README promises."""

from pathlib import Path

import pytest

from app.question_files import read_file

SEED = Path(__file__).resolve().parents[2] / "seed" / "questions"


@pytest.fixture(scope="module")
def bank():
    return [category for path in sorted(SEED.glob("*.toml")) for category in read_file(path)]


def test_the_bank_has_at_least_60_questions_in_at_least_8_categories(bank):
    assert len(bank) >= 8
    assert sum(len(c.questions) for c in bank) >= 60
    assert any(c.slug == "behavioural" and len(c.questions) >= 5 for c in bank)


def test_every_question_has_3_to_6_key_points_and_an_answer_to_say_in_two_minutes(bank):
    for category in bank:
        for q in category.questions:
            assert 3 <= len(q.key_points) <= 6, q.slug
            # About 150 spoken words a minute: two minutes is at most ~300 words.
            assert 80 <= len(q.answer.split()) <= 300, (q.slug, len(q.answer.split()))
            assert q.prompt.endswith("?") or q.prompt.endswith("."), q.slug


def test_slugs_are_unique_across_the_bank(bank):
    slugs = [q.slug for c in bank for q in c.questions] + [c.slug for c in bank]
    assert len(slugs) == len(set(slugs))
