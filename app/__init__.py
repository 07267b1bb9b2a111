"""Rehearse: timed mock interviews with reference answers and practice of weak spots."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from flask import Flask

from .config import CONFIGS, from_environment


def create_app(config: str | None = None, overrides: Mapping[str, object] | None = None) -> Flask:
    """Build the app. `config` names a class in config.CONFIGS (default: $REHEARSE_ENV or
    development); `overrides` wins over everything, for tests."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=_instance_path(),
    )
    name = config or os.environ.get("REHEARSE_ENV") or "development"
    if name not in CONFIGS:
        raise RuntimeError(f"REHEARSE_ENV must be one of {', '.join(CONFIGS)}, not {name!r}")
    app.config.from_object(CONFIGS[name])
    if name != "test":  # a test database never comes from the shell's DATABASE_URL
        app.config.update(from_environment())
    app.config.update(overrides or {})
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from . import factory

    factory.settings(app)
    factory.extensions(app)
    factory.blueprints(app)
    factory.errors(app)
    factory.security_headers(app)
    factory.template_helpers(app)
    return app


def _instance_path() -> str | None:
    """$REHEARSE_INSTANCE_PATH, where a deployment keeps its SQLite file and generated key."""
    path = os.environ.get("REHEARSE_INSTANCE_PATH")
    return os.path.abspath(path) if path else None
