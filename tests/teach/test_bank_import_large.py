"""A large bank import does not starve learners (issue 14, point 8), and stays all or nothing.

Since issue 17 a file this large is imported by a job (a worker; here the
test process's own consumer thread) while the teacher watches its page.

The import writes its new questions in chunks, each its own short
transaction, so SQLite's writer lock is free between them; they stay pending
(seen by nobody) until one short last transaction makes them live.
Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import threading
import time

import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.models import Answer, Attempt, AuditEvent, BankUpload, Question, Quiz, QuestionVersion
from quizapp.services import attempts, bank
from tests.conftest import count
from tests.quiz.test_taking import answer_fields
from tests.security_world import csrf_for, log_in

ROWS = 20_000
QUIZ = "belarus-trainers"


def big_csv(rows: int = ROWS) -> bytes:
    lines = ["id,type,stem,correct"]
    lines += [f"big-{n:06d},true_false,Is {n} even?,{'true' if n % 2 == 0 else 'false'}" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def answer_slots(app, learner_ids: list[int]) -> list[tuple[int, str, dict]]:
    """(learner, url, form) for every question of an attempt of each learner."""
    slots = []
    with app.app_context():
        quiz = db.session.scalar(sa.select(Quiz).filter_by(slug=QUIZ))
        for learner in learner_ids:
            attempt = attempts.start_attempt(quiz, learner)
            for position in range(1, len(attempt.layout) + 1):
                slot = attempts.slot(attempt, position)
                slots.append((learner, f"/attempts/{attempt.id}/q/{position}", answer_fields(slot.data, slot.order)))
    return slots


def staged_upload(app, teacher: int, content: bytes) -> int:
    with app.app_context():
        return bank.stage_upload(teacher, "big.csv", content).id


def confirm(app, teacher: int, upload_id: int):
    """The teacher presses Import on the preview page of a large file and watches the job's page
    (issue 17: it imports in the background) until it is over; that last page."""
    client = app.test_client()
    log_in(client, app, teacher)
    response = client.post(f"/teach/bank/import/{upload_id}/confirm", data={"csrf_token": csrf_for(client, app)})
    assert response.status_code == 303 and "/teach/jobs/" in response.location, response.text
    deadline = time.monotonic() + 120
    while 'http-equiv="refresh"' in (page := client.get(response.location)).text:
        assert time.monotonic() < deadline, page.text
        time.sleep(0.05)
    return page


def in_background(work) -> tuple[threading.Thread, dict]:
    result: dict = {}

    def run() -> None:
        started = time.monotonic()
        try:
            result["value"] = work()
        except BaseException as exc:  # reported by the test
            result["error"] = exc
        result["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def big_rows(app) -> int:
    with app.app_context():
        return db.session.scalar(count(Question).where(Question.uid.like("big-%")))


def test_answers_go_in_while_a_large_csv_import_is_written(app, make_user):
    teacher = make_user("tess", "teacher")
    learners = [make_user(f"lena{n}") for n in range(4)]
    slots = answer_slots(app, learners)
    clients = {}
    for learner in learners:
        clients[learner] = app.test_client()
        log_in(clients[learner], app, learner)
        clients[learner].token = csrf_for(clients[learner], app)
    upload_id = staged_upload(app, teacher, big_csv())

    importer, imported = in_background(lambda: confirm(app, teacher, upload_id))
    waits = []  # (seconds the answer took, whether the import was still running when it was sent)
    while importer.is_alive() and slots:
        learner, url, form = slots.pop(0)
        running, sent = importer.is_alive(), time.monotonic()
        response = clients[learner].post(url, data={**form, "csrf_token": clients[learner].token})
        assert response.status_code == 302, response.text
        waits.append((time.monotonic() - sent, running))
        time.sleep(0.02)
    importer.join(timeout=120)

    assert "error" not in imported, imported.get("error")
    page = imported["value"]
    assert page.status_code == 200 and f"Imported: {ROWS} new, 0 changed, 0 unchanged" in page.text
    assert big_rows(app) == ROWS
    with app.app_context():
        assert db.session.scalar(count(Question).where(Question.current_version_id.is_(None))) == 0
        assert db.session.scalar(count(BankUpload)) == 0
        stored = db.session.scalar(count(Answer).join(Attempt).where(Attempt.user_id.in_(learners)))
    during = [seconds for seconds, running in waits if running]
    assert len(during) >= 5, f"only {len(during)} answers were sent during a {imported['seconds']:.1f} s import"
    assert stored == len(waits)  # every answer sent is stored
    longest = max(during)
    assert longest < 2 and longest < imported["seconds"] / 3, (
        f"an answer waited {longest:.2f} s during a {imported['seconds']:.2f} s import")


def test_a_failure_midway_leaves_nothing_of_the_file(app, make_user):
    teacher, other = make_user("tess", "teacher"), make_user("otto", "teacher")
    upload_id = staged_upload(app, teacher, big_csv())
    with app.app_context():
        before = (db.session.scalar(count(Question)), db.session.scalar(count(QuestionVersion)),
                  db.session.scalar(count(AuditEvent)))

    importer, imported = in_background(lambda: confirm(app, teacher, upload_id))
    # once the import is under way, another teacher imports a file holding the import's last question
    with app.app_context():
        while importer.is_alive() and not db.session.scalar(count(QuestionVersion)) > before[1]:
            db.session.rollback()  # a fresh snapshot for the next look
            time.sleep(0.005)
        assert importer.is_alive(), "the import ended before it could be interrupted"
        # what is written so far shows nowhere: not in the bank's pages, not in a download
        looker = app.test_client()
        log_in(looker, app, other)
        bank_page = looker.get("/teach/questions")
        assert bank_page.status_code == 200 and "even?" not in bank_page.text
        assert "even?" not in looker.get("/teach/bank/export?format=csv").text
        last = f"big-{ROWS - 1:06d}"
        bank.import_questions([{"id": last, "type": "true_false", "stem": "Taken first?", "answer": True}],
                              author_id=other)
    importer.join(timeout=120)

    assert "error" not in imported, imported.get("error")
    page = imported["value"]
    assert page.status_code == 200 and "Someone changed the bank at the same moment" in page.text
    assert "Imported:" not in page.text and "This did not work" in page.text
    assert f"/teach/bank/import/{upload_id}" in page.text  # back to the preview, to import again
    assert big_rows(app) == 1  # the other teacher's question, nothing of the file
    with app.app_context():
        assert db.session.scalar(count(Question)) == before[0] + 1
        assert db.session.scalar(count(QuestionVersion)) == before[1] + 1
        assert db.session.scalar(count(AuditEvent)) == before[2] + 1
        assert db.session.get(BankUpload, upload_id) is not None  # the teacher can look again and retry
