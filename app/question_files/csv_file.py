"""CSV, one question a row, with a header row naming the columns (in any order):

    prompt, answer              required
    key_points                  one per line in the cell (or separated by " | "); may be empty
    difficulty, tags, slug      optional; tags separated by commas
    category                    optional: the category's name (the shared bank groups rows by it)

Cells are only ever read as text: nothing is evaluated. On export a cell that a spreadsheet
would run as a formula (it starts with =, +, -, @, a tab or a carriage return) gets a leading
apostrophe, which the importer removes again, so an export reads back the same.
"""

from __future__ import annotations

import csv
import io

from .data import (
    ANSWER_MAX,
    CategoryData,
    Parsed,
    check_category,
    check_duplicates,
    check_question,
)

COLUMNS = ("prompt", "answer", "key_points", "difficulty", "tags", "slug", "category")
REQUIRED = ("prompt", "answer")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """A cell a spreadsheet shows as text. An apostrophe already in front is doubled, so that
    `restore` gives back exactly `value`."""
    if value.startswith(FORMULA_START) or value.startswith("'"):
        return "'" + value
    return value


def restore(value: str) -> str:
    if value.startswith("'") and value[1:2] and value[1] in "=+-@\t\r'":
        return value[1:]
    return value


def read_csv(text: str, category_name: str | None = None) -> Parsed:
    parsed = Parsed()
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    # Larger cells than any limit allows are refused by the limits, not by the csv module.
    csv.field_size_limit(max(csv.field_size_limit(), ANSWER_MAX * 8))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        parsed.add(None, "the file is empty: the first row must name the columns (prompt, answer, ...)")
        return parsed
    except csv.Error as exc:
        parsed.add(1, f"not valid CSV ({exc})")
        return parsed
    names = [h.strip().lower().replace(" ", "_") for h in header]
    missing = [c for c in REQUIRED if c not in names]
    unknown = [h for h in names if h and h not in COLUMNS]
    if missing:
        parsed.add(
            1, f"the header row has no {' or '.join(repr(m) for m in missing)} column (columns: {', '.join(COLUMNS)})"
        )
    if unknown:
        parsed.add(1, f"unknown column {unknown[0][:40]!r} (columns: {', '.join(COLUMNS)})")
    doubled = sorted({n for n in names if n and names.count(n) > 1})
    if doubled:
        parsed.add(1, f"the column {doubled[0]!r} appears twice")
    if parsed.problems:
        return parsed

    by_name: dict[str, CategoryData] = {}
    default = category_name or "Imported questions"
    last_line = 1
    number = 0
    while True:
        start = last_line + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            parsed.add(start, f"not valid CSV ({exc})")
            break
        last_line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        number += 1
        if len(row) > len(names):
            parsed.add(start, f"row {number} has {len(row)} cells but the header names {len(names)} columns")
            continue
        cells = {name: restore(value) for name, value in zip(names, row, strict=False)}
        key_points = cells.get("key_points", "").strip()
        points: list[str] | None = None
        if key_points:
            points = [p.strip() for p in key_points.split("\n") if p.strip()]
            if len(points) == 1:
                points = [p.strip() for p in key_points.split(" | ") if p.strip()]
        tags = cells.get("tags", "").strip()
        question = check_question(
            parsed,
            start,
            f"row {number}",
            slug=cells.get("slug", "").strip() or None,
            prompt=cells.get("prompt", ""),
            answer=cells.get("answer", ""),
            key_points=points,
            difficulty=cells.get("difficulty"),
            tags=tags.split(",") if tags else None,
        )
        name = cells.get("category", "").strip() or default
        if name not in by_name:
            category = check_category(parsed, start, slug=None, name=name)
            if category is None:
                continue
            by_name[name] = category
            parsed.categories.append(category)
        if question:
            by_name[name].questions.append(question)
    if number == 0 and not parsed.problems:
        parsed.add(None, "the file has a header row but no questions")
    check_duplicates(parsed)
    return parsed


def write_csv(categories: list[CategoryData]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for category in categories:
        for q in category.questions:
            points = "\n".join(q.key_points)
            if len(q.key_points) == 1 and " | " in points:
                points += "\n"  # one point that holds " | ": the line break keeps it whole
            row = [q.prompt, q.answer, points, q.difficulty, ", ".join(q.tags), q.slug, category.name]
            writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()
