"""The forms of the account page: change the password, delete the account."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SubmitField
from wtforms.validators import DataRequired

from ..auth.forms import check_strength, new_password_field, repeat_field


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired(message="Enter your current password.")])
    password = new_password_field("New password")
    confirm = repeat_field("Repeat the new password")
    submit = SubmitField("Change password")

    email_hint = ""

    def validate_password(self, field) -> None:
        check_strength(field.data, self.email_hint)


class DeleteAccountForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired(message="Enter your password to confirm.")])
    understood = BooleanField(
        "I understand that my account and all my data will be deleted, and that this cannot be undone.",
        validators=[DataRequired(message="Tick the box to confirm.")],
    )
    submit = SubmitField("Delete my account and all my data")
