"""The forms of an attempt: start one, answer a question, confirm a change, rate an answer."""

from __future__ import annotations

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..choices import GRADE_NAMES
from ..models import Grade
from ..timing import MAX_MINUTES, MAX_QUESTIONS, MIN_MINUTES, MIN_QUESTIONS
from .schemas import MAX_REVISION, length_problem


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _question_count(label: str) -> IntegerField:
    return IntegerField(
        label,
        default=5,
        validators=[
            InputRequired(message="Enter how many questions you want."),
            NumberRange(MIN_QUESTIONS, MAX_QUESTIONS, message=f"Choose {MIN_QUESTIONS} to {MAX_QUESTIONS} questions."),
        ],
    )


class StartForm(FlaskForm):
    categories = MultiCheckboxField("Categories", coerce=int, description="Leave all unticked for every category.")
    question_count = _question_count("Number of questions")
    minutes = IntegerField(
        "Time limit in minutes",
        validators=[
            Optional(),
            NumberRange(MIN_MINUTES, MAX_MINUTES, message=f"Choose {MIN_MINUTES} to {MAX_MINUTES} minutes."),
        ],
        description="Leave empty for 3 minutes a question.",
    )


DAMAGED_FORM = (
    "This page's form was damaged (its revision number is not one this site gave out), so your text "
    "was not saved. It is still in the box below: press Save to save it."
)


class AnswerForm(FlaskForm):
    """The answer form of one question; it posts without JavaScript, which only adds autosave."""

    text = TextAreaField("Your answer")
    revision = HiddenField(validators=[InputRequired(message=DAMAGED_FORM)])
    flagged = BooleanField("Flag to come back to this")
    opened_at = HiddenField()  # when the page was served (no script): time spent is counted from it
    seconds = HiddenField()  # time spent as the script measured it, when it ran

    def validate_text(self, field) -> None:
        problem = length_problem(field.data or "", current_app.config["ANSWER_MAX_CHARS"])
        if problem:
            raise ValidationError(problem)

    def validate_revision(self, field) -> None:
        try:
            value = int(field.data)
        except (TypeError, ValueError):
            value = -1
        if not 0 <= value <= MAX_REVISION:  # a number the server never handed out
            raise ValidationError(DAMAGED_FORM)
        field.data = value


class ConfirmForm(FlaskForm):
    """A form with only its CSRF token, for buttons that change state."""


class PracticeForm(FlaskForm):
    question_count = _question_count("Questions")


NOTE_MAX = 2000


class RatingForm(FlaskForm):
    grade = RadioField(
        "How did it go?",
        choices=[SelectChoice(int(g), f"{int(g)} · {GRADE_NAMES[g].capitalize()}") for g in Grade],
        coerce=int,
        validators=[InputRequired(message="Choose again, hard, good or easy.")],
    )
    note = TextAreaField(
        "Private note",
        validators=[Length(max=NOTE_MAX, message=f"Keep the note under {NOTE_MAX:,} characters.")],
    )
