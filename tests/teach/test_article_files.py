"""Articles from saved web pages, Word documents and PDFs, and the files that are refused.

The pages under tests/data/pages are written for the project in the shapes
real news sites use (a WordPress blog, a news site with a cookie banner and
JSON-LD, adverts and "Read more" links inside the text, figures with
credits, a paywall prompt, an old table layout, embeds and an author box, a
regional paper's stamps and buttons); each .json beside a page holds its
title, date and paragraphs.
"""

from __future__ import annotations

import collections
import io
import json
import re
import zipfile
from pathlib import Path

import docx
import pytest
from pypdf import PdfWriter
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.generator import parse_article
from quizapp.models import Article, ArticleImport, Question
from quizapp.services.article_files import read_upload
from quizapp.services.errors import InvalidInput
from tests.conftest import csrf_token
from tests.teach.test_drafts import import_id_of, inline, start_import, teacher  # noqa: F401

PAGES = sorted((Path(__file__).resolve().parent.parent / "data" / "pages").glob("*.html"))
BOILERPLATE = ("cookies", "Accept all", "Related stories", "Recent Posts", "Leave a Reply", "waste of our taxes",
               "Advertisement", "Win a luxury cruise", "Recommended for you", "Sign up for our free newsletter",
               "Most read", "Trending", "Subscribe for 1 euro", "covers local news", "Photo: Staff photographer",
               "More from News", "Proudly powered by WordPress", "Listen to this article")


def count(model):
    return select(func.count()).select_from(model)


def _tokens(text: str) -> collections.Counter:
    return collections.Counter(re.findall(r"\w+", text.casefold()))


def kept(page: Path) -> tuple[float, float, object, dict]:
    """Precision and recall of the words the app keeps from a page, against the page's article."""
    expected = json.loads(page.with_suffix(".json").read_text("utf-8"))
    article = parse_article(read_upload(page.name, page.read_bytes()))
    want, got = _tokens(" ".join(expected["paragraphs"])), _tokens(article.body)
    right = sum((want & got).values())
    return right / max(1, sum(got.values())), right / max(1, sum(want.values())), article, expected


def test_the_corpus_has_ten_pages_or_more():
    assert len(PAGES) >= 10


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_a_saved_page_yields_its_article_and_metadata_without_the_page_around_it(page):
    precision, recall, article, expected = kept(page)
    assert recall >= 0.95, article.body
    assert precision >= 0.75, article.body
    assert not [b for b in BOILERPLATE if b in article.body]
    assert article.body.count("\n\n") >= len(expected["paragraphs"]) - 1  # paragraphs kept
    assert article.published and article.published.isoformat() == expected["published"]
    if "table-layout" not in page.stem:  # an old page titles itself "Site: headline"
        assert article.title == expected["title"]


def test_over_the_corpus_nine_words_in_ten_kept_are_the_article():
    figures = [kept(page)[:2] for page in PAGES]
    assert sum(p for p, _ in figures) / len(figures) >= 0.95
    assert sum(r for _, r in figures) / len(figures) >= 0.99


def test_a_page_date_is_never_guessed_from_a_copyright_line():
    html = ("<html><head><title>Ferry back</title></head><body><article><h1>Ferry back</h1>"
            "<p>Ferries to Hollum Island resumed on Sunday after the storm damaged the pier last week.</p>"
            "<p>The harbour master said the first boat left at six in the morning.</p></article>"
            "<footer>&copy; 2019 The Fjord Post</footer></body></html>")
    article = parse_article(read_upload("ferry.html", html.encode()))
    assert article.published is None
    assert article.body.startswith("Ferries to Hollum Island")


def test_uploading_a_saved_page_fills_title_and_date_and_the_form_still_wins(client, teacher, inline, app):
    page = PAGES[0]
    expected = json.loads(page.with_suffix(".json").read_text("utf-8"))
    first = import_id_of(start_import(client, upload=(io.BytesIO(page.read_bytes()), page.name)))
    second = import_id_of(start_import(client, title="My own title", published="2025-06-01",
                                       upload=(io.BytesIO(page.read_bytes()), page.name)))
    with app.app_context():
        one = db.session.get(ArticleImport, first).article
        two = db.session.get(ArticleImport, second).article
        assert (one.title, one.published.isoformat()) == (expected["title"], expected["published"])
        assert one.source and one.author
        assert (two.title, two.published.isoformat()) == ("My own title", "2025-06-01")
        assert db.session.scalar(count(Question).where(Question.import_id == first)) > 0
    html = client.get(f"/teach/imports/{first}").text
    assert "drafts to review" in html


def _docx(paragraphs: list[str], title: str | None = None) -> bytes:
    document = docx.Document()
    if title:
        document.core_properties.title = title
        document.add_heading(title, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_word_document_becomes_an_article_with_its_title(client, teacher, inline, app):
    expected = json.loads(PAGES[0].with_suffix(".json").read_text("utf-8"))
    data = _docx(expected["paragraphs"], title=expected["title"])
    import_id = import_id_of(start_import(client, published="2025-02-03", upload=(io.BytesIO(data), "ferry.docx")))
    with app.app_context():
        article = db.session.get(ArticleImport, import_id).article
        assert article.title == expected["title"]
        assert article.body.split("\n\n") == expected["paragraphs"]
        assert db.session.scalar(count(Question).where(Question.import_id == import_id)) > 0


def _pdf(lines_per_page: list[list[str]]) -> bytes:
    """A small PDF whose pages show the given lines in Helvetica (a text layer, as a word processor writes)."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", None, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for lines in lines_per_page:
        ops = ["BT", "/F1 11 Tf", "14 TL", "72 760 Td"]
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops += [f"({escaped}) Tj", "T*"] if line else ["T*"]
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream.decode('latin-1')}\nendstream")
        content = len(objects)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content} 0 R "
                       "/Resources << /Font << /F1 3 0 R >> >> >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def test_a_text_pdf_becomes_paragraphs_again(client, teacher, inline, app):
    page_one = [
        "Ferries to Hollum Island resumed on Sunday, four days after a storm damaged",
        "the main pier and cut the island off from the mainland, the operator said.",
        "",
        "\"We worked through the night to make the pier safe,\" said Ingrid Dahl, the har-",
        "bour master, who has run the port for eleven years and knows every boat.",
        "The first boat left at six.",
    ]
    page_two = ["About 1,200 people live on the island, which depends on the ferry for food,",
                "fuel and medicine."]
    data = _pdf([page_one, page_two])
    text = read_upload("ferry.pdf", data)
    assert text.split("\n\n") == [
        "Ferries to Hollum Island resumed on Sunday, four days after a storm damaged the main pier and cut the "
        "island off from the mainland, the operator said.",
        "\"We worked through the night to make the pier safe,\" said Ingrid Dahl, the harbour master, who has run "
        "the port for eleven years and knows every boat. The first boat left at six.",
        "About 1,200 people live on the island, which depends on the ferry for food, fuel and medicine.",
    ]
    import_id = import_id_of(start_import(client, title="Ferry back", published="2025-02-03",
                                          upload=(io.BytesIO(data), "ferry.pdf")))
    with app.app_context():
        assert db.session.scalar(count(Question).where(Question.import_id == import_id)) > 0


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b" " * (60 * 1024 * 1024) + b"</w:document>")
    return out.getvalue()


def _scan() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _locked() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(("filename", "content", "message"), [
    ("bomb.docx", _zip_bomb(), "bomb.docx: the document expands to 60 MB"),
    ("broken.docx", b"PK\x03\x04 not really a zip", "broken.docx: this is not a Word document (.docx) that can be read"),
    ("scan.pdf", _scan(), "scan.pdf: this PDF has no text, only images (a scan?)"),
    ("locked.pdf", _locked(), "locked.pdf: this PDF is protected by a password"),
    ("broken.pdf", b"%PDF-1.7 some article", "broken.pdf: this PDF is damaged and cannot be read"),
    ("menu.html", b"<html><body><nav><a href='/'>Home</a></nav><script>x()</script></body></html>",
     "menu.html: no article text was found on this page"),
    ("slides.pptx", b"PK\x03\x04", "slides.pptx: only .txt, .md, .html, .docx and .pdf files can be imported"),
])
def test_files_that_hold_no_article_say_why_and_change_nothing(client, teacher, inline, app, filename, content,
                                                                message):
    with app.app_context():
        before = [db.session.scalar(count(m)) for m in (Article, ArticleImport, Question)]
    response = start_import(client, title="Anything", upload=(io.BytesIO(content), filename))
    assert response.status_code == 422
    assert message in response.text.replace("&#39;", "'").replace("&#34;", '"')
    with app.app_context():
        assert [db.session.scalar(count(m)) for m in (Article, ArticleImport, Question)] == before


def test_a_fifty_megabyte_upload_gets_a_page_that_says_so(client, teacher, app):
    token = csrf_token(client.get("/teach/imports/new").text)
    boundary = "quizapp-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nBig\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"big.txt\"\r\n"
            "Content-Type: text/plain\r\n\r\n").encode() + b"a" * (50 * 1024 * 1024) + f"\r\n--{boundary}--\r\n".encode()
    # the body as bytes, as a browser sends it (the test client's own file for large forms is left to the app)
    response = client.post("/teach/imports/new", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413
    assert "File too large" in response.text and "nothing was saved" in response.text
    with app.app_context():
        assert db.session.scalar(count(ArticleImport)) == 0


def test_read_upload_names_the_file_in_its_message():
    with pytest.raises(InvalidInput) as caught:
        read_upload("scan.pdf", _scan())
    assert str(caught.value).startswith("scan.pdf: ")
