"""Reading and writing question-bank files. Pure functions: no Flask, no database.

Formats read:
- the project's TOML: one category (`[category]` + `[[questions]]`) or several (`[[categories]]`);
- the same structure as JSON (what `questions export --format json` writes);
- the plain-text layout of interview guides: "Question N", the question, "Answer:", the answer.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

import tomli_w

from .choices import Difficulty

MIN_KEY_POINTS, MAX_KEY_POINTS = 1, 6
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class BankFileError(ValueError):
    """A file that cannot be imported; the message names the line and the problem."""

    def __init__(self, source: str, line: int | None, problem: str):
        self.source, self.line, self.problem = source, line, problem
        where = f"{source}, line {line}" if line else source
        super().__init__(f"{where}: {problem}")


@dataclass
class QuestionData:
    slug: str
    prompt: str
    answer: str
    key_points: list[str]
    difficulty: str = Difficulty.MEDIUM.value
    tags: list[str] = field(default_factory=list)


@dataclass
class CategoryData:
    slug: str
    name: str
    description: str = ""
    questions: list[QuestionData] = field(default_factory=list)


def slugify(text: str, limit: int = 80) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > limit:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug or "untitled"


# --- reading -----------------------------------------------------------------------------


def read_file(path: Path, *, category_name: str | None = None) -> list[CategoryData]:
    """Parse any supported format, chosen by extension (.toml, .json) or else plain text."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise BankFileError(path.name, None, f"not UTF-8 text ({exc.reason})") from None
    suffix = path.suffix.lower()
    if suffix == ".toml":
        return parse_toml(text, path.name)
    if suffix == ".json":
        return parse_json(text, path.name)
    return [parse_plain_text(text, path.name, category_name=category_name)]


def parse_toml(text: str, source: str) -> list[CategoryData]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise BankFileError(source, int(match.group(1)) if match else None, f"not valid TOML ({exc})") from None
    headers = _header_lines(text)
    return _categories_from_data(data, source, lambda ci, qi: headers.get((ci, qi)))


def parse_json(text: str, source: str) -> list[CategoryData]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BankFileError(source, exc.lineno, f"not valid JSON ({exc.msg})") from None
    lines = text.splitlines()

    def line_of(ci: int, qi: int | None) -> int | None:
        # The line where the item's slug is written, when it has one.
        try:
            items = data["categories"][ci] if qi is None else data["categories"][ci]["questions"][qi]
            needle = json.dumps(items["slug"])
        except (KeyError, IndexError, TypeError):
            return None
        return next((n for n, line in enumerate(lines, 1) if needle in line), None)

    return _categories_from_data(data, source, line_of)


def _header_lines(text: str) -> dict[tuple[int, int | None], int]:
    """Line numbers of each category and question table in a TOML file, by position."""
    found: dict[tuple[int, int | None], int] = {}
    ci, qi = -1, -1
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped in ("[category]", "[[categories]]"):
            ci, qi = ci + 1, -1
            found[(ci, None)] = number
        elif stripped in ("[[questions]]", "[[categories.questions]]"):
            ci = max(ci, 0)
            qi += 1
            found[(ci, qi)] = number
    return found


def _categories_from_data(data: object, source: str, line_of) -> list[CategoryData]:
    if not isinstance(data, dict):
        raise BankFileError(source, 1, "expected a table with [category] and [[questions]]")
    if "categories" in data:
        raw_categories = data["categories"]
        if not isinstance(raw_categories, list) or not raw_categories:
            raise BankFileError(source, None, "'categories' must be a non-empty list")
    elif "category" in data:
        raw_categories = [{**data["category"], "questions": data.get("questions", [])}]
    else:
        raise BankFileError(source, 1, "missing [category] (or [[categories]])")

    categories: list[CategoryData] = []
    seen_slugs: dict[str, int | None] = {}
    for ci, raw in enumerate(raw_categories):
        where = line_of(ci, None)
        if not isinstance(raw, dict):
            raise BankFileError(source, where, f"category {ci + 1} is not a table")
        slug = _text(raw, "slug", source, where, f"category {ci + 1}")
        if not SLUG_RE.match(slug):
            raise BankFileError(source, where, f"category slug {slug!r} must be lower-case words joined by dashes")
        category = CategoryData(
            slug=slug,
            name=_text(raw, "name", source, where, f"category {slug!r}"),
            description=str(raw.get("description", "")).strip(),
        )
        raw_questions = raw.get("questions", [])
        if not isinstance(raw_questions, list) or not raw_questions:
            raise BankFileError(source, where, f"category {slug!r} has no questions")
        for qi, rq in enumerate(raw_questions):
            qline = line_of(ci, qi)
            question = _question(rq, source, qline, f"question {qi + 1} of {slug!r}")
            if question.slug in seen_slugs:
                raise BankFileError(source, qline, f"question slug {question.slug!r} is used twice")
            seen_slugs[question.slug] = qline
            category.questions.append(question)
        categories.append(category)
    return categories


def _text(raw: dict, key: str, source: str, line: int | None, what: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise BankFileError(source, line, f"{what}: '{key}' is missing or empty")
    return value.strip()


def _question(raw: object, source: str, line: int | None, what: str) -> QuestionData:
    if not isinstance(raw, dict):
        raise BankFileError(source, line, f"{what} is not a table")
    slug = _text(raw, "slug", source, line, what)
    if not SLUG_RE.match(slug):
        raise BankFileError(source, line, f"{what}: slug {slug!r} must be lower-case words joined by dashes")
    what = f"question {slug!r}"
    key_points = raw.get("key_points")
    if not isinstance(key_points, list) or not all(isinstance(k, str) and k.strip() for k in key_points):
        raise BankFileError(source, line, f"{what}: 'key_points' must be a list of texts")
    if not MIN_KEY_POINTS <= len(key_points) <= MAX_KEY_POINTS:
        raise BankFileError(
            source, line, f"{what}: has {len(key_points)} key points; give {MIN_KEY_POINTS} to {MAX_KEY_POINTS}"
        )
    difficulty = raw.get("difficulty", Difficulty.MEDIUM.value)
    if difficulty not in {d.value for d in Difficulty}:
        raise BankFileError(
            source, line, f"{what}: difficulty must be one of {', '.join(Difficulty)}, not {difficulty!r}"
        )
    tags = raw.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise BankFileError(source, line, f"{what}: 'tags' must be a list of texts")
    return QuestionData(
        slug=slug,
        prompt=_text(raw, "prompt", source, line, what),
        answer=_text(raw, "answer", source, line, what),
        key_points=[k.strip() for k in key_points],
        difficulty=difficulty,
        tags=[t.strip().lower() for t in tags if t.strip()],
    )


# --- the plain-text layout -----------------------------------------------------------------

QUESTION_HEADING = re.compile(r"^\s*Question\s+(\d+)\s*[:.]?\s*$", re.IGNORECASE)
ANSWER_LABEL = re.compile(r"^\s*Answer\s*:\s*(.*)$", re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def _is_heading(line: str) -> bool:
    """A short line with no closing punctuation, such as a section title after the last answer."""
    text = line.strip()
    if not text or len(text) > 90 or re.match(r"^([-*•]|\d+[.)])\s", text):
        return False
    return text[-1] not in ".!?:;,)\"'”’"


def parse_plain_text(text: str, source: str, *, category_name: str | None = None) -> CategoryData:
    """Read "Question N" / question / "Answer:" / answer blocks; prose around them is ignored.

    An answer runs until the next "Question N", or until a heading-like line (short, without
    closing punctuation) that starts the document's next section.
    """
    name = category_name or "Imported questions"
    category = CategoryData(slug=slugify(name), name=name)
    lines = text.splitlines()
    blocks: list[tuple[int, int, list[str], list[str]]] = []  # (line, number, question, answer)
    state = "prose"
    for index, line in enumerate(lines, 1):
        heading = QUESTION_HEADING.match(line)
        if heading:
            if state == "question":
                raise BankFileError(source, blocks[-1][0], f"Question {blocks[-1][1]} has no 'Answer:' line")
            number = int(heading.group(1))
            expected = blocks[-1][1] + 1 if blocks else None
            if expected is not None and number != expected:
                raise BankFileError(source, index, f"expected Question {expected}, found Question {number}")
            blocks.append((index, number, [], []))
            state = "question"
            continue
        if state == "question":
            label = ANSWER_LABEL.match(line)
            if label:
                state = "answer"
                if label.group(1).strip():
                    blocks[-1][3].append(label.group(1))
            else:
                blocks[-1][2].append(line)
        elif state == "answer":
            if _is_heading(line) and any(s.strip() for s in blocks[-1][3]):
                state = "prose"
            else:
                blocks[-1][3].append(line)
    if state == "question":
        raise BankFileError(source, blocks[-1][0], f"Question {blocks[-1][1]} has no 'Answer:' line")
    if not blocks:
        raise BankFileError(source, None, "no 'Question N' headings found")

    seen: dict[str, int] = {}
    for line_no, number, question_lines, answer_lines in blocks:
        prompt = _paragraphs(question_lines)
        answer = _paragraphs(answer_lines)
        if not prompt:
            raise BankFileError(source, line_no, f"Question {number} has no question text")
        if not answer:
            raise BankFileError(source, line_no, f"Question {number} has an empty answer")
        slug = slugify(prompt)
        if slug in seen:
            raise BankFileError(source, line_no, f"Question {number} repeats Question {seen[slug]}")
        seen[slug] = number
        category.questions.append(
            QuestionData(slug=slug, prompt=prompt, answer=answer, key_points=_sentences(answer)[:MAX_KEY_POINTS])
        )
    return category


def _paragraphs(lines: list[str]) -> str:
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in lines)).strip()


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(" ".join(text.split())) if s.strip()]


# --- writing -------------------------------------------------------------------------------


def dump(categories: list[CategoryData], fmt: str = "toml") -> str:
    """A whole bank as one file that `read_file` turns back into the same categories."""
    data = {"categories": [asdict(c) for c in categories]}
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "toml":
        return tomli_w.dumps(data, multiline_strings=True)
    raise ValueError(f"unknown format {fmt!r}; use toml or json")
