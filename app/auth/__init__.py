"""Registration, sign-in and sign-out."""

from flask import current_app

from .. import clock
from ..extensions import login_manager
from ..services.accounts import Lifetimes, user_for_token


@login_manager.user_loader
def load_user(token: str):
    """The user of a live sign-in: not signed out, within its absolute and idle lifetimes."""
    cfg = current_app.config
    return user_for_token(token, clock.now(), Lifetimes(cfg["SESSION_ABSOLUTE_SECONDS"], cfg["SESSION_IDLE_SECONDS"]))
