"""``quizapp user``: create accounts, set passwords, end sessions without the web pages."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from quizapp.cli.common import fail


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
@click.option("--admin", is_flag=True, help="May register learning platforms (LTI) in the browser; teachers only.")
@with_appcontext
def user_create(name: str, role: str, password_stdin: bool, admin: bool) -> None:
    """Create an account without the web page (the web form's rules apply)."""
    from quizapp.services import accounts
    from quizapp.services.errors import QuizappError

    role = "learner" if role == "student" else role
    if admin and role != "teacher":
        fail("--admin is for teachers: add --role teacher")
    try:
        accounts.check_username(name)  # before asking for a password
        user = accounts.create_user(name, _read_password(password_stdin), role)
        if admin:
            user = accounts.set_admin(user.id, True)
    except QuizappError as exc:
        fail(str(exc))
    click.echo(f"Created {user.role} {user.username}{' (administrator)' if admin else ''}.", err=True)


@user_group.command("grant-admin")
@click.argument("name")
@click.option("--revoke", is_flag=True, help="Take the right away instead.")
@with_appcontext
def user_grant_admin(name: str, revoke: bool) -> None:
    """Let a teacher register learning platforms (LTI) in the browser (or, with --revoke, no longer)."""
    from quizapp.services import accounts
    from quizapp.services.errors import QuizappError

    try:
        user = accounts.set_admin(accounts.get_user(name).id, not revoke)
    except QuizappError as exc:
        fail(str(exc))
    click.echo(f"{user.username} is {'no longer ' if revoke else ''}an administrator.", err=True)


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
