"""Template filters and globals."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from markupsafe import Markup

from .markdown import MarkedText, render_markdown, render_markdown_marked
from .scoring import Score, highlight_spans


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {word}"


def when(value: datetime | None) -> Markup:
    """A <time> in UTC; the site script shows it in the reader's own time zone."""
    if value is None:
        return Markup("")
    value = value.astimezone(UTC)
    return Markup('<time datetime="{}" data-local>{}</time>').format(
        value.isoformat(), value.strftime("%d %b %Y, %H:%M UTC")
    )


def day(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%d %b %Y") if value else ""


def duration(seconds: int | float | None) -> str:
    seconds = max(0, int(seconds or 0))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"


def clock(seconds: int | float | None) -> str:
    """Seconds as a countdown: 4:05, or 1:02:09 past an hour."""
    seconds = max(0, int(seconds or 0))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def highlighted(text: str, terms) -> list[tuple[str, bool]]:
    """`text` cut into (piece, is_match) pairs for the template to wrap matches in <mark>;
    the template escapes every piece, so user text never becomes markup."""
    pieces, last = [], 0
    for start, end in highlight_spans(text, terms or ()):
        if start > last:
            pieces.append((text[last:start], False))
        pieces.append((text[start:end], True))
        last = end
    if last < len(text):
        pieces.append((text[last:], False))
    return pieces


def explain(detail: dict) -> list[str]:
    """A stored score's parts, in words."""
    return Score.from_dict(detail).explain()


def marked_reference(reference: str, detail: dict | None, prefix: str) -> MarkedText:
    """The reference answer as Markdown, with the passage each key point comes from marked."""
    spans = [
        (kp["reference_span"][0], kp["reference_span"][1], index)
        for index, kp in enumerate((detail or {}).get("key_points", []))
        if kp.get("reference_span")
    ]
    return render_markdown_marked(reference, spans, prefix)


def register_filters(app: Flask) -> None:
    app.add_template_global(explain)
    app.add_template_global(marked_reference)
    app.add_template_filter(highlighted)
    app.add_template_filter(render_markdown, "markdown")
    app.add_template_filter(clock)
    app.add_template_filter(when)
    app.add_template_filter(day)
    app.add_template_filter(duration)
    app.add_template_global(plural)
