"""Configuration: defaults in classes, deployment values read from the environment at start-up."""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Config:
    """Development defaults: SQLite in the instance folder and a generated secret key."""

    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, object]] = {"pool_pre_ping": True}
    REDIS_URL: str | None = None

    SEED_DIR = str(PROJECT_ROOT / "seed" / "questions")
    MIGRATIONS_DIR = str(PROJECT_ROOT / "migrations")

    # A session lasts two weeks and the CSRF token as long as the session, so even a
    # two-hour interview never meets an expired token.
    PERMANENT_SESSION_LIFETIME = 14 * 24 * 3600
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False

    # Larger requests are refused with 413 and a readable message.
    MAX_CONTENT_LENGTH = 256 * 1024
    ANSWER_MAX_CHARS = 20_000

    # Sign-in attempts per client address and per account; shared by all workers via Redis.
    LOGIN_LIMITS = "10 per minute;50 per hour"
    RATELIMIT_HEADERS_ENABLED = True

    # argon2id with RFC 9106's second recommended profile (64 MiB, 3 passes).
    PASSWORD_HASH_MEMORY_KIB = 65536
    PASSWORD_HASH_TIME_COST = 3
    PASSWORD_HASH_PARALLELISM = 4

    GRACE_SECONDS = 60
    REQUIRE_SECRET_KEY = False
    # How many reverse proxies stand in front of the app; their X-Forwarded-* headers are
    # trusted, so that sign-in throttling counts the client's address, not the proxy's.
    PROXIES = 0


class ProductionConfig(Config):
    """REHEARSE_ENV=production (the Docker image): secure cookies and a real SECRET_KEY."""

    SESSION_COOKIE_SECURE = True
    REQUIRE_SECRET_KEY = True
    PREFERRED_URL_SCHEME = "https"


class TestConfig(Config):
    """In-memory SQLite unless a test passes another URL; cheap hashing keeps tests fast."""

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


def from_environment() -> dict[str, object]:
    """The settings a deployment gives through environment variables (unset ones are left out)."""
    values: dict[str, object] = {}
    for env_name, key in (
        ("SECRET_KEY", "SECRET_KEY"),
        ("DATABASE_URL", "SQLALCHEMY_DATABASE_URI"),
        ("REDIS_URL", "REDIS_URL"),
        ("REHEARSE_SEED_DIR", "SEED_DIR"),
    ):
        if os.environ.get(env_name):
            values[key] = os.environ[env_name]
    for env_name, key in (("REHEARSE_GRACE_SECONDS", "GRACE_SECONDS"), ("REHEARSE_PROXIES", "PROXIES")):
        if os.environ.get(env_name):
            values[key] = int(os.environ[env_name])
    return values
