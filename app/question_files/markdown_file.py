"""Markdown with a heading per question; the text under it is the answer.

    # Vector search               <- optional: with ## questions below, # names a category
    What this category is about.

    ## What is ANN search?        <- the question (a longer prompt goes on in "> " lines)

    The answer, in Markdown: lists, code blocks and ### headings stay in it.

    Key points:                   <- optional, as in the plain layout
    - exact search is linear
    Difficulty: easy
    Tags: ann
    Slug: ann-why

Headings are found with a Markdown parser, so a "#" line inside a code block is not a question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

from .data import CategoryData, Parsed, check_category, check_duplicates, check_question
from .plain import BULLET, KEY_POINTS_LABEL, META_LINE

_PARSER = MarkdownIt("commonmark")


@dataclass
class _Section:
    line: int  # 1-based line of the heading
    level: int
    title: str
    body: list[tuple[int, str, bool]] = field(default_factory=list)  # (line, text, inside a code block)


def _heading_text(source_line: str) -> str:
    text = source_line.strip()
    text = re.sub(r"^#{1,6}\s*", "", text)
    return re.sub(r"\s+#+\s*$", "", text).strip()


def read_markdown(text: str, category_name: str | None = None) -> Parsed:
    parsed = Parsed()
    lines = text.splitlines()
    tokens = _PARSER.parse(text)
    headings: dict[int, tuple[int, int]] = {}  # first line index -> (level, last line index + 1)
    in_code: set[int] = set()
    for token in tokens:
        if token.type == "heading_open" and token.level == 0 and token.map:
            headings[token.map[0]] = (int(token.tag[1]), token.map[1])
        elif token.type in ("fence", "code_block") and token.map:
            in_code.update(range(*token.map))
    if not headings:
        parsed.add(None, "no headings found: start each question with a line such as '## What is ANN search?'")
        return parsed
    levels = sorted({level for level, _ in headings.values()})
    category_level = 1 if levels[0] == 1 and 2 in levels else None
    question_level = 2 if category_level else levels[0]

    categories: list[tuple[_Section | None, list[_Section]]] = []
    current: _Section | None = None
    index = 0
    while index < len(lines):
        heading = headings.get(index)
        if heading and heading[0] in (category_level, question_level):
            level, end = heading
            title = _heading_text(lines[index]) if end == index + 1 else lines[index].strip()
            current = _Section(index + 1, level, title)
            if level == category_level:
                categories.append((current, []))
            else:
                if not categories:
                    categories.append((None, []))
                categories[-1][1].append(current)
            index = end
            continue
        if current is not None:
            current.body.append((index + 1, lines[index], index in in_code))
        elif lines[index].strip():
            pass  # prose before the first heading is ignored
        index += 1

    for header, sections in categories:
        if header is not None:
            description = "\n".join(t for _, t, _ in header.body).strip()
            category = check_category(parsed, header.line, slug=None, name=header.title, description=description)
        else:
            category = check_category(parsed, None, slug=None, name=category_name or "Imported questions")
        if not sections:
            parsed.add(header.line if header else None, f"category {header.title if header else ''!r} has no questions")
        for number, section in enumerate(sections, 1):
            question = _question(parsed, section, number)
            if question and category:
                category.questions.append(question)
        if category:
            parsed.categories.append(category)
    check_duplicates(parsed)
    return parsed


def _question(parsed: Parsed, section: _Section, number: int):
    label = f"question {number} ({section.title[:40]!r})"
    body = list(section.body)
    prompt = [section.title]
    while body and body[0][1].lstrip().startswith(">") and not body[0][2]:
        prompt.append(re.sub(r"^\s*>\s?", "", body.pop(0)[1]))
    answer: list[str] = []
    key_points: list[str] | None = None
    meta: dict[str, str] = {}
    extra = False
    for _, line, code in body:
        if not code and KEY_POINTS_LABEL.match(line):
            key_points, extra = [], True
        elif not code and extra and (m := META_LINE.match(line)):
            meta[m.group(1).lower()] = m.group(2).strip()
        elif not code and extra and key_points is not None and not meta and (b := BULLET.match(line)):
            key_points.append(b.group(1))
        elif extra:
            if line.strip():
                parsed.add(section.line, f"{label}: unexpected text after the key points: {line.strip()[:40]!r}")
        else:
            answer.append(line.rstrip())
    tags = meta.get("tags")
    return check_question(
        parsed,
        section.line,
        label,
        slug=meta.get("slug"),
        prompt="\n".join(prompt).strip(),
        answer="\n".join(answer).strip(),
        key_points=key_points,
        difficulty=meta.get("difficulty"),
        tags=tags.split(",") if tags else None,
    )


def write_markdown(categories: list[CategoryData]) -> str:
    out: list[str] = []
    for category in categories:
        out += [f"# {category.name}", ""]
        if category.description:
            out += [category.description, ""]
        for question in category.questions:
            first, *rest = question.prompt.split("\n")
            out.append(f"## {first}")
            out += [f"> {line}" if line else ">" for line in rest]
            out += ["", question.answer, "", "Key points:"]
            out += [f"- {point}" for point in question.key_points]
            out += ["", f"Difficulty: {question.difficulty}"]
            if question.tags:
                out.append(f"Tags: {', '.join(question.tags)}")
            out += [f"Slug: {question.slug}", ""]
    return "\n".join(out)
