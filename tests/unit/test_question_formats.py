"""Each question format: what it reads, what it refuses (with the line), and that what it writes
reads back to the same questions."""

from __future__ import annotations

import csv
import io
import json

import pytest

from app.question_files import (
    FORMATS,
    BankFileError,
    CategoryData,
    QuestionData,
    decode,
    detect_format,
    dump,
    parse,
    read,
)
from app.question_files.csv_file import neutralise, restore
from app.question_files.data import ANSWER_MAX, MAX_FILE_BYTES, MAX_NESTING, PROMPT_MAX


def tricky_set() -> list[CategoryData]:
    """Questions with what breaks naive writers: quotes, commas, line breaks, Markdown, formulas."""
    return [
        CategoryData(
            slug="my-set",
            name="My set",
            description="Questions for one company's interview.",
            questions=[
                QuestionData(
                    slug="what-is-ann",
                    prompt='What is "ANN" search, and why, exactly?',
                    answer="Exact k-NN is linear.\n\nANN trades recall for speed:\n\n- HNSW\n- IVF, with k-means",
                    key_points=["exact search is linear", "recall for speed"],
                    difficulty="easy",
                    tags=["ann", "search"],
                ),
                QuestionData(
                    slug="formula-like",
                    prompt="=SUM(A1:A2) is a formula; explain @mentions and +1 votes",
                    answer="-1 is negative.\nA line with a trailing colon:\nand a second line.",
                    key_points=["=cmd|' /C calc'!A0", "+ sign", "@ sign | with a bar"],
                    difficulty="hard",
                    tags=[],
                ),
                QuestionData(
                    slug="code",
                    prompt="Write a loop.\nIt must print 1 to 3.",
                    answer="```python\n# a comment, not a heading\nfor i in range(1, 4):\n    print(i)\n```",
                    key_points=[],
                    difficulty="medium",
                    tags=["python"],
                ),
            ],
        )
    ]


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_reads_back_what_it_writes(fmt):
    written = dump(tricky_set(), fmt)
    parsed = read(written, fmt, category_name="My set")
    assert parsed.problems == []
    [category] = parsed.categories
    assert category.questions == tricky_set()[0].questions
    assert detect_format(written) == fmt or fmt == "plain"


def test_the_format_is_detected_from_the_extension_or_the_text():
    assert detect_format("anything", "bank.CSV") == "csv"
    assert detect_format("anything", "notes.md") == "markdown"
    assert detect_format("Question 1\nWhat?\nAnswer:\nThis.") == "plain"
    assert detect_format("## What?\n\nThis.") == "markdown"
    assert detect_format("prompt,answer\nWhat?,This.") == "csv"
    assert detect_format('{"categories": []}') == "json"
    assert detect_format('[category]\nslug = "x"') == "toml"


# --- CSV -------------------------------------------------------------------------------------


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised_and_restored():
    written = dump(tricky_set(), "csv")
    rows = list(csv.reader(io.StringIO(written)))
    cells = [cell for row in rows[1:] for cell in row]
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert "'=SUM(A1:A2) is a formula; explain @mentions and +1 votes" in cells
    for value in ("=1+1", "+1", "-1", "@x", "\tx", "'=x", "'plain", "''", "plain"):
        assert restore(neutralise(value)) == value


def test_csv_without_key_points_leaves_them_to_the_scorer():
    [category] = parse("Prompt,Answer\nWhat is X?,X is one. X is two.\n", "csv", "x.csv")
    [question] = category.questions
    assert question.key_points == []
    assert question.slug == "what-is-x"


def test_csv_with_semicolons_and_a_category_column():
    text = "prompt;answer;key_points;category\nA?;Yes.;a | b;First\nB?;No.;;Second\n"
    categories = parse(text, "csv", "x.csv")
    assert [(c.name, [q.prompt for q in c.questions]) for c in categories] == [("First", ["A?"]), ("Second", ["B?"])]
    assert categories[0].questions[0].key_points == ["a", "b"]


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("", None, "the file is empty"),
        ("question,reply\nA?,B.\n", 1, "no 'prompt' or 'answer' column"),
        ("prompt,answer,colour\nA?,B.,red\n", 1, "unknown column 'colour'"),
        ("prompt,answer,prompt\nA?,B.,C?\n", 1, "appears twice"),
        ("prompt,answer\n", None, "no questions"),
        ("prompt,answer\nA?,B.,extra\n", 2, "row 1 has 3 cells"),
        ("prompt,answer\nA?,\n", 2, "row 1: 'answer' is missing or empty"),
        ('prompt,answer\nA?,"B.\nstill B.\nC?,D.\n', 2, "not valid CSV"),
        ("prompt,answer,difficulty\nA?,B.,impossible\n", 2, "difficulty must be one of"),
        ("prompt,answer\nA?,B.\n\nC?,D.\nA?,E.\n", 5, "repeats the question on line 2"),
        ("prompt,answer,slug\nA?,B.,Not A Slug\n", 2, "lower-case words"),
    ],
)
def test_malformed_csv_names_the_line_and_the_problem(text, line, problem):
    parsed = read(text, "csv")
    assert parsed.problems, "expected a problem"
    first = parsed.problems[0]
    assert problem in first.message
    assert first.line == line


def test_a_multi_line_csv_cell_counts_its_lines():
    text = 'prompt,answer\n"A?","one\ntwo\nthree"\nB?,\n'
    [problem] = read(text, "csv").problems
    assert problem.line == 5


# --- plain and Markdown ----------------------------------------------------------------------


def test_plain_layout_reads_its_optional_key_points_block():
    text = (
        "Question 1\nWhat is X?\nAnswer:\nX is a thing.\nA short line\nKey points:\n- thing\n- short\n"
        "Difficulty: hard\nTags: a, B\nSlug: x-q\nSkills you need\nPython.\n"
    )
    [category] = parse(text, "plain", "x.txt")
    [question] = category.questions
    assert question.answer == "X is a thing.\nA short line"  # a heading-like line kept: the block goes on
    assert (question.key_points, question.difficulty, question.tags, question.slug) == (
        ["thing", "short"],
        "hard",
        ["a", "b"],
        "x-q",
    )


def test_markdown_headings_inside_code_blocks_are_not_questions():
    text = "## First?\n\n```\n## not a question\n```\n\n## Second?\n\nYes.\n"
    [category] = parse(text, "markdown", "x.md", category_name="Mine")
    assert [q.prompt for q in category.questions] == ["First?", "Second?"]
    assert category.questions[0].answer == "```\n## not a question\n```"
    assert category.name == "Mine"


def test_markdown_with_h1_and_h2_gives_categories_and_questions():
    text = "# Search\nAbout search.\n## What?\nThis.\n# Other\n## Why?\nBecause.\n"
    categories = parse(text, "markdown", "x.md")
    assert [(c.name, c.description, len(c.questions)) for c in categories] == [
        ("Search", "About search.", 1),
        ("Other", "", 1),
    ]


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("Just prose.", None, "no headings found"),
        ("## What?\n", 1, "'answer' is missing or empty"),
        ("## What?\nThis.\nKey points:\n- a\nDifficulty: wild\n", 1, "difficulty must be one of"),
        ("## What?\nThis.\nKey points:\n- a\nSomething else\n", 1, "unexpected text after the key points"),
        ("## What?\nThis.\n## What?\nThat.\n", 3, "repeats the question on line 1"),
        ("# Empty category\n\n# Other\n## Q?\nA.\n", 1, "has no questions"),
    ],
)
def test_malformed_markdown_names_the_line_and_the_problem(text, line, problem):
    first = read(text, "markdown").problems[0]
    assert problem in first.message
    assert first.line == line


# --- the project's own format ----------------------------------------------------------------


def test_json_problems_name_the_line_of_the_question():
    data = json.loads(dump(tricky_set(), "json"))
    data["categories"][0]["questions"][2]["difficulty"] = "wild"
    text = json.dumps(data, indent=2)
    [problem] = read(text, "json").problems
    lines = text.splitlines()
    slug_line = next(n for n, line in enumerate(lines, 1) if '"slug": "code"' in line)
    assert problem.line == slug_line - 1  # the line of the question's opening brace
    assert "difficulty must be one of" in problem.message


HOSTILE = {
    "deep JSON": ("json", '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", 1, "nested more than"),
    "deep TOML": ("toml", "a = " + "[" * 100_000 + "]" * 100_000, 1, "nested more than"),
    "deep TOML keys": ("toml", ".".join(["k"] * 50_000) + " = 1", 1, "nested more than"),
    "category as text": ("toml", 'category = "search"\n[[questions]]\nslug = "q"\n', 1, "must be a table"),
    "description as a table": (
        "toml",
        '[category]\nslug = "c"\nname = "C"\n[category.description]\nx = 1\n'
        '[[questions]]\nslug = "q"\nprompt = "P?"\nanswer = "A."\nkey_points = ["k"]\n',
        1,
        "'description' must be text, not a table",
    ),
    "name too long": (
        "json",
        json.dumps({"category": {"slug": "c", "name": "N" * 121}, "questions": []}),
        1,
        "the limit is 120",
    ),
    "NUL": (
        "json",
        '{"categories": [{"slug": "c", "name": "C", "questions": [\n{"slug": "q", "prompt": "P\\u0000?", '
        '"answer": "A.", "key_points": ["k"]}]}]}',
        2,
        "contains a NUL character",
    ),
    "lone surrogate": (
        "json",
        '{"categories": [{"slug": "c", "name": "C", "questions": [\n{"slug": "q", "prompt": "P?", '
        '"answer": "A \\ud800.", "key_points": ["k"]}]}]}',
        2,
        "lone surrogate (U+D800)",
    ),
    "duplicate category slugs": (
        "toml",
        '[[categories]]\nslug = "c"\nname = "C"\n[[categories.questions]]\nslug = "q1"\nprompt = "P?"\n'
        'answer = "A."\nkey_points = ["k"]\n[[categories]]\nslug = "c"\nname = "C again"\n'
        '[[categories.questions]]\nslug = "q2"\nprompt = "P2?"\nanswer = "A."\nkey_points = ["k"]\n',
        9,
        "category slug 'c' is used twice (first on line 1)",
    ),
    "duplicate JSON keys": ("json", '{"category": {"slug": "c", "slug": "d", "name": "C"}}', 1, "given twice"),
    "a huge number": ("json", '{"category": ' + "9" * 5000 + "}", None, "not valid JSON"),
    "unknown key": (
        "toml",
        '[category]\nslug = "c"\nname = "C"\n[[questions]]\nslug = "q"\nprompt = "P?"\nanwser = "A."\n'
        'key_points = ["k"]\n',
        4,
        "unknown key 'anwser'",
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_files_get_a_message_with_the_line(case):
    fmt, text, line, problem = HOSTILE[case]
    problems = read(text, fmt).problems
    assert any(problem in p.message for p in problems), problems
    assert next(p for p in problems if problem in p.message).line == line


def test_a_prompt_over_the_limit_and_a_file_over_the_limit_are_refused():
    long_prompt = f"Question 1\n{'x' * (PROMPT_MAX + 1)}\nAnswer:\nA.\n"
    [problem] = read(long_prompt, "plain").problems
    assert problem.message == f"Question 1: the prompt has {PROMPT_MAX + 1:,} characters; the limit is {PROMPT_MAX:,}"
    twenty_mb = f"Question 1\n{'x' * 20_000_000}\nAnswer:\nA.\n"
    [problem] = read(twenty_mb, "plain").problems
    assert "larger than" in problem.message
    with pytest.raises(BankFileError, match="the limit is"):
        decode(b"x" * (MAX_FILE_BYTES + 1))


def test_line_breaks_are_normalised_before_lengths_are_measured():
    answer = "line\r\n" * (ANSWER_MAX // 5)  # 6 characters a line with CRLF, 5 with LF
    parsed = read(f"Question 1\r\nWhat?\r\nAnswer:\r\n{answer}", "plain")
    assert parsed.problems == []
    assert "\r" not in parsed.questions[0].answer


def test_a_byte_order_mark_is_dropped_and_other_encodings_are_named():
    text = decode(b"\xef\xbb\xbf" + dump(tricky_set(), "toml").encode())
    assert read(text, "toml").problems == []
    with pytest.raises(BankFileError, match="not UTF-8") as caught:
        decode("Question 1\nCafé?".encode("latin-1"))
    assert caught.value.line == 2
    assert MAX_NESTING == 20
