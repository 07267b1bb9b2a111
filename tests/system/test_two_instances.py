"""Two `rehearse serve` instances behind one address, as a load balancer would run them: one
PostgreSQL database and one Redis, nothing else in common. What one instance does, the other sees:
a sign-out, a sign-in throttle and a save.

Needs PostgreSQL (TEST_DATABASE_URL) and Redis at 127.0.0.1:6379; REQUIRE_POSTGRES=1 and
REQUIRE_REDIS=1 turn their absence into a failure.
"""

from __future__ import annotations

import json
import os
import random
import re
import secrets
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.helpers import CSRF_RE, require
from tests.system.servers import clean_environment, serve

pytestmark = pytest.mark.slow

REDIS_URL = "redis://127.0.0.1:6379/14"
PASSWORD = "correct horse battery staple"
META_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def json(self) -> dict:
        return json.loads(self.text)


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs):
        return None  # a redirect is an answer to look at, not to follow


class Browser:
    """One person's browser at one client address. Its cookies go to every instance on 127.0.0.1,
    as they would go to every instance behind a load balancer."""

    def __init__(self, address: str):
        self.address = address  # told to the app by the (trusted) proxy header
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _KeepRedirects)

    def request(self, url: str, *, form: dict | None = None, json_body: dict | None = None, headers=None) -> Reply:
        data, sent = None, {"X-Forwarded-For": self.address, **(headers or {})}
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
        if json_body is not None:
            data = json.dumps(json_body).encode()
            sent |= {"Content-Type": "application/json", "Accept": "application/json"}
        try:
            with self.opener.open(urllib.request.Request(url, data=data, headers=sent), timeout=60) as r:
                return Reply(r.status, dict(r.headers), r.read().decode())
        except urllib.error.HTTPError as error:
            return Reply(error.code, dict(error.headers), error.read().decode())

    def form_token(self, url: str) -> str:
        match = CSRF_RE.search(self.request(url).text)
        assert match, f"no form at {url}"
        return match.group(1)

    def sign_in(self, base: str, email: str, password: str = PASSWORD) -> Reply:
        token = self.form_token(f"{base}/auth/login")
        return self.request(f"{base}/auth/login", form={"email": email, "password": password, "csrf_token": token})

    def session_cookie(self) -> str:
        return next(c.value for c in self.jar if c.name == "session")


def another_address() -> str:
    """A client address of its own (198.18.0.0/15 is for tests), so that no other test's throttle
    counts interfere with this one's in the shared Redis."""
    return f"198.{random.randint(18, 19)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


@pytest.fixture(scope="module")
def database_url():
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        require("REQUIRE_POSTGRES", "TEST_DATABASE_URL is not set")
    base = re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", base)
    name = f"rehearse_instances_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        require("REQUIRE_POSTGRES", f"PostgreSQL is not reachable: {exc.orig}")
    yield sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def redis_client():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        require("REQUIRE_REDIS", f"Redis is not reachable: {exc}")
    yield client
    client.close()


@pytest.fixture(scope="module")
def instances(database_url, redis_client, tmp_path_factory):
    """Instances A and B. A starts first: it brings the schema up to date and loads the bank."""
    folder = tmp_path_factory.mktemp("instances")
    settings = {
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": secrets.token_hex(32),
        "REHEARSE_PROXIES": "1",
    }
    rehearse = Path(sys.executable).with_name("rehearse")
    env_a = clean_environment(**settings, REHEARSE_INSTANCE_PATH=str(folder / "a"))
    env_b = clean_environment(**settings, REHEARSE_INSTANCE_PATH=str(folder / "b"))
    with serve(rehearse, cwd=folder, env=env_a) as a, serve(rehearse, cwd=folder, env=env_b) as b:
        yield a.url, b.url


@pytest.fixture
def forget_throttles(redis_client):
    """Remove the throttle counts this test made (they would expire within the hour anyway)."""
    made: list[str] = []
    yield made
    for word in made:
        for key in redis_client.scan_iter(match=f"*{word}*"):
            redis_client.delete(key)


@pytest.fixture
def person(instances, forget_throttles):
    """A person registered on instance A, signed in there."""
    a, _b = instances
    browser = Browser(another_address())
    email = f"{uuid.uuid4().hex[:12]}@example.com"
    forget_throttles += [browser.address, email]
    token = browser.form_token(f"{a}/auth/register")
    registered = browser.request(
        f"{a}/auth/register", form={"email": email, "password": PASSWORD, "confirm": PASSWORD, "csrf_token": token}
    )
    assert registered.status == 302, registered.text
    return browser, email


def start_interview(browser: Browser, base: str) -> tuple[str, str]:
    """Start an interview; its address and the page's CSRF token for scripts."""
    token = browser.form_token(f"{base}/attempts/new")
    started = browser.request(f"{base}/attempts/new", form={"question_count": 3, "csrf_token": token})
    assert started.status == 302, started.text
    page = urllib.parse.urljoin(base, started.headers["Location"])
    match = re.search(r"/attempts/(\d+)/questions/1$", page)
    assert match, page
    meta = META_CSRF.search(browser.request(page).text)
    assert meta
    return f"/attempts/{match.group(1)}", meta.group(1)


def test_a_save_on_one_instance_is_seen_by_the_other(instances, person):
    a, b = instances
    browser, _email = person
    attempt, csrf = start_interview(browser, a)

    saved = browser.request(
        f"{a}{attempt}/answers/1",
        json_body={"text": "Saved through instance A.", "revision": 0},
        headers={"X-CSRFToken": csrf},
    )
    assert saved.status == 200 and saved.json["status"] == "saved", saved.text
    page = browser.request(f"{b}{attempt}/questions/1")
    assert page.status == 200
    assert "Saved through instance A.</textarea>" in page.text

    # B continues from A's revision; a stale revision sent to A is refused with B's text.
    again = browser.request(
        f"{b}{attempt}/answers/1",
        json_body={"text": "Then through instance B.", "revision": saved.json["revision"]},
        headers={"X-CSRFToken": csrf},
    )
    assert again.status == 200 and again.json["status"] == "saved", again.text
    stale = browser.request(
        f"{a}{attempt}/answers/1",
        json_body={"text": "A stale tab's text.", "revision": saved.json["revision"]},
        headers={"X-CSRFToken": csrf},
    )
    assert stale.status == 409
    assert stale.json["text"] == "Then through instance B."


def test_a_sign_out_on_one_instance_refuses_the_old_cookie_on_the_other(instances, person, database_url):
    a, b = instances
    browser, _email = person
    attempt, csrf = start_interview(browser, a)
    copied = Browser(browser.address)  # someone who copied the cookie before the sign-out
    cookie = {"Cookie": f"session={browser.session_cookie()}"}
    assert copied.request(f"{b}{attempt}/questions/1", headers=cookie).status == 200

    token = browser.form_token(f"{a}/")
    signed_out = browser.request(f"{a}/auth/logout", form={"csrf_token": token})
    assert signed_out.status == 302

    page = copied.request(f"{b}{attempt}/questions/1", headers=cookie)
    assert page.status == 302 and "/auth/login" in page.headers["Location"]
    save = copied.request(
        f"{b}{attempt}/answers/1",
        json_body={"text": "Written with a copied cookie.", "revision": 0},
        headers={**cookie, "X-CSRFToken": csrf},
    )
    assert save.status == 401
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        texts = conn.execute(
            sa.text("SELECT text FROM answer WHERE attempt_id = :id"), {"id": int(attempt.rsplit("/", 1)[1])}
        ).scalars()
        assert "Written with a copied cookie." not in list(texts)
    engine.dispose()


def test_a_sign_in_throttle_reached_on_one_instance_applies_on_the_other(instances, person, forget_throttles):
    a, b = instances
    _browser, email = person
    guesser = Browser(another_address())
    forget_throttles.append(guesser.address)
    # The default limit: ten sign-in attempts a minute per client address (and per account there).
    failures = [guesser.sign_in(a, email, "not the password at all").status for _ in range(10)]
    assert failures == [200] * 10  # the form again, with its message

    # On B the same address is refused, for another account and for this one with its password...
    other_email = f"{uuid.uuid4().hex[:12]}@example.com"
    forget_throttles.append(other_email)
    refused = guesser.sign_in(b, other_email, "not the password at all")
    assert refused.status == 429 and "Too many attempts" in refused.text
    assert guesser.sign_in(b, email).status == 429
    # ...while another person at another address is answered as usual there.
    newcomer = Browser(another_address())
    newcomer_email = f"{uuid.uuid4().hex[:12]}@example.com"
    forget_throttles += [newcomer.address, newcomer_email]
    stranger = newcomer.sign_in(b, newcomer_email, "wrong but not throttled")
    assert stranger.status == 200 and "The email or password is incorrect." in stranger.text
