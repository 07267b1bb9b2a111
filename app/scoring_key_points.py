"""Key points for questions that have none, and how many key points a question asks for.

A question imported from plain text has a reference answer but no key points. `derive_key_points`
cuts the reference into its claims: one per sentence or list item, with headings ("Possible
differences:") and instructions to the grader ("One of the following should be given:") left
out. The scorer marks key points it derived this way, so the review can say they were not
written by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from app.scoring_text import is_content, sentence_spans, words

MAX_DERIVED = 24  # a reference longer than this many claims is cut to its first ones
MIN_CONTENT_WORDS = 1

# Lines that address the grader rather than state a claim.
_INSTRUCTION_RE = re.compile(
    r"\b(one of the following|any of the following|should be (?:given|mentioned|stated)|"
    r"(?:is|are) (?:also )?(?:considered|accepted|sufficient|valid)|possible (?:answers?|differences|"
    r"challenges|solutions)|the answer may|it is also sufficient|e\.g\. by stating)\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
# "State at least 4 of the differences", "Name the 3 service classes", "describe two challenges".
_ASKED_COUNT_RE = re.compile(
    r"\b(?:name|state|give|list|describe|mention|provide|identify|explain|what are|at least)\s+"
    r"(?:at least\s+|the\s+|any\s+|up to\s+)?(\d|one|two|three|four|five|six|seven|eight)\s+"
    r"(?!times\b|sentences?\b|words?\b|minutes?\b|seconds?\b)([a-z]+)(\s+and\s+[a-z]+)?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Claim:
    text: str
    start: int  # offsets in the reference answer
    end: int


@lru_cache(maxsize=1024)
def derive_claims(reference: str) -> tuple[Claim, ...]:
    """The claims of `reference` with where each one stands in it."""
    claims: list[Claim] = []
    for start, end in sentence_spans(reference):
        text = reference[start:end].strip()
        if text.endswith(":") or text.endswith("::"):
            continue  # a heading: its items follow
        if _INSTRUCTION_RE.search(text) and len(words(text)) < 16:
            continue
        content = [w for w in words(text) if is_content(w.norm)]
        if len(content) < MIN_CONTENT_WORDS:
            continue
        claims.append(Claim(" ".join(text.split()), start, end))
    return tuple(claims[:MAX_DERIVED])


def derive_key_points(reference_answer: str) -> list[str]:
    """Key points for a question that has only a reference answer: one per claim of it, in its
    order and its words. Deterministic: the same reference always gives the same list."""
    return [c.text for c in derive_claims(reference_answer)]


def asked_count(prompt: str) -> int | None:
    """How many things the question asks for, when it says so ("State at least 4 of the
    differences", "give 1 advantage and disadvantage": 2); None when it does not."""
    total = 0
    for m in _ASKED_COUNT_RE.finditer(prompt or ""):
        word = m.group(1).lower()
        n = int(word) if word.isdigit() else _NUMBER_WORDS[word]
        total += n * (2 if m.group(3) else 1)
    return total or None
