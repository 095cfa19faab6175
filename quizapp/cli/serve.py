"""``quizapp serve``: the production server (gunicorn, see :mod:`quizapp.serve`)."""

from __future__ import annotations

import click

from quizapp.cli.common import fail


@click.command("serve")
@click.option("--bind", default="127.0.0.1:8000", show_default=True, help="Address and port to listen on.")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Worker processes (default: 2 per core, 2 to 8).")
@click.option("--threads", type=click.IntRange(1, 64), default=1, show_default=True, help="Threads per worker.")
@click.option("--trusted-proxies", type=click.IntRange(0, 10), default=0, show_default=True,
              help="Number of reverse proxies in front whose X-Forwarded-* headers are trusted.")
@click.option("--secure-cookies/--no-secure-cookies", default=None,
              help="Send cookies over HTTPS only (default: on when --trusted-proxies is set).")
@click.option("--iframe-cookies/--no-iframe-cookies", default=None,
              help="Session cookies an LMS's iframe can carry (SameSite=None; LTI). Needs secure cookies "
                   "(HTTPS); default: on with secure cookies.")
@click.option("--timeout", type=click.IntRange(5, 600), default=30, show_default=True, help="Worker timeout in seconds.")
@click.option("--job-workers", type=click.IntRange(0, 32), default=1, show_default=True,
              help="`quizapp worker` processes to run beside gunicorn for background jobs (0: you start them).")
def serve_command(bind, workers, threads, trusted_proxies, secure_cookies, iframe_cookies, timeout,
                  job_workers) -> None:
    """Run the production server (gunicorn) and its background-job workers.

    Web workers never run jobs: articles become drafts in `quizapp worker`
    processes, here --job-workers of them, or started elsewhere with
    --job-workers 0 (another machine sharing the database and a Redis or
    PostgreSQL JOB_QUEUE).
    """
    from quizapp.serve import default_workers, serve

    if secure_cookies is None:
        secure_cookies = trusted_proxies > 0
    if iframe_cookies and not secure_cookies:
        fail("--iframe-cookies needs secure cookies (HTTPS): browsers refuse SameSite=None cookies without Secure; "
             "add --secure-cookies")
    _check_database()
    if iframe_cookies is None:
        iframe_cookies = secure_cookies
    serve(bind, workers or default_workers(), threads, trusted_proxies, secure_cookies, timeout, job_workers,
          iframe_cookies)


def _check_database() -> None:
    """Refuse to serve a database that cannot be reached or has no tables (one line, exit 1)."""
    from quizapp.app import create_app
    from quizapp.config import schema_problem
    from quizapp.extensions import db

    app = create_app()
    with app.app_context():
        try:
            with db.engine.connect() as connection:
                problem = schema_problem(connection)
        finally:
            db.engine.dispose()
    if problem:
        fail(problem)
