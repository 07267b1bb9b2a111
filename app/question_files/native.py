"""The project's own format, as TOML or JSON: one category (`[category]` + `[[questions]]`) or
several (`[[categories]]`, each with `[[categories.questions]]`)."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Iterator
from typing import Any

import tomli_w

from .data import (
    MAX_NESTING,
    CategoryData,
    Parsed,
    check_category,
    check_duplicates,
    check_question,
)

CATEGORY_KEYS = {"slug", "name", "description", "questions"}
QUESTION_KEYS = {"slug", "prompt", "answer", "key_points", "difficulty", "tags"}

LineOf = Callable[[object], int | None]


# --- nesting, checked before a parser can recurse -----------------------------------------------


def _json_brackets(text: str) -> Iterator[tuple[int, str]]:
    """Each bracket and brace of a JSON text that is not inside a string, with its line."""
    line, in_string, escaped = 1, False, False
    for char in text:
        if char == "\n":
            line += 1
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[]{}":
            yield line, char


def _json_nesting(text: str) -> tuple[int, int] | None:
    """(line, depth) where arrays and objects first nest deeper than allowed, else None."""
    depth = 0
    for line, char in _json_brackets(text):
        depth += 1 if char in "[{" else -1
        if depth > MAX_NESTING:
            return line, depth
    return None


_TOML_STRING = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'[^\'\n]*\'|#[^\n]*')


def _toml_nesting(text: str) -> tuple[int, int] | None:
    """Like _json_nesting for TOML: arrays, inline tables, and dotted keys (a.b.c = 1)."""
    # Blank out strings and comments, keeping line breaks so that line numbers stay right.
    bare = _TOML_STRING.sub(lambda m: re.sub(r"[^\n]", "x", m.group(0)), text)
    depth = 0
    for number, line in enumerate(bare.split("\n"), 1):
        stripped = line.strip()
        if depth == 0 and stripped.startswith("["):
            key = stripped.strip("[] \t")
            if key.count(".") + 1 > MAX_NESTING:
                return number, key.count(".") + 1
            continue
        if depth == 0 and "=" in stripped:
            key = stripped.split("=", 1)[0]
            if key.count(".") + 1 > MAX_NESTING:
                return number, key.count(".") + 1
            stripped = stripped.split("=", 1)[1]
        for char in stripped:
            if char in "[{":
                depth += 1
                if depth > MAX_NESTING:
                    return number, depth
            elif char in "]}":
                depth -= 1
    return None


# --- reading ---------------------------------------------------------------------------------


def read_toml(text: str) -> Parsed:
    parsed = Parsed()
    deep = _toml_nesting(text)
    if deep:
        parsed.add(deep[0], f"values are nested more than {MAX_NESTING} levels deep")
        return parsed
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        parsed.add(int(match.group(1)) if match else None, f"not valid TOML ({exc})")
        return parsed
    except RecursionError:
        parsed.add(None, f"values are nested more than {MAX_NESTING} levels deep")
        return parsed
    headers = _toml_header_lines(text)
    _from_data(data, parsed, lambda key: headers.get(key) if isinstance(key, tuple) else None)
    return parsed


def _toml_header_lines(text: str) -> dict[tuple[int, int | None], int]:
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


def read_json(text: str) -> Parsed:
    parsed = Parsed()
    deep = _json_nesting(text)
    if deep:
        parsed.add(deep[0], f"values are nested more than {MAX_NESTING} levels deep")
        return parsed
    lines = _json_object_lines(text)
    where: dict[int, int] = {}
    duplicates: list[tuple[int, str]] = []

    def remember(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj: dict[str, Any] = {}
        line = lines[len(where)] if len(where) < len(lines) else 0
        for key, value in pairs:
            if key in obj:
                duplicates.append((line, key))
            obj[key] = value
        where[id(obj)] = line
        keep.append(obj)  # ids stay unique while the objects live
        return obj

    keep: list[dict] = []
    try:
        data = json.loads(text, object_pairs_hook=remember)
    except json.JSONDecodeError as exc:
        parsed.add(exc.lineno, f"not valid JSON ({exc.msg})")
        return parsed
    except (ValueError, RecursionError) as exc:
        parsed.add(None, f"not valid JSON ({exc})")
        return parsed
    for line, key in duplicates:
        parsed.add(line, f"the key {key[:40]!r} is given twice in one object")

    def line_of(key: object) -> int | None:
        return where.get(id(key)) or None

    _from_data(data, parsed, line_of)
    return parsed


def _json_object_lines(text: str) -> list[int]:
    """The line where each JSON object starts, in the order the parser finishes them."""
    finished: list[int] = []
    stack: list[int] = []
    for line, char in _json_brackets(text):
        if char == "{":
            stack.append(line)
        elif char == "}" and stack:
            finished.append(stack.pop())
    return finished


def _from_data(data: object, parsed: Parsed, line_of: Callable[[object], int | None]) -> None:
    """Check the structure and every value. `line_of` takes a (category, question) position for
    TOML or the raw object itself for JSON, and gives the line where it starts."""

    def at(obj: object, ci: int, qi: int | None) -> int | None:
        return line_of(obj) or line_of((ci, qi))

    if not isinstance(data, dict):
        parsed.add(1, "expected a table with [category] and [[questions]] (or [[categories]])")
        return
    if "categories" in data:
        raw_categories = data["categories"]
        if not isinstance(raw_categories, list) or not raw_categories:
            parsed.add(line_of(data), "'categories' must be a non-empty list of tables")
            return
        extra = set(data) - {"categories"}
        single_line = None
    elif "category" in data:
        if not isinstance(data["category"], dict):
            parsed.add(line_of(data) or 1, "'category' must be a table with slug, name and description, not text")
            return
        raw_categories = [{**data["category"], "questions": data.get("questions", [])}]
        single_line = at(data["category"], 0, None)
        extra = set(data) - {"category", "questions"}
    else:
        parsed.add(1, "missing [category] (or [[categories]])")
        return
    if extra:
        parsed.add(line_of(data) or 1, f"unknown key {sorted(extra)[0][:40]!r} at the top of the file")

    for ci, raw in enumerate(raw_categories):
        line = single_line or at(raw, ci, None)
        if not isinstance(raw, dict):
            parsed.add(line, f"category {ci + 1} is not a table")
            continue
        unknown = set(raw) - CATEGORY_KEYS
        if unknown:
            parsed.add(line, f"category {ci + 1}: unknown key {sorted(unknown)[0][:40]!r}")
        category = check_category(
            parsed, line, slug=raw.get("slug"), name=raw.get("name"), description=raw.get("description", "")
        )
        if "slug" not in raw:
            parsed.add(line, f"category {ci + 1}: 'slug' is missing")
        raw_questions = raw.get("questions", [])
        if not isinstance(raw_questions, list) or not raw_questions:
            parsed.add(line, f"category {ci + 1} has no questions")
            continue
        target = category or CategoryData(slug="", name="")
        for qi, rq in enumerate(raw_questions):
            qline = at(rq, ci, qi) or line
            label = f"question {qi + 1}" + (f" of category {ci + 1}" if len(raw_categories) > 1 else "")
            if not isinstance(rq, dict):
                parsed.add(qline, f"{label} is not a table")
                continue
            if isinstance(rq.get("slug"), str) and rq["slug"].strip():
                label = f"question {rq['slug'].strip()[:60]!r}"
            unknown = set(rq) - QUESTION_KEYS
            if unknown:
                parsed.add(qline, f"{label}: unknown key {sorted(unknown)[0][:40]!r}")
            if "slug" not in rq:
                parsed.add(qline, f"{label}: 'slug' is missing")
            question = check_question(
                parsed,
                qline,
                label,
                slug=rq.get("slug"),
                prompt=rq.get("prompt"),
                answer=rq.get("answer"),
                key_points=rq.get("key_points"),
                difficulty=rq.get("difficulty"),
                tags=rq.get("tags"),
            )
            if question:
                target.questions.append(question)
        if category:
            parsed.categories.append(category)
    check_duplicates(parsed)


# --- writing ---------------------------------------------------------------------------------


def _as_dict(categories: list[CategoryData]) -> dict[str, Any]:
    return {
        "categories": [
            {
                "slug": c.slug,
                "name": c.name,
                "description": c.description,
                "questions": [
                    {
                        "slug": q.slug,
                        "prompt": q.prompt,
                        "answer": q.answer,
                        "key_points": list(q.key_points),
                        "difficulty": q.difficulty,
                        "tags": list(q.tags),
                    }
                    for q in c.questions
                ],
            }
            for c in categories
        ]
    }


def write_toml(categories: list[CategoryData]) -> str:
    return tomli_w.dumps(_as_dict(categories), multiline_strings=True)


def write_json(categories: list[CategoryData]) -> str:
    return json.dumps(_as_dict(categories), indent=2, ensure_ascii=False) + "\n"
