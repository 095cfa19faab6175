"""The teacher's bank import page (upload, preview, confirm) and bank downloads, CSRF on."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
import sqlalchemy as sa
import yaml
from markupsafe import escape

from quizapp.extensions import db
from quizapp.formats import parse
from quizapp.models import BankUpload, Question, QuestionVersion
from quizapp.services import bank
from tests.conftest import count, csrf_token

PASSWORD = "teacher password"


@pytest.fixture
def teacher(make_user, auth):
    """A logged-in teacher; returns their id."""
    user_id = make_user("tess", "teacher", PASSWORD)
    auth.login("tess", PASSWORD)
    return user_id


def snapshot(app) -> tuple:
    with app.app_context():
        versions = db.session.execute(sa.select(QuestionVersion.id, QuestionVersion.content_hash)
                                      .order_by(QuestionVersion.id)).all()
        statuses = db.session.execute(sa.select(Question.uid, Question.status).order_by(Question.id)).all()
    return versions, statuses


def upload(client, filename: str, content: bytes):
    page = client.get("/teach/bank/import")
    assert page.status_code == 200
    return client.post("/teach/bank/import", content_type="multipart/form-data",
                       data={"upload": (io.BytesIO(content), filename), "csrf_token": csrf_token(page.text)})


def edited_bank(client) -> tuple[bytes, str, str]:
    """The bank downloaded as YAML, its first stem edited, one question added."""
    response = client.get("/teach/bank/export?format=yaml")
    assert response.status_code == 200
    data = yaml.safe_load(response.data)
    first = data["questions"][0]
    old_stem = first["stem"]
    first["stem"] = "An edited stem?"
    data["questions"].append({"id": "uploaded-new", "type": "true_false", "stem": "Uploads work?",
                              "answer": True, "status": "draft"})
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode(), first["id"], old_stem


def upload_id_of(response) -> int:
    assert response.status_code == 302, response.text
    match = re.fullmatch(r"/teach/bank/import/(\d+)", response.location)
    assert match, response.location
    return int(match.group(1))


def test_upload_preview_then_confirm_imports_the_stored_file(app, client, teacher, scalar):
    before = snapshot(app)
    content, edited, old_stem = edited_bank(client)
    upload_id = upload_id_of(upload(client, "bank.yaml", content))

    preview = client.get(f"/teach/bank/import/{upload_id}")
    assert preview.status_code == 200
    assert "1 new, 1 changed" in preview.text
    assert "Uploads work?" in preview.text  # stems of new questions
    assert "An edited stem?" in preview.text and str(escape(old_stem)) in preview.text
    assert "<code>stem</code>" in preview.text  # what changed, field by field
    assert snapshot(app) == before  # a preview writes no question
    # the confirmation names the stored upload and nothing else: no questions travel through the browser
    hidden = re.findall(r'<input[^>]*type="hidden"[^>]*>', preview.text)
    assert all('name="csrf_token"' in tag for tag in hidden)

    stale = client.post(f"/teach/bank/import/{upload_id}/confirm", data={})
    assert stale.status_code == 400 and snapshot(app) == before  # no CSRF token, nothing imported

    done = client.post(f"/teach/bank/import/{upload_id}/confirm", data={"csrf_token": csrf_token(preview.text)},
                       follow_redirects=True)
    assert done.status_code == 200 and "Imported: 1 new, 1 changed" in done.text
    assert scalar(sa.select(Question.stem).filter_by(uid=edited)) == "An edited stem?"
    assert scalar(sa.select(Question.status).filter_by(uid="uploaded-new")) == "draft"
    assert scalar(sa.select(Question.created_by_id).filter_by(uid="uploaded-new")) == teacher
    assert scalar(count(BankUpload)) == 0  # the upload is gone once imported
    again = client.post(f"/teach/bank/import/{upload_id}/confirm", data={"csrf_token": csrf_token(preview.text)})
    assert again.status_code == 404


@pytest.mark.parametrize("fmt", ["yaml", "json", "csv", "xml", "gift"])
def test_a_downloaded_bank_uploads_back_unchanged(app, client, teacher, fmt):
    download = client.get(f"/teach/bank/export?format={fmt}")
    assert download.status_code == 200
    assert f'.{fmt}"' in download.headers["Content-Disposition"]
    upload_id = upload_id_of(upload(client, f"bank.{fmt}", download.data))
    preview = client.get(f"/teach/bank/import/{upload_id}")
    assert re.search(r"0 new, 0 changed,\s+\d+ unchanged", preview.text)
    assert "there is nothing to import" in preview.text


def test_a_bad_question_is_listed_with_its_line_and_nothing_is_imported_before_confirming(app, client, teacher, scalar):
    # issue 15: the preview lists the question that cannot be imported; the teacher decides
    before = snapshot(app)
    questions = [{"id": f"q{n}", "type": "true_false", "stem": f"Question {n}?", "answer": True} for n in range(1, 10)]
    questions.append({"id": "q10", "type": "true_false", "stem": "Question 10?", "answer": "maybe"})
    text = yaml.safe_dump({"questions": questions}, sort_keys=False)
    line = text.splitlines().index("- id: q10") + 1
    response = upload(client, "ten.yaml", text.encode())
    preview = client.get(response.headers["Location"])
    assert "9 new, 0 changed, 0 unchanged, 1 skipped (cannot be imported)." in preview.text
    assert f"ten.yaml:{line}:" in preview.text and "q10" in preview.text
    assert snapshot(app) == before


def test_a_file_with_no_importable_question_shows_its_line_and_keeps_nothing(app, client, teacher, scalar):
    before = snapshot(app)
    text = yaml.safe_dump({"questions": [{"id": "q10", "type": "true_false", "stem": "Q?", "answer": "maybe"}]})
    response = upload(client, "one.yaml", text.encode())
    assert response.status_code == 422
    assert "one.yaml:2:" in response.text and "q10" in response.text
    assert snapshot(app) == before and scalar(count(BankUpload)) == 0


@pytest.mark.parametrize(("filename", "content", "message"), [
    ("bank.docx", b"PK", "cannot tell the bank format from the extension"),
    ("bank.gift", b"\xff\xfe\x00bad", "bank.gift"),
    ("bank.gift", b"", "bank.gift"),
    ("bank.yaml", b"x" * 2049, "bank.yaml: the file is 2 KB; the limit is 2 KB"),
])
def test_unreadable_uploads_are_refused_with_a_message(client, teacher, scalar, monkeypatch, filename, content, message):
    # a small limit: werkzeug's test client spools bodies over 500 KB to a file it never closes
    monkeypatch.setattr(bank, "MAX_UPLOAD_BYTES", 2048)
    response = upload(client, filename, content)
    assert response.status_code == 422
    assert message in response.text and "Traceback" not in response.text
    assert scalar(count(BankUpload)) == 0


def test_an_upload_without_a_file_asks_for_one(client, teacher):
    page = client.get("/teach/bank/import")
    response = client.post("/teach/bank/import", data={"csrf_token": csrf_token(page.text)},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose a bank file to upload." in response.text


def test_another_teachers_upload_is_not_found(app, client, teacher, auth, make_user):
    content, _, _ = edited_bank(client)
    upload_id = upload_id_of(upload(client, "bank.yaml", content))
    auth.logout()
    make_user("otto", "teacher", PASSWORD)
    auth.login("otto", PASSWORD)
    assert client.get(f"/teach/bank/import/{upload_id}").status_code == 404
    page = client.get("/teach/bank/import")
    response = client.post(f"/teach/bank/import/{upload_id}/confirm", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 404


def test_downloads_in_every_format(app, client, teacher):
    with app.app_context():
        exported = bank.export_bank()
    yaml_download = client.get("/teach/bank/export?format=yaml")
    assert parse(yaml_download.get_data(as_text=True), "yaml") == exported
    deck = client.get("/teach/bank/export?format=apkg&quiz=belarus-trainers-dates")
    assert deck.status_code == 200 and deck.mimetype == "application/octet-stream"
    assert 'filename="belarus-trainers-dates-' in deck.headers["Content-Disposition"]
    assert "collection.anki2" in zipfile.ZipFile(io.BytesIO(deck.data)).namelist()
    drafts = client.get("/teach/bank/export?format=json&status=retired")
    assert drafts.status_code == 400  # the seed bank has no retired question: nothing to export
    assert client.get("/teach/bank/export?format=pdf").status_code == 400
    assert client.get("/teach/bank/export?format=json&status=lost").status_code == 400
    assert client.get("/teach/bank/export?format=apkg&quiz=nope").status_code == 404


def test_the_teacher_home_links_to_the_import_page(client, teacher):
    assert 'href="/teach/bank/import"' in client.get("/teach/").text


@pytest.mark.parametrize("url", ["/teach/bank/import", "/teach/bank/import/1", "/teach/bank/export?format=yaml"])
def test_learners_are_refused_and_visitors_sent_to_log_in(client, auth, make_user, url):
    response = client.get(url)
    assert response.status_code == 302 and "/auth/login" in response.location
    make_user("lena", "learner", PASSWORD)
    auth.login("lena", PASSWORD)
    assert client.get(url).status_code == 403
    page = client.get("/")
    token = csrf_token(page.text)
    assert client.post("/teach/bank/import/1/confirm", data={"csrf_token": token}).status_code == 403
    assert client.post("/teach/bank/import", data={"csrf_token": token}).status_code == 403
