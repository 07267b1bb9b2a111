"""Safe Markdown for text written by people: reference answers, prompts and descriptions.

CommonMark with raw HTML off, so `<script>` or `<b>` typed by anyone is shown as text, never run.
markdown-it refuses javascript:, vbscript: and data: links; images are off (the CSP would block
remote ones anyway, and a broken picture in an answer helps nobody).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markupsafe import Markup

_RENDERER = MarkdownIt("commonmark", {"html": False}).enable("table").disable("image")


def _safe_link(url: str) -> bool:
    """Only web links and links within the site: no mailto:, file:, custom app schemes."""
    scheme = urlsplit(url.strip()).scheme.lower()
    return scheme in ("", "http", "https")


_RENDERER.validateLink = _safe_link  # type: ignore[method-assign]


def render_markdown(text: str | None) -> Markup:
    """HTML for `text`, safe to put in a page without further escaping."""
    return Markup(_RENDERER.render(text or ""))  # noqa: S704 (raw HTML is off: every tag in the text is escaped)
