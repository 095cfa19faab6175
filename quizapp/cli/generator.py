"""``quizapp extract`` and ``quizapp generate``: the generator's command line.

Plain click commands with no Flask import, so they run without an app; the
``quizapp`` group registers them with ``cli.add_command(extract)`` and
``cli.add_command(generate)``. Bad input (missing, empty, binary or
non-UTF-8 files, malformed JSON lines) ends with a one-line message naming
the file or line and exit status 1, never a traceback.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from quizapp import formats
from quizapp.config import PROJECT_ROOT
from quizapp.files import write_atomically
from quizapp.generator import ArticleError, generate_questions, plain_article, read_article
from quizapp.generator import extract as extract_facts
from quizapp.generator.article import parse_date



@contextmanager
def _progress(files: tuple[str, ...], label: str):
    """A progress bar on stderr for multi-file runs; nothing for one file."""
    if len(files) > 1:
        with click.progressbar(files, label=label, file=sys.stderr) as bar:
            yield bar
    else:
        yield files


def _published(value: str | None):
    try:
        return parse_date(value)
    except ArticleError as exc:
        raise click.ClickException(f"--published: {exc}") from None


def _read(path: str, published) -> "object":
    try:
        article = read_article(path, published=published)
    except ArticleError as exc:
        raise click.ClickException(str(exc)) from None
    return dataclasses.replace(article, path=citation(path))


def citation(path: str) -> str:
    """How a bank file cites the article at ``path`` (its drafts' ``source.article``).

    Bank files in question_bank/ name articles by their path from the
    project folder (``seeds/<slug>.txt``), which ``init-db`` reads, and
    ``bank import`` finds an article by that path or by its slug (the file
    name's stem). A file outside the project is cited by its absolute path.
    """
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return resolved.as_posix()


@click.command("extract")
@click.argument("files", nargs=-1)
@click.option("--published", metavar="DATE", help="Publication date (YYYY-MM-DD) that relative dates resolve against.")
@click.option("--jsonl", is_flag=True, help='Read {"id", "text", "published"?} lines on stdin; write {"id", "facts"} lines.')
def extract_command(files: tuple[str, ...], published: str | None, jsonl: bool) -> None:
    """Print the facts (quotes, organizations, people, dates, places) of articles as JSON."""
    default_date = _published(published)
    if jsonl:
        if files:
            raise click.UsageError("--jsonl reads stdin; give no FILE")
        _extract_jsonl(default_date)
        return
    if not files:
        raise click.UsageError("give at least one article FILE (or --jsonl)")
    documents = []
    with _progress(files, "Extracting") as bar:
        for path in bar:
            documents.append(extract_facts(_read(path, default_date)).to_dict())
    out = documents[0] if len(documents) == 1 else documents
    click.echo(json.dumps(out, ensure_ascii=False, indent=2))


def _extract_jsonl(default_date) -> None:
    stdin = sys.stdin
    for number, line in enumerate(stdin, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise click.ClickException(f"stdin: line {number}: not JSON ({exc.msg})") from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise click.ClickException(f'stdin: line {number}: expected an object with a "text" string')
        try:
            date = parse_date(record["published"]) if record.get("published") else default_date
            article = plain_article(record["text"], slug=str(record.get("id") or ""), published=date)
        except ArticleError as exc:
            raise click.ClickException(f"stdin: line {number}: {exc}") from None
        facts = extract_facts(article).to_list()
        click.echo(json.dumps({"id": record.get("id"), "facts": facts}, ensure_ascii=False))


@click.command("generate")
@click.argument("files", nargs=-1, required=True)
@click.option("-o", "--output", "out", metavar="OUT", help="Write to this file instead of stdout.")
@click.option("--format", "fmt", type=click.Choice(formats.OUTPUT_FORMATS),
              help="Output format (default: from OUT's extension, else yaml).")
@click.option("--published", metavar="DATE", help="Publication date for articles without one.")
@click.option("--all-forms", is_flag=True,
              help="Also write every other form of each fact (tagged alternative) after its best one.")
@click.option("-v", "--verbose", is_flag=True, help="List every field the format leaves out (default: a summary).")
def generate_command(files: tuple[str, ...], out: str | None, fmt: str | None, published: str | None,
                     all_forms: bool, verbose: bool) -> None:
    """Write candidate questions (status draft, with provenance) for articles: each fact once, best first."""
    try:  # like bank export: the extension names the format, an unknown one is refused before any work
        fmt = fmt or (formats.output_format(None, out) if out else "yaml")
    except formats.FormatError as exc:
        raise click.ClickException(str(exc)) from None
    if fmt in formats.WRITE_ONLY and not out:
        raise click.ClickException(f"{fmt} is a binary file: give -o FILE")
    default_date = _published(published)
    questions: list[dict] = []
    with _progress(files, "Generating") as bar:
        for path in bar:
            questions.extend(generate_questions(_read(path, default_date), all_forms=all_forms))
    data = _serialize(questions, fmt, Path(out).stem if out else "quizapp drafts", verbose)
    if out:
        try:
            write_atomically(out, data)
        except OSError as exc:
            raise click.ClickException(f"{out}: cannot write ({exc.strerror})") from None
        click.echo(f"{len(questions)} questions written to {out}", err=True)
    else:
        text = data.decode("utf-8")
        click.echo(text, nl=not text.endswith("\n"))


def _serialize(questions: list[dict], fmt: str, title: str, verbose: bool) -> bytes:
    from quizapp.cli.convert import print_warnings

    data, lost = formats.serialize_bytes(questions, fmt, title)
    if lost and fmt == "gift" and not verbose:
        click.echo("note: GIFT has no place for fact and source; they are left out", err=True)
    elif lost:
        print_warnings(list(lost), verbose)
    return data


#: The command objects to register on the ``quizapp`` group.
extract = extract_command
generate = generate_command

__all__ = ["extract", "generate"]


if __name__ == "__main__":  # pragma: no cover - a convenience for development
    sys.exit(click.Group(commands={"extract": extract, "generate": generate})())
