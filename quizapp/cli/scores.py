"""``quizapp scores export``: the gradebook or every response, streamed to a file or stdout."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from quizapp.formats import tables

FORMAT_NAMES = ", ".join(tables.FORMATS)


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@click.group("scores")
def scores_group() -> None:
    """Score exports: the gradebook and every response."""


@scores_group.command("export")
@click.argument("out")
@click.option("--format", "fmt", metavar="csv|xlsx|json",
              help="Output format (json = JSON lines); default: from OUT's extension.")
@click.option("--excel", is_flag=True, help="CSV for Excel: a byte-order mark and CRLF line ends.")
@click.option("--kind", default="gradebook", show_default=True, metavar="gradebook|responses",
              help="One row per learner (grades per quiz) or one row per answer.")
@click.option("--quiz", metavar="SLUG", help="Only this quiz.")
@click.option("--class", "classroom", metavar="CODE", help="Only the learners of this class (join code or id).")
@click.option("--since", metavar="DATE", help="From this day (YYYY-MM-DD, UTC), inclusive.")
@click.option("--until", metavar="DATE", help="To this day (YYYY-MM-DD, UTC), inclusive.")
@with_appcontext
def export_command(out, fmt, excel, kind, quiz, classroom, since, until) -> None:
    """Export scores to OUT (a .csv, .xlsx or .json/.jsonl file, or - for standard output).

    A file is written to a temporary name beside it and renamed when
    complete, so a failed export leaves no partial file.
    """
    from quizapp.services import exports
    from quizapp.services.errors import QuizappError

    fmt = fmt or (None if out == "-" else tables.format_for_path(out))
    if fmt is None:
        _fail(f"cannot tell the format of “{out}”: give --format ({FORMAT_NAMES}) "
              "or a .csv, .xlsx, .json or .jsonl file name.")
    if fmt not in tables.FORMATS:
        _fail(f"unknown format “{fmt}”; choose {FORMAT_NAMES}.")
    if excel and fmt != "csv":
        _fail("--excel applies to CSV only.")
    if fmt == "xlsx" and out == "-":
        _fail("XLSX is a binary file: give a file name, not -.")
    if out != "-" and not Path(out).resolve().parent.is_dir():
        _fail(f"{out}: the folder does not exist.")
    try:
        table = exports.export_table(kind, exports.ExportFilters(
            quiz=quiz, classroom=classroom,
            since=exports.parse_date(since, "--since"), until=exports.parse_date(until, "--until"),
        ))
        count = _write(out, fmt, table, excel)
    except QuizappError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"{out}: {exc.strerror or exc}")
    click.echo(f"{count} row(s) written to {out} ({kind}, {fmt}).", err=True)


def _write(out: str, fmt: str, table, excel: bool) -> int:
    from quizapp.services import exports

    if out == "-":
        stream = sys.stdout
        if fmt == "csv":
            return tables.write_csv(stream, table.headers, table.rows, excel=excel)
        return tables.write_jsonl(stream, table.headers, table.rows)
    return exports.write_file(out, fmt, table, excel=excel)


@scores_group.command("regrade")
@click.option("--quiz", metavar="SLUG", help="Only the answers of this quiz.")
@click.option("--apply", "apply_changes", is_flag=True, help="Re-grade the answers listed (asks to confirm).")
@click.option("--yes", is_flag=True, help="With --apply: do not ask to confirm.")
@click.option("-v", "--verbose", is_flag=True, help="List every answer that changes (default: the first 20).")
@with_appcontext
def regrade_command(quiz, apply_changes, yes, verbose) -> None:
    """Show which recorded answers the current grading rules score differently; re-grade them with --apply."""
    from quizapp.services import regrade
    from quizapp.services.errors import QuizappError

    try:
        plan = regrade.plan_regrade(quiz)
    except QuizappError as exc:
        _fail(str(exc))
    click.echo(f"Re-grading with the current rules: {plan.summary()}.")
    shown = plan.changes if verbose else plan.changes[:20]
    for change in shown:
        click.echo(f"  attempt {change.attempt_id}, question {change.question}: "
                   f"{change.response!r} scored {change.old:g}, would score {change.new:g}")
    if len(shown) < len(plan.changes):
        click.echo(f"  … and {len(plan.changes) - len(shown)} more (-v lists them all)")
    if not plan.changes:
        return
    if not apply_changes:
        click.echo("Nothing was changed; run again with --apply to re-grade these answers.")
        return
    if not yes and not click.confirm(f"Re-grade these {len(plan.changes)} answer(s)?", default=False):
        click.echo("Nothing was changed.")
        return
    done = regrade.apply_regrade(quiz)
    click.echo(f"Re-graded {len(done.changes)} answer(s) in {len(done.attempts)} attempt(s).")
