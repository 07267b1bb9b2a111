from __future__ import annotations

from flask_wtf import FlaskForm


class PlanForm(FlaskForm):
    """Add a question to the next interview, or take it out: only the CSRF token."""
