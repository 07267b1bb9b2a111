from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from ..passwords import MAX_LENGTH, MIN_LENGTH, weakness
from ..services.accounts import find_user


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class LoginForm(FlaskForm):
    email = EmailField("Email", filters=[_strip], validators=[DataRequired(message="Enter your email address.")])
    password = PasswordField("Password", validators=[DataRequired(message="Enter your password.")])
    submit = SubmitField("Sign in")


class RegisterForm(FlaskForm):
    email = EmailField(
        "Email",
        filters=[_strip],
        validators=[
            DataRequired(message="Enter your email address."),
            Length(max=254, message="An email address has at most 254 characters."),
            Email(message="Enter a valid email address, like name@example.com.", check_deliverability=False),
        ],
    )
    password = PasswordField(
        "Password",
        description=f"{MIN_LENGTH} to {MAX_LENGTH} characters; a few uncommon words work well.",
        validators=[
            DataRequired(message="Choose a password."),
            Length(
                min=MIN_LENGTH,
                max=MAX_LENGTH,
                message=f"Use {MIN_LENGTH} to {MAX_LENGTH} characters.",
            ),
        ],
    )
    confirm = PasswordField(
        "Repeat password",
        validators=[
            DataRequired(message="Repeat the password."),
            EqualTo("password", message="The two passwords differ."),
        ],
    )
    submit = SubmitField("Create account")

    def validate_email(self, field) -> None:
        if find_user(field.data):
            raise ValidationError("An account with this email already exists. Sign in instead.")

    def validate_password(self, field) -> None:
        if field.data and MIN_LENGTH <= len(field.data) <= MAX_LENGTH:
            problem = weakness(field.data, [self.email.data or ""])
            if problem:
                raise ValidationError(problem)
