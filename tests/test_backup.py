"""`quizapp backup OUT` while answers are being written, and the restore in docs/backup.md."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import threading
import time

import pytest
import sqlalchemy as sa

from quizapp.app import create_app
from quizapp.extensions import db
from quizapp.models import Answer, Attempt, Question, QuestionFile, Quiz, User
from tests.conftest import POSTGRES, make_config
from tests.media_helpers import b64, file_element, multichoice, png, quiz
from tests.live.server import QUIZAPP


def _snapshot(app) -> dict:
    with app.app_context():
        count = lambda model: db.session.scalar(sa.select(sa.func.count()).select_from(model))  # noqa: E731
        sums = dict(db.session.execute(
            sa.select(Answer.attempt_id, sa.func.coalesce(sa.func.sum(Answer.score), 0.0)).group_by(Answer.attempt_id)
        ).all())
        scores = dict(db.session.execute(sa.select(Attempt.id, Attempt.score)).all())
        images = dict(db.session.execute(sa.select(QuestionFile.sha256, QuestionFile.data)).all())
        return {"users": count(User), "questions": count(Question), "attempts": count(Attempt),
                "answers": count(Answer), "sums": sums, "scores": scores, "images": images}


IMAGE = png(5, 3, (10, 120, 240))


def _import_an_image_question(app) -> None:
    from quizapp import formats
    from quizapp.services import bank

    text = quiz(multichoice("backup-image", '<img src="@@PLUGINFILE@@/sky.png" alt="sky">', file_element("sky.png", IMAGE)))
    with app.app_context():
        bank.import_questions(formats.parse(text, "xml", source="sky.xml"), None, "xml", source="sky.xml")


class Writer(threading.Thread):
    """Records answers, one by one, through the attempts service until stopped."""

    def __init__(self, app, attempt_ids: list[int]):
        super().__init__(daemon=True)
        self.app, self.attempt_ids = app, attempt_ids
        self.stop = threading.Event()
        self.written = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        from quizapp.services import attempts

        try:
            with self.app.app_context():
                layouts = {a: len(db.session.get(Attempt, a).layout) for a in self.attempt_ids}
                for position in range(1, max(layouts.values()) + 1):
                    for attempt_id in self.attempt_ids:
                        if self.stop.is_set():
                            return
                        if position > layouts[attempt_id]:
                            continue
                        attempt = db.session.get(Attempt, attempt_id)
                        slot = attempts.slot(attempt, position)
                        attempts.record_answer(attempt, position, _right(slot.data), 500)
                        self.written += 1
                        db.session.expire_all()
                        time.sleep(0.003)
        except BaseException as exc:  # reported by the test
            self.error = exc


def _right(data: dict):
    """A right response in canonical form, for the seed bank's types."""
    qtype = data["type"]
    if qtype == "multiple_choice":
        return max(range(len(data["choices"])), key=lambda i: data["choices"][i]["weight"])
    if qtype == "multiple_response":
        return [i for i, c in enumerate(data["choices"]) if c["weight"] > 0]
    if qtype == "true_false":
        return data["answer"]
    if qtype == "short_answer":
        return data["accepted"][0]["text"]
    if qtype == "matching":
        return [p["match"] for p in data["pairs"] if p.get("prompt")]
    if qtype == "ordering":
        return list(data["items"])
    raise AssertionError(qtype)


def _restore(backup_file, tmp_path) -> str:
    """The restore of docs/backup.md into a fresh database; returns its URL."""
    if POSTGRES is None:
        restored = tmp_path / "restored.sqlite"
        shutil.copy(backup_file, restored)
        return f"sqlite:///{restored}"
    name = POSTGRES.create()
    url = POSTGRES.url(name)
    libpq = sa.make_url(url).set(drivername="postgresql")
    env = {**os.environ}
    if libpq.password:
        env["PGPASSWORD"] = libpq.password
    result = subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error",
         "--dbname", libpq.set(password=None).render_as_string(hide_password=False), str(backup_file)],
        capture_output=True, text=True, env=env,
    )
    assert result.returncode == 0, result.stderr
    return url


def _cli(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(QUIZAPP), *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "DATABASE_URL": url, "SECRET_KEY": "backup-test"})


def test_backup_taken_while_answers_are_written_restores_consistent_data(app, database_url, make_user, tmp_path):
    from quizapp.services import attempts

    learners = [make_user(f"writer{n}") for n in range(4)]
    _import_an_image_question(app)
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz).filter_by(slug="belarus-trainers"))
        attempt_ids = [attempts.start_attempt(quiz, uid).id for uid in learners]
    writer = Writer(app, attempt_ids)
    writer.start()
    try:
        while writer.written < 5 and writer.is_alive():
            time.sleep(0.01)
        before = _snapshot(app)["answers"]
        out = tmp_path / "backups" / "quizapp.backup"
        out.parent.mkdir()
        result = _cli(database_url, "backup", str(out))
        assert result.returncode == 0, result.stderr
        assert "Backed up" in result.stderr and "Traceback" not in result.stderr
        after = _snapshot(app)["answers"]
    finally:
        writer.stop.set()
        writer.join(timeout=30)
    assert writer.error is None, repr(writer.error)
    assert before < after, "no answers were written during the backup"
    assert [p.name for p in out.parent.iterdir()] == ["quizapp.backup"], "a temporary file was left behind"

    url = _restore(out, tmp_path)
    result = _cli(url, "init-db")  # docs/backup.md: upgrade the restored schema (a no-op when current)
    assert result.returncode == 0, result.stderr
    restored_app = create_app(make_config(url))
    restored = _snapshot(restored_app)
    source = _snapshot(app)
    assert restored["users"] == source["users"] and restored["questions"] == source["questions"]
    assert restored["attempts"] == source["attempts"]
    assert restored["images"] == source["images"] and IMAGE in source["images"].values()  # images are counted
    assert before <= restored["answers"] <= after
    for attempt_id, score in restored["scores"].items():  # a consistent snapshot: no answer without its score
        assert score == pytest.approx(restored["sums"].get(attempt_id, 0.0)), f"attempt {attempt_id}"
    if POSTGRES is None:
        with sqlite3.connect(out) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # the restored database serves the app: a learner logs in and sees their attempt
    client = restored_app.test_client()
    from tests.conftest import AuthActions

    assert AuthActions(client).login("writer0").status_code == 302
    assert client.get(f"/attempts/{attempt_ids[0]}/q/1").status_code == 200
    with restored_app.app_context():  # and its questions export with their images
        from quizapp.services import bank

        assert b64(IMAGE) in bank.export_as("xml", status="draft").data.decode()
        db.engine.dispose()


def test_backup_refuses_a_missing_directory(database_url, tmp_path):
    out = tmp_path / "no" / "such" / "dir" / "backup"
    result = _cli(database_url, "backup", str(out))
    assert result.returncode == 1
    assert "Error:" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_backup_of_a_missing_sqlite_file_fails_cleanly(tmp_path):
    # an explicit SQLite URL: this runs the same on the PostgreSQL pass
    result = _cli(f"sqlite:///{tmp_path / 'nothing.sqlite'}", "backup", str(tmp_path / "out"))
    assert result.returncode == 1 and "no SQLite database file" in result.stderr
    assert not (tmp_path / "out").exists()
