"""The ``quizapp`` group: Flask's CLI group plus the project's commands.

Commands live one group per module beside this one; :data:`APP_COMMANDS` is
the table of contents. ``quizapp.app`` never imports this package: its
``app.cli`` loads :data:`APP_COMMANDS` by name when a command first runs.
"""

from __future__ import annotations

import os

import click
from flask import current_app
from flask.cli import FlaskGroup

from quizapp.cli.backup import backup_command
from quizapp.cli.bank import bank_group
from quizapp.cli.database import init_db
from quizapp.cli.generator import extract_command, generate_command
from quizapp.cli.lti import lti_group
from quizapp.cli.scores import scores_group
from quizapp.cli.serve import serve_command
from quizapp.cli.users import user_group
from quizapp.cli.worker import worker_command


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
        url = os.environ.get("DATABASE_URL")
    return describe_database_error(exc, url)


@click.group(cls=QuizappGroup, create_app=_create_app, add_version_option=False)
def cli() -> None:
    """quizapp: turn news articles into curated quizzes."""


#: Commands on the ``quizapp`` group and on ``app.cli`` (see quizapp.app.register_commands).
#: extract, generate and bank convert are pure: they never create the app.
APP_COMMANDS = (init_db, user_group, bank_group, scores_group, extract_command, generate_command, serve_command,
                backup_command, worker_command, lti_group)

for _command in APP_COMMANDS:
    cli.add_command(_command)
