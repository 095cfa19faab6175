"""Issue 17: `quizapp serve` keeps its job workers running, and a killed one loses no article."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import ArticleImport
from tests.live.server import Browser, Server
from tests.teach.test_drafts import long_article


def job_workers(server: Server) -> list[int]:
    """The pids of the `quizapp worker` processes the server started."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == server.process.pid and b"worker" in command:
            found.append(int(entry.name))
    return found


def wait_for(what: str, check, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while not (result := check()):
        assert time.monotonic() < deadline, what
        time.sleep(0.05)
    return result


def test_serve_replaces_a_killed_job_worker_and_the_article_is_finished(database_url, app, make_user):
    make_user("tess", "teacher")
    with Server(database_url, workers=1, job_workers=1, JOB_STALL_SECONDS="1") as server:
        first = wait_for("serve started no job worker", lambda: job_workers(server))
        assert len(first) == 1
        browser = Browser()
        browser.submit(server.url + "/auth/login", server.url + "/auth/login",
                       {"username": "tess", "password": "correct horse"})
        status, _, location = browser.submit(server.url + "/teach/imports/new", server.url + "/teach/imports/new",
                                             {"title": "Harbour ferries", "published": "2024-03-06",
                                              "text": long_article(160), "url": ""})
        assert status == 302, server.output()
        import_id = int(location.rsplit("/", 1)[-1])

        def progress():
            with app.app_context():
                db.session.expire_all()
                return db.session.execute(sa.select(ArticleImport.state, ArticleImport.done_steps,
                                                    ArticleImport.total_steps, ArticleImport.attempt)
                                          .where(ArticleImport.id == import_id)).one()

        wait_for("no chunk was committed", lambda: progress()[0] == "running" and 0 < progress()[1] < progress()[2])
        os.kill(first[0], signal.SIGKILL)  # mid-article, no chance to clean up
        second = wait_for("the job worker was not replaced", lambda: [p for p in job_workers(server) if p != first[0]])
        assert len(second) == 1
        state, done, total, attempt = wait_for("the article was never finished",
                                               lambda: (p := progress())[0] == "done" and p, seconds=90)
        assert (done, attempt) == (total, 2)
        _, page, _ = browser.get(server.url + location)
        assert "drafts to review" in page


def test_a_job_worker_yields_the_cpu_to_every_other_session_and_ends_with_serve(database_url):
    """Started in a session of its own with the lowest share of the CPU (not only within gunicorn's
    session), and stopped by itself when serve is killed outright, not left running."""
    server = Server(database_url, workers=1, job_workers=1)
    try:
        worker = wait_for("serve started no job worker", lambda: job_workers(server))[0]
        assert os.getsid(worker) == worker != os.getsid(server.process.pid)
        wait_for("the worker never lowered its priority", lambda: os.getpriority(os.PRIO_PROCESS, worker) == 19)
        wait_for("the worker never started consuming", lambda: "quizapp worker:" in server.output())
        if hasattr(os, "SCHED_IDLE"):
            assert os.sched_getscheduler(worker) == os.SCHED_IDLE
        autogroup = Path(f"/proc/{worker}/autogroup")
        if autogroup.exists():  # Linux with autogroups: the session's weight is that of nice 19
            assert autogroup.read_text().split()[-1] == "19"
        server.stop(signal.SIGKILL)  # serve and gunicorn die at once; the worker is in another session
        wait_for("the job worker outlived serve", lambda: not Path(f"/proc/{worker}").exists()
                 or (Path(f"/proc/{worker}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"), seconds=30)
    finally:
        server.stop()
