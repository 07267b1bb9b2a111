"""Registration, sign-in, sign-out and their security rules, as a browser would meet them."""

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import LoginSession, User
from tests.helpers import AuthActions, csrf_token


def test_register_creates_an_account_and_signs_in(app, client, auth):
    response = auth.register(email="  Ada@Example.com ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert "Signed in as ada@example.com" in home
    with app.app_context():
        user = db.session.scalar(sa.select(User))
        assert user.email == "ada@example.com"
        assert user.password_hash.startswith("$argon2id$")
        assert AuthActions.PASSWORD not in user.password_hash


def test_register_shows_each_problem_and_creates_nothing(app, client):
    token = csrf_token(client, "/auth/register")
    page = client.post(
        "/auth/register",
        data={"email": "not-an-email", "password": "short", "confirm": "other", "csrf_token": token},
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Enter a valid email address" in html
    assert "Use 8 to 128 characters." in html
    assert "The two passwords differ." in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_common_and_overlong_passwords_are_refused(client, auth):
    html = auth.register(password="password123").get_data(as_text=True)
    assert "too easy to guess" in html.lower() or "common" in html.lower()
    html = auth.register(password="x" * 129).get_data(as_text=True)
    assert "Use 8 to 128 characters." in html


def test_an_email_can_register_only_once(client, auth):
    auth.register()
    auth.logout()
    html = auth.register(email="ADA@example.com").get_data(as_text=True)
    assert "An account with this email already exists" in html


def test_wrong_password_is_refused_with_one_message_for_both_fields(client, auth):
    auth.register()
    auth.logout()
    for email in ("ada@example.com", "nobody@example.com"):
        page = auth.login(email=email, password="wrong password here")
        assert page.status_code == 200
        assert "The email or password is incorrect." in page.get_data(as_text=True)
    assert "Sign in" in client.get("/").get_data(as_text=True)


def test_sign_in_replaces_the_session_and_sign_out_ends_it_on_the_server(app, client, auth):
    auth.register()
    auth.logout()
    client.get("/auth/login")
    before = client.get_cookie("session").value
    assert auth.login().status_code == 302
    signed_in_cookie = client.get_cookie("session").value
    assert signed_in_cookie != before
    assert client.get("/bank/").status_code == 200

    auth.logout()
    assert client.get("/bank/").status_code == 302
    # Replaying the cookie from before sign-out gets nowhere: the sign-in ended on the server.
    client.set_cookie("session", signed_in_cookie)
    response = client.get("/bank/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
    with app.app_context():
        # The sign-in ended before was removed when the next one started; this one is ended.
        sessions = db.session.scalars(sa.select(LoginSession)).all()
        assert [s.ended_at is not None for s in sessions] == [True]


def test_sign_out_needs_a_post_with_a_csrf_token(client, auth):
    auth.register()
    assert client.get("/auth/logout").status_code == 405
    response = client.post("/auth/logout")
    assert response.status_code == 400
    assert "Form expired" in response.get_data(as_text=True)
    assert client.get("/bank/").status_code == 200


def test_forms_without_a_csrf_token_are_refused(app, client):
    response = client.post(
        "/auth/register",
        data={"email": "a@example.com", "password": AuthActions.PASSWORD, "confirm": AuthActions.PASSWORD},
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_next_redirects_only_within_the_site(client, auth):
    auth.register()
    auth.logout()
    assert auth.login(next="/bank/").headers["Location"] == "/bank/"
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        auth.logout()
        assert auth.login(next=target).headers["Location"] == "/"


def test_pages_that_need_an_account_send_to_sign_in_and_back(client, auth):
    response = client.get("/bank/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=/bank/"


def test_failed_sign_ins_are_throttled_per_account(client, auth):
    auth.register()
    auth.logout()
    statuses = [auth.login(password=f"wrong {i}").status_code for i in range(11)]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    throttled = auth.login()
    assert throttled.status_code == 429
    assert "Too many attempts" in throttled.get_data(as_text=True)


def test_successful_sign_ins_do_not_count_towards_the_limit(client, auth):
    auth.register()
    for _ in range(12):
        auth.logout()
        assert auth.login().status_code == 302


def test_the_sign_in_form_keeps_the_email_and_focuses_the_password(client, auth):
    html = auth.login(email="someone@example.com", password="nope nope nope").get_data(as_text=True)
    assert re.search(r'value="someone@example.com"', html)
    assert re.search(r'id="password"[^>]*autofocus|autofocus[^>]*id="password"', html)


def test_signed_in_pages_are_not_kept_in_the_browser_cache(client, auth):
    assert "Cache-Control" not in client.get("/auth/login").headers
    auth.register()
    assert client.get("/bank/").headers["Cache-Control"] == "no-store"
    assert client.get("/static/css/app.css").headers.get("Cache-Control") != "no-store"


def test_throttling_counts_the_client_behind_a_trusted_proxy(app, client, auth):
    from werkzeug.middleware.proxy_fix import ProxyFix

    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1)  # what REHEARSE_PROXIES=1 sets up
    app.config["LOGIN_LIMITS"] = "3 per minute"

    def attempt_from(address: str, n: int) -> int:
        client.environ_base["HTTP_X_FORWARDED_FOR"] = address
        return auth.login(email=f"user{n}@example.com", password="nope nope nope").status_code

    assert [attempt_from("203.0.113.7", n) for n in range(4)] == [200, 200, 200, 429]
    assert attempt_from("198.51.100.2", 9) == 200  # another client behind the same proxy


def test_sign_in_throttling_is_shared_by_workers_through_redis(tmp_path):
    """Two app instances (two workers) with one Redis: failures on either count for both."""
    import uuid

    import redis
    from flask_migrate import upgrade

    from app import create_app
    from tests.helpers import require

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError as exc:
        require("REQUIRE_REDIS", f"Redis is not reachable: {exc}")
    database = f"sqlite:///{tmp_path / 'shared.db'}"
    prefix = f"test-{uuid.uuid4().hex}"
    workers = [
        create_app(
            "test",
            {
                "SQLALCHEMY_DATABASE_URI": database,
                "RATELIMIT_STORAGE_URI": url,
                "RATELIMIT_KEY_PREFIX": prefix,
                "LOGIN_LIMITS": "4 per minute",
            },
        )
        for _ in range(2)
    ]
    with workers[0].app_context():
        upgrade(directory=workers[0].config["MIGRATIONS_DIR"])
    clients = [AuthActions(w.test_client()) for w in workers]
    statuses = [
        clients[i % 2].login(email="target@example.com", password="wrong guess here").status_code for i in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]
    assert clients[0].login(email="target@example.com").status_code == 429


def test_the_sign_in_and_sign_up_pages_send_a_signed_in_user_home(client, auth):
    auth.register()
    assert client.get("/auth/login").headers["Location"] == "/"
    assert client.get("/auth/register").headers["Location"] == "/"


def test_a_password_hashed_with_older_settings_is_rehashed_at_sign_in(app, client, auth):
    auth.register()
    auth.logout()
    with app.app_context():
        old_hash = db.session.scalar(sa.select(User.password_hash))
    app.config["PASSWORD_HASH_TIME_COST"] = 2  # the settings changed since the account was made
    assert auth.login().status_code == 302
    with app.app_context():
        new_hash = db.session.scalar(sa.select(User.password_hash))
    assert new_hash != old_hash and ",t=2," in new_hash
    auth.logout()
    assert auth.login().status_code == 302  # the new hash verifies
