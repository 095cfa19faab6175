"""Issue 17: articles become drafts in `quizapp worker` processes, through a real queue.

Each test runs real worker processes against the test's database and a
queue of each kind this machine has: the embedded SQLite queue always,
Redis when ``TEST_REDIS_URL`` names a server and PostgreSQL when the suite
runs on one (CI starts both; there a missing Redis fails the test).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import ArticleImport, BackgroundJob, BankUpload, Question
from quizapp.services import drafts as drafts_service
from tests.conftest import TEST_DATABASE_URL, csrf_token, redis_url
from tests.teach.test_drafts import import_id_of, long_article, start_import, teacher  # noqa: F401 (fixtures)

QUIZAPP = Path(sys.executable).with_name("quizapp")


def _queue_kinds() -> list[str]:
    kinds = ["sqlite", "redis"]
    if TEST_DATABASE_URL:
        kinds.append("postgresql")
    return kinds


@pytest.fixture(params=_queue_kinds())
def queue_url(request, tmp_path) -> str:
    """A JOB_QUEUE value of each kind: the embedded SQLite file, a Redis server, a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'jobs.sqlite3'}"
    if request.param == "redis":
        return redis_url()
    return TEST_DATABASE_URL.replace("postgresql+psycopg://", "postgresql://")


@pytest.fixture
def queued(app, queue_url):
    """The web app puts jobs on the queue and runs none itself, as under `quizapp serve`."""
    app.config.update(JOB_QUEUE=queue_url, JOBS_IN_PROCESS=False)
    return app


class Workers:
    """`quizapp worker` processes on the test's database and queue; killed at the end."""

    def __init__(self, database_url: str, app, tmp_path: Path):
        self.env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "worker-test",
                    "JOB_QUEUE": app.config["JOB_QUEUE"], "JOB_QUEUE_NAME": app.config["JOB_QUEUE_NAME"],
                    "JOB_STALL_SECONDS": "1", "JOB_FILES": app.config["JOB_FILES"]}
        self.tmp_path = tmp_path
        self.processes: list[subprocess.Popen] = []
        self.logs: list[Path] = []
        self.killed: set[int] = set()

    def start(self) -> subprocess.Popen:
        log = self.tmp_path / f"worker-{len(self.processes)}.log"
        with open(log, "w") as out:
            process = subprocess.Popen([str(QUIZAPP), "worker"], env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        self.processes.append(process)
        self.logs.append(log)
        return process

    def log(self, n: int) -> str:
        return self.logs[n].read_text()

    def died(self) -> list[str]:
        """The logs of workers that exited without being killed here."""
        return [self.log(n) for n, p in enumerate(self.processes) if p.poll() is not None and p.pid not in self.killed]

    def kill(self, process: subprocess.Popen) -> None:
        self.killed.add(process.pid)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)

    def stop_all(self) -> None:
        for process in self.processes:
            self.kill(process)


@pytest.fixture
def workers(database_url, queued, tmp_path):
    pool = Workers(database_url, queued, tmp_path)
    yield pool
    pool.stop_all()


def _state(app, import_id: int) -> tuple[str, int, int, int]:
    with app.app_context():
        db.session.expire_all()
        job = db.session.get(ArticleImport, import_id)
        return job.state, job.done_steps, job.total_steps, job.attempt


def _wait(app, import_id: int, done, what: str, seconds: float = 90, workers: Workers | None = None):
    deadline = time.monotonic() + seconds
    while True:
        state = _state(app, import_id)
        if done(state):
            return state
        logs = "\n".join(workers.log(n)[-2000:] for n in range(len(workers.logs))) if workers else ""
        assert time.monotonic() < deadline, f"{what}: import {import_id} is {state}\n{logs}"
        assert not (workers and workers.died()), f"a worker exited:\n{logs}"
        time.sleep(0.01)


def _stems(app, import_id: int) -> list[tuple[str, str]]:
    with app.app_context():
        return list(db.session.execute(
            sa.select(Question.type, Question.stem).where(Question.import_id == import_id)).all())


def test_a_worker_process_turns_a_pasted_article_into_drafts(client, teacher, queued, workers):
    import_id = import_id_of(start_import(client, "Harbour ferries", "2024-03-06", long_article(30)))
    assert _state(queued, import_id)[0] == "pending"  # the web process queued it and did not run it
    workers.start()
    _wait(queued, import_id, lambda s: s[0] == "done", "the worker never finished", workers=workers)
    assert "drafts to review" in client.get(f"/teach/imports/{import_id}").text
    assert _stems(queued, import_id)
    assert "Executing quizapp.jobs.article_import" in workers.log(0)
    # and it ran behind the learners: nice 19, and on Linux the idle scheduling class
    worker = workers.processes[0]
    assert os.getpriority(os.PRIO_PROCESS, worker.pid) == 19
    if hasattr(os, "SCHED_IDLE"):
        assert os.sched_getscheduler(worker.pid) == os.SCHED_IDLE


def test_a_worker_killed_mid_article_is_replaced_and_the_article_is_finished_once(client, teacher, queued, workers):
    text = long_article(160)
    import_id = import_id_of(start_import(client, "Harbour ferries", "2024-03-06", text))
    first = workers.start()
    # the first chunk is committed, the rest is not: kill the worker there, with no chance to clean up
    _wait(queued, import_id, lambda s: s[0] == "running" and 0 < s[1] < s[2], "no chunk was committed",
          workers=workers)
    workers.kill(first)
    state, done_steps, total, attempt = _state(queued, import_id)
    assert state == "running" and done_steps < total and attempt == 1
    time.sleep(1.2)  # the heartbeat is now older than JOB_STALL_SECONDS
    workers.start()
    state, done_steps, total, attempt = _wait(queued, import_id, lambda s: s[0] == "done", "never finished",
                                              workers=workers)
    assert (done_steps, attempt) == (total, 2)  # run again once, from where it stopped
    assert "stalled; queued again" in workers.log(1)
    made = _stems(queued, import_id)
    assert len(made) == len(set(made))  # no draft stored twice

    # the same article run once, without interruption, makes exactly the same drafts
    queued.config["DRAFTS_RUN_INLINE"] = True
    again = import_id_of(start_import(client, "Harbour ferries again", "2024-03-06", text))
    assert sorted(_stems(queued, again)) == sorted(made)


def _job(app, job_id: int) -> tuple[str, int, int]:
    """A background job's state and attempt, and how many questions an import has staged but not made live."""
    with app.app_context():
        db.session.expire_all()
        job = db.session.get(BackgroundJob, job_id)
        staged = db.session.scalar(sa.select(sa.func.count()).select_from(Question)
                                   .where(Question.status.like("pending:%")))
        return job.state, job.attempt, staged


def _wait_job(app, job_id: int, done, what: str, workers: Workers, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while not done(state := _job(app, job_id)):
        logs = "\n".join(workers.log(n)[-2000:] for n in range(len(workers.logs)))
        assert time.monotonic() < deadline, f"{what}: job {job_id} is {state}\n{logs}"
        assert not workers.died(), f"a worker exited:\n{logs}"
        time.sleep(0.01)
    return state


def _confirm_large_bank_file(app, client, teacher: int, rows: int) -> int:
    """A teacher confirms the import of a ``rows``-question file; the web process queues it. The job's id."""
    from tests.teach.test_bank_import_large import big_csv, staged_upload

    app.config["BANK_JOB_QUESTIONS"] = 1000
    upload_id = staged_upload(app, teacher, big_csv(rows))
    token = csrf_token(client.get("/teach/bank/import").text)
    response = client.post(f"/teach/bank/import/{upload_id}/confirm", data={"csrf_token": token})
    assert response.status_code == 303 and "/teach/jobs/" in response.location, response.text
    return int(response.location.rsplit("/", 1)[1])


def test_a_worker_killed_mid_bank_import_is_replaced_and_the_file_is_imported_once(client, teacher, queued, workers):
    rows = 10_000
    job_id = _confirm_large_bank_file(queued, client, teacher, rows)
    assert _job(queued, job_id) == ("pending", 0, 0)  # queued by the web process, not run by it
    first = workers.start()
    # the first chunks are staged (pending, seen by nobody), the last transaction has not run: kill it there
    _wait_job(queued, job_id, lambda s: s[0] == "running" and s[2] >= 1000, "nothing was staged", workers)
    workers.kill(first)
    state, attempt, staged = _job(queued, job_id)
    assert (state, attempt) == ("running", 1) and 0 < staged < rows
    assert re.search(r"[\d,]+ of 10,000 new questions written", client.get(f"/teach/jobs/{job_id}").text)
    time.sleep(1.2)  # the heartbeat is now older than JOB_STALL_SECONDS
    workers.start()
    state, attempt, staged = _wait_job(queued, job_id, lambda s: s[0] in ("done", "failed"), "never finished", workers)
    assert (state, attempt, staged) == ("done", 2, 0)  # run again once; what the killed run staged is gone
    assert "stalled; queued again" in workers.log(1)
    with queued.app_context():
        live = db.session.scalar(sa.select(sa.func.count()).select_from(Question).where(Question.uid.like("big-%")))
        assert live == rows  # each question of the file once
        assert db.session.scalar(sa.select(sa.func.count()).select_from(BankUpload)) == 0
    page = client.get(f"/teach/jobs/{job_id}").text
    assert f"Imported: {rows} new, 0 changed, 0 unchanged." in page


def test_a_worker_writes_the_export_of_all_classes_and_the_web_process_serves_it(app, queued, workers):
    from tests.export_helpers import build_school
    from tests.security_world import log_in

    school = build_school(queued)
    tina = queued.test_client()
    log_in(tina, queued, school.users["tina"])
    token = csrf_token(tina.get("/teach/exports").text)
    response = tina.post("/teach/exports", data={"csrf_token": token, "kind": "gradebook", "format": "csv"})
    job_id = int(response.location.rsplit("/", 1)[1])
    assert _job(queued, job_id)[0] == "pending"
    workers.start()
    _wait_job(queued, job_id, lambda s: s[0] == "done", "the export never finished", workers)
    with tina.get(f"/teach/jobs/{job_id}/download") as download:
        assert download.status_code == 200
        assert sorted(line.split(",")[0] for line in download.get_data(as_text=True).splitlines()[1:]) == [
            "ann", "bob", "cat"]
    assert "Executing quizapp.jobs.background_job" in workers.log(0)


def test_two_workers_share_one_queue_and_run_each_article_once(client, teacher, queued, workers):
    # nothing is killed here: a stall threshold no busy CI machine reaches, so that every run counts
    workers.env["JOB_STALL_SECONDS"] = "60"
    ids = [import_id_of(start_import(client, f"Harbour ferries {n}", "2024-03-06", long_article(90)))
           for n in range(4)]
    workers.start()
    workers.start()
    for import_id in ids:
        state = _wait(queued, import_id, lambda s: s[0] == "done", "never finished", workers=workers)
        assert state[3] == 1  # one run each: no article was taken by both workers
    # both workers took articles; a worker starting may queue again an article the other had just
    # taken and not yet claimed (at-least-once), and that second run finds it claimed and does nothing:
    # every article above was run under attempt 1
    ran = [workers.log(n).count("Executing quizapp.jobs.article_import") for n in range(2)]
    assert all(ran) and sum(ran) >= len(ids), ran


def test_a_failing_article_is_retried_then_fails_in_words_a_teacher_understands(app, client, teacher, monkeypatch):
    """The in-process consumer (`quizapp run`, the tests) retries with backoff like a worker."""
    calls = []

    def broken(article, **options):
        calls.append(time.monotonic())
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(drafts_service, "generate_questions", broken)
    app.config["JOB_RETRY_DELAY"] = 1.0  # then 2 and 4 seconds (huey's scheduler wakes once a second)
    import_id = import_id_of(start_import(client, "Harbour ferries", "2024-03-06", long_article(3)))
    url = f"/teach/imports/{import_id}"
    deadline = time.monotonic() + 40
    while "Making the drafts failed" not in (page := client.get(url).text):
        assert time.monotonic() < deadline, page
        time.sleep(0.05)
    assert "an unexpected error (it was logged)" in page and "disk on fire" not in page
    assert len(calls) == 1 + 3  # the first run and three retries
    # backoff: each retry waits at least its delay (1, 2, then 4 s); the scheduler's once-a-second wake
    # may add up to a second more to any of them, so two neighbouring waits are not compared with each other
    waits = [b - a for a, b in zip(calls, calls[1:])]
    assert waits[0] >= 0.9 and waits[1] >= 1.9 and waits[2] >= 3.9, waits
    assert _state(app, import_id)[0] == "failed"


def test_a_slow_run_keeps_its_heartbeat_and_is_not_queued_again(app, client, teacher, monkeypatch):
    """A worker behind everything else on a busy machine may take longer than JOB_STALL_SECONDS over a
    chunk: its heartbeat goes on from a thread of its own, so the import is not taken from it."""
    app.config["JOB_STALL_SECONDS"] = 1.0
    real = drafts_service.generate_questions

    def starved(article, **options):
        time.sleep(2.5)  # a chunk that takes longer than JOB_STALL_SECONDS
        return real(article, **options)

    monkeypatch.setattr(drafts_service, "generate_questions", starved)
    import_id = import_id_of(start_import(client, "Harbour ferries", "2024-03-06", long_article(3)))
    _wait(app, import_id, lambda s: s[0] == "running", "the import never started")
    time.sleep(1.6)  # more than JOB_STALL_SECONDS into the chunk, with nothing committed
    assert drafts_service.requeue_stalled(app) == 0
    state = _wait(app, import_id, lambda s: s[0] == "done", "the import never finished")
    assert state[3] == 1  # one run, never taken over


def test_a_worker_refuses_a_queue_it_cannot_share(database_url, tmp_path):
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "x", "JOB_QUEUE": "memory"}
    result = subprocess.run([str(QUIZAPP), "worker"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "JOB_QUEUE=memory lives inside one process" in result.stderr and "Traceback" not in result.stderr


def test_an_unknown_queue_is_one_clear_line(database_url):
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "x", "JOB_QUEUE": "amqp://broker/"}
    result = subprocess.run([str(QUIZAPP), "worker"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "'amqp' is not a queue quizapp can use" in result.stderr and "Traceback" not in result.stderr


def test_a_queue_that_does_not_answer_leaves_the_article_saved_with_a_retry(client, teacher, app):
    app.config.update(JOB_QUEUE=f"redis://127.0.0.1:{_closed_port()}/0", JOBS_IN_PROCESS=False)
    import_id = import_id_of(start_import(client, "Harbour ferries", "2024-03-06", long_article(3)))
    page = client.get(f"/teach/imports/{import_id}").text
    assert "The article is saved, but the job queue did not answer" in page and "Try again" in page


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_queue_is_named_without_its_password():
    from flask import Flask

    from quizapp import jobs

    app = Flask(__name__)
    app.config.update(JOB_QUEUE="redis://quiz:s3cret@cache.school.example:6379/2", JOB_QUEUE_NAME="quizapp")
    assert "s3cret" not in jobs.describe(app) and "cache.school.example:6379/2" in jobs.describe(app)
