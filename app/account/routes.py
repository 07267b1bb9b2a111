"""The signed-in user's own account, under /account/: the password, sign-ins, the data, and
deleting it all. Every state change is a POST carrying a CSRF token; changes that need the
password are throttled like sign-ins (a stolen session cannot guess it either)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, session, url_for
from flask_login import current_user, login_required, logout_user

from .. import clock
from ..attempts.forms import ConfirmForm
from ..auth import throttling
from ..auth.routes import too_many
from ..services import accounts, exports
from .forms import ChangePasswordForm, DeleteAccountForm

bp = Blueprint("account", __name__)


def _page(password_form: ChangePasswordForm | None = None, status: int = 200, throttled: str | None = None):
    return (
        render_template(
            "account/index.html",
            password_form=password_form or ChangePasswordForm(),
            everywhere_form=ConfirmForm(),
            throttled=throttled,
        ),
        status,
    )


@bp.route("/")
@login_required
def index():
    """The account page: change the password, sign out everywhere, download or delete the data."""
    return _page()


@bp.route("/password", methods=["POST"])
@login_required
def change_password():
    """Change the password (the current one is asked for); the other sign-ins end."""
    form = ChangePasswordForm()
    form.email_hint = current_user.email
    if not form.validate_on_submit():
        return _page(form, 422)
    ticket = throttling.start(current_user.email, throttling.device_email())
    if ticket.refused_for:
        return _page(form, 429, too_many(ticket.refused_for))
    try:
        ended = accounts.change_password(current_user, form.current.data, form.password.data, clock.now())
    except accounts.WrongPassword as exc:
        form.current.errors.append(str(exc))
        return _page(form, 422)
    ticket.give_back()
    others = f" {ended} other sign-in{'s were' if ended != 1 else ' was'} ended." if ended else ""
    flash(f"Your password was changed.{others}", "success")
    return redirect(url_for(".index"))


@bp.route("/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    """End every sign-in of the account, this one included (a lost phone, a shared computer)."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _page(status=400)
    accounts.end_sessions(current_user.id, clock.now())
    logout_user()
    session.clear()
    flash("You are signed out everywhere: on every device and browser. Sign in again here.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/delete", methods=["GET", "POST"])
@login_required
def delete():
    """Delete the account and all its data, after the password. It cannot be undone."""
    form = DeleteAccountForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("account/delete.html", form=form), status
    ticket = throttling.start(current_user.email, throttling.device_email())
    if ticket.refused_for:
        message = too_many(ticket.refused_for)
        return render_template("account/delete.html", form=form, throttled=message), 429
    try:
        accounts.delete_account(current_user, form.password.data)
    except accounts.WrongPassword as exc:
        form.password.errors.append(str(exc))
        return render_template("account/delete.html", form=form), 422
    ticket.give_back()
    logout_user()
    session.clear()
    flash("Your account and all its data were deleted.", "info")
    response = make_response(redirect(url_for("main.home")))
    throttling.forget_device(response)
    return response


@bp.route("/export.json")
@login_required
def export():
    """All of the user's data, as a download."""
    response = current_app.json.response(exports.user_data(current_user))
    response.headers["Content-Disposition"] = 'attachment; filename="rehearse-my-data.json"'
    return response
