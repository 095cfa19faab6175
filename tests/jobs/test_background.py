"""Issue 17: a large bank import and an export of all a teacher's classes run as jobs the teacher follows.

The jobs run on the test app's own queue, consumed in the test process (as
under `quizapp run`); tests/jobs/test_workers.py runs them in worker processes.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time

import openpyxl
import pytest
import sqlalchemy as sa

from quizapp.extensions import db
from quizapp.formats import get_format
from quizapp.models import BackgroundJob, BankUpload, Question
from quizapp.services import background, exports
from tests.conftest import csrf_token
from tests.export_helpers import build_school
from tests.security_world import log_in

PASSWORD = "correct horse"


def bank_file(count: int, prefix: str = "harbour") -> bytes:
    """A YAML bank of ``count`` true/false questions the project writes itself."""
    questions = [{"id": f"{prefix}-{n:04d}", "type": "true_false", "status": "draft",
                  "stem": f"Did ferry {n} leave the harbour on time?", "answer": n % 2 == 0} for n in range(count)]
    return get_format("yaml").serialize(questions).encode()


def upload(client, data: bytes, name: str = "harbour.yaml"):
    page = client.get("/teach/bank/import")
    return client.post("/teach/bank/import", data={"csrf_token": csrf_token(page.text),
                                                   "upload": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def follow(client, url: str, seconds: float = 60):
    """Watch a job's page, as the teacher does, until it stops refreshing itself; that last page."""
    deadline = time.monotonic() + seconds
    while 'http-equiv="refresh"' in (page := client.get(url)).text:
        assert time.monotonic() < deadline, page.text
        time.sleep(0.05)
    return page


def harbour_questions(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Question).where(Question.uid.like("harbour-%")))


@pytest.fixture
def tess(app, client, make_user):
    """A signed-in teacher (large files: 5 questions and up are imported by a job)."""
    app.config["BANK_JOB_QUESTIONS"] = 5
    user_id = make_user("tess", "teacher")
    page = client.get("/auth/login")
    client.post("/auth/login", data={"username": "tess", "password": PASSWORD, "csrf_token": csrf_token(page.text)})
    return user_id


# --- bank imports ---------------------------------------------------------------

def test_a_large_bank_file_is_imported_by_a_job_whose_page_the_teacher_follows(app, client, tess):
    preview = client.get(upload(client, bank_file(6)).location)
    assert "6 new" in preview.text and "imported in the background" in preview.text
    upload_id = int(re.search(r"/teach/bank/import/(\d+)/confirm", preview.text)[1])

    confirmed = client.post(f"/teach/bank/import/{upload_id}/confirm", data={"csrf_token": csrf_token(preview.text)})
    assert confirmed.status_code == 303 and re.fullmatch(r".*/teach/jobs/\d+", confirmed.location)
    page = follow(client, confirmed.location)
    assert "Done" in page.text and "Imported: 6 new, 0 changed, 0 unchanged." in page.text
    assert harbour_questions(app) == 6
    with app.app_context():
        assert db.session.get(BankUpload, upload_id) is None  # gone exactly when the import is done
    listing = client.get("/teach/jobs").text
    assert "Import of harbour.yaml (6 questions)" in listing and "Imported: 6 new" in listing

    # pressing Import again (a second tab) imports nothing more
    again = client.post(f"/teach/bank/import/{upload_id}/confirm", data={"csrf_token": csrf_token(preview.text)},
                        follow_redirects=True)
    assert again.status_code == 404 and "not waiting for confirmation any more" in again.text
    assert harbour_questions(app) == 6


def test_a_small_bank_file_is_still_imported_at_once(app, client, tess):
    preview = client.get(upload(client, bank_file(4)).location)
    assert "in the background" not in preview.text
    upload_id = int(re.search(r"/teach/bank/import/(\d+)/confirm", preview.text)[1])
    page = client.post(f"/teach/bank/import/{upload_id}/confirm", data={"csrf_token": csrf_token(preview.text)},
                       follow_redirects=True)
    assert "Imported: 4 new, 0 changed, 0 unchanged." in page.text
    assert harbour_questions(app) == 4
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(BackgroundJob)) == 0


def test_a_bank_import_job_whose_upload_went_away_fails_in_words_and_imports_nothing(app, client, tess, monkeypatch):
    preview = client.get(upload(client, bank_file(6)).location)
    upload_id = int(re.search(r"/teach/bank/import/(\d+)/confirm", preview.text)[1])
    real = background.bank.confirm_upload

    def upload_cleared_first(upload_id, teacher_id, **hooks):  # another tab imported it a moment before
        db.session.execute(sa.delete(BankUpload).where(BankUpload.id == upload_id))
        db.session.commit()
        return real(upload_id, teacher_id, **hooks)

    monkeypatch.setattr(background.bank, "confirm_upload", upload_cleared_first)
    confirmed = client.post(f"/teach/bank/import/{upload_id}/confirm", data={"csrf_token": csrf_token(preview.text)})
    page = follow(client, confirmed.location)
    assert "This did not work" in page.text and "Traceback" not in page.text
    assert "Nothing was done: This upload is not waiting for confirmation any more; upload the file again." in page.text
    assert harbour_questions(app) == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)
                                 .where(Question.status.like("pending:%"))) == 0  # nothing staged is left


# --- exports of all classes -------------------------------------------------------

def _export(client, **fields):
    page = client.get("/teach/exports")
    assert page.status_code == 200
    response = client.post("/teach/exports", data={"csrf_token": csrf_token(page.text), **fields})
    assert response.status_code == 303, response.text
    return response.location


def signed_in(app, school, name):
    """A browser of its own signed in as ``name`` (pytest-flask's ``client`` keeps its last request's
    context, whose ``g`` a second client's request would share)."""
    browser = app.test_client()
    log_in(browser, app, school.users[name])
    return browser


def test_a_teacher_exports_all_her_classes_by_a_job_and_downloads_the_file(app):
    school = build_school(app)
    client = signed_in(app, school, "tina")
    assert "Export all my classes" in client.get("/teach/classes").text
    job_url = _export(client, kind="gradebook", format="csv")
    page = follow(client, job_url)
    assert "Done" in page.text and "3 rows" in page.text and "ready to download" in page.text

    download = client.get(job_url + "/download")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert re.search(r'filename=scores-gradebook-\d{4}-\d\d-\d\d\.csv', download.headers["Content-Disposition"])
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True), newline="")))
    download.close()
    # Alpha's and Beta's learners, one row each; Omega (otto's class) and its quiz stay out
    assert sorted(r["learner"] for r in rows) == ["ann", "bob", "cat"]
    ann = next(r for r in rows if r["learner"] == "ann")
    assert ann["Alpha Quiz (alpha-quiz)"] == "75.0" and ann["The whole article (belarus-trainers)"] == "50.0"
    assert not any("omega" in header for header in rows[0])

    # another teacher neither sees the job nor gets its file
    other = signed_in(app, school, "otto")
    assert other.get(job_url).status_code == 404
    with other.get(job_url + "/download") as refused:
        assert refused.status_code == 404
    assert "Export of the gradebook" not in other.get("/teach/jobs").text


def test_every_answer_of_all_classes_exports_as_xlsx_and_json_lines(app):
    client = signed_in(app, build_school(app), "tina")
    sheet_url = _export(client, kind="responses", format="xlsx")
    assert "Done" in follow(client, sheet_url).text
    with client.get(sheet_url + "/download") as response:
        sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "learner" and {row[0] for row in rows[1:]} == {"ann", "bob"}
    assert "omega-quiz" not in {row[2] for row in rows[1:]}

    lines_url = _export(client, kind="responses", format="json")
    follow(client, lines_url)
    with client.get(lines_url + "/download") as response:
        records = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert len(records) == len(rows) - 1 and {r["learner"] for r in records} == {"ann", "bob"}


def test_an_export_of_all_classes_keeps_to_the_period_asked(app):
    client = signed_in(app, build_school(app), "tina")
    job_url = _export(client, kind="responses", format="json", since="2031-01-01")
    page = follow(client, job_url)
    assert "Export of the responses (all classes, 2031-01-01 to …, JSON)" in page.text
    assert "0 rows" in page.text  # every answer of the school was given before then
    page = client.get("/teach/exports")
    refused = client.post("/teach/exports", data={"csrf_token": csrf_token(page.text), "kind": "responses",
                                                  "format": "csv", "since": "2024-05-02", "until": "2024-05-01"})
    assert refused.status_code == 422 and "The period starts (2024-05-02) after it ends (2024-05-01)" in refused.text


def test_a_deleted_export_takes_its_file_with_it(app):
    client = signed_in(app, build_school(app), "tina")
    job_url = _export(client, kind="gradebook", format="csv")
    page = follow(client, job_url)
    job_id = int(job_url.rsplit("/", 1)[1])
    with app.app_context():
        path = background.export_path(db.session.get(BackgroundJob, job_id))
    assert path.is_file()
    response = client.post(f"{job_url}/delete", data={"csrf_token": csrf_token(page.text)}, follow_redirects=True)
    assert "Deleted." in response.text
    assert not path.exists()
    assert client.get(job_url).status_code == 404 and client.get(job_url + "/download").status_code == 404


def test_a_delete_without_its_csrf_token_changes_nothing(app):
    client = signed_in(app, build_school(app), "tina")
    job_url = _export(client, kind="gradebook", format="csv")
    follow(client, job_url)
    response = client.post(f"{job_url}/delete", data={})
    assert response.status_code == 400 and "reload the page and try again" in response.text.lower()
    with client.get(job_url + "/download") as download:
        assert download.status_code == 200 and download.get_data()


def test_an_export_that_keeps_failing_is_retried_then_says_so_in_words(app, monkeypatch):
    client = signed_in(app, build_school(app), "tina")
    calls = []
    real = exports.export_table

    def broken(kind, filters):
        table = real(kind, filters)
        calls.append(kind)
        if len(calls) > 1:  # the first call checks the form; every run of the job then fails
            raise RuntimeError("disk on fire")
        return table

    monkeypatch.setattr(exports, "export_table", broken)
    page = follow(client, _export(client, kind="gradebook", format="csv"))
    assert "This did not work" in page.text and "an unexpected error stopped it (it was logged)" in page.text
    assert "disk on fire" not in page.text
    assert len(calls) == 1 + 1 + 3  # the form's check, the first run and three retries


def test_a_queue_that_does_not_answer_fails_the_export_with_the_reason(app, client):
    import socket

    client = signed_in(app, build_school(app), "tina")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    app.config.update(JOB_QUEUE=f"redis://127.0.0.1:{closed}/0", JOBS_IN_PROCESS=False)
    page = client.get(_export(client, kind="gradebook", format="csv")).text
    assert "This did not work" in page and "the job queue did not answer" in page


def test_an_export_form_with_an_unknown_kind_is_refused_on_the_form(app):
    client = signed_in(app, build_school(app), "tina")
    page = client.get("/teach/exports")
    response = client.post("/teach/exports", data={"csrf_token": csrf_token(page.text), "kind": "passwords",
                                                   "format": "csv"})
    assert response.status_code == 422 and "Not a valid choice" in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(BackgroundJob)) == 0


# --- a run that lost its job ----------------------------------------------------------

def test_a_run_taken_over_by_a_later_one_can_neither_finish_nor_fail_the_job(app, make_user):
    teacher = make_user("tess", "teacher")
    with app.app_context():
        job = BackgroundJob(teacher_id=teacher, kind="score_export", title="Export", state="running", attempt=1,
                            params={"kind": "gradebook", "fmt": "csv", "file": "takeover"})
        db.session.add(job)
        db.session.commit()
        old = background.Run(job.id, 1)
        job.attempt, job.state = 2, "running"  # a worker queued it again and a second run claimed it
        db.session.commit()
        with pytest.raises(background.Superseded):
            old.beat()
        with pytest.raises(background.Superseded):
            old.finish("done by the old run")
        db.session.rollback()
        background._fail(old, "failed by the old run")
        db.session.expire_all()
        job = db.session.get(BackgroundJob, job.id)
        assert (job.state, job.attempt, job.message) == ("running", 2, None)
