"""The request class: every form field and query parameter passes the text rule (app/text.py)
as it is parsed, so no view, form or service ever sees NUL, a lone surrogate or a CR line break,
and lengths are measured on the text that will be stored. (JSON bodies are read by their
schemas, which apply the same rule.)"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

from .text import clean_text


def _clean(value: Any) -> Any:
    return clean_text(value) if isinstance(value, str) else value  # uploaded files stay as they are


class CleanedMultiDict(ImmutableMultiDict):
    def __init__(self, mapping: Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None):
        pairs = MultiDict(mapping).items(multi=True)
        super().__init__([(_clean(key), _clean(value)) for key, value in pairs])


class CleanedRequest(Request):
    parameter_storage_class = CleanedMultiDict
