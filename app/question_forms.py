"""Forms for writing questions, sets, categories and imports; shared by a user's own sets and by
the admins' bank pages. Text reaches them through the app's one rule (app/cleaned_request.py),
so lengths are measured on what will be stored."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from .choices import Difficulty
from .question_files import FORMATS
from .question_files.data import (
    ANSWER_MAX,
    CATEGORY_NAME_MAX,
    CATEGORY_SLUG_MAX,
    DESCRIPTION_MAX,
    KEY_POINT_MAX,
    MAX_FILE_BYTES,
    MAX_KEY_POINTS,
    MAX_TAGS,
    PROMPT_MAX,
    SLUG_RE,
    TAG_MAX,
)
from .scoring import derive_key_points
from .services.authoring import QuestionFields, fields_of


def tidy(value: object) -> object:
    """Typed text without trailing spaces. (The request has already applied the text rule: no NUL
    or lone surrogates, LF line breaks.)"""
    if not isinstance(value, str):
        return value
    return "\n".join(line.rstrip() for line in value.split("\n")).strip()


def _length(limit: int, what: str) -> Length:
    return Length(max=limit, message=f"{what} has at most {limit:,} characters (line breaks count as one).")


def _check_items(items: list[str], most: int, longest: int, what: str) -> None:
    if len(items) > most:
        raise ValidationError(f"Give at most {most} {what}s (you gave {len(items)}).")
    for item in items:
        if len(item) > longest:
            raise ValidationError(f"A {what} has at most {longest} characters: {item[:40]}…")


class QuestionForm(FlaskForm):
    prompt = TextAreaField(
        "Question",
        filters=[tidy],
        validators=[DataRequired(message="Write the question."), _length(PROMPT_MAX, "A question")],
        description="What the candidate reads. Markdown works: **bold**, `code`, lists.",
    )
    answer = TextAreaField(
        "Reference answer",
        filters=[tidy],
        validators=[DataRequired(message="Write a reference answer."), _length(ANSWER_MAX, "A reference answer")],
        description="Shown beside the candidate's answer in the review. Markdown works.",
    )
    key_points = TextAreaField(
        "Key points",
        filters=[tidy],
        description=f"One per line, up to {MAX_KEY_POINTS}: what an interviewer listens for. "
        "Left empty, the scorer takes them from the reference answer.",
    )
    difficulty = SelectField(
        "Difficulty",
        choices=[SelectChoice(d.value, d.value.capitalize()) for d in Difficulty],
        default=Difficulty.MEDIUM.value,
    )
    tags = StringField("Tags", filters=[tidy], description="Separated by commas, for example: ann, retrieval.")

    def validate_key_points(self, field) -> None:
        _check_items(self.points(), MAX_KEY_POINTS, KEY_POINT_MAX, "key point")

    def validate_tags(self, field) -> None:
        _check_items(self.tag_list(), MAX_TAGS, TAG_MAX, "tag")

    def points(self) -> list[str]:
        lines = [re.sub(r"^\s*[-*•]\s+", "", line).strip() for line in (self.key_points.data or "").split("\n")]
        return [line for line in lines if line]

    def tag_list(self) -> list[str]:
        return list(dict.fromkeys(t.strip().lower() for t in (self.tags.data or "").split(",") if t.strip()))

    def values(self) -> QuestionFields:
        return QuestionFields(self.prompt.data, self.answer.data, self.points(), self.difficulty.data, self.tag_list())

    @staticmethod
    def data_of(question) -> dict:
        return {
            "prompt": question.prompt,
            "answer": question.reference_answer,
            "key_points": "\n".join(question.key_points),
            "difficulty": question.difficulty,
            "tags": ", ".join(question.tags),
        }


class BankQuestionForm(QuestionForm):
    category = SelectField("Category", coerce=int, validate_choice=True)


class SetForm(FlaskForm):
    name = StringField(
        "Name",
        filters=[tidy],
        validators=[DataRequired(message="Give the set a name."), _length(CATEGORY_NAME_MAX, "A name")],
    )
    description = TextAreaField(
        "Description",
        filters=[tidy],
        validators=[_length(DESCRIPTION_MAX, "A description")],
        description="Optional: what the set is for. Markdown works.",
    )


class CategoryForm(SetForm):
    slug = StringField(
        "Slug",
        filters=[tidy],
        validators=[
            Optional(),
            Length(max=CATEGORY_SLUG_MAX, message=f"A slug has at most {CATEGORY_SLUG_MAX} characters."),
            Regexp(SLUG_RE, message="Lower-case letters and digits in words joined by dashes, like vector-search."),
        ],
        description="Optional: the stable id files use (made from the name when empty).",
    )


class ImportForm(FlaskForm):
    text = TextAreaField("Paste questions", description="Or choose a file below.")
    file = FileField("Or upload a file", description=f"Up to {MAX_FILE_BYTES // 1_000_000} MB, UTF-8 text.")
    format = SelectField(
        "Format",
        choices=[SelectChoice("auto", "Recognise it")]
        + [SelectChoice(n, label) for n, (label, _, _) in FORMATS.items()],
        default="auto",
    )
    category = StringField(
        "Category for questions the file does not place",
        filters=[tidy],
        validators=[Optional(), _length(CATEGORY_NAME_MAX, "A category name")],
        description="Plain text, Markdown without a top heading, and CSV without a category column go here.",
    )
    fingerprint = HiddenField()


class MoveForm(FlaskForm):
    """Reordering: which way (up or down)."""

    direction = HiddenField(validators=[DataRequired(), Regexp(r"^(up|down)$")])


class DeleteCategoryForm(FlaskForm):
    move_to = SelectField("Move its questions to", coerce=int, validate_choice=True)


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField("Search", filters=[tidy])
    category = SelectField("Category", coerce=str)
    tag = SelectField("Tag", coerce=str)
    difficulty = SelectField(
        "Difficulty",
        choices=[SelectChoice("", "Any")] + [SelectChoice(d.value, d.value.capitalize()) for d in Difficulty],
    )
    archived = SelectField("Show", choices=[SelectChoice("", "In use"), SelectChoice("1", "Archived")])


@dataclass(frozen=True)
class Preview:
    """A question as the interview and the review show it (nothing saved)."""

    category: str
    prompt: str
    answer: str
    key_points: list[str]
    difficulty: str
    derived: bool  # no key points were written: these are the ones the scorer will take


def preview_of(category: str, fields: QuestionFields) -> Preview:
    points = list(fields.key_points) or derive_key_points(fields.answer)
    return Preview(category, fields.prompt, fields.answer, points, fields.difficulty, not fields.key_points)


def stored_preview(question) -> Preview:
    return preview_of(question.category.name, fields_of(question))
