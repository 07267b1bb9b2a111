"""The graded sets that are never fitted on (interview_set.toml, cs_short_set.toml): both written,
and graded by the rubric at the top of each file, before the scorer was run on them."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from benchmarks.scoring.project_set import load_bank

HERE = Path(__file__).resolve().parent
INTERVIEW_SET = HERE / "interview_set.toml"
CS_SHORT_SET = HERE / "cs_short_set.toml"
CS_SHORT_TUNE = HERE / "cs_short_tune.toml"  # the same kind of answers, for tuning
MAX_GRADE = 5


@dataclass(frozen=True)
class Item:
    """One graded answer with everything the scorer needs."""

    question_id: str
    kind: str
    grade: int
    prompt: str
    reference: str
    key_points: tuple[str, ...]
    answer: str


def load_interview_set(path: Path = INTERVIEW_SET) -> list[Item]:
    bank = load_bank()
    rows = tomllib.loads(path.read_text(encoding="utf-8"))["answers"]
    out = []
    for r in rows:
        q = bank[r["slug"]]
        out.append(Item(r["slug"], r["kind"], int(r["grade"]), q.prompt, q.answer, q.key_points, r["answer"].strip()))
    return out


def load_cs_short_set(path: Path = CS_SHORT_SET) -> list[Item]:
    out = []
    for q in tomllib.loads(path.read_text(encoding="utf-8"))["questions"]:
        for a in q["answers"]:
            out.append(Item(q["id"], "", int(a["grade"]), q["question"], q["reference"], (), a["answer"].strip()))
    return out
