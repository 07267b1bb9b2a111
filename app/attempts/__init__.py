"""Everything under /attempts/: starting an interview, its questions and autosave, submitting,
and the review of a closed attempt. Every view answers 404 for an attempt that is not the
signed-in user's."""

from . import autosave, review, start, taking  # noqa: F401  (their routes join the blueprint)
from .blueprint import bp

__all__ = ["bp"]
