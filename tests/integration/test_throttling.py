"""Sign-in throttling: counted before the password is checked, per address and per account and
address together, a growing delay per account that the owner's browser is spared, shared through
Redis and still working (in this process, with a warning) when Redis does not answer."""

from __future__ import annotations

import logging
import secrets
import threading

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix

from app import create_app
from app.auth.throttling import ACCOUNT_FREE_FAILURES, MAX_DELAY_SECONDS, delay_after
from tests.helpers import AuthActions, csrf_token


def test_the_delay_per_account_doubles_up_to_a_minute():
    assert [delay_after(n) for n in range(ACCOUNT_FREE_FAILURES + 1)] == [0] * (ACCOUNT_FREE_FAILURES + 1)
    after = [delay_after(ACCOUNT_FREE_FAILURES + n) for n in range(1, 9)]
    assert after == [2, 4, 8, 16, 32, 60, 60, 60]
    assert max(after) == MAX_DELAY_SECONDS


def test_parallel_wrong_passwords_get_no_more_checks_than_the_limit(app, auth):
    auth.register()
    auth.logout()
    clients = [app.test_client() for _ in range(40)]
    tokens = [csrf_token(c, "/auth/login") for c in clients]
    start = threading.Barrier(len(clients))
    statuses: list[int] = []

    def guess(client, token, n):
        start.wait()
        response = client.post(
            "/auth/login", data={"email": "ada@example.com", "password": f"wrong guess {n}", "csrf_token": token}
        )
        statuses.append(response.status_code)

    threads = [
        threading.Thread(target=guess, args=(c, t, n)) for n, (c, t) in enumerate(zip(clients, tokens, strict=True))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * 10 + [429] * 30  # 10 passwords checked, not more


@pytest.fixture
def behind_proxy(app):
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1)  # what REHEARSE_PROXIES=1 sets up
    return app


def from_address(app, address: str) -> AuthActions:
    client = app.test_client()
    client.environ_base["HTTP_X_FORWARDED_FOR"] = address
    return AuthActions(client)


def test_an_attacker_at_one_address_does_not_lock_the_owner_out(behind_proxy, auth):
    auth.register()
    auth.logout()
    attacker = from_address(behind_proxy, "203.0.113.9")
    statuses = [attacker.login(password=f"guess {n}").status_code for n in range(11)]
    assert statuses == [200] * 10 + [429]
    assert attacker.login().status_code == 429  # even with the right password, from there
    owner = from_address(behind_proxy, "198.51.100.4")
    assert owner.login().status_code == 302


def test_guesses_from_many_addresses_are_slowed_per_account_but_the_owners_browser_gets_in(behind_proxy):
    owner = from_address(behind_proxy, "198.51.100.4")
    owner.register()
    owner.logout()  # the owner's browser keeps its device cookie
    for n in range(ACCOUNT_FREE_FAILURES + 1):
        assert from_address(behind_proxy, f"203.0.113.{n + 1}").login(password=f"guess {n}").status_code == 200
    # Past the free failures, attempts on this account must wait, whoever makes them...
    refused = from_address(behind_proxy, "203.0.113.200").login(password="one more guess")
    assert refused.status_code == 429
    assert "Wait 4 seconds" in refused.get_data(as_text=True)
    assert refused.headers["Retry-After"] == "4"
    stranger = from_address(behind_proxy, "192.0.2.50")
    assert stranger.login().status_code == 429
    # ...except from the browser the owner signed in with before.
    assert owner.login().status_code == 302


def test_other_accounts_are_not_slowed_by_guesses_at_one(behind_proxy, auth):
    auth.register(email="other@example.com")
    auth.logout()
    for n in range(ACCOUNT_FREE_FAILURES + 2):
        from_address(behind_proxy, f"203.0.113.{n + 1}").login(email="target@example.com", password="guess")
    assert from_address(behind_proxy, "192.0.2.50").login(email="other@example.com").status_code == 302


def test_registration_is_throttled_per_address_even_when_it_fails(app, client, auth):
    app.config["REGISTER_LIMITS"] = "3 per hour"
    auth.register()
    auth.logout()
    statuses = [auth.register().status_code for _ in range(3)]  # the address exists: refused with a message
    assert statuses == [200, 200, 429]
    assert "Too many attempts" in auth.register(email="new@example.com").get_data(as_text=True)


UNREACHABLE_REDIS = "redis://127.0.0.1:1/15"  # nothing listens on port 1


def test_with_redis_unreachable_sign_ins_work_counted_in_process_with_a_warning(app, caplog):
    caplog.set_level(logging.WARNING)
    down = create_app(
        "test",
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "RATELIMIT_STORAGE_URI": UNREACHABLE_REDIS,
            "LOGIN_LIMITS": "3 per minute",
        },
    )
    auth = AuthActions(down.test_client())
    assert auth.register().status_code == 302
    auth.logout()
    assert [auth.login(password="wrong guess").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert any("Redis" in r.getMessage() and "unreachable" in r.getMessage() for r in caplog.records)
    health = down.test_client().get("/healthz")
    assert health.status_code == 200
    assert health.get_json() == {
        "status": "degraded",
        "database": "ok",
        "throttle": "in-process (Redis unreachable)",
    }


def test_the_health_check_reports_how_throttling_counts(client):
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok", "throttle": "in-process"}


def test_production_refuses_several_workers_without_a_shared_store(app):
    app.config["REQUIRE_SHARED_THROTTLE"] = True
    result = app.test_cli_runner().invoke(args=["serve", "--workers", "2"])
    assert result.exit_code == 1
    assert "REDIS_URL is not set, so each of the 2 workers would count sign-in failures on its own." in result.output
    assert "Set REDIS_URL, or serve with --workers 1." in result.output


def test_production_without_redis_warns_at_start_up(monkeypatch, tmp_path, caplog):
    for name in ("REDIS_URL", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REHEARSE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(32))
    caplog.set_level(logging.WARNING)
    create_app("production")
    assert any("REDIS_URL is not set" in r.getMessage() for r in caplog.records)
