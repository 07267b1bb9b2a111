"""Progress over many attempts: scores over time, the weakest questions, one question's history."""

from .routes import bp

__all__ = ["bp"]
