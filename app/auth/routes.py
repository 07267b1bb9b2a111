"""Registration, sign-in, sign-out and forgotten passwords. Every state change is a POST
carrying a CSRF token. No answer here tells whether an email address has an account, except
registration without email (see RegisterForm)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from .. import clock, mailer, throttle
from ..models import User
from ..services import account_mail, accounts
from . import throttling
from .forms import EmailForm, LoginForm, NewPasswordForm, RegisterForm

# A new account is greeted by the home page's heading; the message says what to do next.
ACCOUNT_READY = "Your account is ready. Start with an interview, or browse the question bank first."

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None (no open redirects)."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def lifetimes() -> accounts.Lifetimes:
    cfg = current_app.config
    return accounts.Lifetimes(absolute=cfg["SESSION_ABSOLUTE_SECONDS"], idle=cfg["SESSION_IDLE_SECONDS"])


def sign_in(user: User, response: Response, message: str | None = None) -> Response:
    """Start a sign-in: a fresh session (nothing from before carries over), recorded on the
    server, and this browser remembered as one the account's owner uses."""
    session.clear()
    accounts.start_login_session(user, clock.now(), lifetimes())
    login_user(user)
    session.permanent = True
    if message:
        flash(message, "success")
    throttling.remember_device(response, user.email)
    return response


def too_many(seconds: int) -> str:
    return f"Too many attempts in a short time. Wait {seconds} second{'s' if seconds != 1 else ''} and try again."


def _throttled(template: str, form, message: str, seconds: int, **context) -> Response:
    response = make_response(render_template(template, form=form, throttled=message, **context), 429)
    response.headers["Retry-After"] = str(seconds)
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in. A wrong email or password re-shows the form; too many attempts answer 429."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        email = accounts.normalise_email(form.email.data)
        ticket = throttling.start(email, throttling.device_email())
        if ticket.refused_for:
            return _throttled("auth/login.html", form, too_many(ticket.refused_for), ticket.refused_for)
        user = accounts.authenticate(email, form.password.data)
        if user is not None:
            ticket.give_back()
            return sign_in(user, redirect(safe_next(request.args.get("next")) or url_for("main.home")))
        form.password.errors.append("The email or password is incorrect.")
    return render_template("auth/login.html", form=form)


def _address() -> str:
    return request.remote_addr or "unknown"


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Create an account. With email configured, only an address is asked for and a link is
    sent (the same reply whether or not the address has an account); without it, the account
    is created at once."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    by_mail = mailer.enabled()
    form = EmailForm() if by_mail else RegisterForm()
    template = "auth/register_by_mail.html" if by_mail else "auth/register.html"
    if request.method == "POST":  # every try counts, so that the form cannot be used to list accounts
        wait = throttle.allow("REGISTER_LIMITS", "register", _address())
        if wait:
            return _throttled(template, form, too_many(wait), wait)
    if form.validate_on_submit():
        if by_mail:
            email = accounts.normalise_email(form.email.data)
            if not throttle.allow("RESET_EMAIL_LIMITS", "mail-to", email):
                mailer.in_background(account_mail.send_registration_link, email, current_app.config["SECRET_KEY"])
            return render_template("auth/check_email.html", email=email, purpose="register")
        user = accounts.create_user(form.email.data, form.password.data)
        return sign_in(user, redirect(url_for("main.home")), ACCOUNT_READY)
    return render_template(template, form=form)


@bp.route("/register/<token>", methods=["GET", "POST"])
def finish_registration(token: str):
    """The link of a registration email: choose a password, and the account exists."""
    if not mailer.enabled():
        abort(404)
    email = account_mail.email_of_registration(current_app.config["SECRET_KEY"], token)
    if email is None:
        return _expired_link(url_for(".register"), "Create an account again to get a new link.")
    if accounts.find_user(email) is not None:
        flash("This account already exists. Sign in, or choose a new password if you have forgotten it.", "info")
        return redirect(url_for(".login"))
    form = NewPasswordForm()
    form.email_hint = email
    if form.validate_on_submit():
        user = accounts.create_user(email, form.password.data)
        return sign_in(user, redirect(url_for("main.home")), ACCOUNT_READY)
    return render_template("auth/new_password.html", form=form, email=email, title="Choose your password")


def _expired_link(again: str, hint: str):
    return (
        render_template("auth/link_expired.html", again=again, hint=hint),
        400,
    )


@bp.route("/forgot", methods=["GET", "POST"])
def forgot():
    """Ask for a password-reset link. The reply is the same whether or not the address has an
    account. Without email configured, the page says who can help."""
    if not mailer.enabled():
        return render_template("auth/forgot.html", form=None)
    form = EmailForm()
    if request.method == "POST":
        wait = throttle.allow("RESET_LIMITS", "reset", _address())
        if wait:
            return _throttled("auth/forgot.html", form, too_many(wait), wait)
    if form.validate_on_submit():
        email = accounts.normalise_email(form.email.data)
        # Counted for every address asked about, so that the limit says nothing about accounts.
        if not throttle.allow("RESET_EMAIL_LIMITS", "mail-to", email):
            mailer.in_background(account_mail.send_reset_link, email)
        return render_template("auth/check_email.html", email=email, purpose="reset")
    return render_template("auth/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    """The link of a reset email: choose a new password. The link works once, for a short
    time; using it ends every sign-in of the account and signs in here."""
    user = accounts.reset_link_user(token, clock.now())
    if user is None:
        return _expired_link(url_for(".forgot"), "Ask for a new link.")
    form = NewPasswordForm()
    form.email_hint = user.email
    if form.validate_on_submit():
        user = accounts.reset_password(token, form.password.data, clock.now())
        if user is None:  # used by another request a moment ago
            return _expired_link(url_for(".forgot"), "Ask for a new link.")
        return sign_in(
            user,
            redirect(url_for("main.home")),
            "Your password was changed, and every other sign-in of your account was ended.",
        )
    return render_template("auth/new_password.html", form=form, email=user.email, title="Choose a new password")


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out: the sign-in ends on the server, so a copy of the old cookie no longer works."""
    accounts.end_login_session(current_user.get_id(), clock.now())
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
