"""Reading and writing question files. Pure functions: no Flask, no database.

Formats, chosen by the file's extension or by the caller:
- `toml`, `json`: the project's own format (see seed/README.md), what `questions export` writes;
- `plain`: the "Question N" / question / "Answer:" / answer layout of interview guides;
- `markdown`: a heading per question, the answer under it;
- `csv`: one question a row, with a header row.

Every reader returns a `Parsed` with all the problems it found, each with its line, and never
raises on bad input; `parse` and `read_file` raise `BankFileError` with the whole list instead.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .csv_file import read_csv, write_csv
from .data import (
    DIFFICULTIES,
    MAX_FILE_BYTES,
    BankFileError,
    CategoryData,
    Parsed,
    Problem,
    QuestionData,
    free_slug,
    slugify,
)
from .markdown_file import read_markdown, write_markdown
from .native import read_json, read_toml, write_json, write_toml
from .plain import read_plain, write_plain

__all__ = [
    "DIFFICULTIES",
    "FORMATS",
    "MAX_FILE_BYTES",
    "BankFileError",
    "CategoryData",
    "Parsed",
    "Problem",
    "QuestionData",
    "decode",
    "detect_format",
    "dump",
    "free_slug",
    "parse",
    "read",
    "read_file",
    "slugify",
]

# name -> (label, file extension, media type)
FORMATS: dict[str, tuple[str, str, str]] = {
    "plain": ("Plain text (Question N / Answer:)", "txt", "text/plain"),
    "markdown": ("Markdown (a heading per question)", "md", "text/markdown"),
    "csv": ("CSV (one question a row)", "csv", "text/csv"),
    "toml": ("Rehearse TOML", "toml", "application/toml"),
    "json": ("Rehearse JSON", "json", "application/json"),
}
EXTENSIONS = {"txt": "plain", "text": "plain", "md": "markdown", "markdown": "markdown", "csv": "csv",
              "toml": "toml", "json": "json"}  # fmt: skip

_READERS: dict[str, Callable[[str, str | None], Parsed]] = {
    "toml": lambda text, _name: read_toml(text),
    "json": lambda text, _name: read_json(text),
    "plain": read_plain,
    "markdown": read_markdown,
    "csv": read_csv,
}
_WRITERS: dict[str, Callable[[list[CategoryData]], str]] = {
    "toml": write_toml,
    "json": write_json,
    "plain": write_plain,
    "markdown": write_markdown,
    "csv": write_csv,
}


def decode(data: bytes) -> str:
    """UTF-8 text (a byte-order mark is dropped); BankFileError for anything else or too much."""
    if len(data) > MAX_FILE_BYTES:
        raise BankFileError(
            "the file", [Problem(None, f"it has {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,} bytes")]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BankFileError(
            "the file", [Problem(line, f"not UTF-8 text ({exc.reason}); save it as UTF-8 and try again")]
        ) from None


def detect_format(text: str, filename: str | None = None) -> str:
    """The format a file is in: by its extension, else by its first lines."""
    if filename and "." in filename:
        found = EXTENSIONS.get(filename.rsplit(".", 1)[1].lower())
        if found:
            return found
    stripped = text.lstrip("\ufeff \t\r\n")
    first = stripped.split("\n", 1)[0].strip().lower()
    if stripped.startswith(("{", "[{")):
        return "json"
    if any(line.strip() in ("[category]", "[[categories]]") for line in text.splitlines()):
        return "toml"
    if first.startswith("question ") or "\nquestion 1" in text.lower():
        return "plain"
    if first.startswith("#"):
        return "markdown"
    if "prompt" in first and "answer" in first:
        return "csv"
    return "plain"


def read(text: str, fmt: str, *, category_name: str | None = None) -> Parsed:
    """Every question in `text`, and every problem with its line. Never raises on bad input."""
    if fmt not in _READERS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    text = text.removeprefix("\ufeff")
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        parsed = Parsed()
        parsed.add(None, f"the text is larger than {MAX_FILE_BYTES:,} bytes; split it into smaller files")
        return parsed
    return _READERS[fmt](text, category_name)


def parse(text: str, fmt: str, source: str, *, category_name: str | None = None) -> list[CategoryData]:
    parsed = read(text, fmt, category_name=category_name)
    if parsed.problems:
        raise BankFileError(source, parsed.problems)
    return parsed.categories


def read_file(path: Path, *, category_name: str | None = None, fmt: str | None = None) -> list[CategoryData]:
    """Parse a file in any format (chosen by its extension unless `fmt` is given)."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise BankFileError(path.name, [Problem(None, f"it has {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")])
    try:
        text = decode(path.read_bytes())
    except BankFileError as exc:
        raise BankFileError(path.name, exc.problems) from None
    return parse(text, fmt or detect_format(text, path.name), path.name, category_name=category_name)


def dump(categories: list[CategoryData], fmt: str = "toml") -> str:
    """Categories as one file that `parse` turns back into the same categories."""
    if fmt not in _WRITERS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return _WRITERS[fmt](categories)


# The names the first version of this module had.
def parse_toml(text: str, source: str) -> list[CategoryData]:
    return parse(text, "toml", source)


def parse_json(text: str, source: str) -> list[CategoryData]:
    return parse(text, "json", source)


def parse_plain_text(text: str, source: str, *, category_name: str | None = None) -> CategoryData:
    return parse(text, "plain", source, category_name=category_name)[0]
