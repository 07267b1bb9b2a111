"""What a visit costs in bytes, first and repeat, and how tall a review is on a phone.

    python benchmarks/page_weight.py        # needs Chromium (/usr/bin/chromium or $CHROMIUM)

Serves the app on SQLite in a temporary folder with the question bank loaded, signs a user in
through the page, and measures in real Chromium: bytes on the wire (headers included) for the
first visit with an empty cache and for a repeat visit, for the interview page and the review;
and the review of a 3-question interview at 390 px. Writes benchmarks/RESULTS-page-weight.md.
"""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import ROOT, bench_app
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from app.services import accounts, interviews
from app.services.bank import load_seed_if_empty

EMAIL, PASSWORD = "bench@example.com", "benchmark pass phrase"
ANSWERS = [
    "Cosine similarity is the dot product of normalised vectors; normalise once at index time.",
    "Skip-gram predicts each context word from the centre word, which helps rare words.",
    "",
]


def finished_attempt(app) -> int:
    """A closed 3-question attempt of the user, two answered; its id."""
    when = datetime.now(UTC) - timedelta(hours=1)
    with app.app_context():
        user = accounts.create_user(EMAIL, PASSWORD)
        attempt = interviews.start_attempt(user.id, None, len(ANSWERS), 10, when, 60)
        for position, text in enumerate(ANSWERS):
            interviews.save_answer(attempt.answers[position], text, 0, when + timedelta(minutes=1), 60)
        interviews.submit_attempt(attempt, when + timedelta(minutes=5), 60)
        return attempt.id


def transfer(page, url: str, *, empty_cache: bool) -> tuple[int, int, int]:
    """Bytes on the wire while `url` loads: all, static files only, and the number of requests
    that went to the network (a response from the cache counts 0 bytes)."""
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
    static = sum(size for r, size in sizes.items() if "/static/" in urls.get(r, ""))
    return sum(sizes.values()), static, sum(1 for size in sizes.values() if size > 0)


def sign_in(page, base: str) -> None:
    page.goto(base + "/auth/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def main() -> None:
    app = bench_app(None, "page-weight")
    with app.app_context():
        load_seed_if_empty(Path(app.config["SEED_DIR"]))
    review_id = finished_attempt(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")

    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox"])
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        sign_in(page, base)
        page.goto(base + "/attempts/new")
        page.get_by_label("Number of questions").fill("3")
        page.get_by_role("button", name="Start the interview").click()
        page.wait_for_load_state("networkidle")
        for name, url in (("Interview question", page.url), ("Review of 3 answers", f"{base}/attempts/{review_id}")):
            first = transfer(page, url, empty_cache=True)
            repeat = transfer(page, url, empty_cache=False)
            kb = [f"{size / 1000:.1f}" for size in (first[0], first[1], repeat[0])]
            rows.append(f"| {name} | {' | '.join(kb)} | {repeat[2]} |")

        phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        page = phone.new_page()
        sign_in(page, base)
        page.goto(f"{base}/attempts/{review_id}")
        page.wait_for_load_state("networkidle")
        height = page.evaluate("document.documentElement.scrollHeight")
        width = page.evaluate("document.documentElement.scrollWidth")
        browser.close()
    server.shutdown()

    lines = [
        "# Page weight and the review on a phone",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d} with `python benchmarks/page_weight.py` in Chromium,",
        "the app served by Werkzeug on SQLite. Bytes on the wire include headers; a repeat visit",
        "fetches the page itself and nothing the cache holds.",
        "",
        "| page | first visit KB | of it static files KB | repeat visit KB | requests on repeat |",
        "| --- | ---: | ---: | ---: | ---: |",
        *rows,
        "",
        f"The review of a 3-question interview at 390 px: {height:,} px tall, {width} px wide.",
    ]
    print("\n".join(lines[-len(rows) - 3 :]))
    out = ROOT / "benchmarks" / "RESULTS-page-weight.md"
    out.write_text("\n".join(lines) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
