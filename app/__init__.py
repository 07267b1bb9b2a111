"""Rehearse: timed mock interviews with reference answers and practice of weak spots."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from flask import Flask

from . import factory, static_files
from .cleaned_request import CleanedRequest
from .config import configure, instance_path


def create_app(config: str | None = None, overrides: Mapping[str, object] | None = None) -> Flask:
    """Build the app. `config` names a class in config.CONFIGS (default: $REHEARSE_ENV or
    development); `overrides` wins over everything, for tests."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=instance_path(),
        static_url_path=static_files.url_path(),
    )
    app.request_class = CleanedRequest  # the text rule, applied to every form field and query parameter
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    configure(app, config, overrides)
    factory.proxies(app)
    factory.extensions(app)
    factory.blueprints(app)
    factory.errors(app)
    factory.security_headers(app)
    factory.template_helpers(app)
    static_files.register(app)
    return app
