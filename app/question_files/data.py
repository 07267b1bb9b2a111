"""What every format reads into and writes from, the limits, and the checks all formats share."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from ..choices import Difficulty
from ..text import describe_character, normalise_line_breaks, unstorable_characters

DIFFICULTIES = tuple(d.value for d in Difficulty)
# No key points is allowed: the scorer then takes them from the reference answer, and the review
# says so. More than six stops being a list of what an interviewer listens for.
MAX_KEY_POINTS = 6
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Limits: the column sizes, and what a person could sensibly write. A file over them is refused
# with the line and the limit, before anything is written.
MAX_FILE_BYTES = 1_000_000
MAX_QUESTIONS = 500  # in one file, and in one set
MAX_CATEGORIES = 100
MAX_NESTING = 20
CATEGORY_SLUG_MAX = 80
CATEGORY_NAME_MAX = 120
DESCRIPTION_MAX = 2_000
QUESTION_SLUG_MAX = 120
PROMPT_MAX = 4_000
ANSWER_MAX = 20_000
KEY_POINT_MAX = 300
TAG_MAX = 40
MAX_TAGS = 12
MAX_PROBLEMS = 50  # beyond this a list of problems stops helping


@dataclass(frozen=True)
class Problem:
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class BankFileError(ValueError):
    """A file that cannot be imported; every problem names its line."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source, self.problems = source, problems
        first = problems[0]
        self.line, self.problem = first.line, first.message
        where = f"{source}, line {first.line}" if first.line else source
        text = f"{where}: {first.message}"
        if len(problems) > 1:
            text += "".join(f"\n  {p}" for p in problems[1:])
        super().__init__(text)


@dataclass
class QuestionData:
    slug: str
    prompt: str
    answer: str
    key_points: list[str]
    difficulty: str = Difficulty.MEDIUM.value
    tags: list[str] = field(default_factory=list)
    line: int | None = field(default=None, compare=False, repr=False)
    slug_given: bool = field(default=True, compare=False, repr=False)  # False: made from the prompt


@dataclass
class CategoryData:
    slug: str
    name: str
    description: str = ""
    questions: list[QuestionData] = field(default_factory=list)
    line: int | None = field(default=None, compare=False, repr=False)
    slug_given: bool = field(default=True, compare=False, repr=False)  # False: made from the name


@dataclass
class Parsed:
    """What a file holds, and what is wrong with it (nothing is imported while `problems` is not empty)."""

    categories: list[CategoryData] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def add(self, line: int | None, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(line, message))
        elif len(self.problems) == MAX_PROBLEMS:
            self.problems.append(Problem(None, "more problems follow; fix these first"))

    @property
    def questions(self) -> list[QuestionData]:
        return [q for c in self.categories for q in c.questions]


def slugify(text: str, limit: int = CATEGORY_SLUG_MAX) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > limit:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug or "untitled"


def free_slug(slug: str, taken: Collection[str], limit: int) -> str:
    """`slug` when it is not taken, else the first of `slug-2`, `slug-3`… that is not, cut to stay
    within `limit` characters. (Every candidate starts with `slug[:limit - 4]`.)"""
    if slug not in taken:
        return slug
    base = slug[: limit - 4].rstrip("-")
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def check_text(parsed: Parsed, line: int | None, what: str, value: str, limit: int) -> str:
    """`value` with LF line breaks, trimmed; a problem for characters that cannot be stored or
    for text over `limit` (measured after normalising line breaks)."""
    value = normalise_line_breaks(value).strip()
    bad = unstorable_characters(value)
    if bad:
        parsed.add(line, f"{what} contains {describe_character(value[bad[0]])}; remove it")
    if len(value) > limit:
        parsed.add(line, f"{what} has {len(value):,} characters; the limit is {limit:,}")
    return value


def check_question(
    parsed: Parsed,
    line: int | None,
    label: str,
    *,
    slug: object,
    prompt: object,
    answer: object,
    key_points: object = None,
    difficulty: object = None,
    tags: object = None,
) -> QuestionData | None:
    """One question checked against every rule; problems go to `parsed`, each starting with
    `label` ("question 3", "question 'ann-why'"). None when the question cannot be used."""
    before = len(parsed.problems)

    def add(message: str) -> None:
        parsed.add(line, f"{label}: {message}")

    texts = {}
    for name, value, limit in (("prompt", prompt, PROMPT_MAX), ("answer", answer, ANSWER_MAX)):
        if value is None or (isinstance(value, str) and not value.strip()):
            add(f"'{name}' is missing or empty")
        elif not isinstance(value, str):
            add(f"'{name}' must be text, not {_kind(value)}")
        texts[name] = check_text(parsed, line, f"{label}: the {name}", value, limit) if isinstance(value, str) else ""

    slug_given = slug not in (None, "")
    slug_text = ""
    if not slug_given:
        slug_text = slugify(texts["prompt"], QUESTION_SLUG_MAX)
    elif not isinstance(slug, str):
        add(f"'slug' must be text, not {_kind(slug)}")
    else:
        slug_text = slug.strip()
        if len(slug_text) > QUESTION_SLUG_MAX:
            add(f"the slug has {len(slug_text)} characters; the limit is {QUESTION_SLUG_MAX}")
        elif not SLUG_RE.match(slug_text):
            add(f"slug {slug_text[:60]!r} must be lower-case words joined by dashes")

    points: list[str] = []
    if key_points in (None, "", []):
        points = []
    elif not isinstance(key_points, list) or not all(isinstance(k, str) and k.strip() for k in key_points):
        add("'key_points' must be a list of texts")
    else:
        points = [
            check_text(parsed, line, f"{label}: key point {n}", k, KEY_POINT_MAX) for n, k in enumerate(key_points, 1)
        ]
        if len(points) > MAX_KEY_POINTS:
            add(f"has {len(points)} key points; give at most {MAX_KEY_POINTS}")

    level = "medium" if difficulty in (None, "") else difficulty
    if isinstance(level, str):
        level = level.strip().lower()
    if level not in DIFFICULTIES:
        shown = level[:30] if isinstance(level, str) else _kind(level)
        add(f"difficulty must be one of {', '.join(DIFFICULTIES)}, not {shown!r}")

    tag_list: list[str] = []
    if tags not in (None, "", []):
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            add("'tags' must be a list of texts")
        else:
            tag_list = [t.strip().lower() for t in tags if t.strip()]
            if len(tag_list) > MAX_TAGS:
                add(f"has {len(tag_list)} tags; the limit is {MAX_TAGS}")
            for tag in tag_list:
                check_text(parsed, line, f"{label}: tag {tag[:30]!r}", tag, TAG_MAX)
    if len(parsed.problems) > before:
        return None
    return QuestionData(
        slug=slug_text,
        prompt=texts["prompt"],
        answer=texts["answer"],
        key_points=points,
        difficulty=str(level),
        tags=list(dict.fromkeys(tag_list)),
        line=line,
        slug_given=slug_given,
    )


def check_category(
    parsed: Parsed, line: int | None, *, slug: object, name: object, description: object = ""
) -> CategoryData | None:
    before = len(parsed.problems)
    if name is None or (isinstance(name, str) and not name.strip()):
        parsed.add(line, "the category's 'name' is missing or empty")
        name = ""
    elif not isinstance(name, str):
        parsed.add(line, f"the category's 'name' must be text, not {_kind(name)}")
        name = ""
    name_text = check_text(parsed, line, "the category's name", name, CATEGORY_NAME_MAX)
    if slug in (None, ""):
        slug_text = slugify(name_text)
    elif not isinstance(slug, str):
        parsed.add(line, f"the category's slug must be text, not {_kind(slug)}")
        slug_text = ""
    else:
        slug_text = slug.strip()
        if len(slug_text) > CATEGORY_SLUG_MAX:
            parsed.add(line, f"category slug has {len(slug_text)} characters; the limit is {CATEGORY_SLUG_MAX}")
        elif not SLUG_RE.match(slug_text):
            parsed.add(line, f"category slug {slug_text[:60]!r} must be lower-case words joined by dashes")
    if description is None:
        description = ""
    if not isinstance(description, str):
        parsed.add(line, f"the category's 'description' must be text, not {_kind(description)}")
        description = ""
    description_text = check_text(parsed, line, "the category's description", description, DESCRIPTION_MAX)
    if len(parsed.problems) > before:
        return None
    return CategoryData(
        slug=slug_text, name=name_text, description=description_text, line=line, slug_given=slug not in (None, "")
    )


def check_duplicates(parsed: Parsed) -> None:
    """Two categories, or two questions, with one slug: refused, naming both lines."""
    seen_categories: dict[str, int | None] = {}
    seen_questions: dict[str, int | None] = {}
    for category in parsed.categories:
        if category.slug in seen_categories:
            first = seen_categories[category.slug]
            parsed.add(category.line, f"category slug {category.slug!r} is used twice" + _first(first))
        seen_categories.setdefault(category.slug, category.line)
        for question in category.questions:
            if question.slug in seen_questions:
                first = seen_questions[question.slug]
                if question.slug_given:
                    parsed.add(question.line, f"slug {question.slug!r} is used twice" + _first(first))
                else:
                    parsed.add(question.line, "repeats the question" + (f" on line {first}" if first else ""))
            seen_questions.setdefault(question.slug, question.line)
    count = len(parsed.questions)
    if count > MAX_QUESTIONS:
        parsed.add(None, f"the file has {count} questions; the limit is {MAX_QUESTIONS} a file")
    if len(parsed.categories) > MAX_CATEGORIES:
        parsed.add(None, f"the file has {len(parsed.categories)} categories; the limit is {MAX_CATEGORIES}")


def _first(line: int | None) -> str:
    return f" (first on line {line})" if line else ""


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    return type(value).__name__
