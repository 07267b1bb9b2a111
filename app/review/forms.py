from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Length

from ..models import Grade
from ..spaced import GRADE_NAMES

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
