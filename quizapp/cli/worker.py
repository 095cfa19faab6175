"""``quizapp worker``: take background jobs (articles becoming drafts) off the queue."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from pathlib import Path

import click
from flask.cli import with_appcontext

from quizapp.cli.common import fail


#: Where Linux keeps the niceness of a session's autogroup (kernels with CONFIG_SCHED_AUTOGROUP).
AUTOGROUP = Path("/proc/self/autogroup")


def run_behind_everyone() -> None:
    """Ask Linux for only the CPU time nobody else wants, so that a learner's request never waits.

    SCHED_IDLE puts the worker behind every other process *of its session*.
    With autogroups (most desktop and many server kernels) the kernel first
    shares the CPU fairly between sessions, so a worker in a session of its
    own would still take half of a core from gunicorn's session; a worker
    that leads its own session (``quizapp serve`` starts it so) also sets its
    session's niceness to 19, a weight of 15 against 1,024. A worker started
    by hand in a terminal leads no session, and leaves the terminal's alone.
    """
    if hasattr(os, "SCHED_IDLE"):
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    if os.getsid(0) == os.getpid():
        try:
            AUTOGROUP.write_text("19")
        except OSError:  # no autogroups here, or a kernel that refuses: SCHED_IDLE alone then
            pass


def end_with_parent(parent: int) -> None:
    """Stop (SIGTERM: huey's quick stop; the job is queued again later) once ``parent`` is gone.

    ``quizapp serve`` starts its workers in sessions of their own, out of
    reach of a signal to its process group; this keeps one from outliving it.
    """
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        logging.getLogger(__name__).warning("quizapp serve (pid %s) is gone; stopping", parent)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


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
    if nice == 19:
        run_behind_everyone()
    if os.environ.get("QUIZAPP_WORKER_PARENT"):
        end_with_parent(int(os.environ["QUIZAPP_WORKER_PARENT"]))
    try:
        consumer = jobs.worker(app, threads)
    except jobs.QueueError as exc:
        fail(str(exc))
    click.echo(f"quizapp worker: {threads} thread(s) on {jobs.describe(app)}", err=True)
    consumer.run()
