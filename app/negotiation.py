"""What kind of reply the client wants."""

from __future__ import annotations

from flask import request


def wants_json() -> bool:
    """A script (it sent JSON or asks for JSON) rather than a browser loading a page."""
    return request.is_json or request.accept_mimetypes.best == "application/json"
