"""The plain-text layout of interview guides: "Question N", the question, "Answer:", the answer.

Prose around the questions is ignored. After an answer, an optional block gives what the layout
cannot say otherwise (this is what the writer adds, so that an export reads back the same):

    Key points:
    - first point
    - second point
    Difficulty: hard
    Tags: ann, retrieval
    Slug: ann-why

Without key points (no "Key points:" line, or one with no list under it) the scorer takes them
from the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .data import (
    MAX_KEY_POINTS,
    CategoryData,
    Parsed,
    check_category,
    check_duplicates,
    check_question,
)

QUESTION_HEADING = re.compile(r"^\s*Question\s+(\d+)\s*[:.]?\s*$", re.IGNORECASE)
ANSWER_LABEL = re.compile(r"^\s*Answer\s*:\s*(.*)$", re.IGNORECASE)
KEY_POINTS_LABEL = re.compile(r"^\s*Key points\s*:\s*$", re.IGNORECASE)
META_LINE = re.compile(r"^\s*(Difficulty|Tags|Slug)\s*:\s*(.*)$", re.IGNORECASE)
BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")


@dataclass
class _Block:
    line: int
    number: int
    question: list[str] = field(default_factory=list)
    answer: list[str] = field(default_factory=list)
    key_points: list[str] | None = None
    meta: dict[str, str] = field(default_factory=dict)


def _is_heading(line: str) -> bool:
    """A short line with no closing punctuation, such as a section title after the last answer."""
    text = line.strip()
    if not text or len(text) > 90 or re.match(r"^([-*•]|\d+[.)])\s", text):
        return False
    return text[-1] not in ".!?:;,)\"'”’"


def read_plain(text: str, category_name: str | None = None) -> Parsed:
    """An answer runs until the next "Question N", or until a heading-like line (short, without
    closing punctuation) that starts the document's next section."""
    parsed = Parsed()
    blocks: list[_Block] = []
    state = "prose"
    lines = text.splitlines()
    labelled = _followed_by_key_points(lines)
    for index, line in enumerate(lines, 1):
        heading = QUESTION_HEADING.match(line)
        if heading:
            number = int(heading.group(1))
            if state == "question":
                parsed.add(blocks[-1].line, f"Question {blocks[-1].number} has no 'Answer:' line")
            expected = blocks[-1].number + 1 if blocks else None
            if expected is not None and number != expected:
                parsed.add(index, f"expected Question {expected}, found Question {number}")
            blocks.append(_Block(index, number))
            state = "question"
            continue
        if not blocks:
            continue
        block = blocks[-1]
        if state == "question":
            answer_start = ANSWER_LABEL.match(line)
            if answer_start:
                state = "answer"
                if answer_start.group(1).strip():
                    block.answer.append(answer_start.group(1))
            else:
                block.question.append(line)
        elif state in ("answer", "extra") and KEY_POINTS_LABEL.match(line):
            block.key_points = []
            state = "extra"
        elif (meta := META_LINE.match(line)) and (
            state == "extra" or (state == "answer" and not labelled[index - 1] and _ends_answer(block))
        ):
            block.meta[meta.group(1).lower()] = meta.group(2).strip()
            state = "extra"
        elif state == "extra":
            bullet = BULLET.match(line)
            if bullet and block.key_points is not None and not block.meta:
                block.key_points.append(bullet.group(1))
            elif line.strip():
                state = "prose"  # the block is over; what follows is the document's own prose
        elif state == "answer":
            if _is_heading(line) and _ends_answer(block) and not labelled[index - 1]:
                state = "prose"
            else:
                block.answer.append(line)
    if state == "question":
        parsed.add(blocks[-1].line, f"Question {blocks[-1].number} has no 'Answer:' line")
    if not blocks:
        parsed.add(None, "no 'Question N' headings found")
        return parsed

    name = category_name or "Imported questions"
    category = check_category(parsed, None, slug=None, name=name) or CategoryData(slug="", name="")
    for block in blocks:
        label = f"Question {block.number}"
        prompt = _paragraphs(block.question)
        answer = _paragraphs(block.answer)
        if not prompt:
            parsed.add(block.line, f"{label} has no question text")
            continue
        if not answer:
            parsed.add(block.line, f"{label} has an empty answer")
            continue
        tags = block.meta.get("tags")
        question = check_question(
            parsed,
            block.line,
            label,
            slug=block.meta.get("slug"),
            prompt=prompt,
            answer=answer,
            key_points=block.key_points,
            difficulty=block.meta.get("difficulty"),
            tags=tags.split(",") if tags else None,
        )
        if question:
            category.questions.append(question)
    parsed.categories.append(category)
    check_duplicates(parsed)
    return parsed


def _followed_by_key_points(lines: list[str]) -> list[bool]:
    """For each line: does a "Key points:" label come after it, before the next "Question N"?
    Inside such a block every line up to the label belongs to the answer."""
    result = [False] * len(lines)
    ahead = False
    for index in range(len(lines) - 1, -1, -1):
        if QUESTION_HEADING.match(lines[index]):
            ahead = False
        result[index] = ahead
        if KEY_POINTS_LABEL.match(lines[index]):
            ahead = True
    return result


def _ends_answer(block: _Block) -> bool:
    """A metadata line ends an answer only once the answer has text (it might start with one)."""
    return any(line.strip() for line in block.answer)


def _paragraphs(lines: list[str]) -> str:
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in lines)).strip()


def write_plain(categories: list[CategoryData]) -> str:
    """Every question in the layout above, numbered through the whole file."""
    out: list[str] = []
    number = 0
    for category in categories:
        out += [category.name, ""]
        if category.description:
            out += [" ".join(category.description.split()), ""]
        for question in category.questions:
            number += 1
            # The label is written even without points: it tells where the answer ends.
            out += [f"Question {number}", question.prompt, "Answer:", question.answer, "Key points:"]
            out += [f"- {point}" for point in question.key_points[:MAX_KEY_POINTS]]
            out.append(f"Difficulty: {question.difficulty}")
            if question.tags:
                out.append(f"Tags: {', '.join(question.tags)}")
            out += [f"Slug: {question.slug}", ""]
    return "\n".join(out)
