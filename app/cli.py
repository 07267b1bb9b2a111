"""The `rehearse` command: a Flask CLI group with the project's own commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate import upgrade

from . import clock
from .config import ConfigurationError
from .extensions import db
from .question_files import BankFileError, dump
from .services import accounts, bank
from .text import clean_text


def prepare_database() -> None:
    """Bring the schema up to date (a fresh database included). Safe to run every start."""
    upgrade(directory=current_app.config["MIGRATIONS_DIR"])


def register_commands(app: Flask) -> None:
    app.cli.add_command(serve)
    app.cli.add_command(questions)
    app.cli.add_command(users)
    app.cli.add_command(attempts)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--workers",
    show_default="2, or $WEB_CONCURRENCY",
    type=click.IntRange(1, 64),
    help="Worker processes.",
)
@with_appcontext
def serve(host: str, port: int, workers: int | None) -> None:
    """Prepare the database, load the question bank if it is empty, and serve the app."""
    from .server import run

    workers = workers or current_app.config["WORKERS"]
    _check_throttle_is_shared(workers)
    prepare_database()
    report = bank.load_seed_if_empty(Path(current_app.config["SEED_DIR"]))
    if report:
        click.echo(f"Loaded the question bank: {report}.")
    click.echo(f"Rehearse is running on http://{host}:{port}/ (press Ctrl+C to stop)")
    db.engine.dispose()  # workers open their own connections after the fork
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # the app behind the proxy, for gunicorn
    run(app, host=host, port=port, workers=workers)


def _check_throttle_is_shared(workers: int) -> None:
    """Several workers without Redis would each count sign-in failures alone (N times the limit):
    refused in production, a warning elsewhere."""
    if workers == 1 or not current_app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        return
    message = (
        f"REDIS_URL is not set, so each of the {workers} workers would count sign-in failures on its own. "
        "Set REDIS_URL, or serve with --workers 1."
    )
    if current_app.config["REQUIRE_SHARED_THROTTLE"]:
        raise click.ClickException(message)
    click.secho(f"Warning: {message}", err=True, fg="yellow")


@click.group()
def questions() -> None:
    """Import and export the question bank."""


@questions.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--category",
    help="Category for a plain-text file (default: 'Imported questions').",
)
@with_appcontext
def import_questions(file: Path, category: str | None) -> None:
    """Import FILE: the project's TOML or JSON, or the plain-text 'Question N / Answer:' layout.

    A question with the same slug is updated, so importing a file twice changes nothing. A file
    with an error is refused whole.
    """
    prepare_database()
    try:
        report = bank.import_file(file, category_name=category)
    except BankFileError as exc:
        raise click.ClickException(f"Nothing was imported. {exc}") from None
    click.echo(f"Imported {file.name}: {report}.")


@questions.command("export")
@click.option("--format", "fmt", type=click.Choice(["toml", "json"]), default="toml", show_default=True)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: standard output)."
)
@with_appcontext
def export_questions(fmt: str, output: Path | None) -> None:
    """Write the whole bank in a form that `questions import` reads back."""
    prepare_database()
    text = dump(bank.export_categories(), fmt)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {bank.question_count()} questions to {output}.", err=True)
    else:
        sys.stdout.write(text)


@click.group()
def users() -> None:
    """Manage accounts."""


@users.command("create")
@click.argument("email")
@click.option("--admin", is_flag=True, help="Give the account administrator rights.")
@with_appcontext
def create_user(email: str, admin: bool) -> None:
    """Create an account. Asks for the password twice (it can be piped: two lines)."""
    from .auth.forms import RegisterForm

    prepare_database()
    email = clean_text(email)  # the text rule, as for the web forms
    password = clean_text(click.prompt("Password", hide_input=True, confirmation_prompt="Repeat password"))
    with current_app.test_request_context():
        form = RegisterForm(meta={"csrf": False}, data={"email": email, "password": password, "confirm": password})
        if not form.validate():
            problems = [f"{form[name].label.text}: {msg}" for name, msgs in form.errors.items() for msg in msgs]
            raise click.ClickException("; ".join(problems))
    user = accounts.create_user(email, password, is_admin=admin)
    click.echo(f"Created {'administrator' if admin else 'user'} {user.email}.")


@users.command("reset-password")
@click.argument("email")
@with_appcontext
def reset_password(email: str) -> None:
    """Set a new password for an account (when the site cannot send email). Asks for it twice
    (it can be piped: two lines); every sign-in of the account ends."""
    from . import clock
    from .auth.forms import NewPasswordForm

    prepare_database()
    email = clean_text(email)
    user = accounts.find_user(email)
    if user is None:
        raise click.ClickException(f"No account has the email {accounts.normalise_email(email)}.")
    password = clean_text(click.prompt("New password", hide_input=True, confirmation_prompt="Repeat password"))
    with current_app.test_request_context():
        form = NewPasswordForm(meta={"csrf": False}, data={"password": password, "confirm": password})
        form.email_hint = user.email
        if not form.validate():
            raise click.ClickException("; ".join(msg for msgs in form.errors.values() for msg in msgs))
    accounts.set_password(user, password, clock.now())
    click.echo(f"Changed the password of {user.email}; its sign-ins were ended.")


@users.command("clean-up")
@with_appcontext
def clean_up() -> None:
    """Remove ended and expired sign-ins and used or expired reset links (run it from a scheduler;
    each user's are also removed when they sign in)."""
    from . import clock
    from .auth.routes import lifetimes

    prepare_database()
    sessions, resets = accounts.clean_up(clock.now(), lifetimes())
    click.echo(
        f"Removed {sessions} ended or expired sign-in{'' if sessions == 1 else 's'} "
        f"and {resets} used or expired reset link{'' if resets == 1 else 's'}."
    )


@click.group()
def attempts() -> None:
    """Housekeeping of interviews."""


@attempts.command("close-overdue")
@with_appcontext
def close_overdue() -> None:
    """Close interviews left open past their deadline and grace window (run it from a scheduler)."""
    from .services.interviews import close_overdue as close

    prepare_database()
    closed = close(clock.now(), current_app.config["GRACE_SECONDS"])
    click.echo(f"Closed {closed} overdue attempt{'' if closed == 1 else 's'}.")


class RehearseGroup(FlaskGroup):
    """The `rehearse` command. A configuration it cannot start with, or a database it cannot
    reach, is one line saying what to do, not a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ConfigurationError as exc:
            raise click.ClickException(str(exc)) from None
        except sa.exc.OperationalError as exc:
            raise click.ClickException(unreachable_database(exc)) from None


def unreachable_database(error: sa.exc.OperationalError) -> str:
    """One line: which database (without its password), what it said, what to check."""
    said = str(error.orig).strip().splitlines()[0] if error.orig else "no answer"
    where = ""
    if current_app:
        uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
        where = f" at {sa.engine.make_url(uri).render_as_string(hide_password=True)}"
    return (
        f"Cannot use the database{where} ({said}). Check DATABASE_URL, and that the database server "
        "is running and accepts connections from here."
    )


def main() -> None:
    cli = RehearseGroup(create_app=_create_app, help="Rehearse: timed mock interviews.")
    cli.main(prog_name="rehearse")


def _create_app():
    from . import create_app

    return create_app()
