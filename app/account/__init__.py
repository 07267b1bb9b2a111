"""The signed-in user's own account: their data as a download (and, later, its settings)."""

from .routes import bp

__all__ = ["bp"]
