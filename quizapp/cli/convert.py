"""``quizapp bank convert``: bank files from one format to another, no database.

Pure click (no Flask import), so it also runs without an app; the ``quizapp``
group registers :data:`convert`.
"""

from __future__ import annotations

import sys

import click

from quizapp import formats
from quizapp.files import write_atomically
from quizapp.formats import FormatError


@click.command("convert", help=f"""Convert a question bank file between formats (no database).

    Formats come from the extensions ({formats.extension_list()}; OUT also
    .apkg, an Anki deck) unless given. ``-`` reads stdin or writes stdout
    (then give the format). Fields the output format cannot carry are listed
    as warnings on stderr; a bad input file is reported with its line and
    nothing is written.
    """)
@click.argument("in_path", metavar="IN", type=click.Path(dir_okay=False, allow_dash=True))
@click.argument("out_path", metavar="OUT", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--from", "from_fmt", metavar="F", help=f"Input format ({', '.join(formats.FORMATS)}); default from IN's extension.")
@click.option("--to", "to_fmt", metavar="F", help="Output format; default from OUT's extension.")
@click.option("-v", "--verbose", is_flag=True, help="List every warning (default: a count and the first few).")
def convert(in_path: str, out_path: str, from_fmt: str | None, to_fmt: str | None, verbose: bool) -> None:
    try:
        source_fmt = formats.get_format(from_fmt).NAME if from_fmt else _format_of(in_path, "--from")
        target_fmt = formats.output_format(to_fmt) if to_fmt else _format_of(out_path, "--to", writing=True)
        if out_path == "-" and target_fmt in formats.WRITE_ONLY:
            raise FormatError(f"{target_fmt} is a binary file: give a file name, not -")
        if in_path == "-":
            with click.open_file("-", "rb") as stdin:
                text = formats.decode(stdin.read(), "<stdin>")
            questions = formats.parse(text, source_fmt, "<stdin>")
        else:
            questions = formats.read_bank(in_path, source_fmt)
        output, warnings = formats.serialize_bytes(questions, target_fmt)
    except FormatError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(1)
    except OSError as err:
        click.echo(f"error: {in_path}: {err.strerror or err}", err=True)
        sys.exit(1)
    print_warnings(list(warnings), verbose)
    if out_path == "-":
        click.echo(output.decode("utf-8"), nl=False)
        return
    try:
        write_atomically(out_path, output)
    except OSError as err:
        click.echo(f"error: {out_path}: {err.strerror or err}", err=True)
        sys.exit(1)
    click.echo(f"{formats.written_count(questions, target_fmt)} questions written to {out_path} ({target_fmt})",
               err=True)


#: warnings shown without -v; the rest are counted
WARNINGS_SHOWN = 3


def print_warnings(warnings: list[str], verbose: bool) -> None:
    """Warnings on stderr: all of them with ``-v``, else a count and the first few
    (questions left out first: they matter more than a field a format cannot carry)."""
    warnings = sorted(warnings, key=lambda w: "left out" not in w or "cannot carry" in w)
    shown = warnings if verbose or len(warnings) <= WARNINGS_SHOWN + 1 else warnings[:WARNINGS_SHOWN]
    for warning in shown:
        click.echo(f"warning: {warning}", err=True)
    if len(shown) < len(warnings):
        click.echo(f"... and {len(warnings) - len(shown)} more warning(s), {len(warnings)} in all "
                   "(use -v to see all)", err=True)


def _format_of(path: str, option: str, writing: bool = False) -> str:
    if path == "-":
        raise FormatError(f"give {option} when reading or writing '-'")
    return formats.format_for(path, writing=writing)


