"""Account pages. Every state change is a POST carrying a CSRF token."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import limiter
from ..services import accounts
from .forms import LoginForm, RegisterForm

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None (no open redirects)."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _sign_in(user) -> None:
    session.clear()  # a fresh session on every sign-in: nothing from before carries over
    accounts.start_login_session(user)
    login_user(user)
    session.permanent = True


def _failed_sign_in(response) -> bool:
    return response.status_code == 200 and request.method == "POST"


def _login_limits() -> str:
    return current_app.config["LOGIN_LIMITS"]


def _email_key() -> str:
    return "login-email:" + accounts.normalise_email(request.form.get("email", ""))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limits, methods=["POST"], deduct_when=_failed_sign_in)
@limiter.limit(_login_limits, methods=["POST"], key_func=_email_key, deduct_when=_failed_sign_in)
def login():
    """Sign in. A wrong email or password re-shows the form; too many failures answer 429."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            _sign_in(user)
            return redirect(safe_next(request.args.get("next")) or url_for("main.home"))
        form.password.errors.append("The email or password is incorrect.")
    return render_template("auth/login.html", form=form)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        user = accounts.create_user(form.email.data, form.password.data)
        _sign_in(user)
        flash("Welcome to Rehearse. Your account is ready.", "success")
        return redirect(url_for("main.home"))
    return render_template("auth/register.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out: the sign-in ends on the server, so a copy of the old cookie no longer works."""
    accounts.end_login_session(current_user.get_id())
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
