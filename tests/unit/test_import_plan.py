"""What an import would do, worked out without a database: added, changed (which fields, or
moved), unchanged, left alone; and readers that never fail on any text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.import_plan import Stored, StoredCategory, plan_for_bank, plan_for_set
from app.question_files import FORMATS, Parsed, free_slug, read
from app.question_files.data import SLUG_RE

STORED = [
    Stored(1, "ann", "What is ANN?", "Approximate.", ["approximate"], "easy", [], "search", "Search"),
    Stored(2, "hnsw", "What is HNSW?", "A graph.", ["graph"], "hard", ["ann"], "search", "Search"),
    Stored(3, "old", "Old?", "Yes.", ["yes"], "medium", [], "search", "Search", archived=True),
]
CATEGORIES = [StoredCategory(10, "search", "Search", "About search."), StoredCategory(11, "serving", "Serving", "")]


def test_the_bank_plan_names_moves_changes_and_what_it_leaves_alone():
    text = (
        "[[categories]]\nslug = 'serving'\nname = 'Serving'\n"
        "[[categories.questions]]\nslug = 'ann'\nprompt = 'What is ANN?'\nanswer = 'Approximate.'\n"
        "key_points = ['approximate']\ndifficulty = 'easy'\n"
        "[[categories.questions]]\nslug = 'new'\nprompt = 'New?'\nanswer = 'Yes.'\nkey_points = ['yes']\n"
        "[[categories]]\nslug = 'search'\nname = 'Vector search'\n"
        "[[categories.questions]]\nslug = 'old'\nprompt = 'Old?'\nanswer = 'Yes.'\nkey_points = ['yes']\n"
    )
    plan = plan_for_bank(read(text, "toml"), CATEGORIES, STORED)
    assert plan.problems == []
    assert [(c.kind, c.fields) for c in plan.categories] == [
        ("unchanged", []),
        ("changed", ["renamed from 'Search'"]),
    ]
    assert [(q.kind, q.question.slug, q.fields) for q in plan.questions] == [
        ("changed", "ann", ["moved from 'Search'"]),
        ("added", "new", []),
        ("changed", "old", ["back from the archive"]),
    ]
    assert [q.slug for q in plan.left_alone] == ["hnsw"]
    assert plan.summary() == "1 added, 2 changed, 0 unchanged"


def test_a_category_named_in_a_csv_is_found_by_its_name_after_a_rename():
    categories = [StoredCategory(10, "search", "Vector search", "")]
    plan = plan_for_bank(read("prompt,answer,category\nQ?,A.,Vector search\n", "csv"), categories, [])
    assert [(c.kind, c.data.slug) for c in plan.categories] == [("unchanged", "search")]
    assert plan.questions[0].category_slug == "search"


def test_the_set_plan_matches_by_wording_and_keeps_slugs_apart():
    stored = [Stored(1, "q1", "What is X?", "X.", ["x"], "medium", [])]
    text = "Question 1\nWhat   is x?\nAnswer:\nX, changed.\nQuestion 2\nq1\nAnswer:\nAnother.\n"
    plan = plan_for_set(read(text, "plain"), stored)
    assert [(q.kind, q.question.slug, q.fields) for q in plan.questions] == [
        ("changed", "q1", ["prompt", "answer", "key points"]),
        ("added", "q1-2", []),
    ]
    assert plan.left_alone == []


def test_the_fingerprint_changes_when_the_stored_questions_change():
    parsed = read("Question 1\nWhat is X?\nAnswer:\nX.\n", "plain")
    before = plan_for_set(parsed, []).fingerprint()
    stored = [Stored(1, "what-is-x", "What is X?", "Old.", ["old"], "medium", [])]
    assert plan_for_set(read("Question 1\nWhat is X?\nAnswer:\nX.\n", "plain"), stored).fingerprint() != before
    assert plan_for_set(read("Question 1\nWhat is X?\nAnswer:\nX.\n", "plain"), []).fingerprint() == before


def test_a_file_with_problems_plans_nothing():
    plan = plan_for_set(Parsed(problems=read("nothing", "markdown").problems), STORED)
    assert plan.problems and plan.questions == [] and not plan.writes_anything


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(), fmt=st.sampled_from(list(FORMATS)))
def test_any_text_in_any_format_is_read_or_refused_with_problems_never_an_exception(text, fmt):
    parsed = read(text, fmt)
    assert parsed.problems or parsed.categories
    for question in parsed.questions:
        assert "\x00" not in question.prompt + question.answer


@settings(max_examples=100, deadline=None)
@given(
    body=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
        max_leaves=30,
    )
)
def test_any_json_value_is_refused_with_problems_never_an_exception(body):
    import json

    parsed = read(json.dumps({"category": body, "questions": [body]}), "json")
    assert parsed.problems


def test_a_free_slug_is_the_slug_or_the_next_numbered_one_within_the_limit():
    assert free_slug("ann", {"hnsw"}, 120) == "ann"
    assert free_slug("ann", {"ann", "ann-2"}, 120) == "ann-3"
    long = "-".join(["word"] * 24)  # 119 characters
    taken = {long, long[:116].rstrip("-") + "-2"}
    found = free_slug(long, taken, 120)
    assert found not in taken and len(found) <= 120 and SLUG_RE.match(found)
