"""Registration, sign-in and sign-out."""

from ..extensions import login_manager
from ..services.accounts import user_for_token


@login_manager.user_loader
def load_user(token: str):
    return user_for_token(token)
