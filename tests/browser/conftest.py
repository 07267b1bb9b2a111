"""Real Chromium (the system's, never a downloaded one) against the app served on a free port.

Without Chromium these tests skip with a reason; REQUIRE_BROWSER=1 makes that a failure.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app.services.bank import load_seed_if_empty
from tests.helpers import require

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SEED = Path(__file__).resolve().parents[2] / "seed" / "questions"


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        require("REQUIRE_BROWSER", "Chromium is not installed (Debian package 'chromium')")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require("REQUIRE_BROWSER", "Playwright for Python is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_url(app):
    """The app served by a real HTTP server in a thread, with the question bank loaded."""
    app.config["SERVER_NAME"] = None
    with app.app_context():
        load_seed_if_empty(SEED)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def context(browser, live_url):
    """Asks for the server first, so that pages close before it stops: a request cut off by
    the server going away would otherwise show as the page's error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context
    context.close()


# What a page may log without anything being wrong: a save refused as stale (the page shows the
# conflict), a form re-shown with its problems (422), and requests made while a test holds the
# network down.
EXPECTED_CONSOLE_ERRORS = ("status of 409", "status of 422", "ERR_INTERNET_DISCONNECTED")


def _watch_errors(page, errors: list[str], expected: list[str]) -> None:
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            errors.append(f"{msg.text} ({msg.location.get('url', '')})")
            if msg.type == "error" and not any(e in msg.text for e in expected)
            else None
        ),
    )


@pytest.fixture
def expected_console_errors() -> list[str]:
    """Console errors a test provokes on purpose; a test adds to the list (a 503 it asked for)."""
    return list(EXPECTED_CONSOLE_ERRORS)


@pytest.fixture
def page(context, expected_console_errors):
    page = context.new_page()
    errors: list[str] = []
    _watch_errors(page, errors, expected_console_errors)
    yield page
    assert errors == [], f"the page reported errors: {errors}"


PHONE = {"width": 390, "height": 844}


@pytest.fixture
def new_page(browser, live_url):
    """Pages in contexts of their own: `new_page(width=390, scheme="dark", javascript=False)`.
    A phone width also gets a phone's touch and viewport handling."""
    contexts, errors = [], []

    def make(width: int = 1280, height: int | None = None, scheme: str = "light", javascript: bool = True):
        phone = width <= 480
        context = browser.new_context(
            viewport={"width": width, "height": height or (PHONE["height"] if phone else 900)},
            color_scheme=scheme,
            is_mobile=phone,
            has_touch=phone,
            java_script_enabled=javascript,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        _watch_errors(page, errors, list(EXPECTED_CONSOLE_ERRORS))
        return page

    yield make
    for context in contexts:
        context.close()
    assert errors == [], f"a page reported errors: {errors}"
