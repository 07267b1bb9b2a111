"""Numbers that come in URLs and query strings, bounded by what the database columns hold.

An id or page number past a 32-bit integer column could never name anything: it is answered 404
here, before a query, instead of overflowing in the database (PostgreSQL's "integer out of
range", SQLite's OverflowError) and answering 500.
"""

from __future__ import annotations

from flask import abort, request
from werkzeug.routing import IntegerConverter, Map

# The largest value of the Integer columns (ids, revisions, positions) on PostgreSQL.
MAX_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in a route: a whole number from 0 to MAX_ID; any other is 404."""

    def __init__(self, url_map: Map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max)


def id_arg(name: str) -> int | None:
    """A query parameter naming a row by id: None when absent or not a number; 404 when it is a
    number no row can have."""
    return _bounded(name, None, least=1)


def page_arg(name: str = "page") -> int:
    """A page number from the query string: 1 when absent or not a number; 404 past any page."""
    value = _bounded(name, 1, least=1)
    return 1 if value is None else value


def _bounded(name: str, default: int | None, *, least: int) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        return default
    if not least <= value <= MAX_ID:
        abort(404)
    return value
