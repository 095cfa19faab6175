"""``quizapp worker``: take background jobs (articles becoming drafts) off the queue."""

from __future__ import annotations

import logging
import os

import click
from flask.cli import with_appcontext

from quizapp.cli.common import fail


@click.command("worker")
@with_appcontext
@click.option("--threads", type=click.IntRange(1, 32), default=1, show_default=True,
              help="Jobs run at once by this worker (the generator uses one core per process: "
                   "for more cores, start more workers).")
@click.option("--nice", type=click.IntRange(0, 19), default=19, show_default=True,
              help="Scheduling niceness: learners' answers in the web processes go first on a shared machine "
                   "(19, the default, also asks Linux for SCHED_IDLE: only CPU time nobody else wants).")
def worker_command(threads: int, nice: int) -> None:
    """Run jobs from the queue named by JOB_QUEUE until stopped (Ctrl-C waits for the running job).

    Start as many as the machine has cores to spare, here or on other
    machines sharing the database and a Redis or PostgreSQL queue. A
    worker killed mid-job loses nothing: once the job's heartbeat has been
    silent for JOB_STALL_SECONDS it is queued again (by the next worker to
    start, or within the minute after) and resumes where it stopped.
    """
    from flask import current_app

    from quizapp import jobs

    app = current_app._get_current_object()
    if str(app.config["JOB_QUEUE"]) == "memory":
        fail("JOB_QUEUE=memory lives inside one process: a worker cannot share it. "
             "Use the default SQLite queue, redis://… or postgresql://….")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if nice:
        os.nice(nice)
    if nice == 19 and hasattr(os, "SCHED_IDLE"):
        # Linux: run only on CPU time nobody else wants, so that a learner's request is never kept waiting
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    try:
        consumer = jobs.worker(app, threads)
    except jobs.QueueError as exc:
        fail(str(exc))
    click.echo(f"quizapp worker: {threads} thread(s) on {jobs.describe(app)}", err=True)
    consumer.run()
