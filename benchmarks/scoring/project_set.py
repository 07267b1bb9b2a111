"""The project's own graded answers (eval_set.toml) and the bank questions they answer."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
EVAL_SET = HERE / "eval_set.toml"
SEED = ROOT / "seed" / "questions"


@dataclass(frozen=True)
class Question:
    slug: str
    category: str
    prompt: str
    answer: str
    key_points: tuple[str, ...]


@dataclass(frozen=True)
class Graded:
    slug: str
    kind: str
    grade: int
    answer: str
    fresh: bool = False  # written after tuning was over, for questions not used before


def load_bank(seed: Path = SEED) -> dict[str, Question]:
    bank = {}
    for path in sorted(seed.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        category = data.get("category", {}).get("slug", path.stem)
        for q in data.get("questions", []):
            bank[q["slug"]] = Question(q["slug"], category, q["prompt"], q["answer"], tuple(q["key_points"]))
    return bank


def load_eval_set(path: Path = EVAL_SET) -> list[Graded]:
    rows = tomllib.loads(path.read_text(encoding="utf-8"))["answers"]
    return [
        Graded(r["slug"], r["kind"], int(r["grade"]), r["answer"], r.get("written") == "after-tuning") for r in rows
    ]


def held_out_slugs(graded: list[Graded], bank: dict[str, Question]) -> frozenset[str]:
    """About 40% of the questions, spread over the categories, picked by a hash of the slug
    (the fresh answers' questions are a split of their own)."""

    def order(slug: str) -> tuple[str, str]:
        return bank[slug].category, hashlib.sha256(slug.encode()).hexdigest()

    slugs = sorted({g.slug for g in graded if not g.fresh}, key=order)
    return frozenset(s for i, s in enumerate(slugs) if i % 5 in (1, 3))
