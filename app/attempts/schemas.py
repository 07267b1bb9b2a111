"""The JSON that the attempts' scripts send, checked in one place before anything is written."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from ..text import clean_text


def length_problem(text: str, limit: int) -> str | None:
    """Why an answer is too long to save, or None. The one rule for the form and the autosave."""
    if len(text) > limit:
        return f"Your answer has {len(text):,} characters; the limit is {limit:,}. Shorten it to save."
    return None


# The answer's revision is a database integer: anything larger was never handed out.
MAX_REVISION = 2**31 - 1
AUTOSAVE_SHAPE = (
    "Send JSON with 'text' (a string) and 'revision' (a whole number from 0); "
    "'seconds' (a finite number) and 'flagged' (true or false) are optional."
)


class AutosaveData(BaseModel):
    """What the interview page's script sends to save an answer. Checked here and only here:
    strict types (a boolean is not a revision, a string is not a number), finite numbers, and
    the answer's length limit."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    text: str
    revision: int = Field(ge=0, le=MAX_REVISION)
    seconds: float = Field(default=0.0, allow_inf_nan=False)
    flagged: bool | None = None

    @field_validator("text")
    @classmethod
    def _clean_and_not_too_long(cls, text: str, info: ValidationInfo) -> str:
        text = clean_text(text)  # the text rule first: CRLF counts once, NUL is never stored
        problem = length_problem(text, (info.context or {})["max_chars"])
        if problem:
            raise PydanticCustomError("answer_too_long", problem)
        return text


class RequestRefused(Exception):
    """A request refused before anything is written, with the status and message to answer."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


# In JSON text: an escaped backslash, a valid surrogate pair, or a lone surrogate escape. Scanned
# left to right, so that "\\\\ud800" (a backslash, then the letters) is never mistaken for one.
_ESCAPES = re.compile(
    rb"(\\\\)"  # an escaped backslash
    rb"|(\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2})"  # a high and a low surrogate: a pair
    rb"|\\u[dD][89a-fA-F][0-9a-fA-F]{2}"  # a surrogate alone
)


def drop_lone_surrogates(body: bytes) -> bytes:
    """The JSON body without escaped lone surrogates (\\ud800 alone), which the parser refuses and
    no database can store: the text rule removes them, as it does from forms."""
    if b"\\u" not in body:
        return body
    return _ESCAPES.sub(lambda m: m.group(1) or m.group(2) or b"", body)


def read_autosave(is_json: bool, body: bytes, max_chars: int) -> AutosaveData:
    """The autosave request's data; RequestRefused (413 for a too long answer, else 400) when it
    is not what AutosaveData describes. The body is parsed here too, so that malformed or deeply
    nested JSON is refused like any other bad input."""
    if not is_json:
        raise RequestRefused(AUTOSAVE_SHAPE, 400)
    try:
        return AutosaveData.model_validate_json(drop_lone_surrogates(body), context={"max_chars": max_chars})
    except ValidationError as exc:
        too_long = [error["msg"] for error in exc.errors() if error["type"] == "answer_too_long"]
        if too_long:
            raise RequestRefused(too_long[0], 413) from None
        raise RequestRefused(AUTOSAVE_SHAPE, 400) from None
