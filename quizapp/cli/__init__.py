"""The ``quizapp`` command line, one module per command group.

=============  ==============================================================
``group``      the ``quizapp`` group (Flask's, plus database errors in one
               line) and :data:`~quizapp.cli.group.APP_COMMANDS`
``database``   ``init-db``
``users``      ``user create | password | end-sessions``
``bank``       ``bank import | export`` (needs the app)
``convert``    ``bank convert`` (pure: no Flask, no database)
``generator``  ``extract``, ``generate`` (pure: no Flask, no database)
``scores``     ``scores export``
``backup``     ``backup``
``serve``      ``serve`` (gunicorn, see :mod:`quizapp.serve`)
``worker``     ``worker``: background jobs (see :mod:`quizapp.jobs`)
``common``     ``fail``: one line on stderr, exit 1
=============  ==============================================================

Importing this package loads no Flask, so the pure modules stay pure; the
group is built on first use of :data:`cli` or :func:`main`.
"""

from __future__ import annotations


def main() -> None:
    """The ``quizapp`` console script."""
    from quizapp.cli.group import cli

    cli(prog_name="quizapp")


def __getattr__(name: str):
    if name == "cli":  # ``from quizapp.cli import cli`` without a Flask import at package import
        from quizapp.cli.group import cli

        return cli
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
