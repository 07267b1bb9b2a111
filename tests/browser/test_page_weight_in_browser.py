"""What a visit costs: static files arrive compressed once, then come from the browser's cache."""

from __future__ import annotations

import pytest

from tests.browser.test_interview_in_browser import sign_up, start_interview

# What the page does, on SQLite; the requests behind it are tested on both databases.
pytestmark = pytest.mark.sqlite_only


def bytes_over_the_network(page, url: str, *, empty_cache: bool = False) -> dict[str, int]:
    """Each response's bytes on the wire (headers included) while `url` loads; 0 from the cache."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    if empty_cache:
        cdp.send("Network.clearBrowserCache")
    urls: dict[str, str] = {}
    sizes: dict[str, int] = {}
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    cdp.detach()
    return {urls[r]: size for r, size in sizes.items() if r in urls}


def test_a_first_visit_gets_static_files_compressed_and_a_repeat_visit_none(app, page, live_url):
    sign_up(page, live_url)
    start_interview(page, live_url, minutes=10)

    first = bytes_over_the_network(page, page.url, empty_cache=True)
    static = {url.rsplit("/static/", 1)[1].split("/", 1)[1]: size for url, size in first.items() if "/static/" in url}
    assert {"vendor/pico/pico.jade.min.css", "css/app.css", "js/interview/main.js", "js/lib/clock.js"} <= set(static)
    assert static["vendor/pico/pico.jade.min.css"] < 20_000  # 83 KB as a file: compressed on the way
    assert sum(static.values()) < 45_000

    repeat = bytes_over_the_network(page, page.url)
    # Chromium's favicon loader asks again whatever the headers say; everything else is cached.
    fetched = {url: size for url, size in repeat.items() if "/static/" in url and size > 0}
    assert [url for url in fetched if not url.endswith("/favicon.svg")] == []
    assert sum(repeat.values()) < sum(first.values()) / 3
