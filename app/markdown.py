"""Safe Markdown for text written by people: reference answers, prompts and descriptions.

CommonMark with raw HTML off, so `<script>` or `<b>` typed by anyone is shown as text, never run.
markdown-it refuses javascript:, vbscript: and data: links; images are off (the CSP would block
remote ones anyway, and a broken picture in an answer helps nobody).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
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


# Marking passages of a text before rendering it: a private-use character opens and closes each
# passage, so the Markdown around them is parsed as usual, and they become <mark> afterwards.
_OPEN, _CLOSE = "\ue000", "\ue001"
_SENTINEL = re.compile("\ue000|\ue001|%EE%80%80|%EE%80%81", re.IGNORECASE)
_LINE_LEAD = re.compile(r"[ \t]*(?:(?:[-*+]|\d{1,9}[.)]|#{1,6}|>)[ \t]+)*")
_STRUCTURE = re.compile(r"\s*(?:```|~~~|\||[\s:-]*-[\s:|-]*$)")  # fences, table rows and rules
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>")
_VOID = {"br", "hr", "img", "input"}


@dataclass(frozen=True)
class MarkedText:
    html: Markup
    anchors: dict[int, str]  # passage label -> id of the <mark> that shows it


def _merged(spans: Iterable[tuple[int, int, int]]) -> list[tuple[int, int, list[int]]]:
    """Overlapping passages become one, with every label, so marks never cross."""
    merged: list[tuple[int, int, list[int]]] = []
    for start, end, label in sorted(spans):
        if merged and start < merged[-1][1]:
            first, last, labels = merged[-1]
            merged[-1] = (first, max(last, end), [*labels, label])
        else:
            merged.append((start, end, [label]))
    return merged


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A passage cut at line breaks, each line's list marker or heading left outside it."""
    pieces = []
    line_start = start
    for line in text[start:end].split("\n"):
        line_end = line_start + len(line)
        at_line_start = line_start == 0 or text[line_start - 1] == "\n"
        whole_line = text[text.rfind("\n", 0, line_start) + 1 :].split("\n", 1)[0]
        # The marker is read on the whole line: a passage ending on "-" still leaves it a list item.
        first = line_start + (_LINE_LEAD.match(whole_line).end() if at_line_start else 0)  # type: ignore[union-attr]
        if text[first:line_end].strip() and not _STRUCTURE.match(whole_line):
            pieces.append((first, line_end))
        line_start = line_end + 1
    return pieces


def _balanced(html: str) -> bool:
    depth = 0
    for closing, name, self_closing in _TAG.findall(html):
        if name.lower() in _VOID or self_closing:
            continue
        depth += -1 if closing else 1
        if depth < 0:
            return False
    return depth == 0


def _in_tag(html: str, at: int) -> bool:
    """Whether position `at` is inside a tag (in a link's address, say) rather than in text."""
    return html.rfind("<", 0, at) > html.rfind(">", 0, at)


def render_markdown_marked(text: str | None, spans: Iterable[tuple[int, int, int]], prefix: str) -> MarkedText:
    """`text` rendered as Markdown with each (start, end, label) passage in a <mark>. A passage
    that Markdown would cut across elements (half a list item and half the next) is left
    unmarked rather than producing broken markup."""
    text = (text or "").replace(_OPEN, "").replace(_CLOSE, "")
    clamped = ((max(0, s), min(len(text), e), label) for s, e, label in spans)
    regions = _merged((s, e, label) for s, e, label in clamped if s < e)
    pieces = [(first, last, labels) for start, end, labels in regions for first, last in _pieces(text, start, end)]
    for first, last, _labels in reversed(pieces):
        text = text[:first] + _OPEN + text[first:last] + _CLOSE + text[last:]
    html = _RENDERER.render(text)
    # Markdown keeps the text's order, so the n-th pair of sentinels is the n-th piece. In a link's
    # address they come out percent-encoded: such a piece is left unmarked, and the address clean.
    found = list(_SENTINEL.finditer(html))
    if len(found) != 2 * len(pieces):
        return MarkedText(render_markdown(text.replace(_OPEN, "").replace(_CLOSE, "")), {})
    out: list[str] = []
    anchors: dict[int, str] = {}
    pos = 0
    for number, (_first, _last, labels) in enumerate(pieces):
        opening, closing = found[2 * number], found[2 * number + 1]
        inner = html[opening.end() : closing.start()]
        out.append(html[pos : opening.start()])
        raw = opening.group() == _OPEN and closing.group() == _CLOSE
        if raw and _balanced(inner) and not _in_tag(html, opening.start()) and not _in_tag(html, closing.start()):
            mark_id = f"{prefix}-{number}"
            for label in labels:
                anchors.setdefault(label, mark_id)
            out.append(f'<mark class="ref-passage" id="{mark_id}">{inner}</mark>')
        else:
            out.append(inner)
        pos = closing.end()
    out.append(html[pos:])
    html = "".join(out)
    return MarkedText(Markup(html), anchors)  # noqa: S704 (raw HTML is off)
