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
from ..numbers import MAX_ID
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


def _minutes() -> IntegerField:
    return IntegerField(
        "Time limit in minutes",
        validators=[
            Optional(),
            NumberRange(MIN_MINUTES, MAX_MINUTES, message=f"Choose {MIN_MINUTES} to {MAX_MINUTES} minutes."),
        ],
        description="Leave empty for 3 minutes a question.",
    )


class StartForm(FlaskForm):
    categories = MultiCheckboxField("Categories", coerce=int, description="Leave all unticked for every category.")
    question_count = _question_count("Number of questions")
    minutes = _minutes()


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


class PracticeChoiceForm(FlaskForm):
    """How many weak spots and how long, read from the address: changing them only shows
    another list, so it needs no token."""

    class Meta:
        csrf = False

    question_count = _question_count("Number of questions")
    minutes = _minutes()


class PracticeForm(FlaskForm):
    """Start the clock on the questions the page showed (or on one question, from its page)."""

    questions = HiddenField(validators=[InputRequired(message="Choose the questions to practise.")])
    minutes = _minutes()

    def validate_questions(self, field) -> None:
        parts = [p.strip() for p in str(field.data).split(",") if p.strip()]
        if not parts or not all(p.isascii() and p.isdigit() and 0 < int(p) <= MAX_ID for p in parts):
            raise ValidationError("The list of questions was damaged; reload the page.")
        ids = list(dict.fromkeys(int(p) for p in parts))
        if not MIN_QUESTIONS <= len(ids) <= MAX_QUESTIONS:
            raise ValidationError(f"Choose {MIN_QUESTIONS} to {MAX_QUESTIONS} questions.")
        field.data = ids


NOTE_MAX = 2000


def _note_field() -> TextAreaField:
    return TextAreaField(
        "Private note",
        validators=[Length(max=NOTE_MAX, message=f"Keep the note under {NOTE_MAX:,} characters.")],
    )


class RatingForm(FlaskForm):
    """A grade and the private note; without a script one button posts both, and a note alone is
    kept too."""

    grade = RadioField(
        "How did it go?",
        choices=[SelectChoice(int(g), f"{int(g)} · {GRADE_NAMES[g].capitalize()}") for g in Grade],
        coerce=int,
        validators=[Optional()],
    )
    note = _note_field()

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.grade.data is None and not (self.note.data or "").strip():
            self.grade.errors = ["Choose again, hard, good or easy."]
            return False
        return True


class NoteForm(FlaskForm):
    """The private note alone, as the review page's script saves it while the user types."""

    note = _note_field()


class KeyPointCheckForm(FlaskForm):
    """The user's word on one key point: made it, did not, or take the word back."""

    made = RadioField(
        "Did you make this point?",
        choices=[
            SelectChoice("yes", "I made this point"),
            SelectChoice("no", "I did not"),
            SelectChoice("", "Leave it to the scorer"),
        ],
        validate_choice=False,  # one message of our own for a missing or unknown value
    )

    def validate_made(self, field: RadioField) -> None:
        # A post without the field is damaged, not a request to take the word back.
        if not field.raw_data or field.data not in ("yes", "no", ""):
            raise ValidationError("Choose “I made this point”, “I did not” or “Leave it to the scorer”.")

    def made_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.made.data or "")
