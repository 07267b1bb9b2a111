"""Account pages, under /account/."""

from __future__ import annotations

from flask import Blueprint, current_app
from flask_login import current_user, login_required

from ..services import exports

bp = Blueprint("account", __name__)


@bp.route("/export.json")
@login_required
def export():
    """All of the user's data, as a download."""
    response = current_app.json.response(exports.user_data(current_user))
    response.headers["Content-Disposition"] = 'attachment; filename="rehearse-my-data.json"'
    return response
