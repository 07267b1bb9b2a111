"""Configuration, all of it here: defaults in classes, a deployment's values from the environment,
and the values derived from them.

The environment gives the standard names SECRET_KEY, DATABASE_URL, REDIS_URL, WEB_CONCURRENCY and
Flask-Mail's MAIL_*, and any setting below as REHEARSE_<NAME> (Flask's prefixed-environment loading: values are read
as JSON when they parse, so REHEARSE_GRACE_SECONDS=90 is a number). REHEARSE_ENV chooses the class
and REHEARSE_INSTANCE_PATH the instance folder.
"""

from __future__ import annotations

import functools
import logging
import os
import secrets
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask
from zxcvbn import zxcvbn

log = logging.getLogger(__name__)


def shipped_folder(package: str) -> Path:
    """A folder of the repository that is installed inside the package (migrations/ as
    app.migrations, seed/ as app.seed: see setup.py), wherever and however Rehearse is installed."""
    try:
        location = files(package)
    except ModuleNotFoundError:
        raise RuntimeError(
            f"{package} is missing: Rehearse was installed before it shipped this folder. "
            "Install it again: python -m pip install -e . (or without -e)"
        ) from None
    if not isinstance(location, Path):
        raise RuntimeError(f"{package} must be installed as files on disk, not inside an archive")
    return location


# Values that appear in documentation or are commonly left in place: never a real key.
KNOWN_EXAMPLE_KEYS = {
    "change-me",
    "changeme",
    "secret",
    "dev",
    "development",
    "replace-with-a-long-random-string",
    "your-secret-key",
}
MIN_SECRET_KEY_LENGTH = 32


# The pool that autosave's one statement runs on (see _database_uri).
AUTOSAVE_BIND = "autosave"


class ConfigurationError(RuntimeError):
    """A setting that makes the app unsafe or unable to start, with a message saying how to fix it."""


class Config:
    """Development defaults: SQLite in the instance folder and a generated secret key."""

    # Test settings never come from the shell that runs the tests.
    READS_ENVIRONMENT = True

    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, object]] = {"pool_pre_ping": True}
    REDIS_URL: str | None = None

    SEED_DIR = str(shipped_folder("app.seed") / "questions")
    MIGRATIONS_DIR = str(shipped_folder("app.migrations"))

    # A sign-in lasts two weeks at most, and ends after a day without use; both are enforced on
    # the server (the cookie lives as long as the first). The CSRF token lasts as long as the
    # session, so even a two-hour interview never meets an expired token.
    SESSION_ABSOLUTE_SECONDS = 14 * 24 * 3600
    SESSION_IDLE_SECONDS = 24 * 3600
    WTF_CSRF_TIME_LIMIT = None
    # The cookie is written when the session changes, not on every request: its expiry (the
    # absolute lifetime) needs no sliding, and an autosave then sends no new cookie.
    SESSION_REFRESH_EACH_REQUEST = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False

    # Larger requests are refused with 413 and a readable message.
    MAX_CONTENT_LENGTH = 256 * 1024
    ANSWER_MAX_CHARS = 20_000

    # Sign-in attempts per client address, and per account and address together (see
    # app/auth/throttling.py); shared by all workers through Redis when REDIS_URL is set.
    LOGIN_LIMITS = "10 per minute;50 per hour"
    REGISTER_LIMITS = "20 per hour"
    # Password-reset requests per client address, and emails per address asked about.
    RESET_LIMITS = "10 per hour"
    RESET_EMAIL_LIMITS = "3 per hour"

    # Email (password-reset and registration links) is on when MAIL_SERVER is set. Links in
    # emails start with PUBLIC_URL, never with the Host header a request claims.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER: str | None = None
    PUBLIC_URL: str | None = None

    # argon2id with RFC 9106's second recommended profile (64 MiB, 3 passes).
    PASSWORD_HASH_MEMORY_KIB = 65536
    PASSWORD_HASH_TIME_COST = 3
    PASSWORD_HASH_PARALLELISM = 4

    # Static files have versioned addresses (app/static_files.py): browsers keep them a year.
    SEND_FILE_MAX_AGE_DEFAULT = 365 * 24 * 3600

    # Detailed feedback on answers from a language model: off unless LLM_URL is set to an
    # OpenAI-compatible chat-completions endpoint (a local model server works the same). The
    # question, the reference answer and the user's answer are then sent to it.
    LLM_URL: str | None = None
    LLM_MODEL: str | None = None
    LLM_KEY: str | None = None
    LLM_TIMEOUT_SECONDS = 30
    FEEDBACK_LIMITS = "30 per hour;200 per day"  # requests for feedback per user

    GRACE_SECONDS = 60
    REQUIRE_SECRET_KEY = False
    # Production refuses to serve several workers whose sign-in throttles would not be shared.
    REQUIRE_SHARED_THROTTLE = False
    # How many reverse proxies stand in front of the app; their X-Forwarded-* headers are
    # trusted, so that sign-in throttling counts the client's address, not the proxy's.
    PROXIES = 0
    # Worker processes of `rehearse serve`.
    WORKERS = 2


class ProductionConfig(Config):
    """REHEARSE_ENV=production (the Docker image): secure cookies and a real SECRET_KEY."""

    SESSION_COOKIE_SECURE = True
    REQUIRE_SECRET_KEY = True
    REQUIRE_SHARED_THROTTLE = True
    PREFERRED_URL_SCHEME = "https"


class TestConfig(Config):
    """In-memory SQLite unless a test passes another URL; cheap hashing keeps tests fast."""

    READS_ENVIRONMENT = False
    TESTING = True
    SECRET_KEY = "a-test-only-secret-key-0123456789abcdef"  # noqa: S105 (tests only)
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    PASSWORD_HASH_MEMORY_KIB = 1024
    PASSWORD_HASH_TIME_COST = 1
    PASSWORD_HASH_PARALLELISM = 1


CONFIGS: dict[str, type[Config]] = {
    "development": Config,
    "production": ProductionConfig,
    "test": TestConfig,
}

# The conventional names a platform sets, and the settings they fill.
STANDARD_NAMES = {
    "SECRET_KEY": "SECRET_KEY",
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "REDIS_URL": "REDIS_URL",
    "WEB_CONCURRENCY": "WORKERS",
    "MAIL_SERVER": "MAIL_SERVER",
    "MAIL_PORT": "MAIL_PORT",
    "MAIL_USE_TLS": "MAIL_USE_TLS",
    "MAIL_USE_SSL": "MAIL_USE_SSL",
    "MAIL_USERNAME": "MAIL_USERNAME",
    "MAIL_PASSWORD": "MAIL_PASSWORD",
    "MAIL_DEFAULT_SENDER": "MAIL_DEFAULT_SENDER",
}
# Whole-number settings, the least each may be, and the variable that sets each.
WHOLE_NUMBERS = {
    "GRACE_SECONDS": (0, "REHEARSE_GRACE_SECONDS"),
    "PROXIES": (0, "REHEARSE_PROXIES"),
    "WORKERS": (1, "WEB_CONCURRENCY"),
    "ANSWER_MAX_CHARS": (1, "REHEARSE_ANSWER_MAX_CHARS"),
    "SESSION_IDLE_SECONDS": (60, "REHEARSE_SESSION_IDLE_SECONDS"),
    "SESSION_ABSOLUTE_SECONDS": (60, "REHEARSE_SESSION_ABSOLUTE_SECONDS"),
    "MAIL_PORT": (1, "MAIL_PORT"),
    "LLM_TIMEOUT_SECONDS": (1, "REHEARSE_LLM_TIMEOUT_SECONDS"),
}
# On/off settings, and the variable that sets each.
SWITCHES = {"MAIL_USE_TLS": "MAIL_USE_TLS", "MAIL_USE_SSL": "MAIL_USE_SSL"}


def instance_path() -> str:
    """Where the SQLite file and generated key live: $REHEARSE_INSTANCE_PATH, else ./instance in
    the working directory (an installed package has no folder of its own to write to)."""
    return os.path.abspath(os.environ.get("REHEARSE_INSTANCE_PATH") or "instance")


def configure(app: Flask, name: str | None = None, overrides: Mapping[str, object] | None = None) -> None:
    """Fill app.config: the class `name` (default: $REHEARSE_ENV, else development), then the
    environment (unless the class says not to), then `overrides` (for tests), then what follows
    from them."""
    name = name or os.environ.get("REHEARSE_ENV") or "development"
    if name not in CONFIGS:
        raise ConfigurationError(f"REHEARSE_ENV must be one of {', '.join(CONFIGS)}, not {name!r}")
    app.config.from_object(CONFIGS[name])
    if app.config["READS_ENVIRONMENT"]:
        for env_name, key in STANDARD_NAMES.items():
            if os.environ.get(env_name):
                app.config[key] = os.environ[env_name]
        app.config.from_prefixed_env("REHEARSE")
    app.config.update(overrides or {})
    _whole_numbers(app)
    _switches(app)
    _secret_key(app)
    _database_uri(app)
    _mail(app)
    _language_model(app)
    app.config["PERMANENT_SESSION_LIFETIME"] = app.config["SESSION_ABSOLUTE_SECONDS"]
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    if app.config["REQUIRE_SHARED_THROTTLE"] and app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        log.warning(
            "REDIS_URL is not set: each worker process counts sign-in failures on its own, so with N "
            "workers an attacker gets N times the limit. Set REDIS_URL, or run a single worker."
        )


def _whole_numbers(app: Flask) -> None:
    for key, (least, env_name) in WHOLE_NUMBERS.items():
        value = app.config[key]
        if isinstance(value, str) and value.strip().isdigit():
            value = app.config[key] = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ConfigurationError(f"{env_name} must be a whole number of at least {least}, not {value!r}.")


def _switches(app: Flask) -> None:
    for key, env_name in SWITCHES.items():
        value = app.config[key]
        if isinstance(value, str):
            words = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False}
            if value.strip().lower() not in words:
                raise ConfigurationError(f"{env_name} must be true or false, not {value!r}.")
            value = app.config[key] = words[value.strip().lower()]
        if not isinstance(value, bool):
            raise ConfigurationError(f"{env_name} must be true or false, not {value!r}.")


def _mail(app: Flask) -> None:
    """With MAIL_SERVER, links in emails need the public address; the sender defaults to it."""
    if not app.config.get("MAIL_SERVER"):
        return
    url = app.config.get("PUBLIC_URL") or ""
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise ConfigurationError(
            "MAIL_SERVER is set but REHEARSE_PUBLIC_URL is not: set it to the address people open "
            "(for example https://rehearse.example.com) so that links in emails point there."
        )
    app.config["PUBLIC_URL"] = url.rstrip("/")
    if not app.config.get("MAIL_DEFAULT_SENDER"):
        app.config["MAIL_DEFAULT_SENDER"] = f"Rehearse <no-reply@{urlsplit(url).hostname or 'localhost'}>"


def _language_model(app: Flask) -> None:
    """With LLM_URL, a web address and a model name are needed; without it, feedback is off."""
    url = app.config.get("LLM_URL")
    if not url:
        return
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise ConfigurationError(
            f"REHEARSE_LLM_URL must be an http(s) address such as http://127.0.0.1:8080/v1, not {url!r}."
        )
    if not app.config.get("LLM_MODEL"):
        raise ConfigurationError("REHEARSE_LLM_URL is set but REHEARSE_LLM_MODEL is not: set the model's name.")


# A key's estimated guesses (zxcvbn, log10) must reach this: 10^20 is about 66 bits. A random
# 32-character hex key scores about 32; repeated or sequential characters score under 5.
MIN_KEY_GUESSES_LOG10 = 20


@functools.lru_cache(maxsize=8)
def _guessable(key: str) -> bool:
    """Whether a long key is still made of repeats, sequences or words ("aaaa…", "9f9f…")."""
    return zxcvbn(key[:128])["guesses_log10"] < MIN_KEY_GUESSES_LOG10


def _secret_key(app: Flask) -> None:
    key = app.config.get("SECRET_KEY")
    if key:
        too_weak = len(key) < MIN_SECRET_KEY_LENGTH or key.lower() in KNOWN_EXAMPLE_KEYS or _guessable(key)
        if too_weak:
            raise ConfigurationError(
                "SECRET_KEY is too weak: use at least 32 random characters, for example the "
                'output of: python -c "import secrets; print(secrets.token_hex(32))"'
            )
        return
    if app.config.get("REQUIRE_SECRET_KEY"):
        raise ConfigurationError("SECRET_KEY is not set. Production needs its own key: at least 32 random characters.")
    # Development without configuration: make a key once and keep it in the instance folder.
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    app.config["SECRET_KEY"] = path.read_text().strip()


def _database_uri(app: Flask) -> None:
    uri = app.config.get("SQLALCHEMY_DATABASE_URI") or f"sqlite:///{Path(app.instance_path) / 'rehearse.db'}"
    if uri.startswith(("postgres://", "postgresql://")):
        # Use psycopg 3, the driver this project installs.
        uri = "postgresql+psycopg://" + uri.split("://", 1)[1]
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    if sa.engine.make_url(uri).database not in (None, "", ":memory:"):
        # Autosave's one statement has a pool of its own: autocommit, so no BEGIN and COMMIT round
        # trips, and no ping before each use (a save that meets a dead connection takes the full
        # path, whose pool pings). A memory database has no second pool: it would be another one.
        app.config["SQLALCHEMY_BINDS"] = {
            AUTOSAVE_BIND: {"url": uri, "isolation_level": "AUTOCOMMIT", "pool_pre_ping": False}
        }
