"""Background jobs: a huey queue, embedded by default, a broker by configuration.

Work too slow for a request (an article becoming drafts, a large bank
import, a whole-school score export) goes on a queue
that `huey <https://huey.readthedocs.io>`_ keeps and a worker consumes:

- ``JOB_QUEUE`` names the queue's storage: ``sqlite:///path`` (the default:
  ``jobs.sqlite3`` in the instance folder, nothing to start), ``redis://…``
  or ``postgresql://…`` when a school outgrows one machine, ``memory`` for
  one process only (the tests).
- ``quizapp worker`` consumes it (``quizapp serve`` starts one beside
  gunicorn); with ``JOBS_IN_PROCESS`` (``quizapp run``, the tests) the
  process that enqueues also consumes, in a thread started on first use.

huey removes a task from the queue when a worker takes it, so a worker
killed mid-task loses it. The state that matters is not in the queue but in
the database: an article import or a :class:`~quizapp.models.BackgroundJob`
is ``pending`` or ``running`` with a heartbeat (``updated_at``), and the
``requeue_stalled`` of :mod:`quizapp.services.drafts` and
:mod:`quizapp.services.background` — run when a worker starts and every
minute — put any whose heartbeat stopped back on the queue. A re-run is
fenced by the row's ``attempt`` number and does no harm: an article import
resumes after its last committed chunk (no draft is stored twice), a bank
import discards what the killed run staged, an export writes its file anew.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from huey import Huey, MemoryHuey, PostgresHuey, RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer
from huey.exceptions import ConfigurationError

from quizapp.extensions import db
from quizapp.models._common import utcnow

log = logging.getLogger(__name__)

#: Tries of a failing import after the first, the first wait (seconds), and its growth.
RETRIES = 3
RETRY_DELAY = 10.0
RETRY_BACKOFF = 2.0
_KEY = "quizapp.jobs"
_lock = threading.Lock()


class QueueError(Exception):
    """The job queue cannot be used: a bad ``JOB_QUEUE`` or a broker that does not answer."""


def configure(app: Flask) -> None:
    """Fill in the job settings from the environment (``create_app`` calls this)."""
    config = app.config
    config.setdefault("JOB_QUEUE", os.environ.get("JOB_QUEUE")
                      or "sqlite:///" + str(Path(app.instance_path) / "jobs.sqlite3"))
    config.setdefault("JOB_QUEUE_NAME", os.environ.get("JOB_QUEUE_NAME", "quizapp"))
    config.setdefault("JOBS_IN_PROCESS", os.environ.get("QUIZAPP_JOBS_IN_PROCESS", "1") != "0")
    config.setdefault("JOB_RETRY_DELAY", RETRY_DELAY)
    config.setdefault("JOB_STALL_SECONDS", float(os.environ.get("JOB_STALL_SECONDS", 120)))
    config.setdefault("JOB_FILES", os.environ.get("JOB_FILES") or str(Path(app.instance_path) / "job-files"))
    config.setdefault("BANK_JOB_QUESTIONS", int(os.environ.get("BANK_JOB_QUESTIONS", 1000)))


def queue(app: Flask) -> Huey:
    """The app's huey instance with quizapp's tasks, made on first use."""
    state = app.extensions.get(_KEY)
    if state is None:
        with _lock:
            state = app.extensions.get(_KEY)
            if state is None:
                state = app.extensions[_KEY] = {"huey": _make(app), "consumer": None}
    return state["huey"]


def _storage(app: Flask) -> Huey:
    url = str(app.config["JOB_QUEUE"])
    name = app.config["JOB_QUEUE_NAME"]
    options = {"results": False, "utc": True}
    if url == "memory":
        return MemoryHuey(name, **options)
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name, filename=str(path), **options)
    try:
        if url.startswith(("redis://", "rediss://", "unix://")):
            return RedisHuey(name, url=url, blocking=True, read_timeout=1, **options)
        if url.startswith(("postgresql://", "postgres://")):
            return PostgresHuey(name, dsn=url.replace("postgres://", "postgresql://", 1), **options)
    except ConfigurationError:  # the broker's client library is missing
        extra = "redis" if url.startswith(("redis", "unix")) else "postgres"
        raise QueueError(f"JOB_QUEUE names a {extra} queue, but its client library is not installed: "
                         f"pip install 'quizapp[{extra}]'") from None
    raise QueueError(f"JOB_QUEUE {url.split(':', 1)[0]!r} is not a queue quizapp can use: "
                     "give sqlite:///path, redis://host:port/db, postgresql://… or memory")


def _make(app: Flask) -> Huey:
    from quizapp.services import background, drafts, lti_services  # the tasks' code; nothing from here at load time

    huey = _storage(app)
    delay = float(app.config["JOB_RETRY_DELAY"])

    @huey.task(retries=RETRIES, retry_delay=delay, retry_backoff=RETRY_BACKOFF, context=True, name="article_import")
    def article_import(import_id: int, task=None) -> None:
        drafts.run_queued(app, import_id, retries_left=task.retries if task is not None else 0,
                          next_delay=task.retry_delay if task is not None else delay)

    @huey.task(retries=RETRIES, retry_delay=delay, retry_backoff=RETRY_BACKOFF, context=True, name="background_job")
    def background_job(job_id: int, task=None) -> None:
        background.run_queued(app, job_id, retries_left=task.retries if task is not None else 0,
                              next_delay=task.retry_delay if task is not None else delay)

    @huey.task(retries=RETRIES, retry_delay=delay, retry_backoff=RETRY_BACKOFF, context=True, name="lti_grade")
    def lti_grade(grade_id: int, task=None) -> None:
        lti_services.run_queued(app, grade_id, retries_left=task.retries if task is not None else 0,
                                next_delay=task.retry_delay if task is not None else delay)

    def requeue_all() -> None:
        drafts.requeue_stalled(app)
        background.requeue_stalled(app)
        lti_services.requeue_stalled(app)

    huey.periodic_task(crontab(minute="*"), name="requeue_stalled")(requeue_all)
    huey.on_startup(name="requeue_stalled_at_start")(requeue_all)
    huey.quizapp_tasks = {"article_import": article_import, "background_job": background_job, "lti_grade": lti_grade}
    return huey


def enqueue(app: Flask, task: str, *args) -> None:
    """Put ``task(*args)`` on the queue; with ``JOBS_IN_PROCESS``, make sure this process consumes it.

    :raises QueueError: when the queue cannot take it (the broker is down).
    """
    try:
        queue(app).quizapp_tasks[task](*args)
    except QueueError:
        raise
    except Exception as exc:  # the broker's own errors: connection refused, a locked file, …
        log.exception("could not enqueue %s%r", task, args)
        raise QueueError(f"the job queue did not answer ({type(exc).__name__})") from exc
    if app.config["JOBS_IN_PROCESS"]:
        consume_in_process(app)


def waiting(app: Flask, task: str) -> set:
    """The first arguments of ``task`` runs waiting on the queue or scheduled for a retry."""
    huey = queue(app)
    name = huey.quizapp_tasks[task].name
    found = set()
    for item in [*huey.pending(), *huey.scheduled()]:
        if item.name == name and item.args:
            found.add(item.args[0])
    return found


def requeue_rows(app, model, task: str, max_attempts: int, give_up: str) -> int:
    """Put back on the queue the ``model`` rows (article imports, background jobs) that stalled.

    A pending or running row whose heartbeat (``updated_at``) is older than
    ``JOB_STALL_SECONDS`` and that is not waiting on the queue goes back to
    "pending" and on the queue for ``task``; after ``max_attempts`` runs it
    is failed with the message ``give_up`` instead, so work that stops its
    worker every time is not tried for ever. Returns how many were queued.
    """
    with app.app_context():
        before = utcnow() - dt.timedelta(seconds=float(app.config.get("JOB_STALL_SECONDS", 120)))
        stalled = [model.state.in_(("pending", "running")), model.updated_at < before]
        db.session.execute(
            sa.update(model).where(*stalled, model.attempt >= max_attempts)
            .values(state="failed", updated_at=utcnow(), message=give_up)
            .execution_options(synchronize_session=False)
        )
        waiting_ids = waiting(app, task)  # still on the queue behind others: not lost
        ids = [i for i in db.session.scalars(sa.select(model.id).where(*stalled)) if i not in waiting_ids]
        if ids:
            db.session.execute(
                sa.update(model).where(model.id.in_(ids), *stalled).values(state="pending", updated_at=utcnow())
                .execution_options(synchronize_session=False)
            )
        db.session.commit()
    for row_id in ids:
        log.warning("%s %s stalled; queued again", task, row_id)
        # the task itself, not enqueue: inside a worker that would start a second consumer
        queue(app).quizapp_tasks[task](row_id)
    return len(ids)


class Heartbeat:
    """Keep a running row's heartbeat (``updated_at``) fresh from a thread of its own while its work runs.

    A worker runs behind everything else on the machine, so on a busy one a
    chunk of work may take longer than ``JOB_STALL_SECONDS``; the heartbeat
    needs next to no CPU and goes on meanwhile, so that only a worker that
    is gone (killed, hung) has its job queued again, not a slow one. It
    beats only while the row is ``running`` under ``attempt``, and stops
    once a later run has taken the row over.
    """

    def __init__(self, model, row_id: int, attempt: int, app: Flask | None = None):
        from flask import current_app

        self.app = app or current_app._get_current_object()
        self.model, self.row_id, self.attempt = model, row_id, attempt
        self.every = max(0.1, float(self.app.config.get("JOB_STALL_SECONDS", 120)) / 4)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"heartbeat-{model.__tablename__}-{row_id}",
                                       daemon=True)

    def __enter__(self) -> "Heartbeat":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        self.thread.join()

    def _beat(self) -> None:
        model = self.model
        mine = (model.id == self.row_id, model.attempt == self.attempt, model.state == "running")
        with self.app.app_context():
            while not self.stopped.wait(self.every):
                try:
                    with db.engine.begin() as connection:
                        if not connection.execute(sa.update(model).where(*mine).values(updated_at=utcnow())).rowcount:
                            return  # done, failed, or taken over: nothing of this run to keep alive
                except Exception:  # a locked or unreachable database: the next beat tries again
                    log.warning("heartbeat of %s %s failed", model.__tablename__, self.row_id, exc_info=True)


def consume_in_process(app: Flask) -> None:
    """Start a consumer thread in this process (once): ``quizapp run`` and the tests need no worker."""
    queue(app)
    state = app.extensions[_KEY]
    with _lock:
        if state["consumer"] is not None:
            return
        consumer = _QuietConsumer(state["huey"], workers=1, worker_type="thread", initial_delay=0.05,
                                  backoff=1.5, max_delay=0.5, periodic=True, check_worker_health=False)
        consumer.start()
        state["consumer"] = consumer


class _QuietConsumer(Consumer):
    """A consumer inside another program (a request thread): the program keeps its own signal handlers."""

    def _set_signal_handlers(self) -> None:
        pass


def shutdown(app: Flask) -> None:
    """Stop this process's consumer thread (a running task finishes) and close the queue's connection."""
    state = app.extensions.pop(_KEY, None)
    if state is None:
        return
    if state["consumer"] is not None:
        state["consumer"].stop(graceful=True)
    state["huey"].storage.close()


def describe(app: Flask) -> str:
    """The queue in words, without a password: "the SQLite queue /srv/jobs.sqlite3"."""
    url = str(app.config["JOB_QUEUE"])
    if url.startswith("sqlite:///"):
        return f"the SQLite queue {url[len('sqlite:///'):]}"
    scheme, _, rest = url.partition("://")
    return f"the {scheme} queue {rest.rsplit('@', 1)[-1]} ({app.config['JOB_QUEUE_NAME']})"


def worker(app: Flask, workers: int = 1) -> Consumer:
    """The consumer ``quizapp worker`` runs: ``workers`` threads taking jobs from the queue."""
    return Consumer(queue(app), workers=workers, worker_type="thread", initial_delay=0.1, backoff=1.5,
                    max_delay=1.0, periodic=True, check_worker_health=True)
