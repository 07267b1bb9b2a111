"""Reading and writing bank files: the project's TOML and JSON, and the plain-text layout."""

from pathlib import Path

import pytest

from app.question_files import (
    BankFileError,
    CategoryData,
    QuestionData,
    dump,
    parse_json,
    parse_plain_text,
    parse_toml,
    read_file,
    slugify,
)

FIXTURES = Path(__file__).parent.parent / "fixtures"

GOOD = '''
[category]
slug = "search"
name = "Search"
description = "Finding things."

[[questions]]
slug = "inverted-index"
difficulty = "easy"
tags = ["Index"]
prompt = "What is an inverted index?"
answer = """
A map from terms to postings lists.
"""
key_points = ["term to postings list", "merge postings", "skip pointers"]
'''


def test_toml_category_is_read_with_its_questions():
    [category] = parse_toml(GOOD, "search.toml")
    assert (category.slug, category.name, category.description) == ("search", "Search", "Finding things.")
    [question] = category.questions
    assert question.slug == "inverted-index"
    assert question.answer == "A map from terms to postings lists."
    assert question.tags == ["index"]
    assert len(question.key_points) == 3


@pytest.mark.parametrize(
    ("broken", "line", "problem"),
    [
        (GOOD.replace('difficulty = "easy"', 'difficulty = "trivial"'), 7, "difficulty must be one of"),
        (
            GOOD.replace(
                'key_points = ["term to postings list", "merge postings", "skip pointers"]',
                "key_points = " + str([f"point {n}" for n in range(7)]).replace("'", '"'),
            ),
            7,
            "7 key points; give at most 6",
        ),
        (GOOD.replace('prompt = "What is an inverted index?"', ""), 7, "'prompt' is missing"),
        (GOOD.replace('slug = "inverted-index"', 'slug = "Inverted Index"'), 7, "lower-case words"),
        (GOOD.replace('name = "Search"', "name = "), 4, "not valid TOML"),
        (GOOD.replace("[category]", "[topic]"), 1, "missing [category]"),
    ],
)
def test_a_malformed_toml_file_names_the_line_and_the_problem(broken, line, problem):
    with pytest.raises(BankFileError) as caught:
        parse_toml(broken, "search.toml")
    assert caught.value.line == line
    assert problem in caught.value.problem
    assert f"search.toml, line {line}" in str(caught.value)


def test_a_slug_used_twice_is_refused():
    doubled = GOOD + GOOD.split("[category]")[1].split('description = "Finding things."')[1]
    with pytest.raises(BankFileError, match="used twice") as caught:
        parse_toml(doubled, "search.toml")
    second_table = [n for n, line in enumerate(doubled.splitlines(), 1) if line == "[[questions]]"][1]
    assert caught.value.line == second_table


def test_plain_text_layout_reads_each_question_and_ignores_surrounding_prose():
    category = parse_plain_text((FIXTURES / "guide.txt").read_text(), "guide.txt", category_name="Search")
    prompts = [q.prompt for q in category.questions]
    assert prompts == [
        "What is an inverted index?",
        "Why normalise vectors before using the dot product?",
        "Name three ways to speed up nearest-neighbour search.",
    ]
    first, second, third = category.questions
    assert first.answer.startswith("A map from each term")
    assert first.key_points == []  # the scorer takes them from the answer
    # An answer may start on the "Answer:" line and span paragraphs.
    assert second.answer.startswith("After normalisation")
    assert second.answer.endswith("trained with dot products.")
    # Bullets stay in the answer; the next section's heading and prose do not.
    assert third.answer.splitlines() == [
        "- graph indexes such as HNSW",
        "- inverted files over k-means clusters",
        "- product quantization of the vectors",
    ]
    assert category.slug == "search"


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("Question 1\nWhat?\nQuestion 2\nWhy?\nAnswer:\nBecause.", 1, "Question 1 has no 'Answer:' line"),
        (
            "Question 1\nWhat?\nAnswer:\nThis.\nQuestion 3\nWhy?\nAnswer:\nThat.",
            5,
            "expected Question 2, found Question 3",
        ),
        ("Question 1\n\nAnswer:\nThis.", 1, "no question text"),
        ("Question 1\nWhat?\nAnswer:\n", 1, "empty answer"),
        ("Question 1\nWhat?\nAnswer:\nA.\nQuestion 2\nWhat?\nAnswer:\nB.", 5, "repeats the question on line 1"),
        ("Just prose.\nNothing else.", None, "no 'Question N' headings"),
    ],
)
def test_a_malformed_plain_text_file_names_the_line_and_the_problem(text, line, problem):
    with pytest.raises(BankFileError) as caught:
        parse_plain_text(text, "guide.txt")
    assert caught.value.line == line
    assert problem in caught.value.problem


def _bank() -> list[CategoryData]:
    return [
        CategoryData(
            slug="search",
            name="Search",
            description="About search.",
            questions=[
                QuestionData(
                    slug="inverted-index",
                    prompt='What is an "inverted index"?',
                    answer="A map from terms to postings.\n\nSecond paragraph with a backslash \\ and ünïcode.",
                    key_points=["term to postings", "merge", "skip pointers"],
                    difficulty="easy",
                    tags=["index"],
                )
            ],
        ),
        CategoryData(slug="misc", name="Misc", questions=[QuestionData("q-two", "Two?", "Yes.", ["yes"])]),
    ]


@pytest.mark.parametrize(("fmt", "parse"), [("toml", parse_toml), ("json", parse_json)])
def test_an_export_reads_back_to_the_same_bank(fmt, parse):
    assert parse(dump(_bank(), fmt), f"bank.{fmt}") == _bank()


def test_read_file_picks_the_parser_by_extension(tmp_path):
    path = tmp_path / "bank.json"
    path.write_text(dump(_bank(), "json"))
    assert read_file(path) == _bank()
    binary = tmp_path / "bank.txt"
    binary.write_bytes(b"\xff\xfe\x00Question")
    with pytest.raises(BankFileError, match="not UTF-8"):
        read_file(binary)


def test_slugify_is_stable_and_bounded():
    assert slugify("What is ANN search, and why?") == "what-is-ann-search-and-why"
    assert len(slugify("word " * 100)) <= 80
    assert slugify("???") == "untitled"
