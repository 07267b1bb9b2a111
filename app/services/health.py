"""Whether the app can do its work, for load balancers and the container's health check."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db


def check_database() -> None:
    """Raises if the database does not answer."""
    db.session.execute(sa.text("SELECT 1"))


def database_answers() -> bool:
    """Whether the database answers a query (the session is left clean either way)."""
    try:
        check_database()
    except SQLAlchemyError:
        try:
            db.session.rollback()
        except SQLAlchemyError:
            db.session.remove()
        return False
    return True
