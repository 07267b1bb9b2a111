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
from .question_files import FORMATS, MAX_FILE_BYTES, BankFileError, Problem, decode, detect_format, read
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
        click.echo(f"Loaded the question bank: {report.summary()}.")
    click.echo(f"Rehearse is running on http://{host}:{port}/ (press Ctrl+C to stop)")
    for engine in db.engines.values():
        engine.dispose()  # workers open their own connections after the fork
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
    help="Category for a file that names none (plain text, Markdown, CSV; default: 'Imported questions').",
)
@click.option(
    "--format", "fmt", type=click.Choice(list(FORMATS)), help="The file's format (default: from its extension)."
)
@click.option("--dry-run", is_flag=True, help="Only say what would change; write nothing.")
@with_appcontext
def import_questions(file: Path, category: str | None, fmt: str | None, dry_run: bool) -> None:
    """Import FILE into the shared bank: the project's TOML or JSON, the plain-text
    'Question N / Answer:' layout, Markdown (a heading per question) or CSV (one question a row).

    A question with the same slug is changed in place, so importing a file twice changes
    nothing. A file with an error is refused whole, with every problem and its line.
    """
    prepare_database()
    try:
        plan = bank.plan_parsed(_parsed_file(file, fmt, category))
        if plan.problems:
            raise BankFileError(file.name, plan.problems)
    except BankFileError as exc:
        raise click.ClickException(f"Nothing was imported. {exc}") from None
    for category_change in plan.categories:
        if category_change.kind != "unchanged":
            fields = ", ".join(category_change.fields)
            click.echo(f"  category {category_change.data.slug}: {category_change.kind} {fields}".rstrip())
    for change in plan.changed:
        click.echo(f"  question {change.question.slug}: {', '.join(change.fields)}")
    if dry_run:
        click.echo(f"Dry run of {file.name}: {plan.summary()}; nothing was written.")
        return
    bank.run_import_plan(plan)
    click.echo(f"Imported {file.name}: {plan.summary()}.")


def _parsed_file(file: Path, fmt: str | None, category: str | None):
    text = decode_file(file)
    parsed = read(text, fmt or detect_format(text, file.name), category_name=category)
    if parsed.problems:
        raise BankFileError(file.name, parsed.problems)
    return parsed


def decode_file(file: Path) -> str:
    if file.stat().st_size > MAX_FILE_BYTES:
        raise BankFileError(
            file.name, [Problem(None, f"it has {file.stat().st_size:,} bytes; the limit is {MAX_FILE_BYTES:,}")]
        )
    try:
        return decode(file.read_bytes())
    except BankFileError as exc:
        raise BankFileError(file.name, exc.problems) from None


@questions.command("export")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="toml", show_default=True)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: standard output)."
)
@with_appcontext
def export_questions(fmt: str, output: Path | None) -> None:
    """Write the whole shared bank in a form that `questions import` reads back."""
    prepare_database()
    text = bank.export(fmt)
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


@attempts.command("rescore")
@click.option("--all", "everything", is_flag=True, help="Also attempts scored by an earlier version of the scorer.")
@click.option("--missing", "missing", is_flag=True, help="Only attempts without scores (the default).")
@with_appcontext
def rescore(everything: bool, missing: bool) -> None:
    """Score closed attempts again with this version of the scorer. Old scores keep their
    version until this is run; the users' own key-point checks are kept."""
    from .scoring import SCORER_VERSION
    from .services.scores import rescore as run

    if everything and missing:
        raise click.UsageError("Choose --all or --missing, not both.")
    prepare_database()
    done = 0
    for done in run(everything):
        click.echo(f"Scored {done} attempt{'' if done == 1 else 's'} again…", err=True)
    if done:
        click.echo(f"Scored {done} attempt{'' if done == 1 else 's'} again with scorer {SCORER_VERSION}.")
    else:
        click.echo("Nothing to score again." if everything else "Nothing to score again: no attempt lacks scores.")


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
