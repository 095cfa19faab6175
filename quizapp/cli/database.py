"""``quizapp init-db``: create or upgrade the schema and load the shipped question bank."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from quizapp.cli.common import fail


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
