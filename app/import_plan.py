"""What an import would do, worked out before anything is written: pure functions, no database.

The caller passes what is stored (as plain values) and what the file holds; the plan says which
questions would be added, changed (and which fields, or "moved" to another category), left as
they are, and which stored questions the file does not mention (they are left alone).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from .question_files import CategoryData, Parsed, Problem, QuestionData, free_slug
from .question_files.data import QUESTION_SLUG_MAX

FIELDS = ("prompt", "answer", "key_points", "difficulty", "tags")


@dataclass(frozen=True)
class Stored:
    """A question as it is stored."""

    id: int
    slug: str
    prompt: str
    answer: str
    key_points: list[str]
    difficulty: str
    tags: list[str]
    category_slug: str = ""
    category_name: str = ""
    archived: bool = False


@dataclass(frozen=True)
class StoredCategory:
    id: int
    slug: str
    name: str
    description: str


@dataclass
class QuestionChange:
    kind: str  # "added", "changed" or "unchanged"
    question: QuestionData
    category_slug: str
    stored_id: int | None = None
    fields: list[str] = field(default_factory=list)  # what changes, in words
    moved_from: str | None = None  # the category it leaves

    @property
    def line(self) -> int | None:
        return self.question.line


@dataclass
class CategoryChange:
    kind: str  # "added", "changed" or "unchanged"
    data: CategoryData
    stored_id: int | None = None
    fields: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    categories: list[CategoryChange] = field(default_factory=list)
    questions: list[QuestionChange] = field(default_factory=list)
    left_alone: list[Stored] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[QuestionChange]:
        return [q for q in self.questions if q.kind == kind]

    @property
    def added(self) -> list[QuestionChange]:
        return self.of_kind("added")

    @property
    def changed(self) -> list[QuestionChange]:
        return self.of_kind("changed")

    @property
    def unchanged(self) -> list[QuestionChange]:
        return self.of_kind("unchanged")

    @property
    def writes_anything(self) -> bool:
        return not self.problems and (
            bool(self.added or self.changed) or any(c.kind != "unchanged" for c in self.categories)
        )

    def summary(self) -> str:
        return f"{len(self.added)} added, {len(self.changed)} changed, {len(self.unchanged)} unchanged"

    def fingerprint(self) -> str:
        """Changes when what the confirmation would write changes (the file or the stored questions)."""
        actions = [[c.kind, c.stored_id, c.data.slug, c.data.name, c.data.description] for c in self.categories] + [
            [q.kind, q.stored_id, q.category_slug, q.question.slug, *(_value(q.question, f) for f in FIELDS)]
            for q in self.questions
        ]
        digest = hashlib.sha256(json.dumps(actions, ensure_ascii=False, sort_keys=True).encode())
        return digest.hexdigest()[:32]


def _value(question: QuestionData | Stored, name: str) -> object:
    return getattr(question, name)


def _differences(question: QuestionData, stored: Stored) -> list[str]:
    changed = [name.replace("_", " ") for name in FIELDS if _value(question, name) != _value(stored, name)]
    if stored.archived:
        changed.append("back from the archive")
    return changed


def plan_for_bank(parsed: Parsed, categories: list[StoredCategory], questions: list[Stored]) -> ImportPlan:
    """The shared bank: categories matched by slug, questions by slug across the whole bank, so
    that a question that changes category is reported as moved, never moved silently."""
    plan = ImportPlan(problems=list(parsed.problems))
    if plan.problems:
        return plan
    stored_categories = {c.slug: c for c in categories}
    by_name = {c.name.casefold(): c for c in categories}
    by_slug = {q.slug: q for q in questions}
    mentioned: set[int] = set()
    for data in parsed.categories:
        if not data.slug_given and data.name.casefold() in by_name:
            # Plain text, Markdown and CSV name a category; an admin may have renamed it since
            # its slug was made, so the name finds it first.
            data.slug = by_name[data.name.casefold()].slug
        stored_category = stored_categories.get(data.slug)
        if stored_category is None:
            plan.categories.append(CategoryChange("added", data))
        else:
            fields = []
            if data.name != stored_category.name:
                fields.append(f"renamed from {stored_category.name!r}")
            if data.description and data.description != stored_category.description:
                fields.append("description")
            plan.categories.append(
                CategoryChange("changed" if fields else "unchanged", data, stored_category.id, fields)
            )
        for question in data.questions:
            stored = by_slug.get(question.slug)
            if stored is None:
                plan.questions.append(QuestionChange("added", question, data.slug))
                continue
            mentioned.add(stored.id)
            fields = _differences(question, stored)
            moved_from = stored.category_name if stored.category_slug != data.slug else None
            if moved_from:
                fields.append(f"moved from {moved_from!r}")
            kind = "changed" if fields else "unchanged"
            plan.questions.append(QuestionChange(kind, question, data.slug, stored.id, fields, moved_from))
    plan.left_alone = [q for q in questions if q.id not in mentioned and not q.archived]
    return plan


def plan_for_set(parsed: Parsed, questions: list[Stored]) -> ImportPlan:
    """One user's set: every question of the file goes into it, whatever category the file names.
    A question is matched by its slug when the file gives one, else by its wording."""
    plan = ImportPlan(problems=list(parsed.problems))
    if plan.problems:
        return plan
    by_slug = {q.slug: q for q in questions}
    by_prompt = {_wording(q.prompt): q for q in questions}
    taken = set(by_slug)
    mentioned: set[int] = set()
    for question in parsed.questions:
        stored = by_slug.get(question.slug) if question.slug_given else by_prompt.get(_wording(question.prompt))
        if stored is None and not question.slug_given:
            candidate = by_slug.get(question.slug)
            if candidate is not None and candidate.id not in mentioned:
                stored = candidate
        if stored is None or stored.id in mentioned:
            question.slug = free_slug(question.slug, taken, QUESTION_SLUG_MAX)
            taken.add(question.slug)
            plan.questions.append(QuestionChange("added", question, ""))
            continue
        mentioned.add(stored.id)
        question.slug = stored.slug
        fields = _differences(question, stored)
        plan.questions.append(QuestionChange("changed" if fields else "unchanged", question, "", stored.id, fields))
    plan.left_alone = [q for q in questions if q.id not in mentioned and not q.archived]
    return plan


def _wording(text: str) -> str:
    return " ".join(text.split()).casefold()
