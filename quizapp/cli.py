"""The ``quizapp`` command: Flask's CLI group plus the project's commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from quizapp.cli_formats import convert as convert_command
from quizapp.cli_generator import extract_command, generate_command


def _create_app():
    from quizapp.app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
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
    click.echo(f"Database ready. {report.summary()}.")


@click.group("user")
def user_group() -> None:
    """Manage accounts."""


@user_group.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(["learner", "student", "teacher"]), default="learner", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def user_create(name: str, role: str, password_stdin: bool) -> None:
    """Create an account without the web page."""
    from quizapp.services import accounts
    from quizapp.services.errors import QuizappError

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_user(name, password, "learner" if role == "student" else role)
    except QuizappError as exc:
        fail(str(exc))
    click.echo(f"Created {user.role} {user.username}.")


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

    if secure_cookies is None:
        secure_cookies = trusted_proxies > 0
    serve(bind, workers or default_workers(), threads, trusted_proxies, secure_cookies, timeout)


@click.group("bank")
def bank_group() -> None:
    """Question bank files: convert between formats, import, export."""


bank_group.add_command(convert_command)

#: Commands on the ``quizapp`` group and on ``app.cli`` (see register_commands).
#: extract, generate and bank convert are pure: they never create the app.
APP_COMMANDS = (init_db, user_group, bank_group, extract_command, generate_command, serve_command)

for _command in APP_COMMANDS:
    cli.add_command(_command)


def register_commands(app) -> None:
    """Attach the project's commands to ``app.cli`` (``flask`` and test runners)."""
    for command in APP_COMMANDS:
        app.cli.add_command(command)


def main() -> None:
    cli(prog_name="quizapp")
