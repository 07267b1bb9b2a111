"""The steps of create_app after configuration, one function each: proxies, extensions,
blueprints, error pages, security headers, template helpers."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, flash, g, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from werkzeug.middleware.proxy_fix import ProxyFix

from . import throttle
from .extensions import compress, csrf, db, login_manager, mail, migrate
from .negotiation import wants_json
from .numbers import BoundedIntConverter


def proxies(app: Flask) -> None:
    """Trust the X-Forwarded-* headers of the configured number of reverse proxies."""
    if app.config["PROXIES"]:
        n = app.config["PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]


def extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=app.config["MIGRATIONS_DIR"], render_as_batch=True)
    csrf.init_app(app)
    throttle.init_app(app)
    mail.init_app(app)
    compress.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = None  # sign-ins are revoked server-side instead
    login_manager.unauthorized_handler(_unauthorized)

    from . import auth  # noqa: F401  (registers the user loader)

    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                sa.event.listen(engine, "connect", _sqlite_pragmas)


def _unauthorized():
    """Scripts get a 401 they can explain; pages send to sign-in and back."""
    if wants_json():
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
    app.url_map.converters["int"] = BoundedIntConverter  # ids past the database's integers are 404
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
    def page(status: int, title: str, message: str, **context):
        _forget_failed_work()
        if wants_json():
            return {"error": message}, status
        return render_template("error.html", status=status, title=title, message=message, **context), status

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

    @app.errorhandler(DBAPIError)
    def database_error(error: DBAPIError):
        """The database cannot be reached or cannot write (read-only, failing over): 503 "not
        saved, try again", with the typed text shown again; any other database error is a 500."""
        if not database_unavailable(error):
            app.logger.error("Database error on %s %s", request.method, request.path, exc_info=error)
            return page(500, *handlers[500])
        app.logger.warning("The database is unavailable (%s): answered 503", error.orig.__class__.__name__)
        if wants_json():
            _forget_failed_work()
            return {"error": NOT_SAVED_JSON, "retry_after": RETRY_AFTER_SECONDS}, 503, _retry_after()
        title = "Not saved, try again" if request.method == "POST" else "Try again in a moment"
        message = NOT_SAVED if request.method == "POST" else NOT_SHOWN
        response = page(503, title, message, resend=_typed_text_to_resend())
        return (*response, _retry_after())


RETRY_AFTER_SECONDS = 5
NOT_SAVED = (
    "Not saved: the database is not answering just now. Your text is below, so nothing is lost: try again in a moment."
)
NOT_SAVED_JSON = "Not saved, try again: the database is not answering just now."
NOT_SHOWN = "The database is not answering just now, so this page cannot be shown. Try again in a moment."
# SQLSTATEs of a PostgreSQL that cannot serve: read-only transaction (a standby, a database set
# read-only), shutting down, cannot connect, too many connections.
UNAVAILABLE_SQLSTATES = {"25006", "57P01", "57P02", "57P03", "08000", "08001", "08003", "08004", "08006", "53300"}


def database_unavailable(error: DBAPIError) -> bool:
    """Whether a database error means "not now" (try again) rather than a fault of this code.
    SQLite reports an unwritable or locked file, and drivers a lost connection, as operational."""
    if isinstance(error, OperationalError) or error.connection_invalidated:
        return True
    return getattr(error.orig, "sqlstate", None) in UNAVAILABLE_SQLSTATES


def _retry_after() -> dict[str, str]:
    return {"Retry-After": str(RETRY_AFTER_SECONDS)}


def _forget_failed_work() -> None:
    """Roll the failed request's work back, and never let the error page need the database: a
    user not yet loaded is shown the page as signed out rather than failing again."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session.remove()
    if "_login_user" not in g:  # Flask-Login loads the user here on first use
        g._login_user = login_manager.anonymous_user()


# Fields whose values are never written back into a page.
SECRET_FIELDS = ("password", "confirm", "current", "csrf_token")


def _typed_text_to_resend() -> list[tuple[str, str, bool]] | None:
    """The fields of a failed form post that carried typed text (an answer, a note), to show
    and send again: (name, value, shown). None for other posts."""
    if request.method != "POST" or not any(name.endswith(("text", "note")) for name in request.form):
        return None
    return [
        (name, value, name.endswith(("text", "note")))
        for name, value in request.form.items(multi=True)
        if not any(secret in name for secret in SECRET_FIELDS)
    ]


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
        # The session says whether someone is signed in without loading them from the database,
        # so that this works when the database does not (the health check, the 503 page).
        if session.get("_user_id") and not request.path.startswith("/static/"):
            # A signed-in page is for this person only: no copy kept for the Back button on a shared computer.
            response.headers["Cache-Control"] = "no-store"
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


def template_helpers(app: Flask) -> None:
    from .templating import register_filters

    register_filters(app)
