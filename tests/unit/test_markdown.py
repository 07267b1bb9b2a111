"""Markdown written by anyone is shown, never run."""

import re
import tomllib
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from app.markdown import render_markdown, render_markdown_marked


def test_lists_and_code_become_html():
    html = render_markdown("Steps:\n\n- embed\n- index\n\n```\nindex.search(q, k=10)\n```")
    assert "<li>embed</li>" in html
    assert "<pre><code>index.search(q, k=10)\n</code></pre>" in html


def test_raw_html_is_shown_as_text():
    html = render_markdown('<script>alert(1)</script> <img src=x onerror="alert(2)">')
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_script_links_and_images_are_refused():
    html = render_markdown("[click](javascript:alert(1)) [data](data:text/html,hi) ![pic](https://example.com/a.png)")
    assert "javascript:" not in html.split("[click]")[0] and 'href="javascript' not in html
    assert 'href="data:' not in html
    assert "<img" not in html


def test_plain_links_are_kept():
    assert '<a href="https://example.com/paper">the paper</a>' in render_markdown(
        "[the paper](https://example.com/paper)"
    )


def test_empty_text_renders_nothing():
    assert render_markdown(None) == "" and render_markdown("") == ""


def test_only_web_and_relative_links_become_links():
    html = render_markdown("[a](mailto:x@example.com) [b](file:///etc/passwd) [c](/attempts/) [d](http://example.com)")
    assert 'href="mailto:' not in html and 'href="file:' not in html
    assert '<a href="/attempts/">c</a>' in html and '<a href="http://example.com">d</a>' in html


# --- the passages key points come from, marked in the reference answer -------------------------


def test_each_passage_is_marked_once_with_an_anchor_per_key_point():
    text = "Cosine ignores magnitude. Dot product does not.\n\n- HNSW is a graph\n- IVF clusters"
    start = text.index("HNSW")
    marked = render_markdown_marked(text, [(0, 25, 0), (start, start + 17, 1), (0, 10, 2)], "ref-1")
    assert '<mark class="ref-passage" id="ref-1-0">Cosine ignores magnitude.</mark> Dot product' in marked.html
    assert '<li><mark class="ref-passage" id="ref-1-1">HNSW is a graph</mark></li>' in marked.html
    # Overlapping passages share one mark; each key point still finds it.
    assert marked.anchors == {0: "ref-1-0", 2: "ref-1-0", 1: "ref-1-1"}


def test_a_passage_across_list_items_is_marked_per_item_and_never_breaks_the_markup():
    text = "- first item\n- second item"
    marked = render_markdown_marked(text, [(2, len(text), 0)], "r")
    assert marked.html.count("<mark") == marked.html.count("</mark>") == 2
    assert "<li><mark" in marked.html and "- second" not in marked.html
    assert marked.anchors == {0: "r-0"}


def test_passages_inside_a_link_or_beyond_the_text_are_left_unmarked():
    text = "See [the docs](https://example.com/cosine) for cosine."
    at, after = text.index("cosine)"), text.index("for cosine")
    spans = [(at, at + 6, 0), (after, after + 10, 1), (len(text) + 5, len(text) + 9, 2)]
    marked = render_markdown_marked(text, spans, "r")
    assert 'href="https://example.com/cosine"' in marked.html
    assert marked.html.count("<mark") == 1 and '<mark class="ref-passage" id="r-1">for cosine</mark>' in marked.html
    assert marked.anchors == {1: "r-1"}


def test_marked_text_stays_escaped():
    text = "<script>alert(1)</script> is shown as text"
    marked = render_markdown_marked(text, [(0, 25, 0)], "r")
    assert "<script>" not in marked.html and "&lt;script&gt;" in marked.html
    assert marked.anchors == {0: "r-0"}


def _bank_answers() -> list[str]:
    folder = Path(__file__).resolve().parents[2] / "seed" / "questions"
    return [q["answer"] for f in sorted(folder.glob("*.toml")) for q in tomllib.loads(f.read_text())["questions"]]


BANK_ANSWERS = _bank_answers()


def test_marking_any_passages_of_the_banks_answers_changes_nothing_but_the_marks():
    @settings(max_examples=150, deadline=None)
    @given(st.data())
    def check(data):
        text = data.draw(st.sampled_from(BANK_ANSWERS))
        bound = st.integers(0, len(text))
        spans = [(a, b, label) for label, (a, b) in enumerate(data.draw(st.lists(st.tuples(bound, bound), max_size=5)))]
        marked = render_markdown_marked(text, spans, "r")
        assert re.sub(r'<mark class="ref-passage" id="r-\d+">|</mark>', "", marked.html) == render_markdown(text)
        assert marked.html.count("<mark") == marked.html.count("</mark>")

    assert len(BANK_ANSWERS) >= 30
    check()
