"""Markdown written by anyone is shown, never run."""

from app.markdown import render_markdown


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
