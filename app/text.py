"""The one rule for text that enters the app (forms, autosave, imports, the CLI): pure functions.

PostgreSQL cannot store NUL in a text column and no database driver can encode a lone UTF-16
surrogate, so both are removed; CRLF and lone CR become LF before any length is measured, so
that a browser's line breaks never count twice.
"""

from __future__ import annotations

import re

# NUL, and surrogates (U+D800–U+DFFF): in a Python str every surrogate is a lone one, since a
# valid pair is always decoded into a single code point.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_LINE_BREAK = re.compile(r"\r\n?")


def normalise_line_breaks(text: str) -> str:
    return _LINE_BREAK.sub("\n", text)


def clean_text(text: str) -> str:
    """`text` without NUL or lone surrogates, with LF line breaks."""
    return _UNSTORABLE.sub("", normalise_line_breaks(text))


def unstorable_characters(text: str) -> list[int]:
    """Offsets of NUL characters and lone surrogates in `text` (for a message that points at them)."""
    return [m.start() for m in _UNSTORABLE.finditer(text)]


def describe_character(char: str) -> str:
    """A name for a character a user cannot see: 'a NUL character', 'a lone surrogate (U+D800)'."""
    if char == "\x00":
        return "a NUL character"
    return f"a lone surrogate (U+{ord(char):04X})"
