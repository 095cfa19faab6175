"""``quizapp bank``: import and export bank files against the database (``convert`` needs none)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from quizapp import formats
from quizapp.cli.common import fail
from quizapp.cli.convert import convert as convert_command
from quizapp.cli.convert import print_warnings
from quizapp.files import write_atomically


@click.group("bank")
def bank_group() -> None:
    """Question bank files: convert between formats, import, export."""


bank_group.add_command(convert_command)


@bank_group.command("import")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--from", "from_fmt", metavar="F", help=f"Format ({', '.join(formats.FORMATS)}); default from the extension.")
@click.option("--dry-run", is_flag=True, help="Show what would be imported; write nothing.")
@click.option("--partial", is_flag=True,
              help="Import the questions that can be, leaving out those listed as skipped.")
@click.option("--update", is_flag=True,
              help="GIFT/XML: ids written in the file replace the bank's questions with those ids, "
                   "whatever file they were imported from.")
@with_appcontext
def bank_import(path: str, from_fmt: str | None, dry_run: bool, partial: bool, update: bool) -> None:
    """Import a bank file into the database, all or nothing (or, with --partial, all that can be)."""
    from quizapp.services import bank
    from quizapp.services.errors import QuizappError

    parsed = formats.ParseReport()
    try:
        fmt = formats.get_format(from_fmt).NAME if from_fmt else formats.format_for(path)
        questions = formats.read_bank(path, fmt, report=parsed)
        if not questions:
            fail(f"{bank.nothing_importable(parsed, shown=len(parsed.skipped))} (nothing was imported)")
        if parsed.skipped and not dry_run and not partial:
            for error in parsed.skipped:
                click.echo(f"skipped: {error}", err=True)
            fail(f"{len(parsed.skipped)} question(s) of {path} cannot be imported (listed above); nothing was "
                 f"imported. Run again with --partial to import the other {len(questions)}.")
        report = (bank.preview_import if dry_run else bank.import_questions)(
            questions, fmt=fmt, parsed=parsed, source=path, update=update)
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
    lines += [f"new: {qid}: {reason}" for qid, reason in report.renamed.items()]
    lines += [f"new: {qid}: likely duplicate of {twin} (same type and text); not merged"
              for qid, twin in report.duplicates.items()]
    lines += [f"skipped: {error}" for error in report.skipped]
    lines += [f"warning: {warning}" for warning in report.warnings]
    lines += [f"note: {note}" for note in report.notes]
    if dry_run:
        lines.append("Nothing was written.")
    return "\n".join(lines)


@bank_group.command("export")
@click.argument("out", type=click.Path(dir_okay=False))
@click.option("--to", "to_fmt", metavar="F",
              help=f"Format ({', '.join(formats.OUTPUT_FORMATS)}); default from OUT's extension.")
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
