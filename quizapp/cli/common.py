"""What every command shares: one line on stderr and exit 1 for a failure (no Flask import)."""

from __future__ import annotations

import sys

import click


def fail(message: str) -> None:
    """Print ``message`` on stderr and exit 1 (no traceback)."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)
