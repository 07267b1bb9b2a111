"""Start-up configuration: secret keys, database URLs, production settings."""

import secrets
from pathlib import Path

import pytest

from app import create_app
from app.config import ConfigurationError


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in (
        "SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "REHEARSE_ENV",
        "WEB_CONCURRENCY",
        "REHEARSE_GRACE_SECONDS",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REHEARSE_INSTANCE_PATH", str(tmp_path / "instance"))
    return tmp_path / "instance"


def test_without_configuration_a_secret_key_is_made_once_and_reused(clean_env):
    first = create_app()
    second = create_app()
    key_file = clean_env / "secret_key"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert len(first.config["SECRET_KEY"]) >= 32
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert first.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{clean_env / 'rehearse.db'}"


@pytest.mark.parametrize("weak", ["secret", "changeme", "short-but-not-32", "replace-with-a-long-random-string"])
def test_a_weak_or_example_secret_key_is_refused(clean_env, monkeypatch, weak):
    monkeypatch.setenv("SECRET_KEY", weak)
    with pytest.raises(ConfigurationError, match="SECRET_KEY is too weak"):
        create_app()


def test_the_example_environment_file_key_is_refused(clean_env, monkeypatch):
    [line] = [line for line in Path(".env.example").read_text().splitlines() if "SECRET_KEY=" in line]
    monkeypatch.setenv("SECRET_KEY", line.split("=", 1)[1])
    with pytest.raises(ConfigurationError):
        create_app()


def test_production_requires_a_secret_key_and_secures_cookies(clean_env, monkeypatch):
    monkeypatch.setenv("REHEARSE_ENV", "production")
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set"):
        create_app()
    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(32))
    app = create_app()
    assert not app.debug
    # What a browser receives: the sign-in page puts its CSRF token in the session cookie.
    response = app.test_client().get("/auth/login", base_url="https://rehearse.example")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert {"Secure", "HttpOnly", "SameSite=Lax"} <= {part.strip() for part in cookie.split(";")}
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_development_cookies_are_http_only_and_same_site_but_not_secure_only(clean_env):
    cookie = create_app().test_client().get("/auth/login").headers["Set-Cookie"]
    parts = {part.strip() for part in cookie.split(";")}
    assert {"HttpOnly", "SameSite=Lax"} <= parts and "Secure" not in parts


def test_database_url_from_the_environment_uses_psycopg(clean_env, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db.internal/rehearse")
    assert create_app().config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.internal/rehearse"


def test_an_unknown_environment_name_is_refused(clean_env, monkeypatch):
    monkeypatch.setenv("REHEARSE_ENV", "staging")
    with pytest.raises(RuntimeError, match="REHEARSE_ENV must be one of"):
        create_app()


def test_login_throttling_uses_redis_when_configured(clean_env, monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert create_app().config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"


def test_trusted_proxies_come_from_the_environment(clean_env, monkeypatch):
    from werkzeug.middleware.proxy_fix import ProxyFix

    assert not isinstance(create_app().wsgi_app, ProxyFix)
    monkeypatch.setenv("REHEARSE_PROXIES", "1")
    proxied = create_app().wsgi_app
    assert isinstance(proxied, ProxyFix) and proxied.x_for == 1


def test_documented_variables_set_their_settings(clean_env, monkeypatch):
    monkeypatch.setenv("REHEARSE_GRACE_SECONDS", "90")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("REHEARSE_SEED_DIR", "/srv/bank")
    config = create_app().config
    assert (config["GRACE_SECONDS"], config["WORKERS"], config["SEED_DIR"]) == (90, 3, "/srv/bank")


def test_any_setting_can_come_from_a_rehearse_variable(clean_env, monkeypatch):
    monkeypatch.setenv("REHEARSE_ANSWER_MAX_CHARS", "30000")
    monkeypatch.setenv("REHEARSE_LOGIN_LIMITS", "5 per minute")
    config = create_app().config
    assert (config["ANSWER_MAX_CHARS"], config["LOGIN_LIMITS"]) == (30000, "5 per minute")


@pytest.mark.parametrize(("name", "value"), [("REHEARSE_GRACE_SECONDS", "a minute"), ("REHEARSE_PROXIES", "-1")])
def test_a_number_that_is_not_one_is_refused_at_start_up(clean_env, monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=f"{name} must be a whole number of at least 0"):
        create_app()


def test_the_test_configuration_never_reads_the_shell(clean_env, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db.internal/rehearse")
    monkeypatch.setenv("REHEARSE_GRACE_SECONDS", "5")
    config = create_app("test").config
    assert (config["SQLALCHEMY_DATABASE_URI"], config["GRACE_SECONDS"]) == ("sqlite://", 60)
