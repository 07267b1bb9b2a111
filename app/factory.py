"""The steps of create_app, one function each: settings, extensions, blueprints, error pages,
security headers, template helpers."""

from __future__ import annotations

import secrets
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.middleware.proxy_fix import ProxyFix

from .extensions import csrf, db, limiter, login_manager, migrate

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


class ConfigurationError(RuntimeError):
    """A setting that makes the app unsafe or unable to start, with a message saying how to fix it."""


def settings(app: Flask) -> None:
    _secret_key(app)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        path = Path(app.instance_path) / "rehearse.db"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgres://") or uri.startswith("postgresql://"):
        # Use psycopg 3, the driver this project installs.
        app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri.split("://", 1)[1]
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    if app.config["PROXIES"]:
        n = app.config["PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)


def _secret_key(app: Flask) -> None:
    key = app.config.get("SECRET_KEY")
    if key:
        if len(key) < MIN_SECRET_KEY_LENGTH or key.lower() in KNOWN_EXAMPLE_KEYS:
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


def extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=app.config["MIGRATIONS_DIR"], render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = None  # sign-ins are revoked server-side instead
    login_manager.unauthorized_handler(_unauthorized)

    from . import auth  # noqa: F401  (registers the user loader)

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            sa.event.listen(db.engine, "connect", _sqlite_pragmas)


def _unauthorized():
    """Scripts get a 401 they can explain; pages send to sign-in and back."""
    if request.is_json or request.accept_mimetypes.best == "application/json":
        return {"error": "You are signed out. Sign in again to keep saving."}, 401
    flash("Please sign in to continue.", "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Foreign keys (ON DELETE) are off by default in SQLite; WAL lets readers and a writer overlap.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def blueprints(app: Flask) -> None:
    from .account import bp as account_bp
    from .admin.routes import bp as admin_bp
    from .attempts import bp as attempts_bp
    from .auth.routes import bp as auth_bp
    from .bank.routes import bp as bank_bp
    from .main.routes import bp as main_bp
    from .progress import bp as progress_bp
    from .sets.routes import bp as sets_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(bank_bp, url_prefix="/bank")
    app.register_blueprint(attempts_bp, url_prefix="/attempts")
    app.register_blueprint(progress_bp)
    app.register_blueprint(account_bp, url_prefix="/account")
    app.register_blueprint(sets_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")

    from .cli import register_commands

    register_commands(app)


def errors(app: Flask) -> None:
    def page(status: int, title: str, message: str):
        db.session.rollback()
        if request.accept_mimetypes.best == "application/json" or request.is_json:
            return {"error": message}, status
        return render_template("error.html", status=status, title=title, message=message), status

    handlers = {
        400: ("Bad request", "The request could not be understood."),
        403: ("Forbidden", "You do not have access to this page."),
        404: ("Not found", "There is nothing at this address."),
        405: ("Not allowed", "This page does not accept that kind of request."),
        413: (
            "Too large",
            "What you sent is larger than this site accepts. Shorten it and try again.",
        ),
        429: (
            "Too many attempts",
            "Too many attempts in a short time. Wait a minute and try again.",
        ),
        500: ("Something went wrong", "An unexpected error occurred. Nothing was changed."),
    }
    for status, (title, message) in handlers.items():
        app.register_error_handler(status, lambda _e, s=status, t=title, m=message: page(s, t, m))

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return page(
            400,
            "Form expired",
            "This form was open too long or came from another site. Reload the page and try again.",
        )


CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


def security_headers(app: Flask) -> None:
    @app.after_request
    def add_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if current_user.is_authenticated and not request.path.startswith("/static/"):
            # A signed-in page is for this person only: no copy kept for the Back button on a shared computer.
            response.headers["Cache-Control"] = "no-store"
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


def template_helpers(app: Flask) -> None:
    from .templating import register_filters

    register_filters(app)
