"""Whether the app can do its work, for load balancers and the container's health check."""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db


def check_database() -> None:
    """Raises if the database does not answer."""
    db.session.execute(sa.text("SELECT 1"))
