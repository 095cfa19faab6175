"""``quizapp backup OUT``: a consistent online backup of the database.

SQLite: the sqlite3 backup API copies a consistent snapshot while the app
keeps writing (WAL readers do not block the writer). PostgreSQL: ``pg_dump
--format=custom`` dumps one consistent snapshot. Either way the backup is
written beside OUT and renamed into place, so OUT is a whole backup or
untouched. Restoring is described in docs/backup.md.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from quizapp.files import replacing


class BackupError(Exception):
    """A backup that could not be made; the message says why."""


def backup_sqlite(database: str, out: Path) -> None:
    """Copy the SQLite database at ``database`` to ``out`` with the backup API."""
    if not database or database == ":memory:" or not Path(database).exists():
        raise BackupError(f"there is no SQLite database file at {database or '(memory)'}")
    source = sqlite3.connect(database, timeout=30)
    try:
        target = sqlite3.connect(out)
        try:
            source.backup(target)  # one step: a consistent snapshot
            check = target.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise BackupError(f"the backup failed its integrity check: {check}")
            target.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        finally:
            target.close()
    finally:
        source.close()


def backup_postgresql(url: sa.URL, out: Path) -> None:
    """Dump the PostgreSQL database at ``url`` to ``out`` with ``pg_dump -Fc``."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError("pg_dump was not found; install the PostgreSQL client (postgresql-client)")
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)  # never on the command line (ps shows it)
    dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    result = subprocess.run(
        [pg_dump, "--format=custom", "--no-owner", "--file", str(out), "--dbname", dsn],
        env=env, capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip() or result.returncode}")


def backup(url: str | sa.URL, out: str | os.PathLike[str]) -> int:
    """Back up the database at ``url`` to ``out``; returns the backup's size in bytes.

    :raises BackupError: when the database cannot be backed up or OUT not written.
    """
    url = sa.make_url(url)
    out = Path(out)
    if not out.parent.is_dir():
        raise BackupError(f"{out.parent} is not a directory")
    with replacing(out, mode=0o600) as tmp:  # a backup holds password hashes: private
        if url.get_backend_name() == "sqlite":
            tmp.unlink()  # sqlite3 creates it
            backup_sqlite(url.database or "", tmp)
        elif url.get_backend_name() == "postgresql":
            backup_postgresql(url, tmp)
        else:
            raise BackupError(f"cannot back up a {url.get_backend_name()} database")
    return out.stat().st_size


@click.command("backup")
@click.argument("out", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(out: str) -> None:
    """Write a consistent online backup of the database to OUT (see docs/backup.md)."""
    url = sa.make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        size = backup(url, out)
    except (BackupError, sqlite3.Error, OSError) as exc:
        click.echo(f"Error: {exc} (no backup was written)", err=True)
        sys.exit(1)
    click.echo(f"Backed up the {url.get_backend_name()} database to {out} ({size:,} bytes).", err=True)
