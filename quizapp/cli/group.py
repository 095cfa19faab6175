"""The ``quizapp`` command: Flask's CLI group plus the project's commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from quizapp.cli.backup import backup_command
from quizapp.cli.convert import convert as convert_command
from quizapp.cli.convert import print_warnings
from quizapp.cli.generator import extract_command, generate_command
from quizapp.cli.scores import scores_group
from quizapp.files import write_atomically


def _create_app():
    from quizapp.app import create_app

    return create_app()


class QuizappGroup(FlaskGroup):
    """Flask's group, turning a database that is wrong or not set up into one line, exit 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except Exception as exc:
            message = _database_problem(exc)
            if message is None:
                raise
            raise click.ClickException(message) from None


def _database_problem(exc: BaseException) -> str | None:
    from quizapp.config import describe_database_error

    try:
        url = current_app.config.get("SQLALCHEMY_DATABASE_URI")
    except RuntimeError:  # no app: it failed while being created
        url = None
    if url is None:
        import os

        url = os.environ.get("DATABASE_URL")
    return describe_database_error(exc, url)


@click.group(cls=QuizappGroup, create_app=_create_app, add_version_option=False)
def cli() -> None:
    """quizapp: turn news articles into curated quizzes."""


def fail(message: str) -> None:
    """Print ``message`` on stderr and exit 1 (no traceback)."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the schema and load question_bank/ (safe to run twice)."""
    from flask_migrate import upgrade

    from quizapp.services.bank import load_bank_dir
    from quizapp.services.errors import QuizappError

    upgrade(directory=current_app.config["MIGRATIONS_DIR"])
    bank_dir = current_app.config["QUESTION_BANK_DIR"]
    try:
        report = load_bank_dir(bank_dir, root=Path(current_app.config["SEEDS_DIR"]).parent)
    except QuizappError as exc:
        fail(f"{exc} (nothing was loaded)")
    click.echo(f"Database ready. {report.summary()}.", err=True)


@click.group("user")
def user_group() -> None:
    """Manage accounts."""


def _read_password(password_stdin: bool) -> str:
    """The password from the first line of stdin (UTF-8) or an interactive prompt."""
    if not password_stdin:
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.buffer.readline(64 * 1024) if hasattr(sys.stdin, "buffer") else sys.stdin.readline().encode()
    try:
        return line.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        fail("the password on standard input is not UTF-8 text")


@user_group.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(["learner", "student", "teacher"]), default="learner", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def user_create(name: str, role: str, password_stdin: bool) -> None:
    """Create an account without the web page (the web form's rules apply)."""
    from quizapp.services import accounts
    from quizapp.services.errors import QuizappError

    try:
        accounts.check_username(name)  # before asking for a password
        user = accounts.create_user(name, _read_password(password_stdin), "learner" if role == "student" else role)
    except QuizappError as exc:
        fail(str(exc))
    click.echo(f"Created {user.role} {user.username}.", err=True)


@user_group.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input.")
@with_appcontext
def user_password(name: str, password_stdin: bool) -> None:
    """Set an account's password; every session of the account ends."""
    from quizapp.services import accounts
    from quizapp.services.errors import QuizappError

    try:
        user = accounts.get_user(name)
        user = accounts.change_password(user.id, _read_password(password_stdin))
    except QuizappError as exc:
        fail(str(exc))
    click.echo(f"Password of {user.username} changed; every session of the account ended.", err=True)


@user_group.command("end-sessions")
@click.argument("name")
@with_appcontext
def user_end_sessions(name: str) -> None:
    """Log an account out everywhere (a lost device, a shared cookie)."""
    from quizapp.services import accounts
    from quizapp.services.errors import QuizappError

    try:
        user = accounts.end_sessions(accounts.get_user(name).id)
    except QuizappError as exc:
        fail(str(exc))
    click.echo(f"Every session of {user.username} ended.", err=True)


@click.command("serve")
@click.option("--bind", default="127.0.0.1:8000", show_default=True, help="Address and port to listen on.")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Worker processes (default: 2 per core, 2 to 8).")
@click.option("--threads", type=click.IntRange(1, 64), default=1, show_default=True, help="Threads per worker.")
@click.option("--trusted-proxies", type=click.IntRange(0, 10), default=0, show_default=True,
              help="Number of reverse proxies in front whose X-Forwarded-* headers are trusted.")
@click.option("--secure-cookies/--no-secure-cookies", default=None,
              help="Send cookies over HTTPS only (default: on when --trusted-proxies is set).")
@click.option("--timeout", type=click.IntRange(5, 600), default=30, show_default=True, help="Worker timeout in seconds.")
def serve_command(bind, workers, threads, trusted_proxies, secure_cookies, timeout) -> None:
    """Run the production server (gunicorn)."""
    from quizapp.serve import default_workers, serve

    _check_database()
    if secure_cookies is None:
        secure_cookies = trusted_proxies > 0
    serve(bind, workers or default_workers(), threads, trusted_proxies, secure_cookies, timeout)


def _check_database() -> None:
    """Refuse to serve a database that cannot be reached or has no tables (one line, exit 1)."""
    from quizapp.app import create_app
    from quizapp.config import schema_problem
    from quizapp.extensions import db

    app = create_app()
    with app.app_context():
        try:
            with db.engine.connect() as connection:
                problem = schema_problem(connection)
        finally:
            db.engine.dispose()
    if problem:
        fail(problem)


@click.group("bank")
def bank_group() -> None:
    """Question bank files: convert between formats, import, export."""


bank_group.add_command(convert_command)


@bank_group.command("import")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--from", "from_fmt", metavar="F", help="Format (yaml, json, gift, xml, csv); default from the extension.")
@click.option("--dry-run", is_flag=True, help="Show what would be imported; write nothing.")
@with_appcontext
def bank_import(path: str, from_fmt: str | None, dry_run: bool) -> None:
    """Import a bank file into the database, all or nothing."""
    from quizapp import formats
    from quizapp.services import bank
    from quizapp.services.errors import QuizappError

    try:
        fmt = formats.get_format(from_fmt).NAME if from_fmt else formats.format_for(path)
        questions = formats.read_bank(path, fmt)
        report = (bank.preview_import if dry_run else bank.import_questions)(questions, fmt=fmt)
    except (formats.FormatError, QuizappError) as exc:
        fail(f"{exc} (nothing was imported)")
    except OSError as exc:
        fail(f"{path}: {exc.strerror or exc}")
    click.echo(_describe_import(report, dry_run), err=not dry_run)


def _describe_import(report, dry_run: bool) -> str:
    lines = [f"{'Dry run: would import' if dry_run else 'Imported'}: {report.summary()}."]
    if dry_run:
        for label, ids in (("new", report.new), ("changed", report.changed)):
            for qid in ids:
                fields = ", ".join(change.field for change in report.changes.get(qid, []))
                lines.append(f"  {label}: {qid}" + (f" ({fields})" if fields else ""))
    lines += [f"note: {note}" for note in report.notes]
    if dry_run:
        lines.append("Nothing was written.")
    return "\n".join(lines)


@bank_group.command("export")
@click.argument("out", type=click.Path(dir_okay=False))
@click.option("--to", "to_fmt", metavar="F", help="Format (yaml, json, gift, xml, csv, apkg); default from OUT's extension.")
@click.option("--status", type=click.Choice(["published", "draft", "retired"]), help="Only questions with this status.")
@click.option("--quiz", "quiz_slug", metavar="SLUG", help="Only this quiz's questions, in quiz order.")
@click.option("-v", "--verbose", is_flag=True, help="List every warning (default: a count and the first few).")
@with_appcontext
def bank_export(out: str, to_fmt: str | None, status: str | None, quiz_slug: str | None, verbose: bool) -> None:
    """Export the bank (or a quiz) to a file; an .apkg is an Anki deck."""
    from quizapp.formats import FormatError
    from quizapp.services import bank
    from quizapp.services.errors import QuizappError

    try:
        export = bank.export_as(bank.export_format(to_fmt, out), status=status, quiz=quiz_slug)
        write_atomically(out, export.data)
    except (FormatError, QuizappError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{out}: {exc.strerror or exc}")
    print_warnings(list(export.warnings), verbose)
    click.echo(f"{export.count} questions written to {out} ({export.fmt}).", err=True)


#: Commands on the ``quizapp`` group and on ``app.cli`` (see quizapp.app.register_commands).
#: extract, generate and bank convert are pure: they never create the app.
APP_COMMANDS = (init_db, user_group, bank_group, scores_group, extract_command, generate_command, serve_command,
                backup_command)

for _command in APP_COMMANDS:
    cli.add_command(_command)

