from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from ..passwords import MAX_LENGTH, MIN_LENGTH, weakness
from ..services.accounts import find_user


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def email_field() -> EmailField:
    return EmailField(
        "Email",
        filters=[_strip],
        validators=[
            DataRequired(message="Enter your email address."),
            Length(max=254, message="An email address has at most 254 characters."),
            Email(message="Enter a valid email address, like name@example.com.", check_deliverability=False),
        ],
    )


def new_password_field(label: str = "Password") -> PasswordField:
    return PasswordField(
        label,
        description=f"{MIN_LENGTH} to {MAX_LENGTH} characters; a few uncommon words work well.",
        validators=[
            DataRequired(message="Choose a password."),
            Length(min=MIN_LENGTH, max=MAX_LENGTH, message=f"Use {MIN_LENGTH} to {MAX_LENGTH} characters."),
        ],
    )


def repeat_field(label: str = "Repeat password", of: str = "password") -> PasswordField:
    return PasswordField(
        label,
        validators=[
            DataRequired(message="Repeat the password."),
            EqualTo(of, message="The two passwords differ."),
        ],
    )


def check_strength(password: str | None, email: str | None) -> None:
    """Raise ValidationError when a new password (of a valid length) is too easy to guess."""
    if password and MIN_LENGTH <= len(password) <= MAX_LENGTH:
        problem = weakness(password, [email or ""])
        if problem:
            raise ValidationError(problem)


class LoginForm(FlaskForm):
    email = EmailField("Email", filters=[_strip], validators=[DataRequired(message="Enter your email address.")])
    password = PasswordField("Password", validators=[DataRequired(message="Enter your password.")])
    submit = SubmitField("Sign in")


class RegisterForm(FlaskForm):
    """Registration without email: the account is created at once. Without a way to reach the
    address, the form has to say when an account already exists (see the README)."""

    email = email_field()
    password = new_password_field()
    confirm = repeat_field()
    submit = SubmitField("Create account")

    def validate_email(self, field) -> None:
        if find_user(field.data):
            raise ValidationError("An account with this email already exists. Sign in instead.")

    def validate_password(self, field) -> None:
        check_strength(field.data, self.email.data)


class EmailForm(FlaskForm):
    """Only an email address: registration when mail is on, and "forgot my password"."""

    email = email_field()
    submit = SubmitField("Send me a link")


class NewPasswordForm(FlaskForm):
    """Choose a password: finishing a registration, or through a reset link."""

    password = new_password_field()
    confirm = repeat_field()
    submit = SubmitField("Save password")

    email_hint = ""  # the account's email, which a password must not resemble

    def validate_password(self, field) -> None:
        check_strength(field.data, self.email_hint)
